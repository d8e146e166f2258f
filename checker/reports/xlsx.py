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

import os
import tempfile
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
from checker.models import ErrorRecord, Finding, Severity, unique_fingerprints
from checker.reports.coverage import coverage_rows
from checker.reports.summary import SEVERITIES, area_name, counts_by_area
from checker.reports.sheetwriter import (
    BOLD,
    HEADER,
    SEVERITY_STYLE,
    WRAP,
    Cell,
    Sheet,
    WorkbookWriter,
    column_letter,
)



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


def _summary_rows(ctx: AuditContext, findings: list[Finding], rules: list[Rule], finished: datetime):
    rows: list[tuple[str, Any]] = [
        ("店铺上线前自检报告 / Pre-promotion store audit", ""),
        ("", ""),
        ("状态 Status", "未完成（已中断）PARTIAL" if ctx.partial else "完成 Complete"),
    ]
    if ctx.partial:
        rows.append(("中断原因 Interrupted by", ctx.interrupted_reason or "interrupted"))
    pages_ok = ctx.pages.ok_count
    rows += [
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
        ("库存行 Inventory rows", len(ctx.lots)),
        ("后台商品 Catalog rows", len(ctx.catalog)),
        ("价格记录 Price records", len(ctx.prices)),
        ("投诉记录 Complaints", len(ctx.complaints)),
        ("读取错误 Input errors", len(ctx.errors)),
        ("发现问题 Findings", len(findings)),
        ("启用规则 Rules run", len(rules)),
    ]
    for label, value in rows:
        yield [Cell(label, BOLD), Cell(value, WRAP if isinstance(value, str) and "\n" in value else 0)]
    yield []
    yield ([Cell("领域 Area", HEADER)] + [Cell(f"{s.label_zh} {s.value}", HEADER) for s in SEVERITIES]
           + [Cell("合计 Total", HEADER)])
    rows, totals = counts_by_area(findings, (r.area() for r in rules))
    for area, per in rows:
        yield ([area_name(area)] + [Cell(n, SEVERITY_STYLE[s.value] if n else 0)
                                    for n, s in zip(per, SEVERITIES, strict=True)] + [sum(per)])
    yield [Cell("合计 Total", BOLD)] + [Cell(n, BOLD) for n in totals] + [Cell(sum(totals), BOLD)]
    yield from coverage_rows(ctx, rules)


def _finding_rows(findings: Iterable[Finding]):
    yield _header(FINDING_COLUMNS)
    findings = list(findings)
    for n, (f, fingerprint) in enumerate(zip(findings, unique_fingerprints(findings), strict=True), start=1):
        yield [
            n,
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
            STATUSES[0],
            "",
            "",
            fingerprint,
            "是 yes" if f.repeat_of else "",
            ", ".join(f.repeat_of),
        ]


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


def write_workbook(path: Path, ctx: AuditContext, findings: list[Finding], rules: list[Rule]) -> Path:
    """Write the whole workbook to ``path`` atomically (temp file in the same folder + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        book = WorkbookWriter(tmp)
        book.write_sheet(Sheet("Summary", widths=[34, 16, 16, 16, 16]),
                         _summary_rows(ctx, findings, rules, datetime.now()))
        status = column_letter(STATUS_COLUMN)
        last = max(len(findings) + 1, 1000)
        book.write_sheet(Sheet("Findings", widths=[w for _, w in FINDING_COLUMNS], freeze_header=True,
                               autofilter=True, validations=[(f"{status}2:{status}{last}", list(STATUSES))]),
                         _finding_rows(findings))
        for extra in pack_sheets(ctx, rules):
            book.write_sheet(Sheet(extra.title, widths=[w for _, w in extra.columns], freeze_header=True,
                                   autofilter=True), _pack_rows(extra))
        book.write_sheet(Sheet("Errors", widths=[w for _, w in ERROR_COLUMNS], freeze_header=True, autofilter=True),
                         _error_rows(ctx.errors))
        book.write_sheet(Sheet("Rules", widths=[w for _, w in RULE_COLUMNS], freeze_header=True),
                         _rule_rows(rules))
        book.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is an ordinary file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
