"""Every file in fixtures/bad/ gives a clear error (checked by its text), no crash, and keeps its good rows.

The corpus is written by fixtures/make_bad.py.  Each case says: the kind read as, source options, how many
rows must still become records, whether the whole file is refused, and the text of the errors/warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from checker.config import SourceConfig
from checker.sources import read_source

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"


@dataclass
class Case:
    name: str
    ok: int  # records kept
    errors: list[str] = field(default_factory=list)  # substrings, one per expected error, in order
    warnings: list[str] = field(default_factory=list)
    failed: bool = False  # the file as a whole could not be read
    kind: str = "inventory"
    options: dict = field(default_factory=dict)
    locations: list[str] | None = None  # exact locations of the errors, when worth pinning


CASES = [
    # --- workbooks that are not (sane) workbooks
    Case("truncated.xlsx", 0, ["damaged or truncated XLSX: the zip directory at the end of the file is missing"], failed=True),
    Case("not_really.xlsx", 0, ["not a real Excel file: named like a workbook, but neither an XLSX (zip) nor an XLS"], failed=True),
    Case("csv_named.xlsx", 3, warnings=["named 'csv_named.xlsx' but holds text, not a workbook: read as CSV"]),
    Case("html_table.xls", 3, warnings=["named 'html_table.xls' but holds an HTML table: read as HTML"]),
    Case("zip_not_xlsx.xlsx", 0, ["a zip archive but not an XLSX workbook (no xl/workbook.xml; it holds inventory.csv, readme.txt)"], failed=True),
    Case("ole2_garbage.xls", 0, ["cannot read workbook: "], failed=True),
    Case("zip_bomb.xlsx", 0, ["refusing to open: the workbook would unpack to 220 MB from 0.2 MB (limit 200 MB, max_uncompressed_mb)"], failed=True),
    Case("lying_sizes.xlsx", 0, ["damaged XLSX: member xl/worksheets/sheet1.xml cannot be unpacked (Bad CRC-32"], failed=True),
    Case("empty.xlsx", 0, ["sheet '库存' is empty"], failed=True),
    Case("header_only.xlsx", 0, ["header only: no data rows"], locations=["sheet 库存, row 1"]),
    Case("formula_no_cache.xlsx", 3, [
        "formula =10*3 has no cached value",
        "formula =10*5 has no cached value",
        "可用库存 (E): formula =10*7 has no cached value (the file was saved by a program that does not calculate formulas); open and save it in Excel or WPS, or export values; 到期日 (I): formula =G7+365 has no cached value",
    ], locations=["sheet 库存, row 3, column 可用库存 (E)", "sheet 库存, row 5, column 可用库存 (E)",
                  "sheet 库存, row 7, columns 可用库存 (E), 到期日 (I)"]),
    Case("error_cells.xlsx", 3, ["可用库存 (E): Excel error value #REF! in the cell; 生产日期 (G): Excel error value #N/A in the cell"]),
    Case("epoch_1904.xlsx", 2, ["invalid date '2026-02-30'"], locations=["sheet 库存, row 4, column 生产日期 (G)"]),
    Case("long_cell.xlsx", 2, warnings=["cell of 32,767 characters truncated to 4,000 (max_cell_chars)"]),
    Case("two_sheets.xlsx", 0, ["no sheet named '不存在'; sheets: 华东仓, 华南仓"], failed=True, options={"sheet": "不存在"}),
    Case("two_sheets.xlsx", 3, ["header only: no data rows"], options={"sheet": "*"}, locations=["sheet 华南仓, row 1"]),
    # --- text files
    Case("empty.csv", 0, ["file is empty (0 bytes)"], failed=True),
    Case("whitespace.csv", 0, ["file is empty (only whitespace)"], failed=True),
    Case("header_only.csv", 0, ["header only: no data rows"], locations=["row 1"]),
    Case("duplicate_headers.csv", 3, warnings=[
        "duplicate column: 到期日 (J) also maps to field 'expiry_date'; using the first one, 到期日 (I), and ignoring this one"
    ]),
    Case("duplicate_aliases.csv", 2, kind="catalog", warnings=[
        "duplicate column: 一口价 (D) also maps to field 'price'; using the first one, 售价 (C), and ignoring this one"
    ]),
    Case("missing_required.csv", 0, [
        "missing required column(s) for this inventory source: sku (sku / sku编码 / sku code / sku id / skuid / sku no ...). "
        "Columns found (best candidate: row 1): 商品名称, 批次, 库存, 到期日. "
        'Name them with columns = { sku = "..." } in the source config'
    ], failed=True),
    Case("no_header.csv", 0, ["Columns found (best candidate: row 1): CN-TEA-1001, 西湖龙井 明前茶, L1"], failed=True),
    Case("bad_dates.csv", 3, [
        "invalid date '2026-13-45'",
        "unparseable date '明天' (expected e.g. 2026-03-01, 2026/3/1, 20260301, 2026年3月1日 or an Excel date)",
        "ambiguous date '03/04/2027': day/month or month/day? set date_format",
        "invalid date '2026-02-30'",
    ], locations=["row 5, column 生产日期 (G)", "row 6, column 生产日期 (G)", "row 7, column 到期日 (I)", "row 8, column 生产日期 (G)"]),
    Case("negative_qty.csv", 5),  # negative counts are kept for ST004 (see test_negative_quantities_are_kept)
    Case("fraction_qty.csv", 3, ["quantity '12.5' is not a whole number"]),
    Case("long_cell.csv", 4, warnings=["cell of 40,000 characters truncated to 4,000 (max_cell_chars)"]),
    Case("wrong_encoding.csv", 0, [
        "file is not valid utf-8 (encoding set in config): undecodable bytes b'\\xc9\\xcc\\xc6\\xb7' at line 1; "
        'it looks like gb18030 (GBK compatible): remove `encoding` or set encoding = "gb18030"'
    ], failed=True, options={"encoding": "utf-8"}),
    Case("mixed_encoding.csv", 4, ["line holds bytes that are not valid utf-8"], locations=["row 5"]),
    Case("binary.csv", 0, ["binary data, not text (control bytes): not a CSV/JSON file"], failed=True),
    Case("nul_bytes.csv", 3, warnings=["NUL characters removed from the text"]),
    Case("sci_notation.csv", 3, ["code '6.90123E+12' was turned into scientific notation by Excel"]),
    Case("bad_shelf_life.csv", 3, [
        "unparseable shelf life '很久' (expected e.g. 12个月, 365天, 1年, 18 months, 540)",
        "unparseable shelf life '2027-03-01' (expected e.g. 12个月, 365天, 1年, 18 months, 540); it looks like a date: "
        'if this column holds expiry dates, map it with columns = { expiry_date = "..." }',
        "shelf life '0' must be positive",
    ]),
    Case("expiry_before_production.csv", 3, ["expiry date 2026-01-01 is before production date 2026-05-01"]),
    Case("missing_sku_cells.csv", 3, ["SKU is empty"], locations=["row 5, column 商品编码 (A)"]),
    Case("unbalanced_quote.csv", 2, [
        'unbalanced quote: the record starting at line 4 runs to the end of the file (a cell opened with " was never closed)'
    ]),
    Case("bad_prices.csv", 2, [
        "unparseable price '¥abc'", "negative price '-5'", "price '99-199' is a range, not one price", "price is empty",
        "currencies disagree: currency CNY, price TWD",
    ], kind="prices"),
    Case("complaints_no_sku_no_text.csv", 2, ["complaint has neither a SKU nor any text"], kind="complaints", locations=["row 3, column 商品编码 (C)"]),
    # --- JSON
    Case("bad_json.json", 0, ["not valid JSON: Expecting property name enclosed in double quotes at line 3, column 35"], failed=True),
    Case("bad_lines.jsonl", 3, ["not valid JSON: Expecting ',' delimiter", "not valid JSON: Expecting value"], locations=["line 2", "line 4"]),
    Case("json_no_records.json", 0, ["JSON holds no list of records (found an object with keys code, msg, data)"], failed=True),
    Case("json_not_objects.json", 2, ["record is a JSON int, not an object", "record is a JSON str, not an object"], locations=["record 2", "record 3"]),
]  # fmt: skip


def _id(case: Case) -> str:
    return case.name + ("[" + ",".join(f"{k}={v}" for k, v in case.options.items()) + "]" if case.options else "")


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_bad_file(case: Case):
    result = read_source(SourceConfig(kind=case.kind, path=case.name, **case.options), BAD)  # never raises
    assert len(result.records) == case.ok, [e.reason for e in result.errors]
    assert result.failed == case.failed
    assert len(result.errors) == len(case.errors), [e.reason for e in result.errors]
    for err, expected in zip(result.errors, case.errors, strict=True):
        assert expected in err.reason
        assert err.stage == "read" and err.source == case.name
    assert len(result.warnings) == len(case.warnings), [w.reason for w in result.warnings]
    for warning, expected in zip(result.warnings, case.warnings, strict=True):
        assert warning.reason.startswith("warning: ") and expected in warning.reason
    if case.locations is not None:
        assert [e.location for e in result.errors] == case.locations
    if not case.failed:
        assert sum(u.rows_ok for u in result.understanding) == case.ok
        for u in result.understanding:
            assert u.rows_read == u.rows_ok + u.rows_error + u.rows_skipped


def test_corpus_is_big_enough_and_covered():
    names = {p.name for p in BAD.iterdir()}
    assert len(names) >= 25
    assert names <= {c.name for c in CASES}, "every bad file has a case"


def test_epoch_1904_dates_are_right():
    result = read_source(SourceConfig(kind="inventory", path="epoch_1904.xlsx"), BAD)
    assert result.understanding[0].date_system == "1904"
    first, second = result.records
    assert (first.production_date, first.expiry_date) == (date(2026, 3, 1), date(2027, 9, 1))
    assert second.production_date == date(2026, 3, 1)  # a plain number, read with the 1904 epoch
    assert second.expiry_date == date(2027, 3, 1)


def test_negative_quantities_are_kept():
    result = read_source(SourceConfig(kind="inventory", path="negative_qty.csv"), BAD)
    assert sorted(r.quantity for r in result.records if r.quantity < 0) == [-1200, -5] and not result.errors


def test_truncated_long_cell_keeps_the_row():
    result = read_source(SourceConfig(kind="inventory", path="long_cell.xlsx"), BAD)
    assert result.records[0].name == "龙" * 4000 and result.records[0].sku == "CN-TEA-1001"
    result = read_source(SourceConfig(kind="inventory", path="long_cell.xlsx", max_cell_chars=40_000), BAD)
    assert result.records[0].name == "龙" * 32767 and not result.warnings


def test_duplicate_header_uses_the_first_column():
    result = read_source(SourceConfig(kind="inventory", path="duplicate_headers.csv"), BAD)
    assert result.records[0].expiry_date == date(2027, 10, 5)  # column I, not the 2099 dates of column J
    cols = result.understanding[0].columns
    assert cols[9].field is None and "duplicate of 到期日 (I)" in cols[9].note
    # the explicit mapping picks by name, so the duplicate cannot be chosen that way: the warning says so
    assert "ignoring this one" in result.warnings[0].reason


def test_zip_bomb_limit_is_configurable():
    result = read_source(SourceConfig(kind="inventory", path="zip_bomb.xlsx", max_uncompressed_mb=300), BAD)
    assert not result.failed and len(result.records) == 1


def test_zip_bomb_is_small_on_disk():
    assert (BAD / "zip_bomb.xlsx").stat().st_size < 300_000
    assert sum(p.stat().st_size for p in BAD.iterdir()) < 600_000


def test_an_expiry_date_that_disagrees_with_production_plus_shelf_life_is_a_warning_and_is_used(tmp_path):
    """Both written and more than a day apart: the lot is kept with the export's expiry date, and an
    Errors row names the file, row and column (issue 25); a day apart (calendar months) is not flagged."""
    (tmp_path / "库存.csv").write_bytes(
        "库存导出\n商品编码,批次,数量,生产日期,保质期,到期日\n"
        "TEA-1,L1,5,2026/3/1,12个月,2027/3/1\n"   # agrees
        "TEA-2,L2,5,2026/3/1,12个月,2027/2/28\n"  # a day off (calendar months vs a 28-day February): not flagged
        "TEA-3,L3,5,2026/3/1,12个月,2026/9/1\n"   # six months early
        .encode("gb18030"))
    result = read_source(SourceConfig(kind="inventory", path="库存.csv"), tmp_path)
    assert [(r.sku, str(r.expiry_date)) for r in result.records] == [
        ("TEA-1", "2027-03-01"), ("TEA-2", "2027-02-28"), ("TEA-3", "2026-09-01")]
    assert result.errors == []
    (warning,) = result.warnings
    assert warning.source.endswith("库存.csv") and "row 5" in warning.location and "到期日" in warning.location
    assert warning.reason == ("warning: expiry date 2026-09-01 disagrees with production date 2026-03-01 + shelf life "
                              "(2027-03-01); the expiry date is used")
