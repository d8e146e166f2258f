"""Text normalisation shared by wording rules and sources.

Shop copy arrives in Simplified or Traditional Chinese, with full-width digits and letters
(``１００％``, ``ＮＯ．１``), mixed-case English and the odd invisible character.  Rules match
against one *normalised* form and report positions in the *original* text:

* :func:`to_halfwidth` -- full-width ASCII (U+FF01-FF5E) and the ideographic space to ASCII.
* :func:`to_simplified` -- Traditional (incl. Hong Kong / Taiwan variants) to Simplified, one
  character for one character.
* :func:`normalise` / :func:`normalise_for_matching` -- NFKC, case folding, Traditional to
  Simplified, ASCII quotes and hyphens, and removal of zero-width characters; the latter with an
  :class:`OffsetMap` from the normalised text back to the original.

Why character-level Chinese conversion: the conversion must give the same result for a lexicon
term on its own and for the same characters inside a sentence, and it must keep positions.
Phrase-level converters (OpenCC's full ``t2s`` pipeline) look at the neighbours, so a term and
its occurrence in a sentence can convert differently, and a phrase may change length.  The
character table is derived from OpenCC's own dictionaries (``t2s``, then ``hk2s`` and ``tw2s``
for regional variants); after that every conversion is one ``str.translate``.

Deriving the tables takes about 0.3 s (mostly loading OpenCC's phrase dictionaries), and every
crawl process needs them, so the derived data is kept in the user's cache folder between
processes (:mod:`checker.textdata`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from checker.textdata import Derived, cache_stem, decode_chars, decode_table, encode_table, opencc

__all__ = [
    "OffsetMap",
    "normalise",
    "normalise_for_matching",
    "regional_variants",
    "to_halfwidth",
    "to_simplified",
]


# -------------------------------------------------------------------- derived data, kept between processes
@cache
def _derived() -> Derived:
    return Derived(cache_stem(Path(__file__)))


# -------------------------------------------------------------------- full-width -> half-width
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """``１００％`` -> ``100%``, ``ＮＯ．１`` -> ``NO.1``, ``　`` -> `` ``.  Same length as the input."""
    return text.translate(_HALFWIDTH)


# -------------------------------------------------------------------- Traditional -> Simplified
#: Blocks searched for Traditional characters: CJK Ext. A, the URO, compatibility ideographs and Ext. B.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0))
_OPENCC_CONFIGS = ("t2s", "hk2s", "tw2s")  # first one that changes a character wins


@cache
def _t2s_table() -> dict[int, str]:
    """Character -> Simplified character, derived from OpenCC's dictionaries (about 4,500 entries)."""
    return _derived().load("t2s", _derive_t2s_table, encode_table, decode_table)


def _derive_t2s_table() -> dict[int, str]:
    chars = [chr(cp) for start, stop in _CJK_RANGES for cp in range(start, stop)]
    joined = "\n".join(chars)  # one character per line: no phrase can span two of them
    table: dict[int, str] = {}
    for config in _OPENCC_CONFIGS:
        converted = opencc(config).convert(joined).split("\n")
        if len(converted) != len(chars):  # pragma: no cover - would mean OpenCC merged lines
            raise RuntimeError(f"OpenCC {config}: unexpected output length")
        for char, simple in zip(chars, converted, strict=True):
            if simple != char and len(simple) == 1:
                table.setdefault(ord(char), simple)
    return table


def regional_variants(phrases: Iterable[str]) -> dict[str, set[str]]:
    """Phrase -> matching forms of how Taiwan and Hong Kong would write it, where that is more than
    a change of characters: ``最高级`` -> ``最高階`` (-> ``最高阶``), ``芯片`` -> ``晶片``.

    For lexicon terms only (OpenCC's phrase-level ``s2twp`` and ``s2hk``): character-level
    :func:`to_simplified` maps ``最高級`` back to ``最高级`` but cannot know that Taiwan says 最高階.
    Many phrases at once, because loading those two dictionaries takes 0.15 s: phrases seen
    before are answered from the cache file and the rest are converted, then stored in one write.
    """
    store = _derived()
    known = store.get("variants", _decode_variants) or {}
    phrases = list(dict.fromkeys(phrases))
    missing = [phrase for phrase in phrases if phrase not in known]
    for phrase in missing:
        base = normalise(phrase)
        converted = (normalise(opencc(config).convert(phrase)) for config in ("s2twp", "s2hk"))
        known[phrase] = sorted({v for v in converted if v != base})
    if missing:
        store.store("variants", known)
    return {phrase: set(known[phrase]) for phrase in phrases}


