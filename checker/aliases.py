"""The column-name alias table (``checker/aliases.toml``): which header names mean which field of which kind
of export, in Simplified/Traditional Chinese and English.  Data that ops extend; read by the config (to check
``columns = {...}``) and by the export readers (:mod:`checker.sources.fields`), so it sits below both.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from checker.prices import CURRENCIES_FILE

ALIASES_FILE = Path(__file__).with_name("aliases.toml")
KINDS = ("inventory", "catalog", "prices", "complaints")

# Accepted in `columns = {...}` as another name for a field.
FIELD_SYNONYMS = {"shelf_life_days": "shelf_life", "expiry": "expiry_date", "received_at": "received", "date": "at"}

_BRACKET_UNIT = re.compile(r"^(.*?)\s*[(\[【〔<]\s*([^()\[\]【】〔〕<>]*?)\s*[)\]】〕>]\s*$")
_SEPARATORS = re.compile(r"[\s_\-./:·・]+")


def normalise_header(text: Any) -> tuple[str, str]:
    """``(key, unit)`` of a header cell: the lookup key and a bracketed unit if one was written."""
    if text is None:
        return "", ""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = s.lstrip("*#").strip()
    unit = ""
    m = _BRACKET_UNIT.match(s)
    if m and m.group(1):
        s, unit = m.group(1), m.group(2)
    return _SEPARATORS.sub("", s), unit


@dataclass(frozen=True)
class KindSpec:
    name: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    min_fields: int
    lookup: dict[str, tuple[str, int]]  # normalised alias -> (field, priority; lower is better)
    expected: dict[str, tuple[str, ...]]  # field -> the alias names as written (for error messages)


@dataclass(frozen=True)
class AliasTable:
    kinds: dict[str, KindSpec]
    price_kinds: dict[str, str]  # normalised word -> transaction | listed | promotion


def _build(data: dict[str, Any], origin: str) -> AliasTable:
    groups: dict[str, list[str]] = data.get("aliases", {})
    if "currencies" in data:
        raise ValueError(f"{origin}: [currencies] moved to {CURRENCIES_FILE}, the one table for pages and exports")
    kinds: dict[str, KindSpec] = {}
    for kind in KINDS:
        spec = data.get("kinds", {}).get(kind)
        if spec is None:
            raise ValueError(f"{origin}: [kinds.{kind}] is missing")
        lookup: dict[str, tuple[str, int]] = {}
        expected: dict[str, tuple[str, ...]] = {}
        for fname, group_names in spec["fields"].items():
            names: list[str] = []
            for priority, group in enumerate(group_names):
                if group not in groups:
                    raise ValueError(f"{origin}: kinds.{kind}.fields.{fname}: no alias group {group!r}")
                for alias in groups[group]:
                    key, _ = normalise_header(alias)
                    other = lookup.get(key)
                    if other is not None and other[0] != fname:
                        raise ValueError(
                            f"{origin}: alias {alias!r} maps to both {other[0]!r} and {fname!r} for {kind} sources"
                        )
                    if other is None or priority < other[1]:
                        lookup[key] = (fname, priority)
                    names.append(alias)
            expected[fname] = tuple(names)
        required = tuple(spec.get("required", ()))
        kinds[kind] = KindSpec(
            name=kind,
            fields=tuple(spec["fields"]),
            required=required,
            min_fields=int(spec.get("min_fields", 2)),
            lookup=lookup,
            expected=expected,
        )
    price_kinds = {
        normalise_header(word)[0]: kind for kind, words in data.get("price_kinds", {}).items() for word in words
    }
    return AliasTable(kinds=kinds, price_kinds=price_kinds)


@cache
def alias_table() -> AliasTable:
    with ALIASES_FILE.open("rb") as fh:
        return _build(tomllib.load(fh), str(ALIASES_FILE))


@cache
def cjk_aliases() -> frozenset[str]:
    """Every non-ASCII alias as written (商品编码, 貨號 ...): header words that tell GBK from Big5 text."""
    return frozenset(
        name for spec in alias_table().kinds.values() for names in spec.expected.values() for name in names
        if not name.isascii() and len(name) >= 2
    )  # fmt: skip


def canonical_field(kind: str, name: str) -> str | None:
    """The field a user-written key in ``columns = {...}`` means, or None if the kind has no such field."""
    fields = alias_table().kinds[kind].fields
    name = FIELD_SYNONYMS.get(name, name) if name not in fields else name
    return name if name in fields else None
