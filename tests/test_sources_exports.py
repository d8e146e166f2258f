"""The realistic exports in fixtures/exports/ parse into exactly the models they describe, field by field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import export_generator

from checker.config import SourceConfig
from checker.lots import Lot
from checker.models import CatalogItem, Complaint, InventoryLot, PriceRecord, SourceRef
from checker.sources import SourceResult, read_source

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "exports"


def read(kind: str, name: str, **options) -> SourceResult:
    result = read_source(SourceConfig(kind=kind, path=name, **options), EXPORTS)
    assert not result.failed, result.errors
    return result


def by_lot(result: SourceResult) -> dict[str, InventoryLot]:
    return {lot.lot: lot for lot in result.records}


def assert_validated(records) -> None:
    """Records equal what pydantic builds from their own dump: no invalid value slipped through."""
    for rec in records:
        model = rec.model() if isinstance(rec, Lot) else rec  # an audit's lots come from a LotTable
        assert type(model).model_validate(model.model_dump()) == rec


def test_gbk_csv_inventory_with_title_row():
    result = read("inventory", "inventory_gbk.csv")
    u = result.understanding[0]
    assert u.encoding == "gb18030 (GBK compatible)" and u.encoding_how == "detected"
    assert u.delimiter == "," and u.header_row == 2 and u.kind == "inventory"
    assert u.mapping == {
        "商品编码": "sku", "商品名称": "name", "批次": "lot", "仓库": "warehouse", "可用库存": "quantity",
        "库存状态": "status", "生产日期": "production_date", "保质期": "shelf_life", "到期日": "expiry_date",
    }  # fmt: skip
    assert (u.rows_read, u.rows_ok, u.rows_error) == (11, 10, 1)
    lots = by_lot(result)
    assert lots["L20260405-S"] == InventoryLot(
        sku="CN-TEA-1001", name="西湖龙井 明前茶", lot="L20260405-S", warehouse="华南仓", quantity=1200,
        status="正常", production_date=date(2026, 4, 5), shelf_life_days=548, expiry_date=date(2027, 10, 5),
        source=SourceRef(file="inventory_gbk.csv", row=3),
    )  # fmt: skip
    # 2024年12月30日 + 24个月, expiry derived
    vc = lots["VC2024-12"]
    assert (vc.production_date, vc.shelf_life_days, vc.expiry_date) == (date(2024, 12, 30), 730, date(2026, 12, 30))
    # 20251120 + 12个月 -> expired 2026-11-20
    assert lots["HZM20251120"].expiry_date == date(2026, 11, 20)
    assert lots["HZM20260901"].shelf_life_days == 365
    assert (lots["RC2026-05"].production_date, lots["RC2026-05"].expiry_date) == (date(2026, 5, 18), date(2027, 11, 18))
    assert lots["SH-42"].production_date is None and lots["SH-42"].expiry_date is None
    assert lots["CUP2026-09"].quantity == 2000 and lots["CUP2026-09"].status == "破损"
    assert lots["NUT2026-06"].quantity == -12  # kept: ST004 reports a negative stock count
    assert lots["GH2024-10"].status == "冻结" and lots["GH2024-10"].expiry_date == date(2026, 10, 1)
    gy = lots["GY2026-03"]  # bare 540 = days
    assert (gy.status, gy.shelf_life_days, gy.expiry_date) == ("变质", 540, date(2027, 9, 3))
    [err] = result.errors
    assert (err.source, err.location, err.reason) == (
        "inventory_gbk.csv",
        "row 13, column 到期日 (I)",
        "expiry date 2025-07-08 is before production date 2026-10-08",
    )
    assert_validated(result.records)


def test_xlsx_inventory_merged_title_serial_dates_and_merged_sku():
    result = read("inventory", "inventory.xlsx")
    u = result.understanding[0]
    assert (u.format, u.sheet, u.sheets, u.header_row, u.date_system) == (
        "xlsx",
        "库存明细",
        ["库存明细", "说明"],
        3,
        "1900",
    )
    assert (u.rows_read, u.rows_ok, u.rows_error, u.rows_skipped) == (12, 11, 0, 1)  # 合计 row skipped
    assert not result.errors and not result.warnings
    lots = by_lot(result)
    assert list(lots)[:3] == ["L20260405", "L20250410", "PE2019-05"]
    first = lots["L20260405"]
    assert first == InventoryLot(
        sku="CN-TEA-1001", name="西湖龙井 明前茶", lot="L20260405", warehouse="华东仓", quantity=320, status="正常",
        production_date=date(2026, 4, 5), shelf_life_days=548, expiry_date=date(2027, 10, 5),
        source=SourceRef(file="inventory.xlsx", sheet="库存明细", row=4),
    )  # fmt: skip
    # the SKU and name cells are merged over rows 4-5: the second lot gets them too
    second = lots["L20250410"]
    assert (second.sku, second.name, second.source.row, second.expiry_date) == (
        "CN-TEA-1001", "西湖龙井 明前茶", 5, date(2026, 10, 10),
    )  # fmt: skip
    # production dates typed as plain serial numbers (General cells); expiry derived from 10个月
    nuts = lots["NUT2026-01"]
    assert (nuts.production_date, nuts.quantity, nuts.expiry_date) == (date(2026, 1, 15), 1500, date(2026, 11, 15))
    assert lots["NUT2026-08"].expiry_date == date(2027, 6, 20)
    assert lots["PE2019-05"].shelf_life_days is None and lots["PE2019-05"].expiry_date is None
    assert lots["PEC2026-03"].quantity == 0
    assert [lots[k].status for k in ("MASK2025-09", "KT2026-07", "GY2026-02")] == ["冻结", "破损", "变质"]
    assert lots["MASK2025-09"].shelf_life_days == 1096  # 3年 from 2025-09-01, calendar
    assert_validated(result.records)


def test_big5_csv_taiwan_inventory():
    result = read("inventory", "inventory_big5.csv")
    u = result.understanding[0]
    assert u.encoding == "big5 (cp950)" and u.header_row == 3
    assert (
        u.mapping["貨號"] == "sku" and u.mapping["有效期限"] == "expiry_date" and u.mapping["保存期限"] == "shelf_life"
    )
    assert (u.rows_ok, u.rows_error) == (9, 0)
    lots = by_lot(result)
    assert lots["PA1118"] == InventoryLot(
        sku="TW-FOOD-1101", name="土鳳梨酥", lot="PA1118", warehouse="台北倉", quantity=240, status="正常",
        production_date=date(2026, 11, 18), shelf_life_days=30, expiry_date=date(2026, 12, 18),
        source=SourceRef(file="inventory_big5.csv", row=4),
    )  # fmt: skip
    assert lots["AL2025W"].production_date == date(2026, 1, 10)  # 115/01/10, Taiwan (ROC) year
    assert lots["NG0615"].expiry_date == date(2026, 12, 15)
    assert lots["SC1120"].shelf_life_days == 7
    assert lots["MG2026-02"].status == "破損" and lots["MB1122"].status == "變質"  # Traditional kept as written
    assert lots["HC2026-03"].quantity == 1050


def test_jsonl_inventory_english_keys():
    result = read("inventory", "inventory_us.jsonl")
    u = result.understanding[0]
    assert (u.format, u.records_at) == ("jsonl", "lines")
    assert u.mapping == {
        "sku": "sku", "title": "name", "lot": "lot", "warehouse": "warehouse", "on_hand": "quantity",
        "status": "status", "mfg": "production_date", "shelf_life": "shelf_life", "best_before": "expiry_date",
    }  # fmt: skip
    lots = by_lot(result)
    assert lots["MT-2605"] == InventoryLot(
        sku="EN-TEA-2101", name="Organic Ceremonial Matcha", lot="MT-2605", warehouse="NJ-1", quantity=140,
        status="available", production_date=date(2026, 5, 2), shelf_life_days=365, expiry_date=date(2027, 5, 2),
        source=SourceRef(file="inventory_us.jsonl", row=1),
    )  # fmt: skip
    assert lots["CT-2504"].status == "damaged" and lots["CT-2504"].expiry_date == date(2026, 10, 10)
    assert lots["CB-2605"].shelf_life_days == 184  # "6 months unopened"
    assert lots["EG-2509"].production_date == date(2025, 9, 15) and lots["EG-2509"].quantity == 1024
    assert lots["BT-01"].production_date is None and lots["BT-01"].source.row == 8


def test_catalog_xlsx_backend_export():
    result = read("catalog", "catalog.xlsx")
    u = result.understanding[0]
    assert u.mapping == {
        "商家编码": "sku", "商品名称": "name", "一口价": "price", "划线价": "list_price", "规格": "specs",
        "商品状态": "status", "商品链接": "url",
    }  # fmt: skip
    items = {i.sku: i for i in result.records}
    assert len(items) == len(export_generator().CATALOG_ROWS)
    assert items["CN-TEA-1001"] == CatalogItem(
        sku="CN-TEA-1001", name="西湖龙井 明前茶 2026新茶 250g 罐装", price=Decimal("268"), list_price=Decimal("328"),
        currency=None, specs={"净含量": "250g", "产地": "浙江省杭州市西湖区", "保质期": "18个月"}, status="上架",
        url="https://shop.example.com/p/longjing-green-tea-250g",
        source=SourceRef(file="catalog.xlsx", sheet="商品列表", row=2),
    )  # fmt: skip
    shoes = items["CN-SPT-7001"]  # "¥269.00" as text in the export
    assert (shoes.price, shoes.list_price, shoes.currency) == (Decimal("269.00"), Decimal("459.00"), "CNY")
    assert items["CN-SNK-2002"].price == Decimal("59.9")
    assert items["CN-BABY-5001"].specs["净含量"] == "250g"
    assert items["CN-TEA-1004"].status == "下架"


def test_catalog_json_api_answer():
    result = read("catalog", "catalog_api.json", currency="USD")
    u = result.understanding[0]
    assert u.records_at == "$.data.list" and u.mapping["compare_at_price"] == "list_price"
    items = {i.sku: i for i in result.records}
    assert items["TW-TEA-1103"] == CatalogItem(
        sku="TW-TEA-1103", name="阿里山高山烏龍茶 150g", price=Decimal("820"), list_price=Decimal("1050"),
        currency="TWD", specs={"內容量": "150g"}, status="on sale",
        url="https://shop.example.com/p/alishan-high-mountain-tea", source=SourceRef(file="catalog_api.json", row=34),
    )  # fmt: skip
    assert items["TW-FOOD-1107"].list_price is None and items["TW-FOOD-1107"].status == "sold out"
    assert (items["HK-FOOD-1201"].price, items["HK-FOOD-1201"].currency) == (Decimal("138.00"), "HKD")
    assert (items["EN-TEA-2101"].price, items["EN-TEA-2101"].currency) == (Decimal("32.00"), "USD")
    assert items["EN-HOM-2104"].specs == {"Capacity": "40 oz (1183 ml)"}


def test_price_history_utf8_bom():
    result = read("prices", "prices_utf8bom.csv")
    u = result.understanding[0]
    assert u.encoding == "utf-8-sig" and u.encoding_how == "bom"
    assert u.mapping == {"SKU": "sku", "日期": "at", "成交价": "price", "币种": "currency", "类型": "kind"}
    assert u.rows_error == 0 and u.rows_ok == len(result.records) == 83 + 15  # + the PR rows
    first = result.records[0]
    assert first == PriceRecord(
        sku="CN-TEA-1001", price=Decimal("328.00"), currency="CNY", at=datetime(2026, 9, 24, 10, 0, 0),
        kind="transaction", source=SourceRef(file="prices_utf8bom.csv", row=2),
    )  # fmt: skip
    shoes = [p for p in result.records if p.sku == "CN-SPT-7001"]
    assert shoes[0].at == date(2026, 9, 25) and shoes[0].price == Decimal("459.00") and shoes[0].currency == "CNY"
    assert {p.kind for p in result.records} == {"transaction", "promotion", "listed"}
    nuts = [p.price for p in result.records if p.sku == "CN-SNK-2001"]
    assert max(nuts) == Decimal("99.00")  # the 139 list price was never charged
    tw = [p for p in result.records if p.sku == "TW-TEA-1102"]
    assert tw[0].price == Decimal("800") and tw[0].currency == "TWD" and tw[0].kind == "listed"
    assert_validated(result.records)


def test_complaint_history():
    result = read("complaints", "complaints.csv")
    assert len(result.records) == 16 and not result.errors
    first = result.records[0]
    assert first == Complaint(
        id="TS20260312001", sku="CN-BTY-3001", skus=["CN-BTY-3001"], received=date(2026, 3, 12), category="商品质量",
        reason="质量问题",
        detail="敷后脸部发红发痒，怀疑成分与宣传不符", source=SourceRef(file="complaints.csv", row=2),
    )  # fmt: skip
    reasons = [c.reason for c in result.records]
    for reason in ("质量问题", "与描述不符", "尺码不准", "临期", "过期", "发货慢", "客服态度差", "物流破损"):
        assert reason in reasons
    assert "與描述不符" in reasons and "過期" in reasons and "Not as described" in reasons
    no_sku = next(c for c in result.records if c.id == "TS20260915003")
    assert no_sku.sku is None and no_sku.reason == "客服态度差"
    assert next(c for c in result.records if c.id == "TW20260708005").received == date(2026, 7, 8)


@pytest.mark.parametrize("name", sorted(p.name for p in EXPORTS.iterdir() if not p.name.startswith(("_", "sources"))))
def test_every_export_is_understood_without_a_kind(name):
    """checker inspect guesses the kind of every bundled export."""
    from checker.sources.reader import read as read_any

    result = read_any(SourceConfig(kind="inventory", path=name), EXPORTS, None)
    assert not result.failed and result.kind in {"inventory", "catalog", "prices", "complaints"}
    expected = "inventory" if name.startswith("inventory") else name.split("_")[0].split(".")[0]
    assert result.kind == expected


def test_generators_reproduce_the_fixtures(tmp_path, monkeypatch):
    """fixtures/make_exports.py is the source of truth: regenerating gives the committed files."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_exports", EXPORTS.parent / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path)
    module.main()
    for path in EXPORTS.iterdir():
        if path.suffix == ".xlsx":  # zip members carry write times: compare what a reader sees
            assert _cells(tmp_path / path.name) == _cells(path), path.name
        else:
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def _cells(path):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {ws.title: (list(ws.iter_rows(values_only=True)), sorted(map(str, ws.merged_cells.ranges)))
            for ws in wb.worksheets}


