"""Config loading: clear errors naming the key and the line; select/ignore semantics."""

from __future__ import annotations

import pytest

from checker.config import Config, ConfigError, find_config, load_config
from checker.engine import build_rules, is_selected
from checker.models import Severity


def write(tmp_path, text, name="checker.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_values(tmp_path):
    config = load_config(write(tmp_path, 'select = ["LN"]\nfail_on = "warning"\n[crawl]\nconcurrency = 4\n'))
    assert config.select == ["LN"] and config.fail_on is Severity.WARNING and config.crawl.concurrency == 4


@pytest.mark.parametrize("text,where,what", [
    ('select = ["LN"]\n\n[crawl]\ntimeout = -3\n', ":4:", "crawl.timeout"),
    ('[crawl]\nconcurrency = 4\nspeed = 9\n', ":3:", "crawl.speed"),
    ('fail_on = "fatal"\n', ":1:", "fail_on"),
    ('select = ["LN-1"]\n', ":1:", "select"),
    ('[crawl]\ninclude = ["(unclosed"]\n', ":2:", "crawl.include"),
])
def test_bad_values_name_key_and_line(tmp_path, text, where, what):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert f"{path}{where}" in message and what in message


def test_bad_rule_options_are_checked_against_the_rule(tmp_path):
    config = load_config(write(tmp_path, '[rules.LN004]\nmax_hops = "two"\n'))
    with pytest.raises(ConfigError, match=r"checker.toml:2: rules.LN004.max_hops"):
        build_rules(config)
    config = load_config(write(tmp_path, '[rules.LN999]\nx = 1\n'))
    with pytest.raises(ConfigError, match=r"checker.toml:1: rules.LN999: no rule"):
        build_rules(config)
    config = load_config(write(tmp_path, '[rules.LN004]\nmax_hop = 2\n'))
    with pytest.raises(ConfigError, match=r"rules.LN004.max_hop"):
        build_rules(config)


def test_not_toml(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "select = [LN\n"))


def test_pyproject_tool_table(tmp_path):
    path = write(tmp_path, '[project]\nname = "shop"\n\n[tool.checker]\nignore = ["LN005"]\n[tool.checker.crawl]\ntimeout = 0\n',
                 "pyproject.toml")
    assert find_config(tmp_path) == path
    with pytest.raises(ConfigError, match=r"pyproject.toml:7: crawl.timeout"):
        load_config(path)


def test_find_config_prefers_checker_toml(tmp_path):
    write(tmp_path, '[tool.checker]\n', "pyproject.toml")
    path = write(tmp_path, "")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) == path


@pytest.mark.parametrize("code,select,ignore,expected", [
    ("LN001", ["ALL"], [], True),
    ("LN001", ["ALL"], ["LN"], False),
    ("LN001", ["LN001"], ["LN"], True),   # the longer, explicit prefix wins
    ("LN002", ["LN001"], ["LN"], False),
    ("AD001", ["LN"], [], False),
    ("LN001", ["LN"], ["LN"], False),     # a tie goes to ignore
])
def test_select_ignore(code, select, ignore, expected):
    assert is_selected(code, select, ignore) is expected


def test_severity_by_prefix_and_code():
    rules = {r.code: r for r in build_rules(Config(select=["LN"], severity={"LN": "info", "LN001": "warning"}))}
    assert rules["LN001"].level is Severity.WARNING and rules["LN002"].level is Severity.INFO
