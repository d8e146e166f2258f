"""The AD lexicon: advertising-law terms as data, in TOML files under ``rules/ad/lexicon/``.

Ops edit these files without touching Python.  Every file is validated on load; a mistake is a
:class:`LexiconError` naming the file, the line, the entry and the field, e.g.::

    rules/ad/lexicon/absolute.zh.toml:41: term #12 "最佳": severity: Input should be 'error', 'warning' or 'info'

File layout (see any file in ``lexicon/`` for a full example)::

    [defaults]                       # every [[term]] below inherits these unless it sets its own
    category = "absolute"            # absolute | authority | medical | guarantee | urgency | superstition
    severity = "error"               # error | warning | info
    legal_basis = "《广告法》第九条第（三）项 / Advertising Law of the PRC art. 9(3)"
    reason = "..."                   # plain language: why a manager should care
    suggestion = "..."               # what to write instead

    [[term]]
    term = "最佳"                     # Simplified or Traditional, any width or case: it is normalised
    forms = ["最佳的"]                # optional: other spellings reported as this term
    exceptions = ["最佳赏味期"]        # optional: phrases containing the term where it is harmless
    preceded_by = ["聚酯纤维"]         # optional: harmless right after one of these words (聚酯纤维100%, 李冠军)
    followed_by = ["遥控器"]           # optional: harmless right before one of these words (万能遥控器, 100%棉)
    suggestion = "..."               # any default may be overridden per term

    [[allow]]                        # a phrase in which *no* term is flagged (required disclaimers)
    phrase = "本品不具有疾病预防、治疗功能"
    reason = "法定提示语 / required disclaimer"

    [[licensed]]                     # a licensed product category: its text may name its function
    category = "medical"             # the category whose terms are not flagged in such a text
    phrases = ["兽药", "国药准字"]     # any of these in the text marks it ...
    patterns = ['[0-9]+片/盒']        # ... or a match of any of these regular expressions
    reason = "兽药、药品可标注批准的功能主治 / a licensed medicine may state its indications"

Terms, forms, exceptions and allowed phrases are compared in their normalised form
(:func:`checker.text.normalise`): ``頂級``, ``顶级`` and ``ＴＯＰ１``/``top1`` are one spelling each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checker.config import ConfigError
from checker.datafiles import read_toml
from checker.models import Severity
from checker.text import normalise

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"

Category = Literal["absolute", "authority", "medical", "guarantee", "urgency", "superstition"]

#: Fixed: fixture pages and reports use these codes.
CATEGORY_CODES: dict[str, str] = {
    "absolute": "AD001",
    "authority": "AD002",
    "medical": "AD003",
    "guarantee": "AD004",
    "urgency": "AD005",
    "superstition": "AD006",
}
CODE_CATEGORIES = {code: category for category, code in CATEGORY_CODES.items()}

#: How a context word may be joined to a term in ``preceded_by`` / ``followed_by`` (after normalisation).
_JOINERS = ("", " ", ":", ": ")


class LexiconError(ConfigError):
    """A lexicon file is missing, not TOML, or has an invalid entry (exit code 2, like config errors)."""


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _category(value: Any) -> Any:
    """Accept the rule code as a category too: ``AD001`` -> ``absolute``."""
    if isinstance(value, str):
        value = value.strip()
        return CODE_CATEGORIES.get(value.upper(), value.lower())
    return value


class TermEntry(_Strict):
    """One lexicon entry after its file's ``[defaults]`` are applied."""

    term: str = Field(min_length=1)
    category: Category
    severity: Severity
    legal_basis: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    suggestion: str = Field(min_length=1)
    forms: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    preceded_by: tuple[str, ...] = ()
    followed_by: tuple[str, ...] = ()
    note: str = ""

    @field_validator("term", "legal_basis", "reason", "suggestion", "note", mode="before")
    @classmethod
    def _strip_text(cls, value: Any) -> Any:
        return _strip(value)

    @field_validator("category", mode="before")
    @classmethod
    def _category_or_code(cls, value: Any) -> Any:
        return _category(value)

    @field_validator("forms", "exceptions", "preceded_by", "followed_by", mode="before")
    @classmethod
    def _strip_list(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(_strip(v) for v in value)
        return value

    @field_validator("forms", "exceptions", "preceded_by", "followed_by")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not v for v in value):
            raise ValueError("empty string in list")
        return value

    @property
    def code(self) -> str:
        return CATEGORY_CODES[self.category]

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.term, *self.forms)

    @property
    def all_exceptions(self) -> tuple[str, ...]:
        """``exceptions`` plus the phrases ``preceded_by`` / ``followed_by`` stand for: each word
        joined to each spelling directly, by a space or by a colon (聚酯纤维100%, 棉: 100%, 100% cotton)."""
        joined = [
            phrase
            for spelling in self.spellings
            for sep in _JOINERS
            for phrase in [word + sep + spelling for word in self.preceded_by]
            + [spelling + sep + word for word in self.followed_by]
        ]
        return tuple(dict.fromkeys((*self.exceptions, *joined)))

    @property
    def is_chinese(self) -> bool:
        return any("\u3400" <= ch <= "\u9fff" for ch in self.term)