def test_complaint_tickets_without_type_or_reason_columns():
    """Customer-service tickets: no cause column (the cause comes from the customer's words), order lines
    naming several SKUs, an outcome column, a ticket with text but no SKU."""
    result = read("complaints", "complaints_service.xlsx")
    assert not result.errors and len(result.records) == len(export_generator().SERVICE_ROWS)
    order = next(c for c in result.records if c.id == "CS2609003")
    assert (order.sku, order.skus, order.order) == ("CN-HOM-4003", ["CN-HOM-4003", "CN-HOM-4001"], "DD8803")
    assert order.received == date(2026, 9, 12) and order.reason is None and order.category is None
    assert next(c for c in result.records if c.id == "CS2608005").skus == ["CN-OLD-0002", "CN-OLD-0001"]
    assert next(c for c in result.records if c.id == "CS2509006").outcome == "已解决"
    no_sku = next(c for c in result.records if c.id == "CS2611017")
    assert no_sku.skus == [] and no_sku.detail == "客服電話一直打不通"


def test_complaint_skus_as_a_json_list(tmp_path):
    (tmp_path / "tickets.json").write_text(
        '[{"ticket_id": "J1", "sku": ["A1", "A2"], "detail": "收到就碎了"}, {"ticket_id": "J2", "detail": "客服不理人"},'
        ' {"ticket_id": "J3", "sku": ""}]', encoding="utf-8")
    result = read_source(SourceConfig(kind="complaints", path="tickets.json"), tmp_path)
    assert [c.skus for c in result.records] == [["A1", "A2"], []]
    assert [e.reason for e in result.errors] == ["投诉既无 SKU 也无内容 / complaint has neither a SKU nor any text"]
