"""The workbook's complaint sheets (``RulePack.sheets``), written when the audit read complaints:

* 投诉原因 Complaint causes -- one row per cause (and one for the unclassified): how many, how many in
  the window and closed, the rules that show it again, its top SKUs, and one column per month;
* 投诉 Complaints -- one row per complaint, to filter: its cause and the phrase that decided it (or
  未分类 unclassified: listed, never guessed), SKUs the audit does not know (discontinued, mistyped),
  and the findings it escalated (CP002 records them on the shared complaint view).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from checker_rules.complaints._common import ComplaintView, Entry, complaint_view

from checker.catalog import sku_key
from checker.engine.pack import PackSheet

WINDOW_DAYS = 180  # CP001's default: the "last N days" column
TOP_SKUS = 5
UNCLASSIFIED = "未分类 / unclassified"

CAUSE_COLUMNS: list[tuple[str, int]] = [
    ("原因 Cause", 30), ("代码 Id", 13), ("针对商品 Product", 16), ("投诉数 Count", 10),
    (f"近{WINDOW_DAYS}天 Last {WINDOW_DAYS} days", 12), ("已解决 Resolved", 10), ("对应规则 Rules", 22),
    ("最多的 SKU Top SKUs", 46),
]
COMPLAINT_COLUMNS: list[tuple[str, int]] = [
    ("投诉单号 Complaint id", 18), ("日期 Date", 11), ("SKU", 24), ("原因 Cause", 26), ("依据 Decided by", 24),
    ("处理结果 Outcome", 12), (f"近{WINDOW_DAYS}天 Last {WINDOW_DAYS} days", 10), ("内容 Text", 50),
    ("未知 SKU Unknown SKUs", 20), ("升级的问题 Escalated findings", 36), ("来源 Source", 30),
]
_VIA = {"type": "类型列 type", "reason": "原因列 reason", "detail": "内容 text"}


def complaint_sheets(ctx, ran: frozenset[str]) -> list[PackSheet]:
    """The two complaint sheets, when the audit read complaints."""
    if not ctx.complaints:
        return []
    view = complaint_view(ctx)
    months = sorted({(d.year, d.month) for e in view.entries if (d := e.complaint.received)})
    month_columns = [(f"{y}-{m:02d}", 9) for y, m in months]
    return [
        PackSheet("投诉原因 Complaint causes", CAUSE_COLUMNS + month_columns, _cause_rows(view, ctx.today, months)),
        PackSheet("投诉 Complaints", COMPLAINT_COLUMNS, _complaint_rows(view, ctx.today)),
    ]


def _label(view: ComplaintView, cause: str | None) -> str:
    return view.taxonomy.causes[cause].label if cause else UNCLASSIFIED


def _cause_rows(view: ComplaintView, today, months: list[tuple[int, int]]) -> Iterator[list[Any]]:
    by_cause: dict[str | None, list[Entry]] = {c: [] for c in [*view.taxonomy.causes, None]}
    for entry in view.entries:
        by_cause[entry.cause.cause].append(entry)
    for cause in sorted(by_cause, key=lambda c: (c is None, -len(by_cause[c]))):
        group = by_cause[cause]
        info = view.taxonomy.causes.get(cause) if cause else None
        per_sku = Counter(sku for e in group for sku in dict.fromkeys(map(sku_key, e.complaint.all_skus)))
        top = ", ".join(f"{sku} ×{n}" + ("" if sku in view.known else "（未知 unknown）")
                        for sku, n in sorted(per_sku.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SKUS])
        per_month = Counter((d.year, d.month) for e in group if (d := e.complaint.received))
        yield [
            _label(view, cause), cause or "none",
            ("是 yes" if info.product else "否 no（物流、服务、售后 delivery, staff, refunds）") if info else "",
            len(group), sum(e.within(today, WINDOW_DAYS) for e in group), sum(e.resolved for e in group),
            ", ".join(info.families) if info else "", top, *[per_month[m] for m in months],
        ]


def _complaint_rows(view: ComplaintView, today) -> Iterator[list[Any]]:
    for entry in sorted(view.entries, key=lambda e: (e.complaint.received is None, e.complaint.received, e.id)):
        c = entry.complaint
        decided = f"{_VIA.get(entry.cause.via, '')}: {entry.cause.phrase}" if entry.cause.cause else ""
        unknown = [sku for sku in c.all_skus if sku_key(sku) not in view.known]
        yield [
            entry.id, str(c.received or ""), ", ".join(c.all_skus), _label(view, entry.cause.cause), decided,
            c.outcome or "", "是 yes" if entry.within(today, WINDOW_DAYS) else "否 no",
            " / ".join(t for t in (c.category, c.reason, c.detail) if t), ", ".join(unknown),
            "; ".join(view.escalated.get(entry.id, ())), str(c.source or ""),
        ]
