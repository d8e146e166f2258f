"""The complaint cause taxonomy (``causes.toml``) and the classifier that applies it.

Keywords, not a model: the phrases are data a service manager reads and extends, the result is
explainable (the phrase that decided is kept), and one automaton pass over a normalised text costs
microseconds, so 100,000 complaints classify in about a second.  How a complaint is classified is
described at the top of ``causes.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick_rs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checker.config import ConfigError
from checker.datafiles import read_toml
from checker.models import Complaint
from checker.text import normalise

CAUSES_FILE = Path(__file__).with_name("causes.toml")
_PUNCT = frozenset("，,。.!！？?；;：:、\n\r\t()（）[]【】\"“”~～…")  # not the apostrophe: wasn't
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class CausesError(ConfigError):
    """``causes.toml`` is missing, not TOML, or has an invalid entry (exit code 2)."""


def _phrases(value: list[str]) -> list[str]:
    if any(not isinstance(w, str) or not w.strip() for w in value):
        raise ValueError("give a list of non-empty phrases")
    return value


class _Cause(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    zh: str
    en: str
    product: bool
    families: list[str]
    negatable: bool
    weight: float = Field(default=1.0, gt=0)
    types: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(min_length=1)
    not_: list[str] = Field(default_factory=list, alias="not")
    _check = field_validator("types", "keywords", "not_")(_phrases)


class _Negation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str] = Field(min_length=1)
    fillers: list[str] = Field(default_factory=list)


class _Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolved: list[str] = Field(min_length=1)


class _Claims(BaseModel):
    model_config = ConfigDict(extra="forbid")
    terms: list[str] = Field(min_length=1)


class _CausesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    negation: _Negation
    outcome: _Outcome
    cause: list[_Cause] = Field(min_length=1)
    claims: _Claims


@dataclass(frozen=True)
class Cause:
    id: str
    zh: str
    en: str
    product: bool  # about the goods or their page (not delivery, staff or refunds)
    families: tuple[str, ...]  # rule codes / prefixes whose findings show this cause again

    @property
    def label(self) -> str:
        return f"{self.zh} / {self.en}"

    def covers(self, code: str) -> bool:
        return any(code.startswith(f) for f in self.families)


@dataclass(frozen=True)
class Classification:
    """A complaint's cause (None: unclassified), how it was decided and the phrase that decided it."""

    cause: str | None
    via: str = ""  # type | reason | detail
    phrase: str = ""


UNCLASSIFIED = Classification(None)


