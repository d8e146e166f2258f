"""--baseline (issue 24): a re-run against the previous workbook or JSON says New / Still open / Fixed by
fingerprint, carries the Status, Owner and Note a manager wrote, lists what is gone on a Fixed sheet, and
fails CI only on what is not Accepted (--new-only: only on what is new).  Through the real CLI, each run
on its own port of 127.0.0.1 (the fingerprints do not depend on it)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main

PRODUCT = '<h1 class="product-title">OK</h1><span data-sku="OK-1"></span><span class="price-current">¥9</span>'


@pytest.fixture
def store(tmp_path):
    root = tmp_path / "store"
    (root / "p").mkdir(parents=True)
    (root / "p" / "ok.html").write_text(PRODUCT, encoding="utf-8")
    return root


def sitemap(store, *pages):
    locs = "".join(f"<url><loc>http://shop.local/p/{p}.html</loc></url>" for p in ("ok", *pages))
    (store / "sitemap.xml").write_text(f"<urlset>{locs}</urlset>", encoding="utf-8")


def audit(*args):
    return CliRunner().invoke(main, ["audit", "-q", "--select", "LN001", *map(str, args)], catch_exceptions=False,
                              env={"TERM": "dumb", "GITHUB_ACTIONS": ""})


def findings_sheet(path):
    sheet = openpyxl.load_workbook(path)["Findings"]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def row_for(rows, page):
    return next(r for r in rows if r["链接 URL"].endswith(f"/p/{page}.html"))


def manager_edits(path, page, status, owner, note):
    """What a manager does in Excel: pick a Status, type an Owner and a Note on one row."""
    book = openpyxl.load_workbook(path)
    sheet = book["Findings"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if str(row[header.index("链接 URL")].value).endswith(f"/p/{page}.html"):
            row[header.index("状态 Status")].value = status
            row[header.index("负责人 Owner")].value = owner
            row[header.index("备注 Note")].value = note
    book.save(path)


def test_a_baseline_round_trip_keeps_decisions_and_lists_the_fixed(store, tmp_path):
    sitemap(store, "gone-a", "gone-b")
    first = tmp_path / "run1.xlsx"
    assert audit("--serve", store, "-o", first).exit_code == 1
    manager_edits(first, "gone-a", "已接受 Accepted", "王五 ops", "下架商品，已知 / retired on purpose")
    manager_edits(first, "gone-b", "未处理 Open", "李四", "ask the web team")

    sitemap(store, "gone-a", "gone-c")  # gone-b fixed, gone-c new
    second = tmp_path / "run2.xlsx"
    result = audit("--serve", store, "-o", second, "--baseline", first, "--format", "xlsx,json,sarif")
    assert result.exit_code == 1, result.output  # gone-c is new and not accepted
    assert "新 new 1, 仍存在 still open 1, 已修复 fixed 1" in result.output
    rows = findings_sheet(second)
    kept = row_for(rows, "gone-a")
    assert (kept["状态 Status"], kept["负责人 Owner"], kept["备注 Note"]) == (
        "已接受 Accepted", "王五 ops", "下架商品，已知 / retired on purpose")
    assert kept["基线 Baseline"] == "仍存在 Still open"
    assert row_for(rows, "gone-c")["基线 Baseline"] == "新 New"
    assert row_for(rows, "gone-c")["状态 Status"] == "未处理 Open"
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(second)["Summary"].iter_rows(values_only=True) if r}
    assert (summary["新问题 New since the baseline"], summary["仍存在 Still open"], summary["已修复 Fixed (gone)"]) == (1, 1, 1)
    fixed = openpyxl.load_workbook(second)["已修复 Fixed"]
    fixed_rows = list(fixed.iter_rows(min_row=2, values_only=True))
    assert len(fixed_rows) == 1 and fixed_rows[0][4].endswith("/p/gone-b.html") and fixed_rows[0][8] == "ask the web team"

    document = json.loads(second.with_suffix(".json").read_text(encoding="utf-8"))
    states = {f["url"].rsplit("/", 1)[-1]: f["baseline_state"] for f in document["findings"]}
    assert states == {"gone-a.html": "unchanged", "gone-c.html": "new"}
    assert [f["url"].rsplit("/", 1)[-1] for f in document["fixed"]] == ["gone-b.html"]
    sarif = json.loads(second.with_suffix(".sarif").read_text(encoding="utf-8"))
    assert sorted(r.get("baselineState") for r in sarif["runs"][0]["results"]) == ["absent", "new", "unchanged"]

    # The JSON report is a baseline too; Accepted never fails, and --new-only fails on new findings only.
    sitemap(store, "gone-a", "gone-c")
    third = tmp_path / "run3.xlsx"
    assert audit("--serve", store, "-o", third, "--baseline", second.with_suffix(".json")).exit_code == 1  # gone-c open
    assert row_for(findings_sheet(third), "gone-a")["状态 Status"] == "已接受 Accepted"
    assert audit("--serve", store, "-o", tmp_path / "run4.xlsx", "--baseline", second.with_suffix(".json"),
                 "--new-only").exit_code == 0
    sitemap(store, "gone-a")
    assert audit("--serve", store, "-o", tmp_path / "run5.xlsx", "--baseline", second).exit_code == 0  # only Accepted


def test_a_third_identical_problem_is_new(tmp_path):
    from checker.models import Finding, Severity
    from checker.reports.baseline import Baseline, Previous
    from checker.reports.records import finding_rows

    same = Finding(code="LN002", severity=Severity.ERROR, message="m", url="http://127.0.0.1:1/p/x.html")
    before = finding_rows([same, same])
    baseline = Baseline(tmp_path, {r.fingerprint: Previous(r.fingerprint) for r in before})
    assert [r.baseline_state for r in finding_rows([same, same, same], baseline)] == ["unchanged", "unchanged", "new"]


@pytest.mark.parametrize("args, expected", [
    (["--baseline", "missing.xlsx"], "baseline not found"),
    (["--new-only"], "--new-only needs --baseline"),
])
def test_baseline_mistakes_are_usage_errors(store, tmp_path, args, expected):
    sitemap(store)
    result = audit("--serve", store, "-o", tmp_path / "r.xlsx", *args)
    assert result.exit_code == 2 and expected in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_a_file_that_is_not_a_report_is_a_usage_error(store, tmp_path):
    sitemap(store)
    bogus = tmp_path / "b.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    result = audit("--serve", store, "-o", tmp_path / "r.xlsx", "--baseline", bogus)
    assert result.exit_code == 2 and "not a store-checker JSON report" in result.output
