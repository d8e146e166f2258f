"""The workbook's Complaints sheet: what the service team's complaints say, by cause.

Sections, one under the other: causes by count, causes by month, the top SKUs of each cause, the
complaints no cause fits (listed, never guessed), SKUs the audit does not know, and each complaint
with the findings it escalated (CP002).  Every CP rule offers the sheet; the workbook writes it once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from checker_rules.complaints._common import ComplaintView, Entry, complaint_view, ids_text

from checker.models import Finding
from checker.reports.sheetwriter import BOLD, HEADER, WRAP, Cell

SHEET_NAME = "Complaints"
WIDTHS = [28, 18, 14, 12, 14, 12, 50, 30]
TOP_SKUS = 5
UNCLASSIFIED = ("未分类", "unclassified")


def complaints_sheet(rule, ctx, findings: list[Finding]):
    """The Complaints sheet as ``(name, widths, rows)``; None without complaints."""
    if not ctx.complaints:
        return None
    window = getattr(rule.options, "window_days", None) or 180
    return SHEET_NAME, WIDTHS, _rows(complaint_view(ctx), ctx.today, window, findings)


def _title(text: str) -> list[Any]:
    return [Cell(text, BOLD)]


def _header(*names: str) -> list[Any]:
    return [Cell(n, HEADER) for n in names]


def _label(view: ComplaintView, cause: str | None) -> str:
    if cause is None:
        return " / ".join(UNCLASSIFIED)
    return view.taxonomy.causes[cause].label


def _rows(view: ComplaintView, today, window: int, findings: list[Finding]) -> Iterator[list[Any]]:
    entries = view.entries
    causes = [*view.taxonomy.causes, None]
    by_cause: dict[str | None, list[Entry]] = {c: [] for c in causes}
    for entry in entries:
        by_cause[entry.cause.cause].append(entry)

    yield _title(f"投诉按原因 Complaints by cause（共 {len(entries)} 起 / {len(entries)} in all, 审计日期 audit date {today}）")
    yield _header("原因 Cause", "代码 Id", "针对商品 Product", "投诉数 Count", f"近 {window} 天 Last {window} days",
                  "已解决 Resolved", "对应规则 Rule families")
    for cause in sorted(causes, key=lambda c: (c is None, -len(by_cause[c]))):
        group = by_cause[cause]
        info = view.taxonomy.causes.get(cause) if cause else None
        yield [_label(view, cause), cause or "none",
               ("是 yes" if info.product else "否 no (物流/服务 delivery, staff)") if info else "",
               len(group), sum(e.within(today, window) for e in group), sum(e.resolved for e in group),
               ", ".join(info.families) if info else ""]
    yield []

    per_month = Counter(((d.year, d.month) if (d := e.complaint.received) else None, e.cause.cause) for e in entries)
    months = sorted({m for m, _ in per_month if m is not None})
    used = [c for c in causes if by_cause[c]]
    yield _title("投诉按月 Complaints by month")
    yield _header("月份 Month", *[_label(view, c) for c in used], "合计 Total")
    for month in [*months, None] if any(m is None for m, _ in per_month) else months:
        counts = [per_month[(month, c)] for c in used]
        yield [f"{month[0]}-{month[1]:02d}" if month else "无日期 undated", *counts, sum(counts)]
    yield []

    yield _title(f"各原因投诉最多的 SKU Top {TOP_SKUS} SKUs per cause")
    yield _header("原因 Cause", "SKU", "审计中 In audit", "投诉数 Count", "最近 Latest", "", "投诉单号 Complaint ids")
    for cause in used:
        per_sku: dict[str, list[Entry]] = {}
        for entry in by_cause[cause]:
            for sku in entry.complaint.all_skus:
                per_sku.setdefault(sku, []).append(entry)
        for sku, group in sorted(per_sku.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP_SKUS]:
            latest = max((e.complaint.received for e in group if e.complaint.received), default=None)
            yield [_label(view, cause), sku, "是 yes" if sku in view.known else "否 no", len(group),
                   str(latest or ""), "", Cell(ids_text(group), WRAP)]
    yield []

    yield _title("未分类投诉 Unclassified complaints（未匹配任何原因，请人工归类或补充 causes.toml / no cause "
                 "matched: classify by hand or add the phrases to causes.toml）")
    yield _header("投诉单号 Complaint id", "日期 Date", "SKU", "类型 Type", "原因 Reason", "", "内容 Text", "来源 Source")
    for entry in by_cause[None]:
        c = entry.complaint
        yield [entry.id, str(c.received or ""), ", ".join(c.all_skus), c.category or "", c.reason or "", "",
               Cell(c.detail, WRAP), str(c.source or "")]
    yield []

    unknown = view.unknown_skus()
    yield _title("未知 SKU Unknown SKUs（页面、后台、库存中都没有：已下架或写错 / on no page, in no catalog or "
                 "inventory: discontinued or mistyped）")
    yield _header("SKU", "投诉数 Count", "", "", "", "", "投诉单号 Complaint ids")
    for sku, group in sorted(unknown.items()):
        yield [sku, len(group), "", "", "", "", Cell(ids_text(group, limit=50), WRAP)]
    yield []

    yield _title("投诉与其升级的问题 Complaints and the findings they escalated (CP002)")
    yield _header("投诉单号 Complaint id", "代码 Code", "SKU", "严重程度 Severity", "原级别 Was", "", "问题 Message",
                  "指纹 Fingerprint")
    for f in findings:
        for complaint_id in f.repeat_of:
            yield [complaint_id, f.code, f.sku or "", f.severity.value, f.extra.get("severity_before", ""), "",
                   Cell(f.message.splitlines()[0], WRAP), f.fingerprint]
