"""What a rule pack says about itself.

A pack is one package of rules that owns one code prefix, its *area*.  It declares itself with a
module-level ``PACK = RulePack(...)`` in its ``__init__.py`` and is registered under the
``checker.rules`` entry-point group with the prefix as the entry-point name.  The loader then
imports every module of the package (a rule registers itself on import), so adding a rule is
adding a module, and the report names the area as the pack says.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from checker.codes import PREFIX


class RuleRegistrationError(Exception):
    """A pack or rule that cannot be loaded as declared (exit code 2)."""


@dataclass(frozen=True)
class PackSheet:
    """A sheet a pack adds to the workbook after *Findings*: the warehouse's stock by lot, the complaints
    by cause.  ``columns`` are (header, width); rows hold plain values (the writer makes text safe)."""

    title: str
    columns: list[tuple[str, int]]
    rows: Iterable[list[Any]]
    note: str = ""  # for the Summary: what the sheet leaves out, and why


@dataclass(frozen=True)
class RulePack:
    """A pack's declaration: the prefix it owns, its area's name in Chinese and English, and docs.

    ``check`` names the pre-launch check the pack automates (for ``checker rules``).  Case files
    (runnable good/bad examples, one ``<CODE>.toml`` per rule) live in ``cases/`` beside the
    pack's modules unless ``cases_dir`` says otherwise (relative to the package).
    """

    prefix: str
    area_zh: str
    area_en: str
    docs: str = ""
    check: str = ""
    cases_dir: str = "cases"
    #: Sentences of a page's long copy (the description) the pack's site rules read: kept when the
    #: page is slimmed after its own rules ran (see :func:`checker.crawl.pages.slim_page`).
    keep_sentence: Callable[[str], bool] | None = field(default=None, compare=False)
    #: The pack's own workbook sheets, given the audit's context and the codes that ran (None: none).
    sheets: Callable[[Any, frozenset[str]], Iterable[PackSheet]] | None = field(default=None, compare=False)
    #: What the area reads, for the coverage block (checker/reports/coverage.py): the first is what it
    #: cannot work without (missing: "not checked"), the rest what some of its rules need (missing:
    #: "partly checked").  "pages", "products", "prices" (products with a price), "source:<kind>".
    needs: tuple[str, ...] = ()
    #: Reads the pack's own data files (word lists...), called before the crawl when one of its rules
    #: is selected: a broken file raises a ConfigError naming file and line (exit 2).
    preflight: Callable[[], object] | None = field(default=None, compare=False)
    #: Set by the loader: the package the pack was loaded from, and the codes it registered.
    module: str = field(default="", compare=False)
    codes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def area_name(self) -> str:
        """How the report names the area: ``广告用语 Ad wording``."""
        return f"{self.area_zh} {self.area_en}"

    @property
    def cases_path(self) -> Path | None:
        """The folder of the pack's case files, or None for a pack loaded from a single module."""
        module = importlib.import_module(self.module)
        paths = list(getattr(module, "__path__", ()))
        return Path(paths[0]) / self.cases_dir if paths else None

    @property
    def summary(self) -> str:
        """The first line of the pack's docs."""
        return self.docs.strip().splitlines()[0] if self.docs.strip() else ""


def declared_pack(module: ModuleType, entry_point_name: str) -> RulePack:
    """The ``PACK`` a pack module declares, checked against the entry point that named it."""
    pack = getattr(module, "PACK", None)
    where = f"rule pack {entry_point_name!r} ({module.__name__})"
    if not isinstance(pack, RulePack):
        raise RuleRegistrationError(
            f"{where} declares no PACK = RulePack(prefix=..., area_zh=..., area_en=...) in its __init__"
        )
    if not PREFIX.fullmatch(pack.prefix):
        raise RuleRegistrationError(f"{where}: prefix {pack.prefix!r} must be 2-3 capital letters")
    if pack.prefix != entry_point_name.upper():
        raise RuleRegistrationError(
            f"{where}: the entry-point name {entry_point_name!r} and PACK.prefix {pack.prefix!r} differ"
        )
    if not pack.area_zh or not pack.area_en:
        raise RuleRegistrationError(f"{where}: PACK needs area_zh and area_en (the area's name in the report)")
    return pack


def import_rule_modules(module: ModuleType) -> None:
    """Import every module of a pack package (rules register themselves on import); a module
    whose name starts with ``_`` is private and left to its importers."""
    for info in pkgutil.iter_modules(getattr(module, "__path__", ())):
        if not info.name.startswith("_"):
            importlib.import_module(f"{module.__name__}.{info.name}")
