"""Rule discovery and selection.

Rule packs are found through the ``checker.rules`` entry-point group, the same way a
third-party package would ship its own rules (flake8-style).  The entry-point *name* is the code
prefix the pack owns (``LN``, ``AD``...), the *value* a module whose import registers the pack's
rules with :func:`register`.
"""

from __future__ import annotations

import importlib
import re
from importlib.metadata import entry_points

from checker.engine.rule import DOC_SECTIONS, Rule

ENTRY_POINT_GROUP = "checker.rules"
CODE_RE = re.compile(r"^[A-Z]{2,3}[0-9]{3}$")
SCOPES = {"page", "product", "lot", "site", "post"}

_REGISTRY: dict[str, type[Rule]] = {}


class RuleRegistrationError(Exception):
    pass


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry after checking its metadata is complete."""
    code = getattr(cls, "code", None)
    if not code or not CODE_RE.match(code):
        raise RuleRegistrationError(f"{cls.__qualname__}: code {code!r} must look like 'AB123'")
    for attr in ("name", "summary", "scope"):
        if not getattr(cls, attr, None):
            raise RuleRegistrationError(f"{code}: missing class attribute {attr!r}")
    if cls.scope not in SCOPES:
        raise RuleRegistrationError(f"{code}: scope {cls.scope!r} is not one of {sorted(SCOPES)}")
    existing = _REGISTRY.get(code)
    if existing is not None and existing is not cls:
        raise RuleRegistrationError(
            f"{code} registered twice: {existing.__module__}.{existing.__qualname__} "
            f"and {cls.__module__}.{cls.__qualname__}"
        )
    _REGISTRY[code] = cls
    return cls


def missing_doc_sections(cls: type[Rule]) -> list[str]:
    docs = cls.docs()
    return [s for s in DOC_SECTIONS if s not in docs]


_loaded = False


def load_plugins() -> dict[str, type[Rule]]:
    """Import every pack in the entry-point group once; return code -> rule class."""
    global _loaded
    if not _loaded:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            before = set(_REGISTRY)
            module = importlib.import_module(ep.value.split(":")[0])
            added = set(_REGISTRY) - before
            prefix = ep.name.upper()
            wrong = sorted(c for c in added if not c.startswith(prefix))
            if wrong:
                raise RuleRegistrationError(
                    f"rule pack {ep.name!r} ({module.__name__}) registered codes outside its "
                    f"prefix {prefix!r}: {', '.join(wrong)}"
                )
        _loaded = True
        if not _REGISTRY:
            raise RuleRegistrationError(
                "no rules found in entry-point group 'checker.rules': is store-checker installed "
                "(pip install -e .)?"
            )
    return dict(sorted(_REGISTRY.items()))


def _longest_prefix(code: str, prefixes: list[str]) -> int:
    """Length of the longest entry of ``prefixes`` that ``code`` starts with; -1 if none."""
    best = -1
    for p in prefixes:
        p = p.upper()
        if p == "ALL":
            best = max(best, 0)
        elif code.startswith(p):
            best = max(best, len(p))
    return best


def is_selected(code: str, select: list[str], ignore: list[str]) -> bool:
    """flake8 semantics: the longer matching prefix wins; a tie goes to ``ignore``."""
    s = _longest_prefix(code, select)
    if s < 0:
        return False
    return s > _longest_prefix(code, ignore)


def resolve_by_prefix(code: str, table: dict[str, object]) -> object | None:
    """Look up a per-code setting that may be keyed by the full code or a prefix."""
    best_len, best = -1, None
    for key, value in table.items():
        k = key.upper()
        if (k == "ALL" and best_len < 0) or (k != "ALL" and code.startswith(k) and len(k) > best_len):
            best_len, best = (0 if k == "ALL" else len(k)), value
    return best
