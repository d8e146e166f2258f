"""The ST rules over the fixture store (fixtures/store/p/*.html, extracted and filed as the crawler files
them) with its inventory exports (fixtures/exports/, read as an audit reads them) on the audit date
2026-11-23: every seeded ST defect in _defects.csv is found with its severity, nothing else of ST is
flagged, and each inventory defect planted in exports/_planted.csv is either found or is a look-alike
this file names (stock 0 behind an out-of-stock page, a notice on a lot not yet near expiry)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest
from storeaudit import audit_store, csv_rows, defect_key

from checker.config import load_config
from checker.engine import build_rules

extract = pytest.importorskip("checker.extract", reason="the extractor (checker.extract) is not available yet")

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "store"
DEFECTS = STORE / "_defects.csv"
PLANTED = ROOT / "fixtures" / "exports" / "_planted.csv"
CONFIG = ROOT / "fixtures" / "checker.toml"
ORIGIN = "http://store.test"
TODAY = date(2026, 11, 23)

#: Planted inventory rows no ST rule flags, and why.
LOOK_ALIKES = {
    "CN-SNK-2002": "near expiry, but stock 0 and the page out of stock",
    "TW-FOOD-1106": "22 days left of 6 months is beyond the 20-day threshold; the page's notice is harmless",
    "TW-FOOD-1107": "near expiry, but stock 0 and the page out of stock",
    "EN-FOOD-2116": "expired and on hold, but quantity 0 and the page out of stock",
}

pytestmark = pytest.mark.skipif(not DEFECTS.is_file(), reason="fixtures/store/_defects.csv not generated yet")


@cache
def _audit(promotion: tuple[str, str] | None = None, select: tuple[str, ...] = ("ST",)):
    config = load_config(CONFIG)
    update: dict = {"select": list(select), "ignore": []}
    if promotion:
        update["promotion"] = config.promotion.model_copy(update={"start": date.fromisoformat(promotion[0]),
                                                                  "end": date.fromisoformat(promotion[1])})
    return audit_store(config.model_copy(update=update), TODAY, ORIGIN)


def test_every_seeded_stock_defect_is_found_and_nothing_else():
    findings, ctx = _audit()
    seeded = csv_rows(DEFECTS, "ST")
    expected = {(r["code"], r["sku"], r["path"], r["field"], r["evidence"]) for r in seeded}
    found = {defect_key(f) for f in findings}
    assert {code for code, *_ in expected} >= {"ST001", "ST003", "ST004", "ST005"}
    assert found - expected == set(), "flagged but not seeded"
    assert expected - found == set(), "seeded but not found"
    assert len(findings) == len(found), "one finding per seeded defect"
    info = {(r["code"], r["sku"], r["path"], r["field"], r["evidence"]) for r in seeded if r["note"].startswith("info:")}
    assert {defect_key(f) for f in findings if f.severity.value == "info"} == info
    assert [e for e in ctx.errors if e.stage in ("rule", "config")] == []


def test_each_finding_names_the_lot_its_dates_and_the_export_row():
    findings, _ = _audit()
    for f in findings:
        if f.code in ("ST005", "ST006"):  # about a page: its availability, its copy
            continue
        assert f.source is not None and f.source.file and f.source.row, f
        assert f.extra["lot"] == f.evidence and f.extra["warehouse"]
        assert str(f.source) in f.message
        if f.field == "expiry_date":
            assert f.extra["expiry_date"] and f.extra["days_left"] is not None
    nuts = next(f for f in findings if f.evidence == "NUT2026-01")
    assert (nuts.extra["production_date"], nuts.extra["expiry_date"], nuts.extra["days_left"]) == (
        "2026-01-15", "2026-11-15", -8)


def test_the_planted_inventory_defects_are_found_or_named_look_alikes():
    findings, ctx = _audit()
    flagged = {f.sku for f in findings}
    planted = [r for r in csv_rows(PLANTED) if r["file"].startswith("inventory")]
    assert planted
    for row in planted:
        if row["field"] == "quantity":  # a negative quantity: read, and ST004's finding
            assert any(f.field == "quantity" and f.extra["quantity"] == int(row["value"]) and f.sku == row["sku"]
                       for f in findings), row
        elif "row error" in row["problem"]:
            assert any(row["value"] in e.reason and row["file"] in e.source for e in ctx.errors), row
        elif row["sku"] in LOOK_ALIKES:
            assert row["sku"] not in flagged, (row, LOOK_ALIKES[row["sku"]])
        else:
            assert row["sku"] in flagged, row


def test_a_lot_expiring_the_day_after_the_promotion_ends_is_not_st002():
    # CN-BABY-5001's lot RC2025-06 expires on 2026-12-10
    before, _ = _audit(("2026-12-01", "2026-12-09"))
    assert ("CN-BABY-5001", "RC2025-06") not in {(f.sku, f.evidence) for f in before if f.code == "ST002"}
    during, _ = _audit(("2026-12-01", "2026-12-11"))
    st002 = [(f.sku, f.evidence) for f in during if f.code == "ST002"]
    assert ("CN-BABY-5001", "RC2025-06") in st002
    assert ("CN-BABY-5001", "RC2025-06") not in {(f.sku, f.evidence) for f in during if f.code == "ST003"}


def test_scarcity_claims_revise_the_ad_findings_against_the_stock():
    """With AD005 and ST selected, as in an audit: a false claim's AD005 finding is raised to error with the
    stock figure (and ST006 adds nothing for it), a true one is lowered to info, a claim no lexicon term
    flags is ST006's own error, and AD005's other findings are untouched."""
    findings, _ = _audit(select=("AD005", "ST"))
    ad005 = {f.sku: f for f in findings if f.code == "AD005"}
    longjing, alishan = ad005["CN-TEA-1001"], ad005["TW-TEA-1103"]
    assert (longjing.severity.value, longjing.escalated_by, longjing.extra["claimed_units"]) == ("error", "ST006", 3)
    assert longjing.extra["sellable"] == 320 + 1200 + 200 + 24 and "虚假稀缺" in longjing.message
    assert (alishan.severity.value, alishan.extra["sellable"], alishan.escalated_by) == ("info", 35, None)
    assert "库存证实" in alishan.message
    st006 = [(f.sku, f.severity.value) for f in findings if f.code == "ST006"]
    assert st006 == [("EN-SNK-2103", "error")]
    others = [f for f in findings if f.code == "AD005" and f.sku not in ("CN-TEA-1001", "TW-TEA-1103")]
    assert {f.extra["term"] for f in others} >= {"仅此一次", "最後一天", "Today only"} and all(f.severity.value == "warning" for f in others)
    assert all("revised_by" not in f.extra for f in others)


def test_the_stock_sheet_lists_every_lot_first_to_expire_first(tmp_path):
    import openpyxl

    from checker.reports.xlsx import write_workbook

    findings, ctx = _audit()
    rules = build_rules(ctx.config)
    path = write_workbook(tmp_path / "audit.xlsx", ctx, findings, rules)
    sheet = openpyxl.load_workbook(path)["库存 Stock"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["SKU", "批次 Lot"] and header[8] == "可售 Sellable"
    assert len(rows) == len(ctx.lots)
    longjing = [r for r in rows if r[0] == "CN-TEA-1001"]
    assert [r[1] for r in longjing] == ["L20250410", "L20250601-M", "L20261001-M", "L20260405", "L20260405-S"]
    assert [r[7] for r in longjing[:3]] == [-44, 8, 312]  # days left on 2026-11-23
    assert longjing[0][8] == "否 no: 已过期 / expired" and longjing[1][8] == "是 yes"
    assert longjing[0][9].startswith("有货 in stock · http://store.test/p/longjing-green-tea-250g.html")
    assert longjing[0][10] == "exports/inventory.xlsx, sheet 库存明细, row 5"
    held = next(r for r in rows if r[1] == "NUT2026-09-R")
    assert held[4] == "退货待检" and held[8].startswith("否 no: 状态异常（退货待检）")
    negative = next(r for r in rows if r[1] == "NUT2026-06")
    assert (negative[3], negative[8]) == (-12, "否 no: 数量为负 / negative count")
    known = {p.sku for p in ctx.site_products()} | {v.sku for p in ctx.site_products() for v in p.variants}
    known |= {c.sku for c in ctx.catalog}
    unknown = {r[0] for r in rows if r[9].startswith("未知 SKU")}
    assert unknown == {lot.sku for lot in ctx.lots} - known == {"CN-GIFT-9901"}


def test_past_its_limit_the_stock_sheet_lists_the_lots_to_act_on_and_says_so(tmp_path, monkeypatch):
    """An export of millions of lots is not listed row by row (issue 21): past ``STOCK_SHEET_LOTS`` the sheet
    lists the lots that are not sellable through the promotion, and the Summary says how many are left out."""
    import openpyxl
    from checker_rules.stock import _sheet

    from checker.reports.xlsx import write_workbook

    findings, ctx = _audit()
    monkeypatch.setattr(_sheet, "STOCK_SHEET_LOTS", 5)
    path = write_workbook(tmp_path / "audit.xlsx", ctx, findings, build_rules(ctx.config))
    book = openpyxl.load_workbook(path)
    _, *rows = [list(r) for r in book["库存 Stock"].iter_rows(values_only=True)]
    last = max(ctx.today, ctx.promotion.end)
    act = sum(1 for lot in ctx.lots if _sheet.not_sellable(lot, ctx.today, last) not in (None, "empty"))
    assert len(ctx.lots) > act > 5 and len(rows) == 5
    assert all(not r[8].startswith("是") for r in rows)
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=lambda s: s.lower())  # SKU by SKU
    summary = "\n".join(str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row if c)
    assert f"库存表只列出 5 个需处理的批次（已过期、状态异常、数量为负或促销结束前到期，共 {act} 个，最紧急的优先）" in summary
    assert f"{len(ctx.lots) - 5:,} of the {len(ctx.lots):,} lots are not listed row by row" in summary


def test_past_its_limit_the_stock_sheet_lists_the_most_urgent_lots_and_no_empty_one():
    from checker_rules.stock._sheet import listed_lots

    from checker.config import Config
    from checker.engine.context import AuditContext
    from checker.lots import LotTable
    from checker.models import InventoryLot

    def lot(name, quantity, expiry, status="正常"):
        return InventoryLot(sku="A", lot=name, quantity=quantity, status=status, expiry_date=expiry)

    ctx = AuditContext(config=Config.model_validate({"promotion": {"start": "2026-11-23", "end": "2026-12-12"}}),
                       today=TODAY)
    ctx.lots = LotTable([lot("EMPTY", 0, date(2026, 1, 1)), lot("ENDS", 5, date(2026, 12, 1)), lot("OK", 5, date(2027, 6, 1)),
                         lot("HELD", 5, date(2027, 1, 1), "冻结"), lot("EXPIRED-LATE", 5, date(2026, 10, 1)),
                         lot("EXPIRED", 5, date(2026, 9, 1)), lot("NEGATIVE", -2, None)])  # fmt: skip
    order = [[x.lot for x in listed_lots(ctx, limit)[0]] for limit in (1, 2, 3, 4, 5)]
    assert order[0] == ["EXPIRED"] and set(order[1]) == {"EXPIRED", "EXPIRED-LATE"}
    assert set(order[2]) - set(order[1]) == {"HELD"} and set(order[3]) - set(order[2]) == {"NEGATIVE"}
    assert set(order[4]) - set(order[3]) == {"ENDS"}
    assert "共 5 个" in listed_lots(ctx, 1)[1]  # EMPTY and OK are nothing to act on
