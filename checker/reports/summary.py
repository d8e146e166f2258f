"""Counts both reports show: findings by area and severity, with readable area names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from checker.codes import area_of
from checker.engine.registry import pack_of
from checker.models import Finding, Severity

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def area_name(code: str) -> str:
    """The area of a code (or prefix) as its pack names it: ``广告用语 Ad wording``; the bare
    prefix for a code no loaded pack owns."""
    pack = pack_of(code)
    return pack.area_name if pack is not None else area_of(code)


def counts_by_area(findings: Iterable[Finding], areas: Iterable[str] = ()) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """``[(area, [errors, warnings, infos]), ...]`` for every area with findings (and every area
    given, even without findings), sorted; and the totals per severity."""
    findings = list(findings)
    counts = Counter((f.area, f.severity) for f in findings)
    rows = [(area, [counts.get((area, s), 0) for s in SEVERITIES])
            for area in sorted(set(areas) | {f.area for f in findings})]
    totals = [sum(per[i] for _, per in rows) for i in range(len(SEVERITIES))]
    return rows, totals
