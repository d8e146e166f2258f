"""Header recognition (alias table as data, explicit columns, title rows) and text encoding detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.aliases import KINDS, alias_table, normalise_header
from checker.config import SourceConfig
from checker.sources import read_source
from checker.sources.errors import SourceError
from checker.sources.fields import find_header, guess_kind, match_header
from checker.sources.textio import decode, sniff_delimiter

# --------------------------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("SKU", "sku"), ("商品编码", "sku"), ("货号", "sku"), ("商家编码", "sku"), ("貨號", "sku"), ("商品編碼", "sku"),
        ("*商品编码", "sku"), ("批次", "lot"), ("批号", "lot"), ("Batch", "lot"), ("LOT", "lot"),
        ("生产日期", "production_date"), ("生產日期", "production_date"), ("Production Date", "production_date"),
        ("MFG", "production_date"), ("mfd", "production_date"), ("保质期", "shelf_life"), ("保存期限", "shelf_life"),
        ("保質期", "shelf_life"), ("Shelf life", "shelf_life"), ("保质期(天)", "shelf_life"), ("到期日", "expiry_date"),
        ("有效期至", "expiry_date"), ("過期日", "expiry_date"), ("Expiry", "expiry_date"), ("EXP", "expiry_date"),
        ("Best Before", "expiry_date"), ("use_by", "expiry_date"), ("库存", "quantity"), ("可用库存", "quantity"),
        ("庫存", "quantity"), ("Qty", "quantity"), ("Quantity", "quantity"), ("On Hand", "quantity"),
        ("库存(件)", "quantity"), ("状态", "status"), ("库存状态", "status"), ("狀態", "status"), ("Status", "status"),
        ("仓库", "warehouse"), ("倉庫", "warehouse"), ("Warehouse", "warehouse"), ("商品名称", "name"), ("品名", "name"),
        ("Product Name", "name"), ("Title", "name"),
    ],
)  # fmt: skip
def test_inventory_aliases(header, field):
    assert match_header([header], "inventory").mapping[field].header == header


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("catalog", "价格", "price"), ("catalog", "售价", "price"), ("catalog", "一口价", "price"), ("catalog", "售價", "price"),
        ("catalog", "Price", "price"), ("catalog", "划线价", "list_price"), ("catalog", "原价", "list_price"),
        ("catalog", "原價", "list_price"), ("catalog", "List Price", "list_price"),
        ("catalog", "Compare at price", "list_price"), ("catalog", "币种", "currency"), ("catalog", "Currency", "currency"),
        ("catalog", "规格", "specs"), ("catalog", "規格", "specs"), ("catalog", "Specs", "specs"), ("catalog", "Size", "specs"),
        ("prices", "日期", "at"), ("prices", "成交日期", "at"), ("prices", "Date", "at"), ("prices", "成交价", "price"),
        ("complaints", "投诉原因", "reason"), ("complaints", "问题类型", "category"), ("complaints", "投訴原因", "reason"),
        ("complaints", "Complaint Reason", "reason"), ("complaints", "投诉单号", "id"), ("complaints", "Ticket ID", "id"),
        ("complaints", "投诉时间", "received"), ("complaints", "Received", "received"), ("complaints", "投诉类型", "category"),
        ("complaints", "Category", "category"), ("complaints", "详情", "detail"), ("complaints", "描述", "detail"),
        ("complaints", "Detail", "detail"), ("complaints", "問題類型", "category"), ("complaints", "客户原话", "detail"),
        ("complaints", "投訴內容", "detail"), ("complaints", "处理结果", "outcome"), ("complaints", "Status", "outcome"),
        ("complaints", "订单号", "order"), ("complaints", "订单商品", "sku"),
    ],
)  # fmt: skip
def test_other_kinds_aliases(kind, header, field):
    assert match_header([header], kind).mapping[field].header == header


def test_normalisation_and_units():
    assert normalise_header("Production_Date") == normalise_header(" production-date ") == ("productiondate", "")
    assert normalise_header("保质期（月）") == ("保质期", "月")
    assert normalise_header("库存【件】") == ("库存", "件")


def test_alias_table_is_data_and_unambiguous():
    table = alias_table()
    assert set(table.kinds) == set(KINDS)
    for spec in table.kinds.values():
        assert set(spec.required) <= set(spec.fields)
        # every alias maps to one field per kind (the loader refuses a table where it does not)
        assert len(spec.lookup) == len(set(spec.lookup))


def test_alias_table_loader_refuses_conflicts():
    from checker.aliases import _build

    data = {
        "aliases": {"a": ["编码"], "b": ["编码"]},
        "kinds": {k: {"fields": {"sku": ["a"], "lot": ["b"]}, "required": ["sku"]} for k in KINDS},
    }
    with pytest.raises(ValueError, match="maps to both 'sku' and 'lot'"):
        _build(data, "test.toml")


def test_specific_alias_beats_generic_one():
    match = match_header(["日期", "投诉时间", "投诉原因"], "complaints")
    assert match.mapping["received"].header == "投诉时间" and not match.duplicates


def test_explicit_columns_beat_aliases():
    match = match_header(["自定义编码", "商品编码", "截止"], "inventory", {"sku": "自定义编码", "expiry": "截止"})
    assert match.mapping["sku"].header == "自定义编码" and match.mapping["expiry_date"].header == "截止"


def test_header_row_search_skips_titles_and_blanks():
    rows = [
        (1, ["商品库存导出 2026-11-20"]),
        (2, []),
        (3, ["", ""]),
        (4, ["商品编码", "批次", "库存"]),
        (5, ["A", "1", "2"]),
    ]
    index, match = find_header(rows, "inventory")
    assert index == 3 and set(match.mapping) == {"sku", "lot", "quantity"}
    assert find_header([(1, ["商品编码"])], "inventory") is None  # too few known columns for a header


def test_guess_kind():
    assert guess_kind([(1, ["商品编码", "批次", "到期日", "库存"])]) == "inventory"
    assert guess_kind([(1, ["商家编码", "一口价", "划线价", "规格"])]) == "catalog"
    assert guess_kind([(1, ["SKU", "日期", "成交价"])]) == "prices"
    assert guess_kind([(1, ["投诉单号", "商品编码", "投诉原因"])]) == "complaints"
    assert guess_kind([(1, ["a", "b"])]) is None


def test_columns_config_is_validated():
    with pytest.raises(ValueError, match="columns.lot: prices sources have no field 'lot'"):
        SourceConfig(kind="prices", path="x.csv", columns={"lot": "批号"})
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        SourceConfig(kind="prices", path="x.csv", colums={"sku": "x"})
    with pytest.raises(ValueError, match="unknown encoding"):
        SourceConfig(kind="prices", path="x.csv", encoding="gbk2")


def test_explicit_header_row_and_columns(tmp_path: Path):
    (tmp_path / "x.csv").write_text("备注,说明\n编号,截止日,数\nA-1,2027-01-01,5\n", encoding="utf-8")
    cfg = SourceConfig(
        kind="inventory", path="x.csv", header_row=2, columns={"sku": "编号", "expiry_date": "截止日", "quantity": "数"}
    )
    result = read_source(cfg, tmp_path)
    assert [(r.sku, str(r.expiry_date), r.quantity) for r in result.records] == [("A-1", "2027-01-01", 5)]
    assert result.understanding[0].header_row == 2


def test_header_unit_months(tmp_path: Path):
    (tmp_path / "x.csv").write_text("SKU,生产日期,保质期(月)\nA,2026-03-01,12\n", encoding="utf-8")
    [lot] = read_source(SourceConfig(kind="inventory", path="x.csv"), tmp_path).records
    assert lot.shelf_life_days == 365 and str(lot.expiry_date) == "2027-03-01"


def test_totals_and_repeated_header_rows_are_skipped(tmp_path: Path):
    (tmp_path / "x.csv").write_text("商品编码,库存\nA,1\n商品编码,库存\nB,2\n合计,3\nTotal,3\n,\n", encoding="utf-8")
    result = read_source(SourceConfig(kind="inventory", path="x.csv", columns={"quantity": "库存"}), tmp_path)
    assert [r.sku for r in result.records] == ["A", "B"] and not result.errors
    u = result.understanding[0]
    assert (u.rows_read, u.rows_ok, u.rows_skipped) == (5, 2, 3)


# --------------------------------------------------------------------------------------------- encodings

SIMPLIFIED = '商品库存导出 2026-11-20\n商品编码,商品名称,批次,可用库存,到期日\nCN-TEA-1001,西湖龙井 明前茶,L1,"1,200",2027-10-05\n'
TRADITIONAL = "庫存匯出\n貨號,品名,批號,庫存,有效期限\nTW-TEA-1102,凍頂烏龍茶,DD1,60,2028/04/20\n"


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
        (SIMPLIFIED, "gbk", "gb18030 (GBK compatible)"),
        (SIMPLIFIED, "gb18030", "gb18030 (GBK compatible)"),
        (TRADITIONAL, "big5", "big5 (cp950)"),
        (TRADITIONAL, "cp950", "big5 (cp950)"),
        (TRADITIONAL, "gbk", "gb18030 (GBK compatible)"),  # Traditional text in a GBK file (mainland ERP)
        (SIMPLIFIED, "utf-16", "utf-16"),
        (TRADITIONAL, "utf-16-le", "utf-16-le"),  # no BOM
    ],
)
def test_encoding_detection(text, encoding, label):
    decoded = decode(text.encode(encoding))
    assert decoded.text.lstrip("\ufeff") == text and decoded.label == label


def test_short_gbk_that_also_decodes_as_big5_is_settled_by_header_words():
    data = "商品编码,库存\nA,1\n".encode("gbk")
    data.decode("cp950")  # valid Big5 too: the sanity check alone cannot decide
    assert decode(data).encoding == "gb18030"


def test_declared_encoding_and_mismatch():
    assert decode(SIMPLIFIED.encode("gbk"), "gbk").how == "declared"
    with pytest.raises(SourceError, match="file is not valid utf-8 .* it looks like gb18030"):
        decode(SIMPLIFIED.encode("gbk"), "utf-8")


def test_mostly_gbk_with_a_damaged_line():
    data = (
        SIMPLIFIED.encode("gbk") + b"CN-X,\xff\xfe\xfd,L9,1,2027-01-01\n" + "CN-Y,普洱,L8,2,2027-01-01\n".encode("gbk")
    )
    decoded = decode(data)
    assert (
        decoded.encoding == "gb18030"
        and decoded.damaged
        and decoded.notes == ["lines not valid gb18030 (GBK compatible): 4"]
    )


def test_western_european_csv():
    decoded = decode("SKU;Preis\nEU-1;1.299,00 €\nEU-2;Größe 2,50 €\n".encode("cp1252"))
    assert decoded.encoding == "cp1252" and "Größe" in decoded.text


def test_delimiters():
    assert sniff_delimiter("商品库存导出\na,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\tc\n1\t2,5\t3\n") == "\t"
    assert sniff_delimiter("sku;prijs\nA;1.299,00 €\nB;2,50 €\n") == ";"


def test_eu_semicolon_csv_prices(tmp_path: Path):
    (tmp_path / "p.csv").write_text("SKU;Date;Price\nEU-1;01.11.2026;1.299,00 €\n", encoding="cp1252")
    [rec] = read_source(SourceConfig(kind="prices", path="p.csv", date_format="%d.%m.%Y"), tmp_path).records
    assert (rec.price, rec.currency, str(rec.at)) == (__import__("decimal").Decimal("1299.00"), "EUR", "2026-11-01")


def test_catalog_spec_columns_and_default_currency(tmp_path: Path):
    (tmp_path / "c.csv").write_text(
        "商家编码,售价,净含量,产地,备注\nCN-1,$12,500g,云南,无\nCN-2,99,,福建,x\n", encoding="utf-8"
    )
    cfg = SourceConfig(kind="catalog", path="c.csv", spec_columns=["净含量", "产地", "颜色"], currency="TWD")
    result = read_source(cfg, tmp_path)
    first, second = result.records
    assert first.specs == {"净含量": "500g", "产地": "云南"} and str(first.price) == "12" and first.currency == "TWD"
    assert second.specs == {"产地": "福建"} and second.currency == "TWD"
    assert [w.reason for w in result.warnings] == ["warning: spec column '颜色' not found in the header"]
    assert result.understanding[0].mapping["净含量"] == "specs[净含量]"


def test_a_model_refusal_is_a_row_error_not_a_crash(tmp_path: Path, monkeypatch):
    from checker.sources import build

    (tmp_path / "x.csv").write_text("SKU,库存\nA,1\nB,2\n", encoding="utf-8")
    monkeypatch.setattr(build, "parse_quantity", lambda v: "not a number" if v == "2" else int(v))
    result = read_source(SourceConfig(kind="inventory", path="x.csv"), tmp_path)
    assert [r.sku for r in result.records] == ["A"]
    [err] = result.errors
    assert err.location == "row 3, column 库存 (B)" and err.reason.startswith(
        "quantity: Input should be a valid integer"
    )
