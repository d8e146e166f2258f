"""Rule discovery and selection.

Rule packs are found through the ``checker.rules`` entry-point group, the same way a
third-party package ships its own rules (flake8-style).  The entry-point *name* is the code
prefix the pack owns (``LN``, ``AD``...), the *value* the pack's package, which declares itself
with ``PACK = RulePack(...)`` (:mod:`checker.engine.pack`); every module of the package is
imported, and each rule registers itself with :func:`register`.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from importlib.metadata import entry_points

from checker.codes import CODE, area_of
from checker.engine.pack import RulePack, RuleRegistrationError, declared_pack, import_rule_modules
from checker.engine.rule import Rule

__all__ = ["RuleRegistrationError", "load_packs", "load_plugins", "pack_of", "register"]

ENTRY_POINT_GROUP = "checker.rules"
SCOPES = {"page", "product", "lot", "site", "post"}

_REGISTRY: dict[str, type[Rule]] = {}
_PACKS: dict[str, RulePack] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry after checking its metadata is complete."""
    code = getattr(cls, "code", None)
    if not code or not CODE.fullmatch(code):
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


def _load() -> None:
    """Import every pack in the entry-point group once."""
    if _PACKS:
        return
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        module = importlib.import_module(ep.value.split(":")[0])
        pack = declared_pack(module, ep.name)
        if pack.prefix in _PACKS:
            raise RuleRegistrationError(f"two rule packs own the prefix {pack.prefix!r}: "
                                        f"{_PACKS[pack.prefix].module} and {module.__name__}")
        before = set(_REGISTRY)
        import_rule_modules(module)
        codes = tuple(sorted(set(_REGISTRY) - before))
        wrong = [c for c in codes if area_of(c) != pack.prefix]
        if wrong:
            raise RuleRegistrationError(
                f"rule pack {ep.name!r} ({module.__name__}) registered codes outside its "
                f"prefix {pack.prefix!r}: {', '.join(wrong)}"
            )
        _PACKS[pack.prefix] = replace(pack, module=module.__name__, codes=codes)
    if not _REGISTRY:
        raise RuleRegistrationError(
            "no rules found in entry-point group 'checker.rules': is store-checker installed "
            "(pip install -e .)?"
        )


def load_plugins() -> dict[str, type[Rule]]:
    """Every registered rule: code -> rule class, sorted by code."""
    _load()
    return dict(sorted(_REGISTRY.items()))


def load_packs() -> dict[str, RulePack]:
    """Every loaded pack: prefix -> its declaration (with ``module`` and ``codes`` filled in)."""
    _load()
    return dict(sorted(_PACKS.items()))


def pack_of(code: str) -> RulePack | None:
    """The pack that owns a code or an area prefix; None when no loaded pack does."""
    return load_packs().get(area_of(code.upper()))


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
