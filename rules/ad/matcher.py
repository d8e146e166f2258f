"""The one matcher every AD rule shares: all lexicon terms, their exceptions and the allowed
phrases in a single Aho-Corasick automaton, so a text costs one pass whatever the lexicon size.

How a text is screened (:meth:`Matcher.scan`):

1. normalise it (:func:`checker.text.normalise_for_matching`: NFKC, case fold, Traditional ->
   Simplified) and keep the offset map back to the original; the automaton also holds the
   Taiwan/Hong Kong wording of each phrase where it differs by more than characters (最高階);
2. find every occurrence of every term, form, exception and allowed phrase (overlapping);
3. drop English spellings that are not whole words (``best`` in ``bestow``, ``cure`` in
   ``secure``, ``#1`` in the model code ``3#1``) or that sit inside a handle (``@best``,
   ``best_buy``, ``the-best-cotton-tee``); Chinese has no word boundaries, so Chinese spellings
   match anywhere;
4. drop a term that lies inside a longer one (``第一`` in ``全国第一``, ``最`` in ``最佳``);
5. drop the terms of a category the text marks as a licensed product of it (``[[licensed]]``
   in the lexicon: 兽药, 国药准字, 10片/盒 for medical terms);
6. drop a term inside one of its own exceptions (``第一`` in ``第一步``), inside an allowed
   phrase (``治疗`` in ``本品不具有疾病预防、治疗功能``), inside a configured brand name or
   the product's own brand, or inside a title in 《》 (《糖尿病治疗指南》);
7. of terms that still overlap, report the first (``全网最低价``: ``全网最低``, not also ``最低价``);
8. report positions and the matched text from the *original* text.

The automaton is built once per process per set of lexicon files (:func:`get_matcher`).  Scan
results are cached per text (banners and labels repeat across a shop's pages), and the six AD
rules share one screening of each product (:func:`checker_rules.ad.base.screen`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
from checker_rules.ad.lexicon import Entry, Lexicon, default_files, load_lexicon

from checker.text import normalise, normalise_for_matching, regional_variants

_TERM, _EXCEPTION, _ALLOW, _LICENSED = 0, 1, 2, 3


def _is_word_char(char: str) -> bool:
    """Letters and digits of alphabetic scripts; CJK characters are not (no word boundaries there)."""
    return char.isalnum() and ord(char) < 0x2E80


def _word_edges(spelling: str) -> tuple[bool, bool]:
    """Whether a normalised spelling must sit on a word boundary at its start / end: where it
    begins / ends with a letter or digit of an alphabetic script, or begins with ``#`` (``#1``
    glued to a letter or digit is part of a model code: ``3#1``, ``A#1``)."""
    return _is_word_char(spelling[0]) or spelling[0] == "#", _is_word_char(spelling[-1])


#: Characters that make a run of text a handle, path or identifier (``@best``, ``best_buy``,
#: ``/collections/best``), where an English word is part of a name, not a claim.
_HANDLE_MARKS = frozenset("@_/")
_HANDLE_CHARS = frozenset("@_/-.")


def _in_handle(norm: str, start: int, end: int, reach: int = 80) -> bool:
    """Whether ``norm[start:end]`` lies inside a handle: the run of letters, digits and ``@_/-.``
    around it (at most ``reach`` characters either side) holds ``@``, ``_`` or ``/``, or is a slug
    of four or more hyphen-joined parts (``the-best-cotton-tee``)."""
    left, floor = start, max(0, start - reach)
    while left > floor and (_is_word_char(norm[left - 1]) or norm[left - 1] in _HANDLE_CHARS):
        left -= 1
    right, ceiling = end, min(len(norm), end + reach)
    while right < ceiling and (_is_word_char(norm[right]) or norm[right] in _HANDLE_CHARS):
        right += 1
    if left == start and right == end:
        return False
    token = norm[left:right]
    return not _HANDLE_MARKS.isdisjoint(token) or token.count("-") >= 3


_BOOK_TITLE = re.compile(r"《[^《》\n]{1,60}》|〈[^〈〉\n]{1,60}〉")


def _book_titles(norm: str) -> list[tuple[int, int]]:
    """Spans of book, film and song titles in 《》/〈〉: a term inside a title is part of a name
    (《糖尿病治疗指南》, 《最好的我们》), not a claim about the product."""
    if "《" not in norm and "〈" not in norm:
        return []
    return [m.span() for m in _BOOK_TITLE.finditer(norm)]


@dataclass(frozen=True, slots=True)
class Hit:
    """One term found in a text.  ``start``/``end`` index the original text; ``text`` is the term
    exactly as written there (``頂級``, ``ＢＥＳＴ``), ``entry`` the lexicon entry (``顶级``)."""

    entry: Entry
    start: int
    end: int
    text: str

    def excerpt(self, original: str, context: int = 20) -> str:
        """The hit with up to ``context`` characters either side, from the original text."""
        return original[max(0, self.start - context) : self.end + context].strip()


