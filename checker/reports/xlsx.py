"""The Excel workbook a manager opens, filters and works through.

Sheets: *Summary* (run facts, counts by area x severity), *Findings* (one row per finding, frozen
bilingual header, autofilter, severity colours, clickable URLs, a Status drop-down), *Errors*
(every page, file or row that could not be read) and *Rules* (what ran).

Safety: text from the web is always stored as a string cell (never a formula), with Excel's
quote prefix on anything that starts like a formula; control characters Excel rejects are
dropped; over-long cells are cut at Excel's limit.  The file is written to a temporary name and
renamed, so a reader never sees half a workbook.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from checker import __version__
from checker.engine.context import AuditContext
from checker.engine.rule import Rule
from checker.models import ErrorRecord, Finding, Severity

EXCEL_CELL_LIMIT = 32_767
EXCEL_HYPERLINK_LIMIT = 65_530  # per worksheet; Excel "repairs" (drops) a sheet with more
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
STATUSES = ("Open", "Fixed", "Accepted")

AREAS = {
    "LN": "链接配置 Links",
    "AD": "广告用语 Ad wording",
    "PR": "价格规格 Price & spec",
    "ST": "库存 Stock",
    "DT": "日期 Dates",
    "CP": "投诉 Complaints",
}

FINDING_COLUMNS: list[tuple[str, int]] = [
    ("序号 No.", 7),
    ("严重程度 Severity", 12),
    ("代码 Code", 9),
    ("领域 Area", 16),
    ("规则 Rule", 26),
    ("SKU", 16),
    ("字段 Field", 14),
    ("问题 Message", 50),
    ("证据 Evidence", 44),
    ("建议 Suggestion", 40),
    ("法律依据 Legal basis", 30),
    ("链接 URL", 40),
    ("来源 Source", 30),
    ("状态 Status", 11),
    ("负责人 Owner", 12),
    ("备注 Note", 24),
    ("指纹 Fingerprint", 18),
]
STATUS_COLUMN = [name for name, _ in FINDING_COLUMNS].index("状态 Status") + 1
ERROR_COLUMNS: list[tuple[str, int]] = [
    ("阶段 Stage", 10),
    ("来源 Source", 60),
    ("位置 Location", 24),
    ("原因 Reason", 80),
]

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
SEVERITY_FILL = {
    Severity.ERROR: PatternFill("solid", fgColor="F8CBAD"),
    Severity.WARNING: PatternFill("solid", fgColor="FFE699"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
LINK_FONT = Font(color="0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")


def safe_text(value: Any) -> str:
    """Text fit for a cell: no characters Excel rejects, not longer than Excel allows."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 20] + "…[truncated]"
    return text


