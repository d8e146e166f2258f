"""What to fix first: the findings a manager should start with, by severity, then whether they repeat a
past complaint's cause (CP002), then reach (the pages a shared broken image or link is on), then new
since the baseline.  The Summary sheet lists them at the top; the JSON report as ``fix_first``."""

from __future__ import annotations

import heapq

from checker.reports.records import Row

FIX_FIRST = 10


def places(row: Row) -> int:
    """How many places the finding stands for: the pages of a shared target (LN002/LN003 ``pages``), else 1."""
    pages = row.finding.extra.get("pages") if row.finding.extra else None
    return pages if isinstance(pages, int) and pages > 0 else 1


def _key(row: Row):
    f = row.finding
    return (-f.severity.rank, not f.repeat_of, -places(row), row.baseline_state != "new", row.number)


def fix_first(rows: list[Row], n: int = FIX_FIRST) -> list[Row]:
    """The ``n`` findings to start with (open ones: Accepted and Fixed are decisions already taken)."""
    open_rows = (r for r in rows if not r.accepted and not r.status.endswith("Fixed"))
    return heapq.nsmallest(n, open_rows, key=_key)


def why(row: Row) -> str:
    reasons = []
    if row.finding.repeat_of:
        reasons.append("重犯历史投诉 repeats a past complaint")
    if places(row) > 1:
        reasons.append(f"{places(row)} 个页面 / pages")
    if row.baseline_state == "new":
        reasons.append("新 new")
    return "; ".join(reasons)
