"""--format xlsx,json,sarif,junit,github (issue 24): the machine reports beside the workbook, through the
real CLI against a store served on 127.0.0.1; JSON and SARIF validated against their schemas (SARIF: the
official 2.1.0 schema in tests/data/sarif), JUnit parsed back."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from checker import audit as audit_module
from checker.cli import EXIT_INTERRUPTED, main
from checker.engine.context import AuditContext
from checker.models import Finding, Severity, SourceRef
from checker.reports.json_report import SCHEMA_FILE
from checker.reports.junit import junit_tree
from checker.reports.records import finding_rows
from checker.reports.sarif import _gzipped_size, sarif_document, write_sarif

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
BELL_TITLE = "Bell\x07 kettle\x1b[31m 世界级"  # control characters in web text, and an absolute claim (AD001)


@pytest.fixture
def store(tmp_path):
    root = tmp_path / "store"
    (root / "p").mkdir(parents=True)
    (root / "p" / "ok.html").write_text(
        f'<h1 class="product-title">{BELL_TITLE}</h1><span data-sku="OK-1"></span>'
        '<span class="price-current">¥9</span>', encoding="utf-8")
    (root / "sitemap.xml").write_text(
        "<urlset><url><loc>http://shop.local/p/ok.html</loc></url>"
        "<url><loc>http://shop.local/p/gone.html</loc></url></urlset>", encoding="utf-8")
    return root


def audit(*args, env=None):
    return CliRunner().invoke(main, ["audit", "-q", *map(str, args)], catch_exceptions=False,
                              env={"TERM": "dumb", "GITHUB_ACTIONS": "", **(env or {})})


def validate_json(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))).validate(document)
    return document


def validate_sarif(document: dict) -> dict:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]
    return document


def test_every_format_is_written_beside_the_workbook_with_its_stem(store, tmp_path):
    out = tmp_path / "out" / "audit.xlsx"
    result = audit("--serve", store, "-o", out, "--format", "xlsx,json,sarif,junit")
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.parent.iterdir() if not p.name.startswith(".")) == [
        "audit.json", "audit.junit.xml", "audit.sarif", "audit.xlsx"]
    assert f"sarif: {out.with_suffix('.sarif')}" in result.output

    document = validate_json(out.with_suffix(".json"))
    assert document["run"]["status"] == "complete" and document["schema_version"].startswith("1.")
    codes = {f["code"] for f in document["findings"]}
    assert {"LN001", "AD001"} <= codes
    assert [p["sku"] for p in document["products"]] == ["OK-1"]  # what the page was read as
    assert any(area["area"] == "AD" for area in document["coverage"])
    # every column of the workbook, in the same order and with the same fingerprints
    sheet = openpyxl.load_workbook(out)["Findings"]
    header = [c.value for c in sheet[1]]
    fingerprints = [row[header.index("指纹 Fingerprint")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [f["fingerprint"] for f in document["findings"]] == fingerprints

    sarif = validate_sarif(json.loads(out.with_suffix(".sarif").read_text(encoding="utf-8")))
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "LN001" in rule_ids and "What it checks" in run["tool"]["driver"]["rules"][rule_ids.index("LN001")]["help"]["text"]
    gone = next(r for r in run["results"] if r["ruleId"] == "LN001")
    assert gone["level"] == "error" and rule_ids[gone["ruleIndex"]] == "LN001"
    logical = gone["locations"][0]["logicalLocations"]
    assert any(loc["fullyQualifiedName"].endswith("/p/gone.html") for loc in logical)
    ad = next(r for r in run["results"] if r["ruleId"] == "AD001")
    assert "\x07" not in json.dumps(ad) and ad["locations"][0]["logicalLocations"][0]["name"] == "OK-1"

    suites = ET.parse(out.with_name("audit.junit.xml")).getroot()  # parsed back by the standard library
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    ln001 = next(case for name, case in cases.items() if name.startswith("LN001"))
    assert ln001.find("failure") is not None and "/p/gone.html" in ln001.find("failure").text
    assert int(suites.get("failures")) >= 2 and int(suites.get("tests")) == len(cases)
    raw = out.with_name("audit.junit.xml").read_text(encoding="utf-8")
    assert "\x07" not in raw and "\x1b" not in raw and "世界级" in raw


def test_json_alone_writes_no_workbook(store, tmp_path):
    out = tmp_path / "audit.xlsx"
    result = audit("--serve", store, "-o", out, "--format", "json")
    assert result.exit_code == 1, result.output
    assert not out.exists() and out.with_suffix(".json").is_file()
    assert "workbook:" not in result.output and f"json: {out.with_suffix('.json')}" in result.output


def test_an_unknown_format_is_a_usage_error_before_the_crawl(store, tmp_path):
    result = audit("--serve", store, "-o", tmp_path / "a.xlsx", "--format", "xlsx,pdf")
    assert result.exit_code == 2 and "unknown format pdf" in result.output
    assert not (tmp_path / "a.xlsx").exists()


def test_github_annotations_under_actions_or_when_asked(store, tmp_path):
    plain = audit("--serve", store, "-o", tmp_path / "a.xlsx")
    assert "::error" not in plain.output
    for result in (audit("--serve", store, "-o", tmp_path / "b.xlsx", env={"GITHUB_ACTIONS": "true"}),
                   audit("--serve", store, "-o", tmp_path / "c.xlsx", "--format", "xlsx,github")):
        lines = [line for line in result.output.splitlines() if line.startswith("::")]
        assert any(line.startswith("::error title=LN001::") and "/p/gone.html" in line for line in lines), lines
        assert all("\x07" not in line for line in lines)
    assert not (tmp_path / "c.github").exists()  # annotations are printed, not written


def test_a_partial_audit_still_writes_every_report(tmp_path, monkeypatch):
    store = tmp_path / "store"
    store.mkdir()
    (store / "index.html").write_text("<h1>home</h1>", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(audit_module, "crawl", interrupted)
    out = tmp_path / "r.xlsx"
    result = audit("--serve", store, "-o", out, "--format", "xlsx,json,sarif,junit")
    assert result.exit_code == EXIT_INTERRUPTED, result.output
    assert validate_json(out.with_suffix(".json"))["run"]["status"] == "partial"
    sarif = validate_sarif(json.loads(out.with_suffix(".sarif").read_text(encoding="utf-8")))
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    audit_case = next(ET.parse(out.with_name("r.junit.xml")).getroot().iter("testcase"))
    assert audit_case.find("error") is not None and "Ctrl-C" in audit_case.find("error").get("message")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    status = next(row[1] for row in openpyxl.load_workbook(out)["Summary"].iter_rows(min_row=3) if row[0].value == "状态 Status")
    assert status.value.endswith("PARTIAL") and status.fill.fgColor.rgb == "FFF8CBAD"  # red, as errors are


def finding(n: int, severity: Severity, **kw) -> Finding:
    return Finding(code="AD001", severity=severity, message=f"问题 {n}\x00 / problem {n}", sku=f"SKU-{n}",
                   url=f"http://127.0.0.1:1/p/{n}.html", evidence="x" * 200 + str(n), **kw)


def test_sarif_over_the_code_hosts_limits_keeps_the_most_severe_and_says_so():
    findings = [finding(n, Severity.ERROR if n < 3 else Severity.INFO) for n in range(10)]
    rows = finding_rows(findings)
    document = validate_sarif(sarif_document(AuditContext(), rows, [], max_results=4))
    run = document["runs"][0]
    assert [r["level"] for r in run["results"]] == ["error", "error", "error", "note"]
    assert run["properties"]["truncated"]["total"] == 10
    assert "4 most severe of 10" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    one, whole = (_gzipped_size(sarif_document(AuditContext(), rows, [], max_results=n)) for n in (1, 10))
    small = sarif_document(AuditContext(), rows, [], max_gzipped=(one + whole) // 2)  # the gzipped size cap
    assert _gzipped_size(small) <= (one + whole) // 2
    kept = small["runs"][0]["properties"]["truncated"]["kept"]
    assert 0 < kept < 10 and all(r["level"] == "error" for r in small["runs"][0]["results"][:min(kept, 3)])


def test_sarif_points_an_export_finding_at_its_file_and_row(tmp_path):
    source = SourceRef(file=str(tmp_path / "inventory.csv"), row=12)
    rows = finding_rows([Finding(code="ST001", severity=Severity.ERROR, message="expired", sku="A-1", source=source)])
    path = write_sarif(tmp_path / "a.sarif", AuditContext(), rows, [])
    location = validate_sarif(json.loads(path.read_text(encoding="utf-8")))["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 12}
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("inventory.csv")


def test_junit_fails_only_at_or_above_fail_on():
    rows = finding_rows([finding(1, Severity.WARNING), finding(2, Severity.INFO)])
    root = junit_tree(AuditContext(), rows, [], "error").getroot()
    assert root.get("failures") == "0"
    root = junit_tree(AuditContext(), rows, [], "warning").getroot()
    failure = next(root.iter("failure"))
    assert root.get("failures") == "1" and "SKU-1" in failure.text and "SKU-2" not in failure.text
    ET.fromstring(ET.tostring(root))  # the NUL in the messages is gone


def test_the_summary_and_the_json_say_what_to_fix_first(tmp_path):
    from checker.config import Config
    from checker.engine import Engine
    from checker.reports.outputs import write_reports

    url = "http://127.0.0.1:1/p/{}.html"
    findings = [
        Finding(code="AD005", severity=Severity.WARNING, message="urgency", sku="W-1", url=url.format("w")),
        Finding(code="AD001", severity=Severity.ERROR, message="plain", sku="E-1", url=url.format("e")),
        Finding(code="LN002", severity=Severity.ERROR, message="shared logo", url=url.format("logo"),
                extra={"pages": 40}),
        Finding(code="AD001", severity=Severity.ERROR, message="repeat", sku="R-1", url=url.format("r"),
                repeat_of=["T1"]),
    ]
    ctx = AuditContext(config=Config())
    out = tmp_path / "a.xlsx"
    write_reports(out, ("xlsx", "json"), ctx, findings, Engine.from_config(Config()).rules)
    summary = list(openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(summary) if row[0] == "先修这些 What to fix first (No.)")
    block = [row for row in summary[start + 1:start + 5]]
    assert [row[2] for row in block] == ["AD001", "LN002", "AD001", "AD005"]
    assert [row[3] for row in block] == ["R-1", url.format("logo"), "E-1", "W-1"]
    assert block[1][5] == 40 and "40" in block[1][6] and "complaint" in block[0][6]
    document = validate_json(out.with_suffix(".json"))
    assert document["fix_first"] == [4, 3, 2, 1]
    assert [f["places"] for f in document["findings"]] == [1, 1, 40, 1]


def test_the_workbook_prints_landscape_one_page_wide_and_has_a_per_sku_sheet(store, tmp_path):
    out = tmp_path / "audit.xlsx"
    assert audit("--serve", store, "-o", out).exit_code == 1
    book = openpyxl.load_workbook(out)
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert book["Findings"].print_title_rows == "$1:$1"  # the header on every printed page
    per_sku = list(book["按SKU Per SKU"].iter_rows(values_only=True))
    assert per_sku[0][:2] == ("SKU", "问题数 Findings")
    ok = next(row for row in per_sku if row[0] == "OK-1")
    assert ok[1] >= 1 and "AD001" in ok[6]


def test_owners_from_the_config_fill_the_owner_column_and_the_per_owner_sheet(store, tmp_path):
    config = tmp_path / "checker.toml"
    config.write_text('[owners]\nLN = "运营 ops"\nAD = "法务 legal"\nAD001 = "法务 brand team"\n', encoding="utf-8")
    out = tmp_path / "audit.xlsx"
    assert audit("--serve", store, "--config", config, "-o", out, "--format", "xlsx,json").exit_code == 1
    document = validate_json(out.with_suffix(".json"))
    owners = {f["code"]: f["owner"] for f in document["findings"]}
    assert owners["LN001"] == "运营 ops" and owners["AD001"] == "法务 brand team"  # the longer key wins
    per_owner = {row[0]: row for row in openpyxl.load_workbook(out)["按负责人 Per owner"].iter_rows(
        min_row=2, values_only=True)}
    assert per_owner["运营 ops"][1] >= 1 and "LN001" in per_owner["运营 ops"][5]
    assert "AD001" in per_owner["法务 brand team"][5]


def test_the_fixture_store_reports_validate_and_point_at_export_rows(store_audit, tmp_path):
    """The whole demo store: every report valid; an export finding at its file and row, a page finding of a
    catalogued SKU at the SKU's catalog row (a location code hosts accept), both with the SKU and URL."""
    from checker.reports.outputs import write_reports

    rows, written = write_reports(tmp_path / "store.xlsx", ("json", "sarif", "junit"), store_audit.ctx,
                                  store_audit.findings, store_audit.rules)
    document = validate_json(written["json"])
    assert len(document["findings"]) == len(store_audit.findings) and document["products"]
    results = validate_sarif(json.loads(written["sarif"].read_text(encoding="utf-8")))["runs"][0]["results"]
    expired = next(r for r in results if r["ruleId"] == "ST001")
    physical = expired["locations"][0]["physicalLocation"]
    assert "fixtures/exports/inventory" in physical["artifactLocation"]["uri"] and physical["region"]["startLine"] > 1
    page = next(r for r in results if r["ruleId"] == "AD001" and r["properties"]["sku"])
    assert "fixtures/exports/catalog" in page["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert {loc["kind"] for loc in page["locations"][0]["logicalLocations"]} == {"object", "resource"}
    suites = ET.parse(written["junit"]).getroot()
    assert int(suites.get("failures")) == len({f.code for f in store_audit.findings if f.severity == Severity.ERROR})


def test_the_summary_has_a_native_chart_of_findings_by_area_and_severity(store, tmp_path):
    out = tmp_path / "audit.xlsx"
    assert audit("--serve", store, "-o", out).exit_code == 1
    sheet = openpyxl.load_workbook(out)["Summary"]
    (chart,) = sheet._charts  # read back by openpyxl's own chart reader
    assert chart.tagname == "barChart" and chart.grouping == "stacked" and len(chart.series) == 3
    header = int(chart.series[0].tx.strRef.f.rsplit("$", 1)[1])
    assert [sheet.cell(header, c).value for c in range(1, 5)] == ["领域 Area", "错误 error", "警告 warning", "提示 info"]
    first, last = (int(part.rsplit("$", 1)[1]) for part in chart.series[0].val.numRef.f.split(":"))
    areas = [sheet.cell(r, 1).value for r in range(first, last + 1)]
    assert "链接配置 Links" in areas and sheet.cell(last + 1, 1).value == "合计 Total"
