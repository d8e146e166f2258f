"""AD: advertising-law wording (seed check 2: 筛查主图、详情页文案是否夸大虚假宣传).

Six product-scope rules, one per category, all driven by the TOML lexicon in ``lexicon/`` and
sharing one Aho-Corasick matcher (``matcher.py``):

AD001 absolute/superlative · AD002 false authority · AD003 medical/efficacy · AD004 guarantees ·
AD005 time pressure · AD006 superstition.
"""

from checker_rules.ad import (  # noqa: F401  (importing registers the rules)
    ad001_absolute,
    ad002_authority,
    ad003_medical,
    ad004_guarantee,
    ad005_urgency,
    ad006_superstition,
)