class Defaults(_Strict):
    category: Category | None = None
    severity: Severity | None = None
    legal_basis: str | None = None
    reason: str | None = None
    suggestion: str | None = None

    @field_validator("category", mode="before")
    @classmethod
    def _category_or_code(cls, value: Any) -> Any:
        return _category(value)


class AllowPhrase(_Strict):
    phrase: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    @field_validator("phrase", "reason", mode="before")
    @classmethod
    def _strip_text(cls, value: Any) -> Any:
        return _strip(value)


class LicensedContext(_Strict):
    """Words or patterns that mark a text as a licensed product of a category (a veterinary drug,
    a registered medicine, a disinfectant, a scale): that category's terms name its function there."""

    category: Category
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    reason: str = Field(min_length=1)

    @field_validator("category", mode="before")
    @classmethod
    def _category_or_code(cls, value: Any) -> Any:
        return _category(value)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return value


class _File(_Strict):
    defaults: Defaults = Field(default_factory=Defaults)
    term: list[dict[str, Any]] = Field(default_factory=list)
    allow: list[AllowPhrase] = Field(default_factory=list)
    licensed: list[LicensedContext] = Field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """A validated term with where it came from (for messages and docs)."""

    spec: TermEntry
    path: Path
    index: int  # 1-based position among the file's terms
    line: int | None

    @property
    def where(self) -> str:
        return f"{_where(self.path, self.line)}: term #{self.index} {self.spec.term!r}"


@dataclass(frozen=True)
class Allow:
    spec: AllowPhrase
    path: Path
    line: int | None


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]
    allows: tuple[Allow, ...]
    files: tuple[Path, ...]
    licensed: tuple[LicensedContext, ...] = ()

    def for_category(self, category: str) -> list[Entry]:
        return [e for e in self.entries if e.spec.category == category]


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


#: ``key = "`` (or ``'``) in a line of TOML: where a string value starts.  One pattern for every
#: key and value: compiling one per entry took most of the lexicon's load time.
_KEY_AND_QUOTE = re.compile(r"""\b(\w+)\s*=\s*(["'])""")


def _line_of(text: str, key: str, value: str, occurrence: int = 1) -> int | None:
    """Line (1-based) of the n-th ``key = "value"`` in TOML text ([[term]] blocks or inline tables)."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if value in line and any(
            m[1] == key and line.startswith(value + m[2], m.end()) for m in _KEY_AND_QUOTE.finditer(line)
        ):
            occurrence -= 1
            if occurrence == 0:
                return lineno
    return None


def _nth_term_line(text: str, n: int) -> int | None:
    """Line of the n-th (1-based) term when its ``term`` key is missing: its [[term]] header."""
    count = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if re.match(r"\s*\[\[\s*term\s*\]\]", line):
            count += 1
            if count == n:
                return lineno
    return None


def _error_text(exc: ValidationError) -> tuple[str, str]:
    """(field, message) of a pydantic error, the first one."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "entry"
    more = f" (and {len(exc.errors()) - 1} more problem(s) in this entry)" if len(exc.errors()) > 1 else ""
    return loc, f"{err['msg']}{more}"


