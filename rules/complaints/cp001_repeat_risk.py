from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from checker_rules.complaints._common import CONSUMER_LAW, Entry, complaint_view, ids_text, sample
from pydantic import BaseModel, ConfigDict, Field

from checker.engine import Rule, register
from checker.models import Finding, Severity


class RepeatRiskOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_count: int = Field(default=2, ge=2)  # one complaint is not a pattern
    window_days: int = Field(default=180, ge=1)  # counted back from the audit date
    group_by: Literal["sku", "product", "brand"] = "sku"  # product: the variants of one page together
    count_resolved: bool = False  # closed complaints (处理结果 已解决 / resolved) count too


@register
class RepeatRisk(Rule):
    """A product on sale keeps drawing complaints of one cause: it will draw them again.

    What it checks:
        Past complaints (``kind = "complaints"`` sources), each classified by cause (type column, else
        reason, else the customer's words; ``causes.toml``).  A SKU of this audit (a page, a store API,
        the catalog or inventory) with at least ``min_count`` complaints of one product cause (not as
        described, quality, size, price, expired, damaged, out of stock, false advertising) received in
        the ``window_days`` before the audit date is flagged, with the count, the first and last dates,
        the complaint ids and two sample texts.  ``group_by = "product"`` counts the variants of one
        page together, ``"brand"`` one brand's products.  Not counted: complaints outside the window or
        undated, closed ones (处理结果 已解决 / resolved; ``count_resolved = true`` counts them),
        unclassified ones, and delivery, staff and refund complaints (logistics, service attitude,
        after-sales), which the product cannot repeat: the Complaints sheet lists those.

    Why it matters:
        A cause that drew two complaints in six months draws more in a promotion's volume; a repeated
        cause after a complaint is what regulators and platforms judge most harshly (消费者权益保护法
        第二十三条、第二十四条).

    How to fix:
        Read the complaints, fix the cause on the page, the lot or the size chart before the promotion,
        and mark the complaints resolved in the service system once fixed.
    """

    code = "CP001"
    name = "complaints.repeat-risk"
    summary = "同一原因的投诉反复出现 / Complaints of one cause keep coming back"
    severity = Severity.WARNING
    scope = "site"
    legal_basis = CONSUMER_LAW
    Options = RepeatRiskOptions

    def check(self, _site, ctx) -> Iterator[Finding]:
        if not ctx.complaints:
            return
        opts = self.options
        view = complaint_view(ctx)
        groups: dict[tuple[str, str], dict[str, Entry]] = {}  # (group, cause) -> complaint id -> entry
        first_sku: dict[str, str] = {}
        for sku in sorted(view.by_sku):
            if sku not in view.known:
                continue
            product = view.products.get(sku)
            if opts.group_by == "product" and product is not None:
                group = product.url
            elif opts.group_by == "brand" and product is not None and product.brand:
                group = f"brand:{product.brand}"
            else:
                group = sku
            first_sku.setdefault(group, sku)
            for cause, entries in view.product_causes(sku, ctx.today, opts.window_days,
                                                      count_resolved=opts.count_resolved).items():
                for entry in entries:  # an order naming two SKUs of one group is one complaint
                    groups.setdefault((group, cause), {}).setdefault(entry.id, entry)
        for (group, cause_id), by_id in groups.items():
            if len(by_id) < opts.min_count:
                continue
            entries = sorted(by_id.values(), key=lambda e: (e.complaint.received, e.id))
            sku = first_sku[group]
            product = view.products.get(sku)
            cause = view.taxonomy.causes[cause_id]
            first, last = entries[0].complaint.received, entries[-1].complaint.received
            samples = [sample(e) for e in entries[-2:]]
            who = sku if group == sku else f"{sku} ({group.removeprefix('brand:')})"
            yield self.finding(
                f"{who} 在 {opts.window_days} 天内有 {len(entries)} 起「{cause.zh}」投诉（{first} 至 {last}：{ids_text(entries)}），"
                f"促销前未解决将再次发生 / {len(entries)} complaints of \"{cause.en}\" about {who} in the last "
                f"{opts.window_days} days ({first} to {last}: {ids_text(entries)}); it will happen again in the "
                f"promotion unless fixed. 例 e.g.: " + " | ".join(samples),
                sku=sku, url=product.url if product is not None else None, field="complaints", evidence=cause_id,
                suggestion="促销前排查并消除该投诉原因 / Find and fix the cause before the promotion",
                cause=cause_id, count=len(entries), first=str(first), last=str(last),
                complaint_ids=[e.id for e in entries], samples=samples, group=group,
            )
