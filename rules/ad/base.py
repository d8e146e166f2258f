"""What the six AD rules share: the fields they screen, their options, and how a lexicon hit
becomes a finding.  Each rule module only names its category and documents it."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from checker_rules.ad.lexicon import LEXICON_DIR, LexiconError, load_lexicon
from checker_rules.ad.matcher import Hit, Matcher, get_matcher
from pydantic import BaseModel, ConfigDict, Field

from checker.engine import Rule
from checker.models import ErrorRecord, Finding, Product, Severity

if TYPE_CHECKING:
    from checker.engine.context import AuditContext

FieldName = Literal["title", "subtitle", "description", "specs", "image_alt", "banner", "meta_description", "label",
                    "image:main", "image:detail"]

#: The product fields screened, in report order.  ``specs`` means spec *values*; ``image_alt`` the
#: alt and title text of every image; ``banner`` / ``label`` each promotion banner / page label;
#: ``image:main`` / ``image:detail`` each line of text read in a main / detail image (checker/ocr).
FIELDS: tuple[FieldName, ...] = (
    "title", "subtitle", "description", "specs", "image_alt", "banner", "meta_description", "label",
    "image:main", "image:detail",
)  # fmt: skip

#: Category -> (Chinese, English) wording for messages.
CATEGORY_WORDS: dict[str, tuple[str, str]] = {
    "absolute": ("使用绝对化用语", "Absolute claim"),
    "authority": ("借用国家机关或权威名义背书", "False authority or endorsement"),
    "medical": ("非医疗商品使用医疗、功效用语", "Medical or efficacy claim"),
    "guarantee": ("对效果或收益作保证性承诺", "Guarantee of results or returns"),
    "urgency": ("制造时间紧迫或虚假稀缺", "Time pressure or false scarcity"),
    "superstition": ("使用迷信用语", "Superstition claim"),
}


class AdOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: list[FieldName] = Field(
        list(FIELDS),
        description="product fields to screen: " + ", ".join(FIELDS),
    )
    extra_terms_file: str | None = Field(
        None,
        description="another lexicon file in the format of rules/ad/lexicon/*.toml, added to the built-in one; "
        "a relative path is resolved from the config file's folder",
    )


#: Where a text sits within its field, as the finding's extra (key, value pairs): ``("spec", "材质")``,
#: ``("image", url)``, ``("image", url, "box", corners)`` (text read in an image), ``("index", 0)``;
#: ``None`` for the single-text fields.
Where = tuple[str, Any] | None
#: A screened text with the hits of one category: ``(field, text, where, hits in position order)``.
Screened = tuple[FieldName, str, Where, list[Hit]]

_IMAGE_TEXT = attrgetter("url", "alt", "title")
_READ_TEXT = attrgetter("role", "url", "text", "box")


def _content(product: Product) -> tuple[Any, ...]:
    """What the AD rules read of a product (besides ``sku`` and ``url``), one item per field of
    :data:`FIELDS`."""
    return (
        product.title, product.subtitle, product.description, tuple(product.specs.items()),
        tuple(map(_IMAGE_TEXT, product.images)), tuple(product.banners), product.meta_description,
        tuple(product.labels), tuple(map(_READ_TEXT, product.image_texts)), (),
    )  # fmt: skip


def _texts(content: tuple[Any, ...], fields: tuple[str, ...]) -> list[tuple[FieldName, str, Where]]:
    """``(field, text, where)`` for every non-empty text of the wanted fields, in report order."""
    wanted = set(fields)
    texts: list[tuple[FieldName, str, Where]] = []
    for field, value in zip(FIELDS, content, strict=True):
        if field not in wanted:
            continue
        if field == "specs":
            texts += [(field, text, ("spec", key)) for key, text in value if text]
        elif field == "image_alt":
            for url, alt, title in value:  # alt and title are often the same text: screened once
                texts += [(field, text, ("image", url)) for text in dict.fromkeys((alt, title)) if text]
        elif field == "image:main":  # both image fields come as one item: each line under its role's field
            texts += [(f"image:{role}", text, ("image", url, "box", box))
                      for role, url, text, box in value if text and f"image:{role}" in wanted]
        elif field == "image:detail":
            continue
        elif field in ("banner", "label"):
            texts += [(field, text, ("index", i)) for i, text in enumerate(value) if text]
        elif value:
            texts.append((field, value, None))
    return texts


def screen(
    product: Product, matcher: Matcher, brands: tuple[str, ...] = (), fields: list[str] | tuple[str, ...] = FIELDS
) -> dict[str, list[Screened]]:
    """Every text of ``product`` scanned once, the texts with hits grouped by lexicon category.

    The six AD rules each read one category of the same screening: they share it through the
    engine's per-item memo (:meth:`LexiconRule.screened`), so each text is scanned once, not
    once per rule.  The product's own brand (from its structured data or the catalog) counts
    as one of ``brands``: a brand is a name, never a claim.
    """
    if product.brand and product.brand not in brands:
        brands = (*brands, product.brand)
    by_category: dict[str, list[Screened]] = {}
    for field, text, where in _texts(_content(product), tuple(fields)):
        hits = matcher.scan(text, brands)
        if not hits:
            continue
        grouped: dict[str, list[Hit]] = {}
        for hit in hits:
            grouped.setdefault(hit.entry.spec.category, []).append(hit)
        for category, category_hits in grouped.items():
            by_category.setdefault(category, []).append((field, text, where, category_hits))
    return by_category


def _place_name(field: str, where: Where) -> str:
    """Where a text sits, for a finding's ``places``: ``title``, ``banner[1]``, ``specs:材质``, ``image_alt``."""
    if not where:
        return field
    kind, value = where[0], where[1]
    if kind == "index":
        return f"{field}[{value}]"
    if kind == "spec":
        return f"{field}:{value}"
    return field


