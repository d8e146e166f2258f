"""ST: stock and dates (seed checks 4 and 5: 开展在库商品抽检，清理腐败变质等异常商品；抽检商品日期，处理过期商品，
对临期商品加以说明).

Every inventory lot is checked against the audit date, the promotion window and the product page
that sells it:

ST001 expired lot still sellable or on sale (and dated goods without any date) · ST002 lot expires
during the promotion · ST003 near-expiry lot on sale without a notice on its page · ST004 abnormal
stock (damaged, spoiled, frozen, quarantined, recalled...) counted as sellable, negative quantities ·
ST005 the page promises stock that is not there · ST006 a scarcity claim (仅剩3件, only 2 left) the stock
contradicts (it raises or lowers AD005's finding on the claim).

ST001-ST004 report one finding per cause: the lots of one SKU in one warehouse flagged for one reason
make one finding, described by the first of them to expire and naming up to ten lot numbers, their count
and total quantity (the warehouse pulls them together; an export of a million lots made a finding a lot).
The workbook's Stock sheet lists the lots one by one (past 100,000 lots, the ones to act on).

A lot's expiry is the export's expiry date, else its production date plus its shelf life (read by
the export readers).  Status words, disclosure words and the categories that need dates are data
(``words.toml``, Simplified, Traditional and English).  No rule reads the real date: the audit date
(``--today``) and the promotion (``[promotion]`` / ``--promotion``) decide.
"""

from checker_rules.stock._common import keeps_sentence, words
from checker_rules.stock._sheet import stock_sheets

from checker.engine import RulePack

PACK = RulePack(
    prefix="ST",
    area_zh="库存与日期",
    area_en="Stock and dates",
    check="4/5. 在库商品抽检、抽检商品日期 — stock and dates",
    needs=("source:inventory", "products"),
    preflight=words,
    docs=__doc__,
    sheets=stock_sheets,
    keep_sentence=keeps_sentence,
)