class Taxonomy:
    """The causes and the classifier over them (one per process: :func:`taxonomy`)."""

    def __init__(self, data: _CausesFile) -> None:
        self.causes = {c.id: Cause(c.id, c.zh, c.en, c.product, tuple(c.families)) for c in data.cause}
        if len(self.causes) != len(data.cause):
            raise ValueError("cause ids must be unique")
        self._types = {}
        for c in data.cause:
            for t in c.types:
                self._types.setdefault(normalise(t).strip(), c.id)
        # pattern -> (cause index, is a `not` phrase); the first cause to list a phrase owns it
        owners: dict[str, tuple[int, bool]] = {}
        for i, c in enumerate(data.cause):
            for phrase in c.not_:
                owners.setdefault(normalise(phrase), (i, True))
            for phrase in c.keywords:
                owners.setdefault(normalise(phrase), (i, False))
        self._ids = [c.id for c in data.cause]
        self._weights = [c.weight for c in data.cause]
        self._negatable = [c.negatable for c in data.cause]
        self._patterns = list(owners)
        self._owners = [owners[p] for p in self._patterns]
        self._scores = [sum(0.5 if ch.isascii() else 1.0 for ch in p) for p in self._patterns]
        self._edges = [(p[:1] in _WORD, p[-1:] in _WORD) for p in self._patterns]
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self._negations = tuple(sorted({normalise(w) for w in data.negation.words}, key=len, reverse=True))
        self._fillers = tuple(sorted({normalise(w) for w in data.negation.fillers}, key=len, reverse=True))
        self._last_chars = frozenset(w[-1] for w in (*self._negations, *self._fillers) if w)
        self._resolved = tuple(normalise(w) for w in data.outcome.resolved)
        self._resolved_memo: dict[str, bool] = {}  # outcomes repeat endlessly (处理中, 已解决)
        self.claim_terms = tuple(dict.fromkeys(normalise(t) for t in data.claims.terms))
        self.claim_automaton = ahocorasick_rs.AhoCorasick(list(self.claim_terms))  # CP003

    # ------------------------------------------------------------------ classify

    def classify(self, complaint: Complaint) -> Classification:
        """Type column first, then the reason, then the free text; unclassified when none says."""
        if complaint.category:
            cause = self._types.get(normalise(complaint.category).strip())
            if cause is not None:
                return Classification(cause, "type", complaint.category)
        for via, text in (("reason", complaint.reason), ("detail", complaint.detail)):
            if text:
                cause, phrase = self.classify_text(text)
                if cause is not None:
                    return Classification(cause, via, phrase)
        return UNCLASSIFIED

    def classify_text(self, text: str) -> tuple[str | None, str]:
        """(cause id or None, the deciding phrase as normalised) of one free text."""
        norm = normalise(text)
        scores: dict[int, float] = {}
        best_phrase: dict[int, tuple[float, str]] = {}
        last = len(norm)
        for index, start, end in self._automaton.find_matches_as_indexes(norm):
            left, right = self._edges[index]
            if (left and start > 0 and norm[start - 1] in _WORD) or (right and end < last and norm[end] in _WORD):
                continue  # "rash" inside "crash", "dent" inside "accident"
            cause, is_not = self._owners[index]
            if is_not or (self._negatable[cause] and self.negated(norm, start)):
                continue
            score = self._scores[index] * self._weights[cause]
            scores[cause] = scores.get(cause, 0.0) + score
            if score > best_phrase.get(cause, (0.0, ""))[0]:
                best_phrase[cause] = (score, self._patterns[index])
        if not scores:
            return None, ""
        winner = max(scores, key=lambda c: (scores[c], -c))
        return self._ids[winner], best_phrase[winner][1]

    def negated(self, norm: str, start: int) -> bool:
        """A negation word right before ``start`` (fillers such as 任何 / any may stand between)."""
        i = start - 1
        while i >= 0 and norm[i] == " ":
            i -= 1
        if i < 0 or norm[i] not in self._last_chars:
            return False  # the fast answer for most phrases: nothing that ends a negation or a filler
        before = norm[max(0, start - 12):start]
        for i in range(len(before) - 1, -1, -1):
            if before[i] in _PUNCT:
                before = before[i + 1:]
                break
        before = before.rstrip()
        changed = True
        while changed and before:
            changed = False
            for filler in self._fillers:
                if before.endswith(filler) and (filler[0] not in _WORD or _word_start(before, len(before) - len(filler))):
                    before, changed = before[: -len(filler)].rstrip(), True
                    break
        for word in self._negations:
            if before.endswith(word) and (word[0] not in _WORD or _word_start(before, len(before) - len(word))
                                          or word == "n't"):
                return True
        return False

    def is_resolved(self, complaint: Complaint) -> bool:
        """The outcome column says the complaint was closed (已解决, resolved ...)."""
        written = complaint.outcome
        if not written:
            return False
        known = self._resolved_memo.get(written)
        if known is None:
            outcome = normalise(written)
            known = any(w in outcome for w in self._resolved) and "未" not in outcome and "not" not in outcome
            if len(self._resolved_memo) < 10_000:
                self._resolved_memo[written] = known
        return known


def _word_start(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] not in _WORD


@cache
def taxonomy(path: Path = CAUSES_FILE) -> Taxonomy:
    data, _ = read_toml(path, CausesError, "the complaint causes")
    try:
        return Taxonomy(_CausesFile.model_validate(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise CausesError(f"{path}: {where}: {err['msg']}") from None
    except ValueError as exc:
        raise CausesError(f"{path}: {exc}") from None