class LexiconRule(Rule):
    """Base of the AD rules (not registered itself).  Subclasses set ``code``, ``name``,
    ``summary``, ``category`` and a docstring; the lexicon does the rest."""

    scope = "product"
    severity = Severity.ERROR
    category: ClassVar[str]
    Options = AdOptions

    def __init__(self, options: BaseModel | None = None, severity: Severity | None = None) -> None:
        super().__init__(options, severity)
        # A level configured for the code ([severity] in checker.toml) beats the lexicon's per-term one.
        self._configured_level = severity
        # The built-in lexicon is validated now: a broken file stops the audit before it starts
        # (LexiconError is a ConfigError: exit code 2).  An extra terms file is read at the first
        # product, when the config file's folder is known.
        self._matcher: Matcher | None = None if self.options.extra_terms_file else get_matcher()
        self._broken = False

    # -- the lexicon ----------------------------------------------------------------------
    def _resolve(self, config: Any) -> list[Path]:
        name = self.options.extra_terms_file
        if not name:
            return []
        path = Path(name).expanduser()
        if not path.is_absolute() and config.path is not None:
            path = config.path.parent / path
        return [path]

    def preflight(self, config: Any) -> None:
        """The extra terms file is read before the crawl: a bad entry stops the audit (exit 2) with
        its file, line and term, rather than the rule going silent."""
        if self.options.extra_terms_file:
            self._matcher = get_matcher(self._resolve(config))

    def config_docs(self) -> str:
        if not self.options.extra_terms_file or self._matcher is None:
            return ""
        extra = [e for e in self._matcher.lexicon.entries if e.path.parent.resolve() != LEXICON_DIR.resolve()
                 and e.spec.category == self.category]
        terms = ", ".join(e.spec.term for e in extra[:30]) + (f" ... (+{len(extra) - 30})" if len(extra) > 30 else "")
        return (f"Extra terms file 自定义词表 {self.options.extra_terms_file}: read, no errors; "
                f"{len(extra)} term(s) of this category" + (f": {terms}" if extra else ""))

    def matcher(self, ctx: AuditContext) -> Matcher | None:
        """The shared matcher (with the extra terms file, if any).  A broken extra file is one
        error row for the whole audit, not one per product; the rule then stays silent."""
        if self._matcher is None and not self._broken:
            try:
                self._matcher = get_matcher(self._resolve(ctx.config))
            except LexiconError as exc:
                self._broken = True
                ctx.errors.append(ErrorRecord(stage="config", source=self.options.extra_terms_file or str(LEXICON_DIR),
                                              location=f"rules.{self.code}", reason=str(exc)))
        return self._matcher

    # -- the rule -------------------------------------------------------------------------
    def screened(self, product: Product, matcher: Matcher, ctx: AuditContext) -> dict[str, list[Screened]]:
        """The product's screening, shared with the other AD rules through the engine's per-item
        memo; a rule with its own ``fields`` or terms file has its own key and screens again."""
        brands, fields = tuple(ctx.config.brand_names), tuple(self.options.fields)
        return ctx.memo.get(product, ("ad.screen", matcher, brands, fields),
                            lambda: screen(product, matcher, brands, fields))

    def check(self, product: Product, ctx: AuditContext) -> Iterator[Finding]:
        matcher = self.matcher(ctx)
        if matcher is None:
            return
        zh, en = CATEGORY_WORDS[self.category]
        screened = self.screened(product, matcher, ctx)
        # One finding per term per product (one cause, one row): the first place it is written is the
        # finding's field and evidence, every place is listed in ``places`` (title, banner[1], specs:材质).
        by_term: dict[str, list[tuple[FieldName, str, Where, list[Hit]]]] = {}
        for field, text, where, hits in screened.get(self.category, ()):
            per_text: dict[str, list[Hit]] = {}
            for hit in hits:
                per_text.setdefault(hit.entry.spec.term, []).append(hit)
            for term, term_hits in per_text.items():
                by_term.setdefault(term, []).append((field, text, where, term_hits))
        for term, places in by_term.items():
            field, text, where, term_hits = places[0]
            hit, spec = term_hits[0], term_hits[0].entry.spec
            named = list(dict.fromkeys(_place_name(f, w) for f, _, w, _ in places))
            also = ""
            if len(named) > 1:
                others = ", ".join(named[1:])
                also = f"（另见 {others}）/ also in {others}"
            yield self.finding(
                f"{zh}「{hit.text}」/ {en} \"{hit.text}\"{also}",
                sku=product.sku,
                url=product.url,
                field=field,
                evidence=hit.excerpt(text),
                suggestion=spec.suggestion,
                legal_basis=spec.legal_basis,
                severity=self._configured_level or spec.severity,
                term=hit.text,
                canonical=term,
                category=spec.category,
                reason=spec.reason,
                position=hit.start,
                occurrences=sum(len(h) for *_, h in places),
                places=named,
                lexicon=f"{hit.entry.path.name}:{hit.entry.line or '?'}",
                **(dict(zip(where[::2], where[1::2], strict=True)) if where else {}),
            )

    # -- docs -----------------------------------------------------------------------------
    @classmethod
    def docs_appendix(cls) -> str:
        """The terms and exceptions of this category, read from the lexicon."""
        return _lexicon_docs(cls.category)


