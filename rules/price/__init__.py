"""PR: prices (seed check 3: 核对商品价格和尺寸规格, the price half).

Every price a shopper sees must agree with the backend, and no discount may be fake:

PR001 page price ≠ backend (and structured data ≠ visible price) · PR002 sale price above the list price ·
PR003 discount claim the numbers do not give · PR004 reference price above the recent low (SAMR 7 days,
EU 30 days) · PR005 implausible price (typos, 0, a title range the variants miss) · PR006 live product
without a price · PR007 product page where no product could be read (price and wording not checked).

Prices are read by the one parser of pages and exports (``checker/prices.py``); a value it cannot
read (``¥--``, ``面议``, ``TBD``) is an info finding that says so, never a silent pass.
"""

from checker.engine import RulePack

PACK = RulePack(
    prefix="PR",
    area_zh="价格",
    area_en="Prices",
    check="3. 核对商品价格和尺寸规格 — prices",
    needs=("products", "prices", "source:catalog", "source:prices"),
    docs=__doc__,
)
