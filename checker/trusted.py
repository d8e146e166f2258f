"""Models built from values the program converted itself, without pydantic's validation: the hot paths
that make them by the hundred thousand (a site rule's findings, an export's lots).  Each sets what
pydantic's own constructor sets, and a test holds it equal to the validated model field by field
(tests/test_engine.py, tests/test_sources_big.py), so a pydantic release that changes what an instance
holds fails there, not in an audit."""

from __future__ import annotations

from datetime import date
from typing import Any

from checker.models import Finding, InventoryLot, Severity, SourceRef

_new_finding = Finding.__new__
_set = object.__setattr__


def trusted_finding(code: str, rule_name: str, severity: Severity, message: str, sku: str | None, url: str | None,
                    field: str | None, evidence: str, suggestion: str, legal_basis: str, source: SourceRef | None,
                    extra: dict[str, Any]) -> Finding:
    """A :class:`Finding` from values a rule built itself, without validation and without pydantic's
    ``model_construct`` (5 us a finding: ST002 makes 276,000 of them on a million lots).  It sets what
    ``model_construct`` sets; tests/test_engine.py holds it equal to a validated finding, field by field,
    so a pydantic release that changes what an instance holds fails there."""
    f = _new_finding(Finding)
    _set(f, "__dict__", {"code": code, "severity": severity, "message": message, "rule_name": rule_name, "sku": sku,
                         "url": url, "field": field, "evidence": evidence, "suggestion": suggestion,
                         "legal_basis": legal_basis, "source": source, "escalated_by": None, "repeat_of": [],
                         "extra": extra})
    _set(f, "__pydantic_fields_set__", {"code", "rule_name", "severity", "message", "sku", "url", "field", "evidence",
                                        "suggestion", "legal_basis", "source", "extra"})
    _set(f, "__pydantic_extra__", None)
    _set(f, "__pydantic_private__", None)
    return f


READ_SOURCE_FIELDS = {"file", "sheet", "row"}  # what a read record's SourceRef was given: one set shared by all
LOT_TYPES: dict[str, type] = {"sku": str, "name": str, "lot": str, "warehouse": str, "quantity": int, "status": str,
                               "production_date": date, "shelf_life_days": int, "expiry_date": date}  # fmt: skip
_LOT_DEFAULTS = [(name, f.default) for name, f in InventoryLot.model_fields.items() if name != "source"]


def trusted_lot(
    values: dict[str, Any], fields_sets: dict[frozenset[str], set[str]], file: str, sheet: str | None, row: int
) -> InventoryLot | None:
    """An :class:`InventoryLot` from values the export reader converted itself, without validation (issue 21:
    exports of millions of rows); None when a value is not exactly of its field's type (the caller validates: a
    converter's slip is a row error).  The lots of a table share their set of given fields (``fields_sets``),
    and fields are set one by one in one order so that instance dicts share their keys: ~500 bytes a lot with
    its SourceRef (~1,650 validated).  tests/test_sources_big.py holds it equal to a validated lot."""
    for name, value in values.items():
        if LOT_TYPES.get(name) is not value.__class__:
            return None
    given = frozenset(values)
    fields_set = fields_sets.get(given) or fields_sets.setdefault(given, {*given, "source"})
    ref = _new_source(SourceRef)
    _set(ref, "url", None)
    _set(ref, "file", file)
    _set(ref, "sheet", sheet)
    _set(ref, "row", row)
    _set(ref, "column", None)
    _set(ref, "__pydantic_fields_set__", READ_SOURCE_FIELDS)
    _set(ref, "__pydantic_extra__", None)
    _set(ref, "__pydantic_private__", None)
    lot = _new_lot(InventoryLot)
    get = values.get
    for name, default in _LOT_DEFAULTS:
        _set(lot, name, get(name, default))
    _set(lot, "source", ref)
    _set(lot, "__pydantic_fields_set__", fields_set)
    _set(lot, "__pydantic_extra__", None)
    _set(lot, "__pydantic_private__", None)
    return lot


_new_source, _new_lot = SourceRef.__new__, InventoryLot.__new__
