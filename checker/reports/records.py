"""One finding as every machine report writes it: the workbook's columns as plain values, so JSON,
SARIF, JUnit and the annotations never disagree with the Findings sheet (numbers, fingerprints,
Status/Owner/Note carried from a baseline)."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Any

from checker.messages import STATUSES
from checker.models import Finding, unique_fingerprints
from checker.reports.summary import area_name

#: Control characters XML 1.0 and most CI log parsers reject (tab, LF and CR are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: Any) -> str:
    """Text from the web, fit for XML and log lines: control characters dropped."""
    return _CONTROL.sub("", "" if text is None else str(text))


@dataclass(frozen=True)
class Row:
    """A finding with what the run adds to it: its row number, unique fingerprint and life."""

    number: int
    finding: Finding
    fingerprint: str
    baseline_state: str = ""  # new | unchanged ("" without --baseline)
    status: str = STATUSES[0]
    owner: str = ""
    note: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == STATUSES[2]


def owner_of(code: str, owners: dict[str, str]) -> str:
    """The owner ``[owners]`` names for a code: the longest matching key (``PR001`` before ``PR``)."""
    for key in sorted((k for k in owners if code.upper().startswith(k.upper())), key=len, reverse=True):
        return owners[key]
    return ""


def finding_rows(findings: list[Finding], baseline=None, owners: dict[str, str] | None = None) -> list[Row]:
    """The rows of the Findings sheet in order; ``baseline``: a :class:`checker.reports.baseline.Baseline`;
    ``owners``: ``[owners]`` of the config, the Owner of a finding no baseline row gave one."""
    rows = []
    default_owner = {}
    for n, (f, fp) in enumerate(zip(findings, unique_fingerprints(findings), strict=True), start=1):
        if owners and f.code not in default_owner:
            default_owner[f.code] = owner_of(f.code, owners)
        owner = default_owner.get(f.code, "")
        before = baseline.previous.get(fp) if baseline is not None else None
        if baseline is None:
            rows.append(Row(n, f, fp, owner=owner))
        elif before is None:
            rows.append(Row(n, f, fp, "new", owner=owner))
        else:
            rows.append(Row(n, f, fp, "unchanged", before.status or STATUSES[0], before.owner or owner, before.note))
    return rows


@lru_cache(maxsize=256)
def area_label(code: str) -> str:
    return area_name(code)


def source_record(f: Finding) -> dict[str, Any] | None:
    if f.source is None:
        return None
    return {"text": str(f.source), **f.source.model_dump(exclude_none=True)}


def finding_record(row: Row) -> dict[str, Any]:
    """Every column of the Findings sheet, and the fields behind them (JSON schema: ``Finding``)."""
    f = row.finding
    record = {
        "number": row.number,
        "severity": f.severity.value,
        "code": f.code,
        "area": f.area,
        "area_name": area_label(f.code),
        "rule": f.rule_name,
        "sku": f.sku,
        "field": f.field,
        "message": f.message,
        "evidence": f.evidence,
        "suggestion": f.suggestion,
        "legal_basis": f.legal_basis,
        "url": f.url,
        "source": source_record(f),
        "status": row.status,
        "owner": row.owner,
        "note": row.note,
        "fingerprint": row.fingerprint,
        "repeat": bool(f.repeat_of),
        "repeat_of": list(f.repeat_of),
        "escalated_by": f.escalated_by,
        "extra": {k: v if isinstance(v, str | int | float | bool) or v is None else str(v) for k, v in f.extra.items()},
    }
    if row.baseline_state:
        record["baseline_state"] = row.baseline_state
    return record
