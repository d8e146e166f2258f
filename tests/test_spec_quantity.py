"""The SP quantity parser (rules/spec/quantity.py) and its units table (rules/spec/units.toml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from checker_rules.spec.quantity import cn_number, parse
from checker_rules.spec.units import UnitsError, default_units, load_units

from checker.config import ConfigError

TW = {"jin_grams": Decimal(600), "liang_grams": Decimal("37.5")}


def one(text: str, factors=None):
    found = [m for m in parse(text, factors) if m.readable]
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.mark.parametrize(
    ("text", "dimension", "amount"),
    [
        ("500ml", "volume", "500"), ("1.5L", "volume", "1500"), ("2kg", "mass", "2000"), ("10斤装", "mass", "5000"),
        ("3两", "mass", "150"), ("12片装", "count", "12"), ("60粒", "count", "60"), ("16 oz", "mass", "453.59237"),
        ("32cm", "length", "320"), ("５００ｍｌ", "volume", "500"), ("二斤", "mass", "1000"), ("半斤", "mass", "250"),
        ("一斤二两", "mass", "600"), ("一斤半", "mass", "750"), ("十二片", "count", "12"), ("兩斤", "mass", "1000"),
        ("1公斤", "mass", "1000"), ("750毫升", "volume", "750"), ("2公升", "volume", "2000"), ("6公分", "length", "60"),
        ("1.8m床", "length", "1800"), ("32 fl oz", "volume", "946.352946"), ("2 lbs", "mass", "907.18474"),
        ("Pack of 12", "count", "12"), ("12-Pack", "count", "12"), ("100抽", "count", "100"), ("12入", "count", "12"),
        ('15.6"', "length", "396.24"), ("1 L", "volume", "1000"), ("一百零五克", "mass", "105"), ("1,200g", "mass", "1200"),
        ("ＬＯＴ ５ＫＧ", "mass", "5000"),
    ],
)  # fmt: skip
def test_single_quantities(text, dimension, amount):
    m = one(text)
    assert (m.kind, m.dimension, m.amount) == ("single", dimension, Decimal(amount))


def test_positions_are_in_the_original_text():
    text = "保溫瓶 ７５０ｍｌ 附杯蓋"
    m = one(text)
    assert text[m.start:m.end] == m.text == "７５０ｍｌ"
    text = "容量 1.5L（約 1500 毫升）"
    found = parse(text)
    assert [(text[x.start:x.end], x.kind) for x in found] == [("1.5L", "single"), ("約 1500 毫升", "approx")]


@pytest.mark.parametrize(
    ("text", "per_unit", "count", "total"),
    [("250ml×12盒", "250", "12", "3000"), ("25g×30袋", "25", "30", "750"), ("45g×12入", "45", "12", "540"),
     ("250ml x 12", "250", "12", "3000"), ("12 x 330ml", "330", "12", "3960"), ("25ml*10片", "25", "10", "250")],
)
def test_multipacks(text, per_unit, count, total):
    m = one(text)
    assert m.kind == "multipack"
    assert (m.per_unit, m.count, m.amount) == (Decimal(per_unit), Decimal(count), Decimal(total))
    assert set(m.amounts()[m.dimension]) == {Decimal(per_unit), Decimal(total)} and m.amounts()["count"] == (Decimal(count),)


def test_jin_and_liang_follow_the_market():
    assert one("10斤", TW).amount == 6000
    assert one("一斤二两", TW).amount == Decimal("675.0")
    assert one("1台斤").amount == 600 and one("1市斤", TW).amount == 500


@pytest.mark.parametrize(
    "text",
    ["X500 旗舰款", "2026年新茶", "3年保质期", "保质期 12个月", "100%纯棉", "GB/T 18650", "1800W 220V", "5G手机",
     "买2件包邮", "第二件半价", "40支精梳棉", "一片冰心", "EN-HOM-2104", "A4 纸", "95℃", "满 299 减 50", "3.6 × 10.8 in",
     "TBD", "5 layers", "10 min"],
)  # fmt: skip
def test_not_quantities(text):
    assert [m for m in parse(text) if m.readable] == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [("约500g", "approx"), ("約 420g", "approx"), ("about 2 lb", "approx"), ("15–17cm", "range"),
     ("1.5-2kg", "range"), ("200×230cm", "dims"), ("22×15×25cm", "dims")],
)
def test_quantities_that_are_not_compared(text, kind):
    found = parse(text)
    assert found and found[-1].kind == kind and not any(m.readable for m in found)


def test_ounces_may_be_fluid_ounces():
    m = one("32 oz")
    assert m.dimension == "mass" and m.also == ("volume", Decimal(32) * Decimal("29.5735295625"))


def test_chinese_numerals():
    assert [cn_number(t) for t in ("十二", "二十", "一百二十", "两", "半", "三五", "一万二千")] == [
        12, 20, 120, 2, Decimal("0.5"), None, 12000]


def test_the_table_loads_and_is_the_parser_s():
    table = default_units()
    assert {u.dimension for u in table.units} == {"mass", "volume", "length", "count"}
    assert table.by_alias["公斤"].name == "kg" and table.by_alias["兩".replace("兩", "两")].name == "两"
    assert issubclass(UnitsError, ConfigError)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[unit]]\nname = "g"\ndimension = "weight"\nfactor = 1\naliases = ["g"]\n', ":1: unit #1 'g': dimension:"),
        ('[[unit]]\nname = "g"\ndimension = "mass"\nfactor = 1\naliases = ["g"]\n\n[[unit]]\nname = "gram"\n'
         'dimension = "mass"\nfactor = 1\naliases = ["Ｇ"]\n', ":7: unit #2 'gram': aliases: 'Ｇ' is already an alias of unit 'g'"),
        ('[[unit]]\nname = "g"\ndimension = "mass"\nfactor = "abc"\naliases = ["g"]\n', "factor:"),
        ('[[unit]]\nname = "g"\ndimension = "mass"\nfactor = -1\naliases = ["g"]\n', "must be a positive number"),
        ('[[unit]]\nname = "ml"\ndimension = "volume"\nfactor = 1\nsetting = "jin_grams"\naliases = ["ml"]\n',
         "a mass unit only"),
        ('[[unit]]\nname = "oz"\ndimension = "mass"\nfactor = 28\nalso = "floz"\naliases = ["oz"]\n', "also:"),
        ('[[unit]]\nname = "g"\ndimension = "mass"\nfactor = 1\naliases = ["g"]\n[[not_quantity]]\npattern = "("\n'
         'reason = "x"\n', "not_quantity #1: pattern"),
        ("[[unit]\n", "not valid TOML"),
        ('[units]\n', "unknown table 'units'"),
    ],
)  # fmt: skip
def test_a_broken_table_names_file_line_and_entry(tmp_path: Path, body, message):
    path = tmp_path / "units.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UnitsError) as err:
        load_units(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


@pytest.mark.parametrize("text", ["无线鼠标 2.4G", "U盘 64G", "A4复印纸 70g", "70g 500张", "80g/m²", "半斤八两"])
def test_look_alikes_of_grams_and_idioms_are_not_read(text):
    assert [m for m in parse(text) if m.readable] == [], text


def test_liang_and_a_half():
    assert one("三两半").amount == Decimal(175)


@pytest.mark.parametrize(
    ("text", "dimension", "amounts", "counts"),
    [("洗衣液 3kg+1kg", "mass", {"3000", "1000", "4000"}, set()),
     ("1kg/袋*2", "mass", {"1000", "2000"}, {"2"}),
     ("200ml*10盒*2提", "volume", {"200", "2000", "4000"}, {"10", "20"}),
     ("16 Ounce (Pack of 2)", "mass", {"453.59237", "907.18474"}, {"2"}),
     ("500g 2袋装", "mass", {"500", "1000"}, {"2"}),
     ("6罐*330ml", "volume", {"330", "1980"}, {"6"}),
     ("2袋*5斤", "mass", {"2500", "5000"}, {"2"})],
)  # fmt: skip
def test_sums_and_packs_are_one_quantity(text, dimension, amounts, counts):
    amounts_of = one(text).amounts()
    assert set(amounts_of[dimension]) == {Decimal(a) for a in amounts}
    assert set(amounts_of.get("count", ())) == {Decimal(c) for c in counts}
