"""Every registered rule of every installed pack is complete: metadata, docs with their sections,
and its own runnable cases, at least one that fails (the rule reports) and one that passes.

To see this test go red, delete a rule's case file (or its passing cases) in a scratch copy."""

from __future__ import annotations

import re

import pytest

from checker.engine import load_packs, load_plugins
from checker.engine.docs import missing_doc_sections, rule_cases, rule_docs

RULES = load_plugins()


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_metadata_and_docs(code):
    cls = RULES[code]
    assert re.fullmatch(r"[a-z]+(\.[a-z0-9-]+)+", cls.name), cls.name
    assert cls.summary and "/" in cls.summary, "summary must be Chinese / English"
    assert missing_doc_sections(cls) == []


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_a_failing_and_a_passing_case(code):
    cases = rule_cases(code)
    assert cases, f"{code} has no case file: add cases/{code}.toml beside its pack"
    assert any(rc.is_bad for rc in cases), f"{code}: no case where the rule reports a finding"
    assert any(rc.is_good for rc in cases), f"{code}: no case where the rule runs and reports nothing"


@pytest.mark.parametrize("code", sorted(RULES))
def test_docs_examples_are_cases_not_prose(code):
    """Bad and Good examples come from cases marked ``doc = true`` (which test_rule_cases runs),
    so the docstring must not carry its own: they would never be run."""
    docstring = RULES[code].docs()
    assert not re.search(r"^(Bad|Good):", docstring, re.MULTILINE), f"{code}: move the docstring's Bad/Good into doc cases"
    docs = rule_docs(RULES[code])
    for section, want_bad in (("Bad:", True), ("Good:", False)):
        shown = [rc for rc in rule_cases(code) if rc.case.doc and rc.is_bad == want_bad]
        assert shown, f"{code}: no case with doc = true for {section}"
        assert section in docs and all(rc.case.name in docs for rc in shown)


def test_every_pack_declares_itself_and_owns_its_codes():
    from importlib.metadata import entry_points

    packs = load_packs()
    assert {ep.name for ep in entry_points(group="checker.rules")} == set(packs) >= {"AD", "LN"}
    for prefix, pack in packs.items():
        assert pack.area_zh and pack.area_en and pack.docs
        assert pack.codes and all(code.startswith(prefix) for code in pack.codes)
    assert sorted(c for p in packs.values() for c in p.codes) == sorted(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_severity_can_be_relevelled(code):
    from checker.config import Config
    from checker.engine import build_rules
    from checker.models import Severity

    (rule,) = build_rules(Config(select=[code], severity={code: "info"}))
    assert rule.level is Severity.INFO
