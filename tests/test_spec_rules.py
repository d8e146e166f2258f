"""SP rule options checked on load, and the category mapping of SP003."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checker.config import Config, ConfigError
from checker.engine import build_rules


def test_jin_grams_per_currency_or_one_number():
    (rule,) = build_rules(Config(select=["SP001"], rules={"SP001": {"jin_grams": 600}}))
    assert rule.options.factors("CNY")["jin_grams"] == Decimal(600)
    (rule,) = build_rules(Config(select=["SP001"]))
    assert [rule.options.factors(c)["jin_grams"] for c in ("CNY", "TWD", "twd", None)] == [500, 600, 600, 500]
    assert rule.options.factors("TWD")["liang_grams"] == Decimal("37.5")


@pytest.mark.parametrize(
    ("options", "message"),
    [({"jin_grams": {"taiwan": 600, "default": 500}}, "rules.SP001.jin_grams"),
     ({"jin_grams": {"TWD": 600}}, "give a 'default' too"),
     ({"liang_grams": {"default": 0}}, "grams must be positive"),
     ({"tolerance_pct": 50}, "rules.SP001.tolerance_pct")],
)
def test_bad_options_are_config_errors(options, message):
    with pytest.raises(ConfigError, match="SP001") as err:
        build_rules(Config(select=["SP001"], rules={"SP001": options}))
    assert message in str(err.value)


def test_sp003_categories_from_sku_patterns():
    from checker.models import Product

    (rule,) = build_rules(Config(select=["SP003"], rules={"SP003": {"categories": {"food": ["*-food-*", "SNK*"]}}}))
    category = [rule.category(Product(url="https://x/p", sku=s)) for s in ("cn-FOOD-1", "SNK9", "CN-HOM-1", None)]
    assert category == ["food", "food", None, None]
    with pytest.raises(ConfigError, match="SP003"):
        build_rules(Config(select=["SP003"], rules={"SP003": {"categories": {"food": []}}}))