class Matcher:
    def __init__(self, lexicon: Lexicon, cache_size: int = 2048) -> None:
        self.lexicon = lexicon
        roles: dict[str, list[tuple[int, int]]] = {}
        for index, entry in enumerate(lexicon.entries):
            for spelling in entry.spec.spellings:
                roles.setdefault(normalise(spelling), []).append((_TERM, index))
            for exception in entry.spec.all_exceptions:
                roles.setdefault(normalise(exception), []).append((_EXCEPTION, index))
        for allow in lexicon.allows:
            roles.setdefault(normalise(allow.spec.phrase), []).append((_ALLOW, -1))
        for index, context in enumerate(lexicon.licensed):
            for phrase in context.phrases:
                roles.setdefault(normalise(phrase), []).append((_LICENSED, index))
        # One regular expression each: a pattern that starts with a literal is searched fast; joined
        # into one alternation they were five times slower over long descriptions.
        self._licensed_patterns = [
            (context.category, re.compile(pattern)) for context in lexicon.licensed for pattern in context.patterns
        ]
        # Taiwan/Hong Kong wordings of the same phrase (最高级 -> 最高階), unless another entry owns them.
        variants = regional_variants(roles)
        for key, key_roles in list(roles.items()):
            for variant in variants[key]:
                owned = roles.setdefault(variant, [])
                if not any(kind == _TERM for kind, _ in owned):
                    owned.extend(r for r in key_roles if r not in owned)
        self._patterns = list(roles)
        self._info = [(*_word_edges(p), tuple(roles[p])) for p in self._patterns]
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
        self.scan = lru_cache(maxsize=cache_size)(self._scan)

    @property
    def pattern_count(self) -> int:
        return len(self._patterns)

    def _scan(self, text: str, brands: tuple[str, ...] = ()) -> tuple[Hit, ...]:
        """Every term in ``text`` (see the module docstring), in order of position."""
        if not text:
            return ()
        norm, offsets = normalise_for_matching(text)
        terms: list[tuple[int, int, int]] = []
        exceptions: dict[int, list[tuple[int, int]]] = {}
        allowed: list[tuple[int, int]] = []
        licensed: set[str] = set()
        last = len(norm)
        for pattern, start, end in self._automaton.find_matches_as_indexes(norm, overlapping=True):
            left, right, roles = self._info[pattern]
            if (left and start > 0 and _is_word_char(norm[start - 1])) or (
                right and end < last and _is_word_char(norm[end])
            ):
                continue
            for kind, index in roles:
                if kind == _TERM:
                    # Past the edge checks, a handle needs a handle character right beside the word.
                    if (left and right and ((start and norm[start - 1] in _HANDLE_CHARS)
                                            or (end < last and norm[end] in _HANDLE_CHARS))
                            and _in_handle(norm, start, end)):
                        continue
                    terms.append((start, end, index))
                elif kind == _EXCEPTION:
                    exceptions.setdefault(index, []).append((start, end))
                elif kind == _LICENSED:
                    licensed.add(self.lexicon.licensed[index].category)
                else:
                    allowed.append((start, end))
        if not terms:
            return ()
        terms = self._outside_licensed(norm, terms, licensed)
        if not terms:
            return ()
        allowed.extend(_brand_spans(norm, _normalised_brands(brands)))
        allowed.extend(_book_titles(norm))
        allowed_cover = _Cover(allowed)
        exception_cover = {index: _Cover(spans) for index, spans in exceptions.items()}
        no_cover = _Cover([])

        terms.sort(key=lambda t: (t[0], -t[1]))
        hits: list[Hit] = []
        longest = -1  # the furthest end of any term so far: a term ending within it is part of a longer one
        taken = -1  # the end of the last reported term: overlapping ones are the same claim (全网最低 + 最低价)
        for start, end, index in terms:
            if end <= longest:
                continue  # 第一 inside 全国第一, 最 inside 最佳 (also when 最佳 is then excepted)
            longest = end
            if allowed_cover.covers(start, end) or exception_cover.get(index, no_cover).covers(start, end):
                continue
            if start < taken:
                continue
            taken = end
            ostart, oend = offsets.span(start, end)
            hits.append(Hit(self.lexicon.entries[index], ostart, oend, text[ostart:oend]))
        return tuple(hits)


    def _outside_licensed(
        self, norm: str, terms: list[tuple[int, int, int]], licensed: set[str]
    ) -> list[tuple[int, int, int]]:
        """``terms`` without those of a category the text marks as a licensed product (兽药,
        国药准字, 10片/盒: a medicine states its indications).  Patterns only run when a term of
        their category was found."""
        entries = self.lexicon.entries
        found = {entries[index].spec.category for _, _, index in terms}
        for category, pattern in self._licensed_patterns:
            if category in found and category not in licensed and pattern.search(norm):
                licensed.add(category)
        if not licensed:
            return terms
        return [t for t in terms if entries[t[2]].spec.category not in licensed]


class _Cover:
    """The union of some spans (allowed phrases, brand names, one entry's exceptions), asked
    whether it covers ``[start, end)``.  Disclaimers repeat in long copy, so this bisects."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for a, b in sorted(spans):
            if self._ends and a <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], b)
            else:
                self._starts.append(a)
                self._ends.append(b)

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and end <= self._ends[i]


@lru_cache(maxsize=64)
def _normalised_brands(brands: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in (normalise(b).strip() for b in brands) if n)


def _brand_spans(norm: str, brands: tuple[str, ...]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for brand in brands:
        i = norm.find(brand)
        while i >= 0:
            spans.append((i, i + len(brand)))
            i = norm.find(brand, i + 1)
    return spans


@lru_cache(maxsize=16)
def _matcher_for(files: tuple[Path, ...]) -> Matcher:
    return Matcher(load_lexicon(files))


def get_matcher(extra_files: Sequence[Path | str] = ()) -> Matcher:
    """The shared matcher for the built-in lexicon plus ``extra_files`` (built once per process)."""
    files = tuple(default_files()) + tuple(Path(f).resolve() for f in extra_files)
    return _matcher_for(files)
