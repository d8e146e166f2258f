"""The PR rules' options as ops write them in checker.toml ([rules.PR004] ...): checked on load."""

from __future__ import annotations

import pytest

from checker.config import Config, ConfigError
from checker.engine import build_rules


def rule(code: str, **options):
    (built,) = build_rules(Config(select=[code], rules={code: options}))
    return built


def test_jurisdiction_per_currency_or_one_for_all():
    opts = rule("PR004").options
    assert (opts.for_currency("EUR"), opts.for_currency("CNY"), opts.for_currency(None)) == ("eu", "cn", "cn")
    assert rule("PR004", jurisdiction="eu").options.for_currency("CNY") == "eu"
    opts = rule("PR004", jurisdiction={"TWD": "eu"}, window_days={"cn": 14}).options
    assert opts.for_currency("TWD") == "eu" and opts.for_currency("USD") == "cn"
    assert opts.window_days == {"cn": 14, "eu": 30}


@pytest.mark.parametrize("options", [{"jurisdiction": "us"}, {"jurisdiction": {"EUR": "uk"}}, {"window_days": {"cn": 0}},
                                     {"kinds": ["sold"]}, {"abs": -1}])
def test_bad_options_stop_the_audit(options):
    with pytest.raises(ConfigError, match="rules.PR00"):
        rule("PR004", **options)


def test_pr001_tolerances():
    assert (rule("PR001").options.abs, rule("PR001").options.pct) == (0.01, 0)
    with pytest.raises(ConfigError, match="rules.PR00"):
        rule("PR001", pct=-1)