def _lexicon_docs(category: str, limit: int = 30) -> str:
    try:
        lexicon = load_lexicon()
    except LexiconError as exc:
        return f"Lexicon:\n    (cannot be loaded: {exc})"
    entries = lexicon.for_category(category)
    files = sorted({e.path.name for e in entries})
    lines = [f"Lexicon ({len(entries)} terms in rules/ad/lexicon/{', '.join(files)}; severity per term):"]
    for label, chinese in (("Chinese / 中文", True), ("English / 英文", False)):
        terms = [e.spec.term for e in entries if e.spec.is_chinese == chinese]
        if terms:
            lines.extend(_fill_list(label, terms, limit))
    exceptions = [x for e in entries for x in e.spec.exceptions]
    if exceptions:
        lines.extend(_fill_list("Not flagged in / 不报", exceptions, limit))
    bases = Counter(e.spec.legal_basis for e in entries)
    lines.append("\nLegal basis (terms may cite their own; the most used first):")
    for basis, _ in bases.most_common(4):
        lines.extend(_wrap(basis, "    - ", "      "))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_CLOSING = ",.;:)\u201d\u3001\u3002\u300d\u300f\uff09\uff0c\uff1a\uff1b"  # never starts a line
_TOKEN = re.compile(rf"[{_CJK}][{_CLOSING}]*|[^\s{_CJK}]+|\s+")


def _wrap(text: str, first: str, rest: str, width: int = 96) -> list[str]:
    """Wrap by display width; a line may break between any two Chinese characters or at a space."""
    lines, line = [], first
    for token in _TOKEN.findall(text):
        if token.isspace():
            token = " "
        if _width(line) + _width(token) > width and line.strip():
            lines.append(line.rstrip())
            line = rest
            if token == " ":
                continue
        line += token
    lines.append(line.rstrip())
    return lines


def _fill_list(label: str, items: list[str], limit: int) -> list[str]:
    """``label: a, b, c ... (+n)`` wrapped by display width, indented for the docs."""
    more = f" ... (+{len(items) - limit})" if len(items) > limit else ""
    return _wrap(f"{label}: " + ", ".join(items[:limit]) + more, "    ", "        ")