def _decode_variants(data: Any) -> dict[str, list[str]]:
    if not all(type(k) is str and type(v) is list and all(type(x) is str for x in v) for k, v in data.items()):
        raise ValueError("not a variants table")
    return data


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, character by character (``頂級`` -> ``顶级``, ``裏`` -> ``里``).

    Same length as the input; Simplified text and non-Chinese text come back unchanged.
    """
    return text.translate(_t2s_table())


# -------------------------------------------------------------------- matching form
#: Invisible characters dropped before matching (they split words without showing).
_REMOVE = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
_REMOVE_TABLE = dict.fromkeys(map(ord, _REMOVE))
#: Typographic quotes and hyphens that NFKC keeps but shop copy uses interchangeably with ASCII ones.
_PUNCTUATION = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201b\u2032"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201f"), '"'),
    **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212"), "-"),
}


def _pipeline(text: str) -> str:
    """The reference (slow) normalisation of a short piece: NFKC, case fold, drop invisibles, ASCII
    quotes and hyphens, Traditional -> Simplified, NFKC again (folding may produce composable text)."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = text.translate(_REMOVE_TABLE).translate(_PUNCTUATION)
    return unicodedata.normalize("NFKC", to_simplified(text))


#: Hangul jamo: they compose into syllables.
_JAMO = frozenset(chr(cp) for a, b in ((0x1100, 0x1200), (0xA960, 0xA980), (0xD7B0, 0xD800)) for cp in range(a, b))


def _is_combining(char: str) -> bool:
    """A character NFKC may compose with the one before it (combining marks, Hangul jamo, and
    characters whose NFKC form is one of those, such as the half-width katakana voiced mark)."""
    return char in _tables().combining


def _composes_with_previous(char: str) -> bool:
    return char in _JAMO or unicodedata.category(char)[0] == "M"


#: Code points whose normalisation is looked at: everything below U+30000 except surrogates, NUL and the
#: big ideograph and Hangul-syllable blocks, which NFKC and case folding leave alone.
_SCAN_RANGES = ((0x1, 0x3400), (0x4DC0, 0x4E00), (0xA000, 0xAC00), (0xD7A4, 0xD800), (0xE000, 0x20000),
                (0x2F800, 0x2FA20))  # fmt: skip
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class _Tables:
    table: dict[int, str]  # one character -> one character
    bmp: list[int | str]  # the same for the BMP as a list indexed by code point (no hashing): twice as fast
    special: re.Pattern[str]  # any character the fast path cannot take: one that needs the slow path, or astral
    unsafe_bmp: re.Pattern[str]  # runs of BMP characters that need the slow path
    unsafe_astral: frozenset[str]  # astral characters that need it (checked only when a text has any)
    combining: frozenset[str]


@cache
def _tables() -> _Tables:
    """The translation table and the characters that need the slow path (:func:`_derive_tables`).

    The BMP ones form one regex character class (a bitmap, a few ns per character); a class with
    astral ranges would be a linear list of ranges, 20 times slower, so those are kept apart.  One
    whole astral range is cheap, though: ``special`` finds, in one search, whether a text may take
    the fast path (no unsafe character and nothing beyond the BMP, which ``bmp`` does not cover).
    """
    table, unsafe, combining = _derived().load("tables", _derive_tables, _encode_tables, _decode_tables)
    unsafe_class = "".join(_class_ranges(sorted(c for c in unsafe if c <= "\uffff")))
    return _Tables(
        table=table,
        bmp=[table.get(cp, cp) for cp in range(0x10000)],
        special=re.compile(f"[{unsafe_class}\U00010000-\U0010ffff]"),
        unsafe_bmp=re.compile(f"[{unsafe_class}]+"),
        unsafe_astral=frozenset(c for c in unsafe if c > "\uffff"),
        combining=combining,
    )


def _derive_tables() -> tuple[dict[int, str], frozenset[str], frozenset[str]]:
    """``(table, unsafe, combining)``: one character -> one character, the characters that need
    the slow path, and those of them that compose with the character before.

    About 0.1 s: every code point up to U+2FFFF that may change is normalised in bulk; those
    that map to exactly one other character go into the table, those that map to none or to
    several (``㎏`` -> ``kg``, ``ß`` -> ``ss``, zero-width space -> nothing) and those that
    compose with their neighbour (combining marks) need the slow path.
    """
    t2s = _t2s_table()
    chars = [chr(cp) for start, stop in _SCAN_RANGES for cp in range(start, stop)]
    # NUL never takes part in a decomposition, composition or case mapping: a safe separator.
    nfkc = unicodedata.normalize("NFKC", "\0".join(chars)).split("\0")
    folded = unicodedata.normalize("NFKC", "\0".join(nfkc).casefold()).split("\0")
    table: dict[int, str] = {**t2s, **_PUNCTUATION}
    unsafe: set[str] = set(_REMOVE)
    combining: set[str] = {c for c in chars if _composes_with_previous(c)}
    for char, out in [pair for pair in zip(chars, folded, strict=True) if pair[0] != pair[1]]:
        if len(out) == 1 and not _composes_with_previous(out):
            table[ord(char)] = _PUNCTUATION.get(ord(out)) or t2s.get(ord(out), out)
        else:
            unsafe.add(char)
            if out and _composes_with_previous(out[0]):
                combining.add(char)
    unsafe |= combining
    return table, frozenset(unsafe), frozenset(combining)


def _encode_tables(tables: tuple[dict[int, str], frozenset[str], frozenset[str]]) -> dict[str, Any]:
    table, unsafe, combining = tables
    return {"table": encode_table(table), "unsafe": "".join(sorted(unsafe)), "combining": "".join(sorted(combining))}


