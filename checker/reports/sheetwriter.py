"""A small streaming .xlsx writer: exactly the features the audit workbook uses, at ~10x the speed
of openpyxl's write-only mode.

Measured on this machine: 100,000 findings x 17 columns took 51 s with openpyxl (lxml
installed; its per-cell objects dominate); the target is under 10 s.  Rows are streamed
straight into the zip member, so memory does not grow with the number of findings.

Features: inline strings (always text, never formulas), numbers, a fixed style table (header,
severity fills, wrap, link, bold, quote prefix), column widths, frozen header, autofilter, list
data validation, external hyperlinks (capped at Excel's 65,530 per sheet), print setup (landscape,
one page wide, the frozen header repeated on every printed page).  Files are read back
by openpyxl in the tests, so anything written here is checked by an independent reader.
"""

from __future__ import annotations

import contextlib
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

EXCEL_CELL_LIMIT = 32_767
EXCEL_ROW_LIMIT = 1_048_576  # rows per worksheet; Excel refuses to open a sheet with more
EXCEL_HYPERLINK_LIMIT = 65_530  # per worksheet; Excel "repairs" (drops) a sheet with more
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Style ids (cellXfs order in STYLES_XML).
PLAIN, HEADER, ERROR, WARNING, INFO, WRAP, LINK, BOLD, QUOTED, WRAP_QUOTED = range(10)
SEVERITY_STYLE = {"error": ERROR, "warning": WARNING, "info": INFO}
FILL_RGB = {"error": "FFF8CBAD", "warning": "FFFFE699", "info": "FFDDEBF7", "header": "FF305496"}

STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="4">
<font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font>
<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font>
</fonts>
<fills count="6">
<fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="{FILL_RGB['header']}"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="{FILL_RGB['error']}"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="{FILL_RGB['warning']}"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="{FILL_RGB['info']}"/></patternFill></fill>
</fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="10">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="5" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def safe_text(value: Any) -> str:
    """Text fit for a cell: no characters XML/Excel reject, not longer than Excel allows."""
    text = _ILLEGAL.sub("", str(value))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 20] + "…[truncated]"
    return text


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


