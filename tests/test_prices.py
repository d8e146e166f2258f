"""One price reading for pages and exports (checker/prices.py): the same amount and currency from the same
text; exports are strict (errors with reasons), pages lenient (None instead of a wrong value)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from price_parser import Price

from checker import prices
from checker.aliases import _build
from checker.cli import main
from checker.extract import parse_price as page_parse_price
from checker.prices import (
    CURRENCIES_FILE,
    CurrencyTableError,
    PriceError,
    currency_code,
    load_currency_table,
    parse_export_price,
    parse_page_price,
    read_price,
)
from checker.sources.values import CellError
from checker.sources.values import parse_price as cell_parse_price

# Text both sides accept: (raw, amount, currency).  Page and export must both give exactly this.
AGREE = [
    ("129.00", "129.00", None),  # the fast path
    ("1299", "1299", None),
    ("1.299", "1.299", None),  # a plain number: the dot is a decimal point
    ("¥1,299.00", "1299.00", "CNY"),
    ("1299元", "1299", "CNY"),
    ("RMB 1,299", "1299", "CNY"),
    ("RMB¥1,299", "1299", "CNY"),
    ("人民币 99", "99", "CNY"),
    ("35.50 CNY", "35.50", "CNY"),
    ("NT$990", "990", "TWD"),
    ("新台币 990", "990", "TWD"),
    ("HK$1,200.50", "1200.50", "HKD"),
    ("US$5", "5", "USD"),
    ("$19.99", "19.99", "USD"),  # "$" and "¥" without a default currency: the table's [ambiguous]
    ("1.299,00 €", "1299.00", "EUR"),  # European decimal comma
    ("€1.299,00", "1299.00", "EUR"),
    ("1 299,00 €", "1299.00", "EUR"),
    ("1\u00a0299,00\u00a0€", "1299.00", "EUR"),  # no-break spaces, as pages write them
    ("12,- €", "12", "EUR"),  # German for 12.00, not a negative
    ("£8", "8", "GBP"),
    ("1200円", "1200", "JPY"),
    ("12 usd", "12", "USD"),
    ("12 CHF", "12", "CHF"),  # an ISO code the table does not list
    ("¥0", "0", "CNY"),
    # 万 / 萬 multiply by 10,000 on both sides (a page used to read ¥1.2万 as 1.2)
    ("¥1.2万", "12000", "CNY"),
    ("1.2万元", "12000", "CNY"),
    ("1.25 万", "12500", None),
    ("NT$1.2萬", "12000", "TWD"),
    # Traditional and full-width forms
    ("￥１２９", "129", "CNY"),
    ("ＮＴ＄９９０", "990", "TWD"),
    ("１，２９９元", "1299", "CNY"),
    ("１.２萬", "12000", None),
    ("新台幣 990", "990", "TWD"),
    ("臺幣 990", "990", "TWD"),
    ("港幣 1,200", "1200", "HKD"),
    ("人民幣 99", "99", "CNY"),
    ("日圓 500", "500", "JPY"),
    ("歐元 12", "12", "EUR"),
    ("英鎊 8", "8", "GBP"),
    ("12\u200b元", "12", "CNY"),  # a zero-width space
    (42, "42", None),
    (19.99, "19.99", None),
    (Decimal("7.50"), "7.50", None),
]


@pytest.mark.parametrize(("raw", "amount", "currency"), AGREE)
def test_page_and_export_agree(raw, amount, currency):
    expected = (Decimal(amount), currency)
    assert parse_export_price(raw) == expected
    assert parse_page_price(raw) == expected
    assert page_parse_price(raw) == expected  # checker.extract's parse_price is the page reading
    assert str(parse_export_price(raw)[0]) == str(Decimal(amount))  # 12000, not 12000.0


# Text that is not one price: (raw, the export's error, the page's reading).  A page ignores words that
# name no currency (labels); everything else gives no price rather than a guess.
DISAGREE = [
    ("99-129", "is a range, not one price", (None, None)),
    ("¥99~¥199", "is a range", (None, None)),
    ("¥99 - ¥129", "is a range", (None, None)),
    ("99至129元", "is a range", (None, None)),
    ("1,000〜2,000円", "is a range", (None, None)),
    ("-5", "negative price '-5'", (None, None)),
    ("¥-5", "negative price", (None, None)),
    ("-¥5", "negative price", (None, None)),
    ("(5.00)", "negative price", (None, None)),
    ("5.00-", "negative price", (None, None)),
    (-5, "negative price -5", (None, None)),
    ("$5 €", "names two currencies", (None, None)),
    ("NT$990 USD", "names two currencies", (None, None)),
    ("¥99 ¥129", "holds more than one amount", (None, None)),  # sale and strikethrough price in one element
    ("¥99 (2件)", "holds more than one amount", (None, None)),
    ("abc", "unparseable price 'abc'", (None, None)),
    ("免费", "unparseable price", (None, None)),
    ("NaN", "unparseable price", (None, None)),
    (float("nan"), "is not a number", (None, None)),
    (True, "expected a price, got True", (None, None)),
    ([129], "expected a price, got list", (None, None)),
    # labels: an error in an export, ignored on a page
    ("约1299元", "unknown currency '约'", (Decimal("1299"), "CNY")),
    ("现价 ¥129", "unknown currency '现价'", (Decimal("129"), "CNY")),
    ("价格：¥99", "unknown currency '价格'", (Decimal("99"), "CNY")),
    ("Price: $19.99", "unknown currency 'Price'", (Decimal("19.99"), "USD")),
    ("¥129 包邮", "unknown currency '包邮'", (Decimal("129"), "CNY")),
    ("¥129起", "unknown currency '起'", (Decimal("129"), "CNY")),  # "from ¥129": the base price
    ("¥99 NEW", "unknown currency 'NEW'", (Decimal("99"), "CNY")),  # capitals, but no ISO code
    ("12 pcs", "unknown currency 'pcs'", (Decimal("12"), None)),
    ("C$12", "unknown currency 'C$'", (Decimal("12"), None)),  # not in the table: ops may add it
]


@pytest.mark.parametrize(("raw", "message", "page"), DISAGREE)
def test_strict_errors_and_lenient_readings(raw, message, page):
    with pytest.raises(PriceError, match=message.replace("(", r"\(").replace("$", r"\$")):
        parse_export_price(raw)
    assert parse_page_price(raw) == page
    reading = read_price(raw, strict=True)
    assert reading.amount is None and message.split("'")[0].strip() in reading.problem


def test_the_short_way_reads_amounts_as_price_parser_does():
    """One amount between words (¥99.99, NT$990, 1299元) skips price-parser: it must read the same."""
    for before in ("", "¥", "NT$", "RMB ", "约", "Price: $", "(", "CHF "):
        for number in ("0", "7", "007", "99.9", "129.00", "1299", "1234567.89", "0.05"):
            for after in ("", "元", " CNY", " €", "起", ")", "/斤"):
                text = before + number + after
                simple = prices._SIMPLE.fullmatch(text)
                assert simple and Decimal(simple[2]) == Price.fromstring(text).amount, text


def test_nothing_on_a_page_is_no_price():
    assert parse_page_price(None) == parse_page_price("") == parse_page_price("   ") == (None, None)


def test_a_range_keeps_its_ends_for_rules():
    assert read_price("¥99-129").span == (Decimal("99"), Decimal("129"))
    assert read_price("¥99-129").currency == "CNY"
    assert read_price("99 ~ NT$129").currency == "TWD"
    assert read_price("1.2-1.5万").span == (Decimal("12000"), Decimal("15000"))  # 万 covers both ends
    assert read_price("129-99").span is None  # not a range anyone means
    assert read_price("$5-€9").span is None  # two currencies
    assert parse_page_price("¥99-129") == (None, None)


def test_default_currency_settles_dollar_and_yen_on_both_sides():
    for parse in (parse_export_price, parse_page_price):
        assert parse("$990", "TWD") == (Decimal("990"), "TWD")
        assert parse("¥500", "JPY") == (Decimal("500"), "JPY")
        assert parse("￥500", "JPY") == (Decimal("500"), "JPY")
        assert parse("NT$990", "USD") == (Decimal("990"), "TWD")  # only the ambiguous symbols defer
        assert parse("$990") == (Decimal("990"), "USD")
        assert parse("¥500") == (Decimal("500"), "CNY")


def test_currency_words_and_codes():
    table = prices.currency_table()
    for word, code in [("¥", "CNY"), ("元", "CNY"), ("rmb", "CNY"), ("人民币", "CNY"), ("nt$", "TWD"),
                       ("新台币", "TWD"), ("hk$", "HKD"), ("us$", "USD"), ("$", "USD"), ("€", "EUR"),
                       ("£", "GBP"), ("円", "JPY")]:  # fmt: skip
        assert table.code(word) == code, word
        assert currency_code(word.upper()) == code
    assert currency_code("chf") == "CHF"  # a currency column holds codes, in any case
    assert currency_code("￥", "JPY") == "JPY"
    for word in ("XYZ", "pcs", "约"):
        with pytest.raises(PriceError, match="unknown currency"):
            currency_code(word)


def test_export_cells_keep_cell_errors():
    assert cell_parse_price("¥1.2万") == (Decimal("12000"), "CNY")
    with pytest.raises(CellError, match="is a range"):
        cell_parse_price("99-129")
    with pytest.raises(CellError, match="Excel error value #N/A"):
        cell_parse_price("#N/A")


# --------------------------------------------------------------------------------------------- the table


def test_the_shipped_table_loads():
    table = load_currency_table(CURRENCIES_FILE)
    assert table.ambiguous == {"$": "USD", "¥": "CNY"}
    assert table.words["cny"] == "CNY" and table.words["臺幣"] == "TWD"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[currencies]\nCNY = ["元"]\nTWD = ["台币", "元"]\n', "currencies.TWD: '元' already names CNY"),
        ('[currencies]\nrmb = ["元"]\n', "currencies.rmb: 'rmb' is not an ISO 4217 code"),
        ('[currencies]\nUSD = "$"\n', "currencies.USD: expected a list of names, got '\\$'"),
        ('[currencies]\nHKD = ["hong kong dollar"]\n', "currencies.HKD: 'hong kong dollar' cannot be a currency name"),
        ('[currencies]\nCHF = ["fr."]\n', "currencies.CHF: 'fr.' cannot be a currency name"),
        ('[currencies]\nCNY = [""]\n', "currencies.CNY: '' cannot be a currency name"),
        ('[ambiguous]\n"$" = "USD"\n[currencies]\nUSD = ["$"]\n', "currencies.USD: '\\$' is ambiguous"),
        ('[ambiguous]\n"$" = "dollar"\n', 'ambiguous."\\$": \'dollar\' is not an ISO 4217 code'),
        ('[currency]\nCNY = ["元"]\n', "unknown table \\[currency\\]"),
        ('[currencies]\nCNY = 元\n', "not valid TOML: .*at line 2"),
    ],
)
def test_a_broken_table_names_the_file_and_the_entry(tmp_path, text, message):
    path = tmp_path / "currencies.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CurrencyTableError, match=f"^{re.escape(str(path))}: {message}"):
        load_currency_table(path)


def test_a_missing_table_names_the_file(tmp_path):
    with pytest.raises(CurrencyTableError, match="none.toml: cannot read the currency table"):
        load_currency_table(tmp_path / "none.toml")


@pytest.fixture
def currencies_file(tmp_path, monkeypatch):
    """Point checker.prices at a copy of the table that a test may change."""
    path = tmp_path / "currencies.toml"
    path.write_text(CURRENCIES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(prices, "CURRENCIES_FILE", path)
    prices.currency_table.cache_clear()
    yield path
    prices.currency_table.cache_clear()


def test_ops_extend_the_table_for_both_sides(currencies_file):
    with currencies_file.open("a", encoding="utf-8") as fh:
        fh.write('SGD = ["s$", "新加坡元"]\n')
    assert parse_export_price("S$12") == parse_page_price("S$12") == (Decimal("12"), "SGD")
    assert parse_export_price("新加坡元 12") == (Decimal("12"), "SGD")


def test_a_broken_table_stops_the_audit(currencies_file, tmp_path):
    currencies_file.write_text('[currencies]\nCNY = ["元"]\nTWD = ["元"]\n', encoding="utf-8")
    config = tmp_path / "checker.toml"
    config.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "--config", str(config)])
    assert result.exit_code == 2
    assert f"{currencies_file}: currencies.TWD: '元' already names CNY" in result.output


def test_aliases_toml_no_longer_holds_currencies():
    with pytest.raises(ValueError, match="moved to .*currencies.toml"):
        _build({"currencies": {"CNY": ["元"]}}, "aliases.toml")
