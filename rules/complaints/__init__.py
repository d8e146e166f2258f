"""CP: complaint history (seed check 6: 对历史投诉事件进行筛查，避免重犯).

Past complaints are classified by cause (``causes.toml``: not as described, quality defect, wrong
size, price dispute, expired, damaged, out of stock / late shipment, false advertising, logistics,
service attitude, after-sales; from the type column, else the reason, else the customer's words) and
fed back into the audit:

CP001 a product's complaints repeat one cause within the window · CP002 a finding of another family
on a SKU whose past complaints share its cause is raised one level and marked as a repeat · CP003 a
claim complained about (说是纯棉其实是涤纶, not waterproof) is still on the product's page.

Two workbook sheets: 投诉原因 Complaint causes (causes by count and by month, the top SKUs of each)
and 投诉 Complaints (every complaint with its cause or 未分类 unclassified, SKUs the audit does not know,
and the findings it escalated).  SKUs are matched as the other packs match them: case and spaces ignored.
"""

from checker_rules.complaints._sheet import complaint_sheets
from checker_rules.complaints.claims import keeps_sentence

from checker.engine import RulePack

PACK = RulePack(
    prefix="CP",
    area_zh="历史投诉",
    area_en="Complaint history",
    check="6. 历史投诉筛查 — repeats of past complaint causes",
    docs=__doc__,
    sheets=complaint_sheets,
    needs=("source:complaints", "products"),
    keep_sentence=keeps_sentence,
)
