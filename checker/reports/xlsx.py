"""The Excel workbook a manager opens, filters and works through.

Sheets: *Summary* (run facts, counts by area x severity), *Findings* (one row per finding, frozen
bilingual header, autofilter, severity colours, clickable URLs, a Status drop-down, Repeat columns),
the sheets of the packs that ran (:class:`~checker.engine.pack.PackSheet`: the stock by lot, the
complaints by cause...), *Errors*
(every page, file or row that could not be read) and *Rules* (what ran).

Safety: text from the web is always stored as a string cell (never a formula), with Excel's
quote prefix on anything that starts like a formula; control characters Excel rejects are
dropped; over-long cells are cut at Excel's limit.  The file is written to a temporary name and
renamed, so a reader never sees half a workbook.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from checker import __version__
from checker.engine.context import AuditContext
from checker.engine.pack import PackSheet
from checker.engine.registry import load_packs
from checker.engine.rule import Rule
from checker.messages import STATUSES, reason_label, stage_label
from checker.models import ErrorRecord, Finding
from checker.reports.coverage import coverage_rows
from checker.reports import per_sku
from checker.reports.priority import fix_first, places, why
from checker.reports.records import Row, finding_rows
from checker.reports.chart import BarChart
from checker.reports.sheetwriter import (
    BOLD,
    EXCEL_ROW_LIMIT,
    FILL_RGB,
    HEADER,
    SEVERITY_STYLE,
    WRAP,
    Cell,
    Sheet,
    WorkbookWriter,
    column_letter,
)
from checker.reports.atomic import replaced_whole
from checker.reports.summary import SEVERITIES, area_name, counts_by_area

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
    ("状态 Status", 16),
    ("负责人 Owner", 12),
    ("备注 Note", 24),
    ("指纹 Fingerprint", 18),
    ("重犯 Repeat", 9),  # CP002: the finding repeats a past complaint's cause
    ("历史投诉 Complaint ids", 22),
    ("基线 Baseline", 14),  # --baseline: 新 New / 仍存在 Still open
]
BASELINE_LABELS = {"new": "新 New", "unchanged": "仍存在 Still open"}
FIXED_COLUMNS: list[tuple[str, int]] = [
    ("指纹 Fingerprint", 18), ("严重程度 Severity", 12), ("代码 Code", 9), ("SKU", 16), ("链接 URL", 40),
    ("问题 Message", 60), ("状态 Status", 16), ("负责人 Owner", 12), ("备注 Note", 24),
]
STATUS_COLUMN = [name for name, _ in FINDING_COLUMNS].index("状态 Status") + 1
ERROR_COLUMNS: list[tuple[str, int]] = [
    ("阶段 Stage", 10),
    ("来源 Source", 60),
    ("位置 Location", 24),
    ("原因 Reason", 80),
]

def _header(columns: list[tuple[str, int]]) -> list[Cell]:
    return [Cell(name, HEADER) for name, _ in columns]


def _promotion_text(ctx: AuditContext, rules: list[Rule]) -> str:
    """The window, or, without one, which rules used the audit date in its place (said once, here)."""
    window = ctx.promotion
    if window.configured:
        return window.label
    needing = [r.code for r in rules if r.needs_promotion]
    if not needing:
        return "未设置 / not set"
    return (f"未设置：{', '.join(needing)} 按审计日期 {window.start} 计算 / "
            f"not set: {', '.join(needing)} used the audit date {window.start} instead")


def _summary_rows(ctx: AuditContext, findings: list[Finding], rules: list[Rule], finished: datetime,
                  notes: list[str] = (), rows: list[Row] = (), fixed=(), sheet: Sheet | None = None):
    """The Summary's rows; on ``sheet``, the chart of findings by area and severity."""
    lines: list[tuple[str, Any]] = [
        ("店铺上线前自检报告 / Pre-promotion store audit", ""),
        ("", ""),
        ("状态 Status", "未完成（已中断）PARTIAL" if ctx.partial else "完成 Complete"),
    ]
    if ctx.partial:
        lines.append(("中断原因 Interrupted by", ctx.interrupted_reason or "interrupted"))
    if ctx.scope_note:
        lines.append(("审核范围 Scope", ctx.scope_note))
    pages_ok = ctx.pages.ok_count
    lines += [
        ("开始时间 Started", ctx.started.strftime("%Y-%m-%d %H:%M:%S")),
        ("结束时间 Finished", finished.strftime("%Y-%m-%d %H:%M:%S")),
        ("审计日期 Audit date (today)", ctx.today.isoformat()),
        ("促销期 Promotion window", _promotion_text(ctx, rules)),
        ("起始地址 Start URLs", "\n".join(ctx.start_urls)),
        ("配置文件 Config", str(ctx.config.path or "(defaults)")),
        ("版本 store-checker version", __version__),
        ("", ""),
        ("抓取页面 Pages crawled", len(ctx.pages)),
        ("成功页面 Pages OK", pages_ok),
        ("识别商品 Products extracted", ctx.product_count),
        ("无法读取商品的页面 Product pages not read (PR007)", sum(f.code == "PR007" for f in findings)),
        ("检查图片/链接 Images & links checked", len(ctx.checked)),
        *([("图片文字 Image text (OCR)", ctx.ocr_summary)] if ctx.ocr_summary else []),
        ("库存行 Inventory rows", len(ctx.lots)),
        ("后台商品 Catalog rows", len(ctx.catalog)),
        ("价格记录 Price records", len(ctx.prices)),
        ("投诉记录 Complaints", len(ctx.complaints)),
        ("读取错误 Input errors", len(ctx.errors)),
        ("发现问题 Findings", len(findings)),
        ("启用规则 Rules run", len(rules)),
    ]
    if any(r.baseline_state for r in rows) or fixed:
        lines += [("新问题 New since the baseline", sum(r.baseline_state == "new" for r in rows)),
                  ("仍存在 Still open", sum(r.baseline_state == "unchanged" for r in rows)),
                  ("已修复 Fixed (gone)", len(fixed))]
    lines += [("工作簿说明 Workbook note", note) for note in notes]
    head = []
    for label, value in lines:
        style = WRAP if isinstance(value, str) and "\n" in value else 0
        if ctx.partial and label == "状态 Status":
            style = SEVERITY_STYLE["error"]  # PARTIAL stands out (red fill)
        head.append([Cell(label, BOLD), Cell(value, style)])
    head += [*_fix_first_rows(rows), []]
    yield from head
    yield ([Cell("领域 Area", HEADER)] + [Cell(f"{s.label_zh} {s.value}", HEADER) for s in SEVERITIES]
           + [Cell("合计 Total", HEADER)])
    by_area, totals = counts_by_area(findings, (r.area() for r in rules))
    if sheet is not None and findings:  # a native chart of the table below, beside the run facts
        header = len(head) + 1
        sheet.chart = BarChart("问题：领域 × 严重程度 / Findings by area and severity", sheet.name, "A", header + 1,
                               header + len(by_area), header,
                               [(column_letter(i + 2), FILL_RGB[s.value][2:]) for i, s in enumerate(SEVERITIES)])
    for area, per in by_area:
        yield ([area_name(area)] + [Cell(n, SEVERITY_STYLE[s.value] if n else 0)
                                    for n, s in zip(per, SEVERITIES, strict=True)] + [sum(per)])
    yield [Cell("合计 Total", BOLD)] + [Cell(n, BOLD) for n in totals] + [Cell(sum(totals), BOLD)]
    yield from coverage_rows(ctx, rules)


