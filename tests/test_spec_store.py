"""The SP rules over the fixture store: every product page (fixtures/store/p/*.html) extracted as the
crawler extracts it, and the backend exports read as an audit reads them (fixtures/checker.toml).
Every seeded SP defect in _defects.csv is found (the backend differences planted in
fixtures/exports/_planted.csv among them), and nothing else of SP is flagged: the look-alikes
(10斤 = 5kg, 1L = 1000ml, a Taiwan 半斤 of 300 g, an off-shelf backend variant, 约6cm against 6cm)
stay silent."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from storeaudit import audit_store, csv_rows, defect_key

from checker.config import load_config

extract = pytest.importorskip("checker.extract", reason="the extractor (checker.extract) is not available yet")

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "store"
DEFECTS = STORE / "_defects.csv"
PLANTED = ROOT / "fixtures" / "exports" / "_planted.csv"
CONFIG = ROOT / "fixtures" / "checker.toml"
ORIGIN = "http://store.test"

pytestmark = pytest.mark.skipif(not DEFECTS.is_file(), reason="fixtures/store/_defects.csv not generated yet")


@cache
def _audit():
    config = load_config(CONFIG).model_copy(update={"select": ["SP"], "ignore": []})
    return audit_store(config, origin=ORIGIN)


def test_every_seeded_sp_defect_is_found_and_nothing_else():
    findings, ctx = _audit()
    expected = {(r["code"], r["sku"], r["path"], r["field"], r["evidence"]) for r in csv_rows(DEFECTS, "SP")}
    found = {defect_key(f) for f in findings}
    assert {code for code, *_ in expected} == {"SP001", "SP002", "SP003"}, "a seeded defect for every SP code"
    assert found - expected == set(), "flagged but not seeded"
    assert expected - found == set(), "seeded but not found"
    assert len(findings) == len(found), "one finding per seeded defect"
    assert [e for e in ctx.errors if e.stage in ("rule", "config")] == []


def test_the_spec_differences_planted_in_the_exports_are_found():
    findings, _ = _audit()
    planted = [r for r in csv_rows(PLANTED) if r["field"].startswith("specs.")]
    assert planted, "no spec difference planted in fixtures/exports"
    for row in planted:
        key = row["field"].removeprefix("specs.")
        hits = [f for f in findings if f.code == "SP001" and f.sku == row["sku"] and f.field == f"specs[{key}]"]
        assert len(hits) == 1, row
        (hit,) = hits
        assert hit.source is not None and hit.source.file.endswith(row["file"]), hit.source
        assert row["file"] in hit.message and hit.extra["other"] in row["value"] and hit.extra["other"] in hit.message


def test_findings_name_both_values_and_where_they_came_from():
    findings, _ = _audit()
    for f in findings:
        assert "/ " in f.message and f.legal_basis and f.suggestion, f
        if f.source is not None:
            assert Path(f.source.file or "").name in f.message, f.message


def test_the_audit_over_http_finds_the_same(store_audit, store_origin):
    """The whole audit (crawled over HTTP, pages kept slim, site rules at the end) finds what the
    in-process run above finds, and no SP rule fails."""
    found = {(f.code, f.sku or "", (f.url or "").removeprefix(store_origin), f.field or "", f.evidence)
             for f in store_audit.findings if f.code.startswith("SP")}
    expected = {(r["code"], r["sku"], r["path"], r["field"], r["evidence"]) for r in csv_rows(DEFECTS, "SP")}
    assert found == expected
    assert [e for e in store_audit.ctx.errors if e.stage == "rule" and e.location.startswith("SP")] == []
