"""AD: advertising-law wording (seed check 2: 筛查主图、详情页文案是否夸大虚假宣传).

Six product-scope rules, one per category, all driven by the TOML lexicon in ``lexicon/`` and
sharing one Aho-Corasick matcher (``matcher.py``):

AD001 absolute/superlative · AD002 false authority · AD003 medical/efficacy · AD004 guarantees ·
AD005 time pressure · AD006 superstition.
"""

from checker.engine import RulePack

PACK = RulePack(
    prefix="AD",
    area_zh="广告用语",
    area_en="Ad wording",
    check="2. 筛查主图、详情页文案 — exaggerated or false advertising",
    needs=("products",),
    docs=__doc__,
)