def _decode_tables(data: Any) -> tuple[dict[int, str], frozenset[str], frozenset[str]]:
    return decode_table(data["table"]), decode_chars(data["unsafe"]), decode_chars(data["combining"])


def _unsafe_runs(text: str, tables: _Tables) -> list[tuple[int, int]]:
    """``[start, end)`` runs of characters that need the slow path, in order."""
    runs = [m.span() for m in tables.unsafe_bmp.finditer(text)]
    if _ASTRAL.search(text) is not None:  # emoji and the like: rare, checked one by one
        runs.extend(m.span() for m in _ASTRAL.finditer(text) if m.group() in tables.unsafe_astral)
        runs.sort()
        merged: list[tuple[int, int]] = []
        for a, b in runs:
            if merged and merged[-1][1] == a:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        runs = merged
    return runs


def _class_ranges(chars: list[str]) -> list[str]:
    """Sorted characters -> regex character-class ranges (``a-z``), escaped."""
    out: list[str] = []
    i = 0
    while i < len(chars):
        j = i
        while j + 1 < len(chars) and ord(chars[j + 1]) == ord(chars[j]) + 1:
            j += 1
        first, last = re.escape(chars[i]), re.escape(chars[j])
        out.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return out


class OffsetMap:
    """Positions in a normalised text -> positions in the original.

    ``offset_map[i]`` is where normalised character ``i`` starts in the original
    (``offset_map[len(normalised)] == len(original)``); :meth:`span` turns a normalised
    ``[start, end)`` into the original ``[start, end)`` that produced it.  When the normalised
    text has the same length as the original character for character (the usual case), no
    arrays are kept.
    """

    __slots__ = ("_ends", "_length", "_original_length", "_starts")

    def __init__(
        self, length: int, original_length: int, starts: list[int] | None = None, ends: list[int] | None = None
    ) -> None:
        self._length = length
        self._original_length = original_length
        self._starts = starts
        self._ends = ends

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(length, length)

    @property
    def is_identity(self) -> bool:
        return self._starts is None

    def __len__(self) -> int:
        return self._length + 1

    def __getitem__(self, index: int) -> int:
        if index < 0:
            index += self._length + 1
        if not 0 <= index <= self._length:
            raise IndexError(index)
        if index == self._length:
            return self._original_length
        return index if self._starts is None else self._starts[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of normalised ``[start, end)``."""
        if not 0 <= start <= end <= self._length:
            raise IndexError((start, end))
        if self._starts is None or self._ends is None:
            return start, end
        if start == end:
            return self[start], self[start]
        return self._starts[start], self._ends[end - 1]

    def __repr__(self) -> str:
        kind = "identity" if self.is_identity else "mapped"
        return f"OffsetMap({kind}, {self._length} -> {self._original_length})"


def normalise_for_matching(text: str) -> tuple[str, OffsetMap]:
    """Normalise ``text`` for term matching and return ``(normalised, offset_map)``.

    NFKC (full-width -> half-width, compatibility forms), case folding, Traditional ->
    Simplified, typographic quotes and hyphens to ASCII, invisible characters removed.  Most text is handled by one ``str.translate``;
    only the rare characters whose normalisation changes the length (``㎏``, ``ß``, ``…``,
    zero-width space, combining marks) take a slower path, and only then does the offset map
    hold arrays.
    """
    if text.isascii():  # NFKC leaves ASCII alone and case folding is lower()
        return text.lower(), OffsetMap.identity(len(text))
    tables = _tables()
    if tables.special.search(text) is None:  # the usual case
        return text.translate(tables.bmp), OffsetMap.identity(len(text))
    table = tables.table
    runs = _unsafe_runs(text, tables)
    if not runs:
        return text.translate(table), OffsetMap.identity(len(text))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b in runs:
        if a > pos and _is_combining(text[a]):
            a -= 1  # the base character composes with the marks after it
        if a > pos:
            parts.append(text[pos:a].translate(table))
            starts.extend(range(pos, a))
            ends.extend(range(pos + 1, a + 1))
        for cs, ce in _clusters(text, a, b):
            out = _pipeline(text[cs:ce])
            parts.append(out)
            width = ce - cs
            for j in range(len(out)):
                starts.append(cs + min(j, width - 1))
                ends.append(ce if j == len(out) - 1 else cs + min(j + 1, width))
        pos = b
    if pos < len(text):
        parts.append(text[pos:].translate(table))
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    normalised = "".join(parts)
    return normalised, OffsetMap(len(normalised), len(text), starts, ends)


def _clusters(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into a character plus the combining characters that follow it."""
    out: list[tuple[int, int]] = []
    i = start
    while i < end:
        j = i + 1
        while j < end and _is_combining(text[j]):
            j += 1
        out.append((i, j))
        i = j
    return out


def normalise(text: str) -> str:
    """The matching form of ``text`` without the offset map (for lexicon terms, brand names)."""
    return normalise_for_matching(text)[0]