def _fix_first_rows(rows: list[Row]):
    """The top findings to start with (:mod:`checker.reports.priority`), by their Findings row number."""
    top = fix_first(rows)
    if not top:
        return
    yield []
    yield [Cell(h, HEADER) for h in ("先修这些 What to fix first (No.)", "严重程度 Severity", "代码 Code", "SKU / URL",
                                     "问题 Message", "涉及 Places", "原因 Why")]
    for row in top:
        f = row.finding
        yield [row.number, Cell(f"{f.severity.label_zh} {f.severity.value}", SEVERITY_STYLE[f.severity.value]), f.code,
               Cell(f.sku or f.url or (str(f.source) if f.source else ""), WRAP),
               Cell(f.message.split("\n", 1)[0], WRAP), places(row), Cell(why(row), WRAP)]


def _finding_rows(rows: Iterable[Row]):
    """``rows``: numbered, with fingerprints unique over the whole audit and what a baseline carried."""
    yield _header(FINDING_COLUMNS)
    for row in rows:
        f = row.finding
        yield [
            row.number,
            Cell(f"{f.severity.label_zh} {f.severity.value}", SEVERITY_STYLE[f.severity.value]),
            f.code,
            area_name(f.code),
            f.rule_name,
            f.sku or "",
            f.field or "",
            Cell(f.message, WRAP),
            Cell(f.evidence, WRAP),
            Cell(f.suggestion, WRAP),
            Cell(f.legal_basis, WRAP),
            Cell(f.url or "", link=f.url),
            str(f.source) if f.source else "",
            row.status,
            row.owner,
            Cell(row.note, WRAP) if row.note else "",
            row.fingerprint,
            "是 yes" if f.repeat_of else "",
            ", ".join(f.repeat_of),
            BASELINE_LABELS.get(row.baseline_state, ""),
        ]


