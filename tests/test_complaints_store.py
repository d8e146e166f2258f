"""The CP rules over the fixture store (fixtures/store/p/*.html, extracted and filed as the crawler files
them) with its complaint exports (fixtures/exports/complaints.csv with a type column, and
complaints_service.xlsx without one: the customer's words, order lines of several SKUs, SKUs no longer sold)
on the audit date 2026-11-23.  The expected findings are written out here: each is a complaint planted in
exports/_planted.csv or a consequence of one, and the look-alikes are named."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest
from checker_rules.complaints._common import complaint_view
from storeaudit import audit_store

from checker.config import load_config

extract = pytest.importorskip("checker.extract", reason="the extractor (checker.extract) is not available yet")

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "store"
CONFIG = ROOT / "fixtures" / "checker.toml"
ORIGIN = "http://store.test"
TODAY = date(2026, 11, 23)
FAMILIES = ["SP", "ST", "PR", "AD"]

#: (code, sku, field, evidence) of every CP001 / CP003 finding.
EXPECTED_CP = {
    ("CP001", "CN-SPT-7001", "complaints", "size"),  # two in the window (xlsx, Simplified + Traditional); the csv's is older
    ("CP001", "CN-HOM-4003", "complaints", "damaged"),  # csv 物流破损 + an xlsx order line with CN-HOM-4001
    ("CP001", "EN-FOOD-2110", "complaints", "expired"),  # csv Near expiry + xlsx Best before
    ("CP003", "CN-HOM-4004", "title", "纯棉"),  # 说是纯棉 … 65%涤纶; title 纯棉家居服套装
    ("CP003", "CN-HOM-4002", "title", "1.8m床"),  # 说是1.8m床的实际是1.5m的
    ("CP003", "CN-BABY-5001", "title", "225g"),  # 页面写225g，实际包装写250g
    ("CP003", "EN-HOM-2104", "title", "32 oz"),  # Listed as 32 oz, the bottle holds 40 oz
    ("CP003", "EN-TEA-2101", "title", "organic"),  # Not organic as advertised
}

#: Findings of other families raised by CP002: (code, sku, evidence start) -> (severity before, after, complaint ids).
ESCALATED = {
    ("ST003", "CN-FOOD-6001", "HN20250620"): ("info", "warning", ["TS20260618002"]),
    ("ST003", "EN-FOOD-2110", "DC-2412"): ("info", "warning", ["CS2610012", "EN20260919001"]),
    ("AD005", "EN-TEA-2101", "Today only"): ("warning", "error", ["CS2611016"]),
    ("SP001", "CN-BABY-5001", "225g"): ("error", "error", ["TS20260520013"]),
    ("SP001", "CN-HOM-4002", "1.8m"): ("error", "error", ["CS2611015"]),
    ("SP001", "EN-HOM-2104", "32 oz"): ("error", "error", ["EN20261021004"]),
    ("ST001", "CN-FOOD-6002", "HZM20251120"): ("error", "error", ["TS20260702019"]),
    ("ST001", "TW-FOOD-1110", "PB2025-10"): ("error", "error", ["TW20261011009"]),
    ("ST004", "CN-HOM-4001", "CUP2026-09"): ("error", "error", ["CS2609003"]),
    ("ST004", "CN-HOM-4003", "KT2026-07"): ("error", "error", ["CS2609003", "TS20260811004"]),
    ("ST004", "EN-PET-2112", "CT-2504"): ("error", "error", ["EN20261102006"]),
    ("ST004", "CN-BTY-3001", "MASK2025-09"): ("error", "error", ["CS2609010", "TS20260312001"]),
    ("AD003", "CN-BTY-3001", "玻尿酸"): ("error", "error", ["CS2609010", "TS20260312001"]),
    ("AD004", "CN-BTY-3001", "，无需冲洗"): ("error", "error", ["CS2609010", "TS20260312001"]),
    ("AD004", "CN-BTY-3001", "补水保湿"): ("error", "error", ["CS2609010", "TS20260312001"]),
    ("PR004", "CN-SNK-2001", "reference 139"): ("error", "error", ["TS20261003021"]),
}


@cache
def _audit(select: tuple[str, ...]):
    config = load_config(CONFIG).model_copy(update={"select": list(select), "ignore": []})
    return audit_store(config, TODAY, ORIGIN)


def _key(f) -> tuple[str, str, str, str]:
    return (f.code, f.sku or "", f.field or "", f.evidence)


def test_both_exports_are_read_without_errors():
    _, ctx = _audit(("CP",))
    files = {Path(c.source.file).name for c in ctx.complaints}
    assert files == {"complaints.csv", "complaints_service.xlsx"}
    assert [e for e in ctx.errors if "complaints" in e.source] == []
    order = next(c for c in ctx.complaints if c.id == "CS2609003")
    assert order.skus == ["CN-HOM-4003", "CN-HOM-4001"] and order.order == "DD8803"
    no_sku = next(c for c in ctx.complaints if c.id == "CS2611017")
    assert no_sku.sku is None and no_sku.detail == "客服電話一直打不通"


def test_every_cp_finding_and_nothing_else():
    findings, ctx = _audit(("CP",))
    assert {_key(f) for f in findings} == EXPECTED_CP
    assert len(findings) == len(EXPECTED_CP)
    assert [e for e in ctx.errors if e.stage in ("rule", "config")] == []
    shoes = next(f for f in findings if f.sku == "CN-SPT-7001")
    assert shoes.extra["complaint_ids"] == ["CS2610001", "CS2611002"]
    assert (shoes.extra["first"], shoes.extra["last"]) == ("2026-10-20", "2026-11-05")
    assert len(shoes.extra["samples"]) == 2 and "偏小" in shoes.message


def test_look_alikes_are_not_flagged():
    findings, ctx = _audit(("CP",))
    flagged = {f.sku for f in findings if f.code == "CP001"}
    assert "CN-TEA-1002" not in flagged  # one old resolved complaint + one in the window
    assert "CN-SNK-2001" not in flagged  # two logistics complaints: not the product's
    assert "CN-BTY-3001" not in flagged  # 不是质量问题 … 客服态度太差 is a service complaint
    view = complaint_view(ctx)
    causes = {e.id: e.cause.cause for e in view.entries}
    assert causes["CS2611011"] == "service" and causes["CS2610008"] == "logistics"
    assert causes["CS2611013"] is None  # 请尽快联系我: unclassified, not guessed
    assert set(view.unknown_skus()) == {"CN-OLD-0001", "CN-OLD-0002"}


def test_escalation_of_other_families():
    """CP002 raises SP, ST, PR and AD findings on SKUs complained about for their cause, and only those;
    the other families find exactly what they find without CP (same findings, same order of identity)."""
    with_cp, _ = _audit(("CP", *FAMILIES))
    without, _ = _audit(tuple(FAMILIES))
    assert sorted(f.fingerprint for f in with_cp if not f.code.startswith("CP")) == sorted(
        f.fingerprint for f in without)
    before = {f.fingerprint: f.severity.value for f in without}
    escalated = {}
    for f in with_cp:
        if f.repeat_of:
            match = [k for k in ESCALATED if (f.code, f.sku) == k[:2] and f.evidence.startswith(k[2])]
            assert len(match) == 1, f
            escalated[match[0]] = (before[f.fingerprint], f.severity.value, f.repeat_of)
            assert f.escalated_by == "CP002" and "重犯" in f.message and f.repeat_of[0] in f.message
        else:
            assert f.severity.value == before.get(f.fingerprint, f.severity.value), f
    assert escalated == ESCALATED


def test_workbook_complaint_sheets_and_repeat_columns(store_audit):
    """The full audit over HTTP, as `make audit` runs it: the Findings sheet marks repeats with their
    complaint ids; 投诉原因 lists causes by count and month with their top SKUs, 投诉 every complaint with
    its cause (or unclassified), unknown SKUs and the findings it escalated."""
    from openpyxl import load_workbook

    wb = load_workbook(store_audit.workbook, read_only=True)
    assert {"投诉原因 Complaint causes", "投诉 Complaints"} <= set(wb.sheetnames)
    assert wb.sheetnames.index("投诉 Complaints") < wb.sheetnames.index("Errors")
    rows = [[*r, None, None] for r in wb["Findings"].iter_rows(values_only=True)]
    header = rows[0]
    repeat, ids, code, sku = (header.index(n) for n in ("重犯 Repeat", "历史投诉 Complaint ids", "代码 Code", "SKU"))
    kettle = [r for r in rows[1:] if r[code] == "ST004" and r[sku] == "CN-HOM-4003"]
    assert kettle and kettle[0][repeat] == "是 yes" and kettle[0][ids] == "CS2609003, TS20260811004"
    assert all(r[repeat] in (None, "") for r in rows[1:] if r[code].startswith("LN"))

    causes = [list(r) for r in wb["投诉原因 Complaint causes"].iter_rows(values_only=True)]
    head = causes[0]
    by_cause = {r[1]: dict(zip(head, r, strict=True)) for r in causes[1:]}
    assert by_cause["size"]["投诉数 Count"] == 4 and by_cause["size"]["2026-11"] == 1
    assert by_cause["size"]["最多的 SKU Top SKUs"].startswith("CN-SPT-7001 ×3")
    assert "CN-OLD-0001 ×1（未知 unknown）" in by_cause["size"]["最多的 SKU Top SKUs"]
    assert by_cause["logistics"]["针对商品 Product"].startswith("否 no")
    assert by_cause["none"]["投诉数 Count"] == 1
    assert sum(by_cause[c]["投诉数 Count"] for c in by_cause) == len(store_audit.ctx.complaints)

    complaints = [list(r) for r in wb["投诉 Complaints"].iter_rows(values_only=True)]
    head = complaints[0]
    by_id = {r[0]: dict(zip(head, r, strict=True)) for r in complaints[1:]}
    assert len(by_id) == len(store_audit.ctx.complaints)
    assert by_id["CS2611013"]["原因 Cause"] == "未分类 / unclassified"  # listed, not guessed
    assert by_id["CS2608005"]["未知 SKU Unknown SKUs"] == "CN-OLD-0002, CN-OLD-0001"
    assert by_id["CS2611011"]["原因 Cause"].startswith("服务态度")
    assert by_id["TS20260811004"]["升级的问题 Escalated findings"] == "ST004 CN-HOM-4003 error→error"
    assert by_id["CS2610012"]["升级的问题 Escalated findings"] == "ST003 EN-FOOD-2110 info→warning"
    assert by_id["CS2610012"]["依据 Decided by"] == "内容 text: best before"


def test_console_summary_counts_and_marks_repeats(store_audit, capsys):
    from checker.models import Severity
    from checker.reports.console import print_summary

    print_summary(store_audit.findings, store_audit.ctx, store_audit.workbook, Severity.ERROR)
    out = capsys.readouterr().out
    repeats = [f for f in store_audit.findings if f.repeat_of]
    assert {(f.code, f.sku) for f in repeats} == {k[:2] for k in ESCALATED}  # the HTTP audit escalates the same
    assert f"repeats of past complaints: {len(repeats)} findings" in out
    shown = [f for f in store_audit.findings if f.severity is Severity.ERROR][:10]
    assert ("重犯 repeat of" in out) == any(f.repeat_of for f in shown)
