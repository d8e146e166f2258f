"""The price half of issue 18 in checker/prices.py: discounts are not prices, and labelled page prices
(原价¥299 现价¥199, 到手价 ¥89, Was $40 Now $32) are read one by one with what each is."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import pytest

from checker.prices import PriceError, parse_export_price, parse_page_price, read_labelled


@pytest.mark.parametrize("text", ["8.8折", "8折", "２０％ off", "20% off", "立减20", "直降 ¥50", "省20元", "-20%"])
def test_a_discount_is_not_a_price_on_either_side(text):
    assert parse_page_price(text) == (None, None)
    with pytest.raises(PriceError, match="discount, not a price|negative"):
        parse_export_price(text)


@pytest.mark.parametrize(("text", "want"), [
    ("¥129", [("price", "129", "CNY")]),
    ("原价¥299 现价¥199", [("list", "299", "CNY"), ("price", "199", "CNY")]),
    ("原價 NT$1,050 特價 NT$880", [("list", "1050", "TWD"), ("price", "880", "TWD")]),
    ("Was $40.00 Now $32.00", [("list", "40.00", "USD"), ("price", "32.00", "USD")]),
    ("到手价 ¥89", [("conditional", "89", "CNY")]),
    ("券后 ¥79", [("conditional", "79", "CNY")]),
    ("券後價：NT$790", [("conditional", "790", "TWD")]),
    ("¥99 到手价 ¥89", [("price", "99", "CNY"), ("conditional", "89", "CNY")]),
    ("仅此一次！双11 到手价 ¥89，下单再送 3 袋", [("price", "11", None), ("conditional", "89", "CNY")]),
    ("HK$ 99", [("price", "99", "HKD")]),
    ("12.5 EUR", [("price", "12.5", "EUR")]),
    ("€12,50", [("price", "12.50", "EUR")]),
    ("1280元", [("price", "1280", "CNY")]),
])  # fmt: skip
def test_labelled_prices(text, want):
    got = [(p.kind, None if p.amount is None else str(p.amount), p.currency) for p in read_labelled(text)]
    assert got == [(k, a, c) for k, a, c in want]


@pytest.mark.parametrize("text", ["面议", "¥--", "TBD", "原价：面议"])
def test_unreadable_prices_keep_their_text(text):
    (read,) = read_labelled(text)
    assert read.amount is None and read.text


def test_nothing_is_no_price():
    assert read_labelled("") == [] and read_labelled("   ") == []


def test_labelled_reading_uses_the_one_parser():
    """Amounts after a label are read as parse_page_price reads them (万, full-width forms)."""
    got = [(r.kind, r.amount, r.currency) for r in read_labelled("原价¥1.2万 现价 ＮＴ＄９９０ 到手价 99元")]
    assert got == [("list", Decimal("12000"), "CNY"), ("price", Decimal("990"), "TWD"),
                   ("conditional", Decimal("99"), "CNY")]


def test_price_history_times_keep_their_offset(tmp_path):
    """A price's time is cut into the promotion's days: its UTC offset is kept (inventory dates stay
    wall dates, as written)."""
    from datetime import datetime, timedelta

    from checker.config import Config, SourceConfig
    from checker.engine import AuditContext
    from checker.sources import load_sources

    (tmp_path / "prices.csv").write_text("SKU,日期,成交价,类型\nA,2026-12-02T17:30:00Z,99,成交\n"
                                         "B,2026-12-02 17:30:00+08:00,99,成交\nC,2026-12-02 17:30,99,成交\n"
                                         "D,2026-12-02,99,成交\nE,2026-12-02,TBD,成交\n", encoding="utf-8")
    config = Config(sources=[SourceConfig(kind="prices", path="prices.csv")])
    ctx = AuditContext(config=config)
    load_sources(config, ctx, tmp_path)
    at = {r.sku: r.at for r in ctx.prices}
    assert at["A"] == datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    assert at["B"].utcoffset() == timedelta(hours=8)
    assert at["C"] == datetime(2026, 12, 2, 17, 30) and at["D"].isoformat() == "2026-12-02"
    assert [e.location for e in ctx.errors] and "E" not in at