def _fixed_rows(fixed):
    """The baseline's findings this run did not raise again (a :class:`~checker.reports.baseline.Previous` each)."""
    yield _header(FIXED_COLUMNS)
    for p in fixed:
        yield [p.fingerprint, p.severity, p.code, p.sku, Cell(p.url, link=p.url or None), Cell(p.message, WRAP),
               p.status, p.owner, p.note]


def _error_rows(errors: list[ErrorRecord]):
    yield _header(ERROR_COLUMNS)
    for e in errors:
        yield [stage_label(e.stage), Cell(e.source, link=e.source), e.location, Cell(reason_label(e.reason), WRAP)]


RULE_COLUMNS = [("代码 Code", 9), ("规则 Rule", 30), ("级别 Severity", 12), ("说明 Summary", 70)]


def _rule_rows(rules: list[Rule]):
    yield _header(RULE_COLUMNS)
    for r in rules:
        yield [r.code, r.name, f"{r.level.label_zh} {r.level.value}", r.summary]


def pack_sheets(ctx: AuditContext, rules: list[Rule]) -> list[PackSheet]:
    """The sheets of the packs that ran (a pack's sheet describes what its rules read)."""
    ran = frozenset(r.code for r in rules)
    sheets: list[PackSheet] = []
    for pack in load_packs().values():
        if pack.sheets is not None and ran & set(pack.codes):
            sheets += pack.sheets(ctx, ran)
    return sheets


def _pack_rows(sheet: PackSheet):
    yield _header(sheet.columns)
    yield from sheet.rows


#: Finding sheets at most (Findings, Findings (2) ...); findings beyond them, the lowest
#: severities (findings come sorted by severity), are counted on the Summary instead.
MAX_FINDING_SHEETS = 8


def _pieces(total: int, per_sheet: int, max_sheets: int) -> list[tuple[int, int]]:
    """(start, stop) of the rows on each sheet: at least one sheet, at most ``max_sheets``."""
    starts = range(0, max(total, 1), per_sheet)[:max_sheets]
    return [(start, min(start + per_sheet, total)) for start in starts]


def _not_written(findings: list[Finding]) -> str:
    by_code = Counter(f.code for f in findings)
    codes = ", ".join(f"{code} {n:,}" for code, n in by_code.most_common(10))
    return (f"{len(findings):,} 条低级别问题未逐行列出（超出 Excel 行数上限），按代码：{codes} / "
            f"{len(findings):,} findings of the lowest severities not listed row by row (past Excel's row limit); "
            f"by code: {codes}")


def _write_sheets(book: WorkbookWriter, ctx: AuditContext, rows: list[Row], rules: list[Rule],
                  max_rows: int, notes: list[str], fixed=()) -> None:
    """Findings (continued on more sheets past the row limit), Errors, Rules; what went wrong in
    any of them goes to ``notes``, for the Summary."""
    per_sheet = max_rows - 1  # under a header
    status = column_letter(STATUS_COLUMN)
    pieces = _pieces(len(rows), per_sheet, MAX_FINDING_SHEETS)
    for number, (start, stop) in enumerate(pieces, start=1):
        name = "Findings" if number == 1 else f"Findings ({number})"
        last = min(max(stop - start + 1, 1000), max_rows)
        sheet = Sheet(name, widths=[w for _, w in FINDING_COLUMNS], freeze_header=True, autofilter=True,
                      validations=[(f"{status}2:{status}{last}", list(STATUSES))], max_rows=max_rows)
        book.write_sheet(sheet, _finding_rows(itertools.islice(rows, start, stop)))
        _note_sheet(sheet, notes)
    if len(pieces) > 1:
        notes.append(f"问题过多，续写于 Findings (2) … ({len(pieces)}) 工作表 / more findings than one sheet "
                     f"holds: continued on sheets Findings (2) … Findings ({len(pieces)})")
    if pieces[-1][1] < len(rows):
        notes.append(_not_written([r.finding for r in rows[pieces[-1][1]:]]))
    packs = pack_sheets(ctx, rules)
    notes += [extra.note for extra in packs if extra.note]
    extras = [(Sheet(extra.title, widths=[w for _, w in extra.columns], freeze_header=True, autofilter=True,
                     max_rows=max_rows), _pack_rows(extra)) for extra in packs]
    if fixed:
        extras.append((Sheet("已修复 Fixed", widths=[w for _, w in FIXED_COLUMNS], freeze_header=True, autofilter=True,
                             max_rows=max_rows), _fixed_rows(fixed)))
    for sheet, rows in (
        *extras,
        (Sheet("Errors", widths=[w for _, w in ERROR_COLUMNS], freeze_header=True, autofilter=True,
               max_rows=max_rows),
         _error_rows(ctx.errors)),
        (Sheet("Rules", widths=[w for _, w in RULE_COLUMNS], freeze_header=True), _rule_rows(rules)),
        *([(Sheet(per_sku.TITLE, widths=[w for _, w in per_sku.COLUMNS], freeze_header=True, autofilter=True,
                  max_rows=max_rows), per_sku.per_sku_rows(rows))] if any(r.finding.sku for r in rows) else []),
        *([(Sheet(per_sku.OWNER_TITLE, widths=[w for _, w in per_sku.OWNER_COLUMNS], freeze_header=True),
            per_sku.per_owner_rows(rows))] if ctx.config.owners else []),
    ):
        book.write_sheet(sheet, rows)
        _note_sheet(sheet, notes)


