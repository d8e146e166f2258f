"""Cell values as exports write them: dates, shelf lives, quantities, prices, specs, codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from checker.sources.values import (
    CellError,
    ShelfLife,
    code,
    currency_code,
    is_empty,
    parse_date,
    parse_datetime,
    parse_price,
    parse_price_kind,
    parse_quantity,
    parse_shelf_life,
    parse_specs,
    text,
)

MARCH_1 = date(2026, 3, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-01", "2026/3/1", "2026/03/01", "20260301", "2026年3月1日", "2026.03.01", "2026-3-1", "２０２６年３月１日",
        "2026年03月01号", "115/03/01", "民國115年3月1日", "1 Mar 2026", "Mar 1, 2026", "01-Mar-2026", "46082",
        46082, 46082.0, 20260301, MARCH_1, datetime(2026, 3, 1),
    ],
)  # fmt: skip
def test_dates(raw):
    assert parse_date(raw) == MARCH_1


def test_excel_serials_1900_and_1904():
    assert parse_date(46082) == MARCH_1
    assert parse_date(46082 - 1462, date1904=True) == MARCH_1  # the 1904 system is 1462 days behind
    with pytest.raises(CellError, match="outside 1970-2200"):
        parse_date(500)
    assert parse_datetime(46082.5) == datetime(2026, 3, 1, 12, 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-01 12:30:00", datetime(2026, 3, 1, 12, 30)),
        ("2026/3/1 8:05", datetime(2026, 3, 1, 8, 5)),
        ("2026-03-01T10:00:00+08:00", datetime(2026, 3, 1, 10, 0)),  # wall time as written
        ("2026年3月1日 10时30分", datetime(2026, 3, 1, 10, 30)),
        ("2026-03-01 00:00:00", MARCH_1),  # midnight is a date
    ],
)
def test_datetimes(raw, expected):
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2026-13-45", "invalid date '2026-13-45'"),
        ("2026-02-30", "invalid date"),
        ("明天", "unparseable date '明天'"),
        ("03/04/2026", "ambiguous date '03/04/2026'"),
        ("#REF!", "Excel error value #REF!"),
        (True, "expected a date"),
    ],
)
def test_bad_dates(raw, message):
    with pytest.raises(CellError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse_date(raw)


def test_day_month_order():
    assert parse_date("13/03/2026") == date(2026, 3, 13)
    assert parse_date("03/13/2026") == date(2026, 3, 13)
    assert parse_date("03/04/2026", date_format="%d/%m/%Y") == date(2026, 4, 3)


@pytest.mark.parametrize(
    ("raw", "unit", "days_from_march_1", "days_alone"),
    [
        ("12个月", "d", 365, 365),
        ("365天", "d", 365, 365),
        ("1年", "d", 365, 365),
        ("18 months", "d", 549, 548),
        ("540", "d", 540, 540),
        (540.0, "d", 540, 540),
        ("2年", "d", 731, 730),
        ("1年6个月", "d", 549, 548),
        ("24個月", "d", 731, 730),
        ("常溫 30 天", "d", 30, 30),
        ("12 months unopened", "d", 365, 365),
        ("6 weeks", "d", 42, 42),
        ("18", "m", 549, 548),  # header "保质期(月)"
    ],
)
def test_shelf_life(raw, unit, days_from_march_1, days_alone):
    life = parse_shelf_life(raw, unit)
    assert life.to_days(MARCH_1) == days_from_march_1
    assert life.to_days(None) == days_alone


def test_shelf_life_errors():
    for raw, message in (("很久", "unparseable shelf life"), ("0", "must be positive"), ("-3天", "unparseable")):
        with pytest.raises(CellError, match=message):
            parse_shelf_life(raw)
    assert parse_shelf_life("1.5年") == ShelfLife(months=18)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,200", 1200),
        ("1200", 1200),
        ("1 200", 1200),
        ("1200件", 1200),
        ("12.0", 12),
        (12.0, 12),
        ("１２００", 1200),
        (0, 0),
    ],
)
def test_quantities(raw, expected):
    assert parse_quantity(raw) == expected


def test_negative_stock_counts_are_kept_for_st004():
    assert (parse_quantity("-5"), parse_quantity("-1,200"), parse_quantity(-3)) == (-5, -1200, -3)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("12.5", "not a whole number"),
     ("1,2", "unparseable quantity"), ("many", "unparseable quantity"), (2.5, "not a whole number")],
)  # fmt: skip
def test_bad_quantities(raw, message):
    with pytest.raises(CellError, match=message):
        parse_quantity(raw)


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [
        ("¥1,299.00", "1299.00", "CNY"),
        ("1299元", "1299", "CNY"),
        ("NT$990", "990", "TWD"),
        ("$19.99", "19.99", "USD"),
        ("1.299,00 €", "1299.00", "EUR"),
        ("€1.299,00", "1299.00", "EUR"),
        ("1 299,00 €", "1299.00", "EUR"),
        ("￥88", "88", "CNY"),
        ("RMB 1,299", "1299", "CNY"),
        ("HK$1,200.50", "1200.50", "HKD"),
        ("新台幣 990", "990", "TWD"),
        ("35.50 CNY", "35.50", "CNY"),
        ("1299", "1299", None),
        ("1.299", "1.299", None),  # a plain number: the dot is a decimal point
        ("1.2万", "12000", None),
        (19.99, "19.99", None),
        (268, "268", None),
    ],
)
def test_prices(raw, amount, currency):
    assert parse_price(raw) == (Decimal(amount), currency)


def test_ambiguous_currency_symbols_defer_to_the_source():
    assert parse_price("$990", "TWD") == (Decimal("990"), "TWD")
    assert parse_price("¥500", "JPY") == (Decimal("500"), "JPY")
    assert parse_price("NT$990", "USD") == (Decimal("990"), "TWD")


@pytest.mark.parametrize(
    ("raw", "message"),
    [("-5", "negative price"), ("¥-5", "negative price"), ("(5.00)", "negative price"), ("99-199", "is a range"),
     ("¥99~¥199", "is a range"), ("abc", "unparseable price"), ("约1299元", "unknown currency '约'"),
     ("$5 €", "names two currencies")],
)  # fmt: skip
def test_bad_prices(raw, message):
    with pytest.raises(CellError, match=message):
        parse_price(raw)


def test_specs():
    assert parse_specs("净含量:500g;产地:云南") == {"净含量": "500g", "产地": "云南"}
    assert parse_specs("净含量：500g；产地：云南") == {"净含量": "500g", "产地": "云南"}
    assert parse_specs("颜色:红,尺码:XL") == {"颜色": "红", "尺码": "XL"}
    assert parse_specs("500g") == {"规格": "500g"}
    assert parse_specs("M", header="Size") == {"Size": "M"}
    assert parse_specs('{"净含量": "500g", "件数": 4}') == {"净含量": "500g", "件数": "4"}
    assert parse_specs({"Net weight": "100 g", "empty": ""}) == {"Net weight": "100 g"}
    with pytest.raises(CellError, match="spec item '云南' has no name"):
        parse_specs("净含量:500g;云南")
    with pytest.raises(CellError, match="given twice"):
        parse_specs("净含量:500g;净含量:250g")


def test_codes_and_text():
    assert code('="00123"') == "00123"  # Excel text protection
    assert code("'00123") == "00123"
    assert code(6901234567890.0) == "6901234567890"
    assert code(" CN-TEA-1001\u200b ") == "CN-TEA-1001"
    with pytest.raises(CellError, match="scientific notation"):
        code("6.90123E+12")
    assert text("  貨號 ") == "貨號"  # Traditional kept as written
    assert text(12.0) == "12"


def test_empty_cells_and_price_kinds():
    assert all(is_empty(v) for v in (None, "", "  ", "-", "—", "N/A", "null", "无"))
    assert not any(is_empty(v) for v in (0, "0", "正常", "#N/A"))
    assert [parse_price_kind(k) for k in ("成交", "标价", "促銷", "promo", "Listed")] == [
        "transaction", "listed", "promotion", "promotion", "listed",
    ]  # fmt: skip
    with pytest.raises(CellError, match="unknown price kind"):
        parse_price_kind("???")
    assert currency_code("人民币") == "CNY" and currency_code("usd") == "USD" and currency_code("CHF") == "CHF"


def test_a_shelf_life_that_says_none_is_understood_and_the_lot_kept(tmp_path):
    from checker.config import SourceConfig
    from checker.sources import read_source

    assert parse_shelf_life("长期") is None and parse_shelf_life(" 長期有效 ") is None
    assert parse_shelf_life("Indefinite") is None
    (tmp_path / "inv.csv").write_text("商品编码,批次,可用库存,生产日期,保质期\nCN-TEA-1002,PE2019,86,2019-05-20,长期\n"
                                      "CN-TEA-1003,X1,5,2026-01-01,0\n", encoding="utf-8")
    result = read_source(SourceConfig(kind="inventory", path="inv.csv"), tmp_path)
    [lot] = result.records
    assert (lot.sku, lot.shelf_life_days, lot.expiry_date, lot.quantity) == ("CN-TEA-1002", None, None, 86)
    [error] = result.errors
    assert (error.location, error.reason) == ("row 3, column 保质期 (E)", "shelf life '0' must be positive")
