"""Counts both reports show: findings by area and severity, with readable area names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from checker.models import Finding, Severity

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)

AREAS = {
    "LN": "链接配置 Links",
    "AD": "广告用语 Ad wording",
    "PR": "价格规格 Price & spec",
    "ST": "库存 Stock",
    "DT": "日期 Dates",
    "CP": "投诉 Complaints",
}


def area_name(code: str) -> str:
    prefix = code.rstrip("0123456789")
    return AREAS.get(prefix, prefix)


def counts_by_area(findings: Iterable[Finding], areas: Iterable[str] = ()) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """``[(area, [errors, warnings, infos]), ...]`` for every area with findings (and every area
    given, even without findings), sorted; and the totals per severity."""
    findings = list(findings)
    counts = Counter((f.area, f.severity) for f in findings)
    rows = [(area, [counts.get((area, s), 0) for s in SEVERITIES])
            for area in sorted(set(areas) | {f.area for f in findings})]
    totals = [sum(per[i] for _, per in rows) for i in range(len(SEVERITIES))]
    return rows, totals
