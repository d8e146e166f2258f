"""The workbook's per-SKU and per-owner sheets: one row per SKU with its findings across families, so
that whoever owns a product sees everything wrong with it at once; one row per owner (``[owners]``)
with the open findings that are theirs (the Findings sheet has one row per finding)."""

from __future__ import annotations

from checker.reports.records import Row, area_label
from checker.reports.sheetwriter import HEADER, SEVERITY_STYLE, WRAP, Cell

TITLE = "按SKU Per SKU"
COLUMNS: list[tuple[str, int]] = [
    ("SKU", 18), ("问题数 Findings", 10), ("错误 error", 9), ("警告 warning", 9), ("提示 info", 9),
    ("领域 Areas", 30), ("代码 Codes", 24), ("最严重的问题 Most severe", 60), ("序号 Finding No.", 20),
]
SHOWN_NUMBERS = 10


def per_sku_rows(rows: list[Row]):
    """Header, then the SKUs with the most errors (then warnings, infos) first."""
    by_sku: dict[str, list[Row]] = {}
    for row in rows:
        if row.finding.sku:
            by_sku.setdefault(row.finding.sku, []).append(row)
    counted = []
    for sku, found in by_sku.items():
        levels = [r.finding.severity.value for r in found]
        counted.append(((-levels.count("error"), -levels.count("warning"), -levels.count("info")), sku, found))
    counted.sort(key=lambda item: (item[0], item[1]))

    yield [Cell(name, HEADER) for name, _ in COLUMNS]
    for (errors, warnings, infos), sku, found in counted:
        worst = found[0] if len(found) == 1 else max(found, key=lambda r: (r.finding.severity.rank, -r.number))
        numbers = ", ".join(str(r.number) for r in found[:SHOWN_NUMBERS]) + (", …" if len(found) > SHOWN_NUMBERS else "")
        yield [sku, len(found), Cell(-errors, SEVERITY_STYLE["error"] if errors else 0),
               Cell(-warnings, SEVERITY_STYLE["warning"] if warnings else 0), -infos,
               Cell(", ".join(dict.fromkeys(area_label(r.finding.code) for r in found)), WRAP),
               ", ".join(dict.fromkeys(r.finding.code for r in found)),
               Cell(f"{worst.finding.code}: {worst.finding.message.split(chr(10), 1)[0]}", WRAP), numbers]


OWNER_TITLE = "按负责人 Per owner"
OWNER_COLUMNS: list[tuple[str, int]] = [
    ("负责人 Owner", 24), ("未处理 Open findings", 12), ("错误 error", 9), ("警告 warning", 9), ("提示 info", 9),
    ("代码 Codes", 40), ("SKU 数 SKUs", 10),
]


def per_owner_rows(rows: list[Row]):
    """Header, then one row per owner with their open findings (Accepted and Fixed left out); no owner last."""
    by_owner: dict[str, list[Row]] = {}
    for row in rows:
        if not row.accepted and not row.status.endswith("Fixed"):
            by_owner.setdefault(row.owner, []).append(row)
    yield [Cell(name, HEADER) for name, _ in OWNER_COLUMNS]
    for owner, found in sorted(by_owner.items(), key=lambda item: (not item[0], item[0])):
        levels = [r.finding.severity.value for r in found]
        yield [owner or "（未指定）(none)", len(found), Cell(levels.count("error"), SEVERITY_STYLE["error"]),
               levels.count("warning"), levels.count("info"),
               Cell(", ".join(dict.fromkeys(r.finding.code for r in found)), WRAP),
               len({r.finding.sku for r in found if r.finding.sku})]