#: Points a line of the default font takes, and Excel's tallest row.
LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines ``text`` wraps to in a column ``width`` characters wide, so the row is made
    tall enough to read it and to print it.  A Chinese character is two columns wide: UTF-8 gives
    (bytes + characters) / 2 = 2 for it and 1 for ASCII, with no per-character Python loop."""
    total = 0
    for paragraph in text.split("\n"):
        units = (len(paragraph.encode("utf-8")) + len(paragraph)) / 2
        total += max(1, math.ceil(units / max(width - 1, 1)))
    return total


@dataclass
class Cell:
    """A cell with a style or a link; plain values can be given as they are."""

    value: Any
    style: int = PLAIN
    link: str | None = None


@dataclass
class Sheet:
    name: str
    widths: list[float] = field(default_factory=list)
    freeze_header: bool = False
    autofilter: bool = False
    validations: list[tuple[str, list[str]]] = field(default_factory=list)  # (range, allowed values)
    _rows: int = 0
    _cols: int = 0
    _links: list[tuple[str, str]] = field(default_factory=list)  # (cell ref, target)
    max_rows: int = EXCEL_ROW_LIMIT  # lower in tests; never higher than Excel's
    _index: int = 0  # its part number (sheetN.xml)
    chart: Any = None  # a checker.reports.chart.BarChart drawn on the sheet (one per workbook), set while rows stream
    cut: bool = False  # rows beyond the row limit were left out
    failure: str = ""  # why writing its rows stopped early (the sheet is complete up to there)


class WorkbookWriter:
    """Write sheets one after another; rows stream into the zip as they come."""

    def __init__(self, path: str) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[Sheet] = []  # in the order they are shown (not necessarily written)
        self._written = 0
        self._chart = False  # a chart part was written (its content types go in at close)

    # ---------------------------------------------------------------- cells
    @staticmethod
    def _cell(ref: str, value: Any, style: int) -> str:
        s = f' s="{style}"' if style else ""
        if value is None or value == "":
            return f'<c r="{ref}"{s}/>' if style else ""
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"{s}><v>{value}</v></c>'
        text = safe_text(value)
        if text.startswith(FORMULA_START) and style in (PLAIN, WRAP):
            s = f' s="{QUOTED if style == PLAIN else WRAP_QUOTED}"'
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'

    def write_sheet(self, sheet: Sheet, rows: Iterable[Iterable[Any]], *, first: bool = False) -> None:
        """Stream ``rows`` into a new sheet (shown first if ``first``).  Never more than
        ``sheet.max_rows`` rows (``sheet.cut`` then says so); a row that cannot be made ends the
        rows there (``sheet.failure`` says why) and the sheet is still complete and valid."""
        self._written += 1
        index = sheet._index = self._written
        self.sheets.insert(0, sheet) if first else self.sheets.append(sheet)
        # zip64: a sheet of a million rows can pass 2 GiB before compression
        with self.zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as raw:
            out = _TextSink(raw)
            out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                      'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')
            out.write('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')  # printed one page wide
            if sheet.freeze_header:
                out.write('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                          'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>')
            if sheet.widths:
                out.write("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                             for i, w in enumerate(sheet.widths, start=1)) + "</cols>")
            out.write("<sheetData>")
            try:
                self._write_rows(sheet, rows, out)
            except Exception as exc:  # noqa: BLE001 -- what was written stays, and the workbook closes
                sheet.failure = f"{type(exc).__name__}: {exc}"
            out.write("</sheetData>")
            last = f"{column_letter(max(sheet._cols, 1))}{max(sheet._rows, 2)}"
            if sheet.autofilter:
                out.write(f'<autoFilter ref="A1:{last}"/>')
            if sheet.validations:
                out.write(f'<dataValidations count="{len(sheet.validations)}">')
                for ref, allowed in sheet.validations:
                    formula = escape('"' + ",".join(allowed) + '"')
                    out.write(f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="{ref}">'
                              f"<formula1>{formula}</formula1></dataValidation>")
                out.write("</dataValidations>")
            if sheet._links:
                out.write("<hyperlinks>" + "".join(f'<hyperlink ref="{ref}" r:id="rId{i}"/>'
                                                   for i, (ref, _) in enumerate(sheet._links, start=1)) + "</hyperlinks>")
            out.write('<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
                      '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
            if sheet.chart is not None:
                out.write(f'<drawing r:id="rId{len(sheet._links) + 1}"/>')
            out.write("</worksheet>")
            out.flush()
        if sheet._links or sheet.chart is not None:
            rels = "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                f'hyperlink" Target={quoteattr(safe_text(target))} TargetMode="External"/>'
                for i, (_, target) in enumerate(sheet._links, start=1))
            if sheet.chart is not None:
                from checker.reports.chart import drawing_rels

                rels += (f'<Relationship Id="rId{len(sheet._links) + 1}" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/drawing" Target="../drawings/drawing1.xml"/>')
                self.zip.writestr("xl/drawings/drawing1.xml", sheet.chart.drawing_xml())
                self.zip.writestr("xl/drawings/_rels/drawing1.xml.rels", drawing_rels())
                self.zip.writestr("xl/charts/chart1.xml", sheet.chart.chart_xml())
                self._chart = True
            self.zip.writestr(f"xl/worksheets/_rels/sheet{index}.xml.rels",
                              '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                              'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                              f"{rels}</Relationships>")

    def _write_rows(self, sheet: Sheet, rows: Iterable[Iterable[Any]], out: _TextSink) -> None:
        letters = [column_letter(i) for i in range(1, 65)]
        widths = sheet.widths
        max_rows = min(sheet.max_rows, EXCEL_ROW_LIMIT)
        for r, row in enumerate(rows, start=1):
            if r > max_rows:
                sheet.cut = True
                return
            parts = [f'<row r="{r}">']
            lines = 1
            for c, item in enumerate(row):
                ref = f"{letters[c]}{r}"
                if isinstance(item, Cell):
                    if item.style == WRAP and item.value.__class__ is str and item.value:
                        lines = max(lines, wrapped_lines(item.value, widths[c] if c < len(widths) else 10))
                    if item.link and len(sheet._links) < EXCEL_HYPERLINK_LIMIT and len(item.link) < 2000 \
                            and item.link.startswith(("http://", "https://")):
                        sheet._links.append((ref, item.link))
                        parts.append(self._cell(ref, item.value, LINK))
                    else:
                        parts.append(self._cell(ref, item.value, item.style))
                else:
                    parts.append(self._cell(ref, item, PLAIN))
                sheet._cols = max(sheet._cols, c + 1)
            if lines > 1:  # Excel does not grow a row for wrapped text it did not write itself
                parts[0] = f'<row r="{r}" ht="{min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)}" customHeight="1">'
            parts.append("</row>")
            out.write("".join(parts))
            sheet._rows = r

    # ---------------------------------------------------------------- package
    def discard(self) -> None:
        """Let go of the file after a failure (the caller removes it)."""
        with contextlib.suppress(Exception):
            self.zip.close()
        if self.zip.fp is not None:
            self.zip.fp.close()
            self.zip.fp = None

    def _chart_types(self) -> str:
        if not self._chart:
            return ""
        from checker.reports.chart import CHART_TYPE, DRAWING_TYPE

        return (f'<Override PartName="/xl/drawings/drawing1.xml" ContentType="{DRAWING_TYPE}"/>'
                f'<Override PartName="/xl/charts/chart1.xml" ContentType="{CHART_TYPE}"/>')

    def close(self) -> None:
        n = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1))
        self.zip.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}{self._chart_types()}</Types>"))
        self.zip.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        sheets = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{s._index}" r:id="rId{s._index}"/>'
                         for s in self.sheets)
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{s.name}'!$A$1:${column_letter(max(s._cols, 1))}${max(s._rows, 2)}</definedName>"
            for i, s in enumerate(self.sheets) if s.autofilter)
        names += "".join(  # the header row on every printed page
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">\'{s.name}\'!$1:$1</definedName>'
            for i, s in enumerate(self.sheets) if s.freeze_header)
        self.zip.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>"))
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        rels += (f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/styles" Target="styles.xml"/>')
        self.zip.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'))
        self.zip.writestr("xl/styles.xml", STYLES_XML)
        self.zip.close()


class _TextSink:
    """Buffer text and write it as UTF-8 in large chunks (many tiny zip writes are slow)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.raw.write("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0
