"""The units table of the SP rules: ``rules/spec/units.toml``, validated on load.

A mistake in the file is a :class:`UnitsError` (a config error: exit code 2) naming the file, the
line, the entry and the field, e.g.::

    rules/spec/units.toml:31: unit #4 '斤': dimension: Input should be 'mass', 'volume', 'length' or 'count'

Every alias is kept in its normalised form (:func:`checker.text.normalise`), so a table written
with ``毫升``, ``ＭＬ`` or ``mL`` reads the same text; an alias listed twice, also under two units
or as two spellings that normalise alike, is an error naming both places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checker.config import ConfigError
from checker.datafiles import read_toml
from checker.text import normalise

UNITS_FILE = Path(__file__).resolve().parent / "units.toml"

Dimension = Literal["mass", "volume", "length", "count"]
#: The base unit of each dimension (what ``factor`` counts).
BASE_UNITS: dict[str, str] = {"mass": "g", "volume": "ml", "length": "mm", "count": "pcs"}
#: Rule options a unit's factor may come from (per currency).
SETTINGS = ("jin_grams", "liang_grams")


class UnitsError(ConfigError):
    """The units table is missing, not TOML, or has an invalid entry (exit code 2)."""


class _UnitEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    dimension: Dimension
    factor: Decimal
    aliases: tuple[str, ...] = Field(min_length=1)
    setting: Literal["jin_grams", "liang_grams"] | None = None
    also: str | None = None
    note: str = ""

    @field_validator("factor", mode="before")
    @classmethod
    def _exact(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a number or a string of digits, e.g. 500 or \"28.349523125\"")
        if isinstance(value, int | float | str):
            try:
                value = Decimal(str(value).strip())
            except InvalidOperation:
                raise ValueError(f"{value!r} is not a number") from None
        return value

    @field_validator("factor")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if not value.is_finite() or value <= 0:
            raise ValueError("must be a positive number")
        return value

    @field_validator("aliases")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not a.strip() for a in value):
            raise ValueError("empty alias")
        return value


class _NotQuantity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


@dataclass(frozen=True)
class Unit:
    name: str
    dimension: str
    factor: Decimal
    setting: str | None
    aliases: tuple[str, ...]  # normalised
    also: str | None = None  # the name of another unit the same word may mean (oz -> fl oz)


@dataclass(frozen=True)
class UnitTable:
    units: tuple[Unit, ...]
    by_alias: dict[str, Unit]
    not_quantity: tuple[re.Pattern[str], ...]
    path: Path

    def unit(self, name: str) -> Unit:
        return next(u for u in self.units if u.name == name)


def _line_of(text: str, header: str, n: int) -> int | None:
    """Line (1-based) of the n-th ``[[header]]`` of the file."""
    count = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*\[\[\s*{header}\s*\]\]", line):
            count += 1
            if count == n:
                return lineno
    return None


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def load_units(path: Path = UNITS_FILE) -> UnitTable:
    """Read and validate the units table (default: the pack's ``units.toml``)."""
    data, text = read_toml(path, UnitsError, "the units table")
    unknown = sorted(set(data) - {"unit", "not_quantity"})
    if unknown:
        raise UnitsError(f"{path}: unknown table {unknown[0]!r} (expected [[unit]] and [[not_quantity]])")
    units: list[Unit] = []
    by_alias: dict[str, tuple[Unit, str]] = {}
    names: set[str] = set()
    for n, raw in enumerate(data.get("unit") or [], start=1):
        line = _line_of(text, "unit", n)
        label = f"unit #{n}" + (f" {raw.get('name')!r}" if isinstance(raw, dict) and raw.get("name") else "")
        try:
            entry = _UnitEntry.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "entry"
            raise UnitsError(f"{_where(path, line)}: {label}: {field}: {err['msg']}") from None
        if entry.name in names:
            raise UnitsError(f"{_where(path, line)}: {label}: name: {entry.name!r} is listed twice")
        names.add(entry.name)
        if entry.setting and entry.dimension != "mass":
            raise UnitsError(f"{_where(path, line)}: {label}: setting: {entry.setting} gives grams: a mass unit only")
        aliases = tuple(normalise(a).strip() for a in entry.aliases)
        unit = Unit(entry.name, entry.dimension, entry.factor, entry.setting, aliases, entry.also)
        for alias, spelling in zip(aliases, entry.aliases, strict=True):
            if alias in by_alias:
                other, other_spelling = by_alias[alias]
                raise UnitsError(f"{_where(path, line)}: {label}: aliases: {spelling!r} is already an alias of "
                                 f"unit {other.name!r} (as {other_spelling!r})")
            if re.search(r"\d", alias):
                raise UnitsError(f"{_where(path, line)}: {label}: aliases: {spelling!r} has a digit in it")
            by_alias[alias] = (unit, spelling)
        units.append(unit)
    if not units:
        raise UnitsError(f"{path}: no [[unit]] entries")
    for n, unit in enumerate(units, start=1):
        other = next((u for u in units if u.name == unit.also), None) if unit.also else unit
        if other is None or (unit.also and other.dimension == unit.dimension):
            raise UnitsError(f"{_where(path, _line_of(text, 'unit', n))}: unit #{n} {unit.name!r}: also: "
                             f"{unit.also!r} is not the name of a unit of another dimension")
    patterns = []
    for n, raw in enumerate(data.get("not_quantity") or [], start=1):
        try:
            entry_nq = _NotQuantity.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "entry"
            raise UnitsError(f"{_where(path, _line_of(text, 'not_quantity', n))}: not_quantity #{n}: {field}: "
                             f"{err['msg']}") from None
        patterns.append(re.compile(entry_nq.pattern))
    return UnitTable(tuple(units), {a: u for a, (u, _) in by_alias.items()}, tuple(patterns), path)


@cache
def default_units() -> UnitTable:
    """The pack's own table, read once per process."""
    return load_units()