def _note_sheet(sheet: Sheet, notes: list[str]) -> None:
    if sheet.cut:
        notes.append(f"{sheet.name}: 只写入前 {sheet._rows - 1:,} 行（Excel 行数上限）/ only the first "
                     f"{sheet._rows - 1:,} rows written (Excel's row limit)")
    if sheet.failure:
        notes.append(f"{sheet.name}: 写入在第 {sheet._rows + 1} 行中断，之前的行完整 / writing stopped at row "
                     f"{sheet._rows + 1}, the rows before it are complete: {sheet.failure}")


def _write_file(tmp: str, ctx: AuditContext, rows: list[Row], rules: list[Rule], max_rows: int,
                failure: str = "", fixed=()) -> list[str]:
    """The workbook into ``tmp``: the sheets, then the Summary (shown first) with what happened to
    them.  ``failure``: a whole workbook could not be written, so this one is the Summary alone."""
    book = WorkbookWriter(tmp)
    notes = [failure] if failure else []
    try:
        if not failure:
            _write_sheets(book, ctx, rows, rules, min(max_rows, EXCEL_ROW_LIMIT), notes, fixed)
        summary = Sheet("Summary", widths=[34, 16, 16, 24, 40, 10, 30])
        book.write_sheet(summary, _summary_rows(ctx, [r.finding for r in rows], rules, datetime.now(), notes, rows,
                                                fixed, summary), first=True)
        book.close()
    except BaseException:
        book.discard()
        raise
    return notes


def write_workbook(path: Path, ctx: AuditContext, findings: list[Finding], rules: list[Rule], *,
                   max_rows: int = EXCEL_ROW_LIMIT, rows: list[Row] | None = None, fixed=()) -> Path:
    """Write the whole workbook to ``path`` atomically (temp file in the same folder + rename).

    Excel's limits are kept before writing (``max_rows`` per sheet: lower in tests), and a failure
    while writing still leaves a valid workbook: a sheet whose rows fail ends there, and the
    Summary, written last and shown first, says so; if the workbook cannot be written at all, the
    Summary alone is.  Each such note is also an Errors row of the audit (for the console).
    ``rows``: the findings as numbered with a baseline's Status/Owner/Note (:func:`finding_rows`);
    ``fixed``: the baseline's findings gone in this run, listed on their own sheet."""
    path = Path(path)
    rows = finding_rows(findings) if rows is None else rows
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        notes = _write_atomically(path, ctx, rows, rules, max_rows, fixed=fixed)
    except Exception as exc:
        failure = (f"工作簿无法完整写入，仅有摘要 / the workbook could not be written whole, only this "
                   f"summary: {type(exc).__name__}: {exc}")
        try:
            notes = _write_atomically(path, ctx, rows, rules, max_rows, failure, fixed)
        except Exception:
            raise exc from None
    ctx.errors.extend(ErrorRecord(stage="report", source=str(path), reason=note) for note in notes)
    return path


def _write_atomically(path: Path, ctx: AuditContext, rows: list[Row], rules: list[Rule], max_rows: int,
                      failure: str = "", fixed=()) -> list[str]:
    """:func:`_write_file` into a temporary file of its own beside ``path``, renamed to it when whole."""
    with replaced_whole(path, ".xlsx.tmp") as tmp:
        return _write_file(tmp, ctx, rows, rules, max_rows, failure, fixed)