def load_file(path: Path) -> tuple[list[Entry], list[Allow], list[LicensedContext]]:
    """Parse and validate one lexicon file (entries on their own; cross-file checks in :func:`load_lexicon`)."""
    data, text = read_toml(path, LexiconError, "lexicon file")
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        if loc[:1] in (["allow"], ["licensed"]) and len(loc) > 1:
            n = int(loc[1]) + 1
            raise LexiconError(f"{path}: {loc[0]} #{n}: {'.'.join(loc[2:]) or 'entry'}: {err['msg']}") from None
        raise LexiconError(f"{path}: {'.'.join(loc)}: {err['msg']}") from None
    defaults = {k: v for k, v in parsed.defaults.model_dump().items() if v is not None}
    entries: list[Entry] = []
    seen_names: dict[str, int] = {}
    for n, raw in enumerate(parsed.term, start=1):
        name = raw.get("term")
        if isinstance(name, str):
            seen_names[name] = seen_names.get(name, 0) + 1
            line = _line_of(text, "term", name, seen_names[name])
        else:
            line = _nth_term_line(text, n)
        label = f"term #{n}" + (f" {name.strip()!r}" if isinstance(name, str) else "")
        try:
            spec = TermEntry.model_validate({**defaults, **raw})
        except ValidationError as exc:
            field, message = _error_text(exc)
            if message.startswith("Field required") and field in Defaults.model_fields:
                message += " (set it on the term or in [defaults])"
            raise LexiconError(f"{_where(path, line)}: {label}: {field}: {message}") from None
        entries.append(Entry(spec, path, n, line))
    allows = [Allow(a, path, _line_of(text, "phrase", a.phrase)) for a in parsed.allow]
    return entries, allows, list(parsed.licensed)


def default_files() -> list[Path]:
    return sorted(LEXICON_DIR.glob("*.toml"))


def load_lexicon(paths: Sequence[Path] | None = None) -> Lexicon:
    """Load and cross-check lexicon files (default: every ``*.toml`` in ``rules/ad/lexicon``).

    Besides each entry's own fields this checks: no spelling (term or form) appears twice, also
    across files and across Traditional/Simplified or full/half-width spellings; every exception
    contains its term (or a form of it); every allowed phrase contains at least one term.
    """
    paths = list(default_files() if paths is None else paths)
    if not paths:
        raise LexiconError(f"{LEXICON_DIR}: no lexicon files (*.toml)")
    entries: list[Entry] = []
    allows: list[Allow] = []
    licensed: list[LicensedContext] = []
    for path in paths:
        e, a, lic = load_file(Path(path))
        licensed.extend(lic)
        entries.extend(e)
        allows.extend(a)

    seen: dict[str, tuple[Entry, str]] = {}
    for entry in entries:
        normalised_spellings: list[str] = []
        for field, spelling in [("term", entry.spec.term)] + [("forms", f) for f in entry.spec.forms]:
            key = normalise(spelling)
            if not key.strip():
                raise LexiconError(f"{entry.where}: {field}: {spelling!r} is empty after normalisation")
            if key in seen:
                other, other_spelling = seen[key]
                same = "" if other_spelling == spelling else f" (as {other_spelling!r})"
                raise LexiconError(
                    f"{entry.where}: {field}: duplicate term {spelling!r}: already listed at {other.where}{same}"
                )
            seen[key] = (entry, spelling)
            normalised_spellings.append(key)
        for exception in entry.spec.exceptions:
            if not any(s in normalise(exception) for s in normalised_spellings):
                raise LexiconError(
                    f"{entry.where}: exceptions: {exception!r} does not contain the term or one of its forms"
                )
    all_spellings = list(seen)
    for allow in allows:
        phrase = normalise(allow.spec.phrase)
        if not any(s in phrase for s in all_spellings):
            raise LexiconError(
                f"{_where(allow.path, allow.line)}: allow {allow.spec.phrase!r}: phrase: contains no lexicon term "
                "(an allowed phrase only makes sense around a term)"
            )
    return Lexicon(tuple(entries), tuple(allows), tuple(Path(p) for p in paths), tuple(licensed))
