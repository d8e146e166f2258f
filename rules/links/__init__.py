"""LN: backend and link configuration (seed check 1: 检查后台及各个链接配置).

Pages that do not open, broken images, links to dead or off-shelf products, redirect chains,
insecure resources on https pages, and structured data the page's theme broke.
"""

from checker.engine import RulePack

PACK = RulePack(
    prefix="LN",
    area_zh="链接配置",
    area_en="Links",
    check="1. 检查后台及各个链接配置 — backend and link configuration",
    needs=("pages",),
    docs=__doc__,
)