class _Writer:
    """Small wrapper over a write-only sheet that makes every cell safe."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.links = 0

    def cell(self, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
             link: str | None = None, wrap: bool = False) -> Any:
        if value is None:
            value = ""
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, str):
            text = safe_text(value)
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever it starts with
            if text.startswith(FORMULA_START):
                cell.quotePrefix = True  # stays text even when a user edits the cell
        else:
            cell.value = value
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = WRAP
        if link and link.startswith(("http://", "https://")) and len(link) < 2000 and self.links < EXCEL_HYPERLINK_LIMIT:
            self.links += 1
            cell.hyperlink = Hyperlink(ref="", target=link)
            cell.font = LINK_FONT
        return cell

    def header(self, columns: list[tuple[str, int]]) -> None:
        for index, (_, width) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append([self.cell(name, font=HEADER_FONT, fill=HEADER_FILL) for name, _ in columns])


def area_name(code: str) -> str:
    prefix = code.rstrip("0123456789")
    return AREAS.get(prefix, prefix)


def _summary(ws, ctx: AuditContext, findings: list[Finding], rules: list[Rule], finished: datetime) -> None:
    w = _Writer(ws)
    ws.column_dimensions["A"].width = 34
    for col in "BCDE":
        ws.column_dimensions[col].width = 16
    bold = Font(bold=True)
    rows: list[tuple[str, Any]] = [
        ("店铺上线前自检报告 / Pre-promotion store audit", ""),
        ("", ""),
        ("状态 Status", "未完成（已中断）PARTIAL" if ctx.partial else "完成 Complete"),
    ]
    if ctx.partial:
        rows.append(("中断原因 Interrupted by", ctx.interrupted_reason or "interrupted"))
    pages_ok = sum(1 for p in ctx.pages.values() if p.fetch.ok)
    rows += [
        ("开始时间 Started", ctx.started.strftime("%Y-%m-%d %H:%M:%S")),
        ("结束时间 Finished", finished.strftime("%Y-%m-%d %H:%M:%S")),
        ("审计日期 Audit date (today)", ctx.today.isoformat()),
        ("起始地址 Start URLs", "\n".join(ctx.start_urls)),
        ("配置文件 Config", str(ctx.config.path or "(defaults)")),
        ("版本 store-checker version", __version__),
        ("", ""),
        ("抓取页面 Pages crawled", len(ctx.pages)),
        ("成功页面 Pages OK", pages_ok),
        ("识别商品 Products extracted", len(ctx.products)),
        ("检查图片/链接 Images & links checked", len(ctx.checked)),
        ("库存行 Inventory rows", len(ctx.lots)),
        ("后台商品 Catalog rows", len(ctx.catalog)),
        ("价格记录 Price records", len(ctx.prices)),
        ("投诉记录 Complaints", len(ctx.complaints)),
        ("读取错误 Input errors", len(ctx.errors)),
        ("发现问题 Findings", len(findings)),
        ("启用规则 Rules run", len(rules)),
    ]
    for label, value in rows:
        ws.append([w.cell(label, font=bold), w.cell(value, wrap=isinstance(value, str) and "\n" in value)])
    ws.append([])
    severities = [Severity.ERROR, Severity.WARNING, Severity.INFO]
    ws.append([w.cell("领域 Area", font=HEADER_FONT, fill=HEADER_FILL)]
              + [w.cell(f"{s.label_zh} {s.value}", font=HEADER_FONT, fill=HEADER_FILL)
                 for s in severities]
              + [w.cell("合计 Total", font=HEADER_FONT, fill=HEADER_FILL)])
    counts = Counter((f.area, f.severity) for f in findings)
    areas = sorted({r.area() for r in rules} | {f.area for f in findings})
    for area in areas:
        per = [counts.get((area, s), 0) for s in severities]
        ws.append([w.cell(area_name(area))] + [w.cell(n, fill=SEVERITY_FILL[s] if n else None)
                                               for n, s in zip(per, severities, strict=True)] + [w.cell(sum(per))])
    totals = [sum(counts.get((a, s), 0) for a in areas) for s in severities]
    ws.append([w.cell("合计 Total", font=bold)] + [w.cell(n, font=bold) for n in totals] + [w.cell(sum(totals), font=bold)])


def _findings(ws, findings: Iterable[Finding]) -> int:
    w = _Writer(ws)
    w.header(FINDING_COLUMNS)
    n = 0
    for n, f in enumerate(findings, start=1):
        ws.append([
            w.cell(n),
            w.cell(f"{f.severity.label_zh} {f.severity.value}", fill=SEVERITY_FILL[f.severity]),
            w.cell(f.code),
            w.cell(area_name(f.code)),
            w.cell(f.rule_name),
            w.cell(f.sku or ""),
            w.cell(f.field or ""),
            w.cell(f.message, wrap=True),
            w.cell(f.evidence, wrap=True),
            w.cell(f.suggestion, wrap=True),
            w.cell(f.legal_basis, wrap=True),
            w.cell(f.url or "", link=f.url),
            w.cell(str(f.source) if f.source else ""),
            w.cell("Open"),
            w.cell(""),
            w.cell(""),
            w.cell(f.fingerprint),
        ])
    last_row = max(n + 1, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{last_row}"
    status = get_column_letter(STATUS_COLUMN)
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="状态 Status", error="Open / Fixed / Accepted")
    dv.add(f"{status}2:{status}{max(last_row, 1000)}")
    ws.data_validations.append(dv)
    return n


def _errors(ws, errors: list[ErrorRecord]) -> None:
    w = _Writer(ws)
    w.header(ERROR_COLUMNS)
    for e in errors:
        ws.append([w.cell(e.stage), w.cell(e.source, link=e.source), w.cell(e.location), w.cell(e.reason, wrap=True)])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ERROR_COLUMNS))}{max(len(errors) + 1, 2)}"


def _rules(ws, rules: list[Rule]) -> None:
    w = _Writer(ws)
    w.header([("代码 Code", 9), ("规则 Rule", 30), ("级别 Severity", 12), ("说明 Summary", 70)])
    for r in rules:
        ws.append([w.cell(r.code), w.cell(r.name), w.cell(r.level.value), w.cell(r.summary)])


def write_workbook(path: Path, ctx: AuditContext, findings: list[Finding], rules: list[Rule]) -> Path:
    """Write the whole workbook to ``path`` atomically (temp file in the same folder + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    _summary(wb.create_sheet("Summary"), ctx, findings, rules, datetime.now())
    _findings(wb.create_sheet("Findings"), findings)
    _errors(wb.create_sheet("Errors"), ctx.errors)
    _rules(wb.create_sheet("Rules"), rules)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
