"""Every registered rule is complete: metadata, documented sections, a good and a bad test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.engine import load_plugins
from checker.engine.registry import missing_doc_sections

RULES = load_plugins()
TESTS = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_metadata_and_docs(code):
    cls = RULES[code]
    assert re.fullmatch(r"[a-z]+(\.[a-z0-9-]+)+", cls.name), cls.name
    assert cls.summary and "/" in cls.summary, "summary must be Chinese / English"
    assert missing_doc_sections(cls) == []


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_its_own_tests(code):
    assert re.search(rf"def test_{code.lower()}_", TESTS) or re.search(rf'"{code}"', TESTS), f"no test names {code}"


def test_rules_come_from_the_entry_point_group():
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="checker.rules")}
    assert {"LN"} <= names
    assert {code[:2] for code in RULES} <= names
