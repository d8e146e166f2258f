"""A rule's documentation as ``checker rules CODE`` prints it: the docstring's prose, the Bad and
Good examples from the rule's case file (run by the tests, so they cannot drift), and whatever the
rule adds from its data (:meth:`Rule.docs_appendix`)."""

from __future__ import annotations

from functools import cache

from checker.engine.cases import RuleCase, doc_examples, pack_cases
from checker.engine.registry import load_packs, pack_of
from checker.engine.rule import DOC_SECTIONS, Rule


@cache
def cases_of_pack(prefix: str) -> tuple[RuleCase, ...]:
    """Every case of a loaded pack (read once)."""
    return tuple(pack_cases(load_packs()[prefix]))


def rule_cases(code: str) -> list[RuleCase]:
    """The cases in a rule's own case file."""
    pack = pack_of(code)
    return [rc for rc in cases_of_pack(pack.prefix) if rc.code == code] if pack is not None else []


def rule_docs(cls: type[Rule]) -> str:
    parts = [cls.docs(), doc_examples(cls.code, rule_cases(cls.code)), cls.docs_appendix()]
    return "\n\n".join(p for p in parts if p)


def missing_doc_sections(cls: type[Rule]) -> list[str]:
    docs = rule_docs(cls)
    return [s for s in DOC_SECTIONS if f"{s}:" not in docs]
