"""Runnable cases beside each rule: ``<pack>/cases/<CODE>.toml``.

A case file holds named cases for one rule code.  Each case gives the rule's input (whatever its
scope reads: a product's fields, a page as HTML or as fetched facts, export records), per-case
options or config, and the findings expected, or none.  :func:`run_case` runs it as a small audit
with only that rule (or the case's ``select``) through the real engine: pages are filed as the
crawler files them, so site rules see what they see in an audit.  Cases marked ``doc = true`` are
the rule's *Bad* and *Good* examples in ``checker rules CODE`` (:func:`doc_examples`): the docs
show what is run, so they cannot drift.

```toml
[[case]]
name = "superlative in the description"
doc = true                                   # shown in the rule's docs (Bad: it expects findings)
product = { sku = "S1", description = "品质最佳" }
expect = [{ field = "description", term = "最佳" }]

[[case]]
name = "first step is an instruction"
product = { description = "第一步：打开包装" }
options = { fields = ["description"] }       # [rules.CODE] for this case
config = { brand_names = ["最好牌"] }          # other checker.toml keys for this case
expect = "none"
```

Inputs: ``product`` / ``products`` (:class:`~checker.models.Product` fields), ``page`` / ``pages``
(either ``html`` extracted at ``url`` as a crawled page is, or :class:`~checker.models.Page`
fields with ``url``, ``status``, ``redirects``... as shorthand for its fetch result), ``checked``
(image and link targets: URL -> status code or fetch fields), ``lots``, ``catalog``, ``prices``,
``complaints`` (model fields), and ``sources``: exports as text (``kind``, ``text``, ``file``,
``encoding``, any ``[[sources]]`` key), read through the real readers.  Relative URLs are on ``https://shop.example.com``.  An expected finding names the
fields it cares about: ``code`` (default: the file's), ``severity``, ``field``, ``sku``, ``url``,
``evidence``, ``escalated_by`` and ``repeat_of`` (a post rule's revision), ``message`` (a part of it), and any other key is compared with the finding's
``extra`` (``term``, ``canonical``, ``target``...).  Expected and found are matched one to one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checker.codes import CODE
from checker.config import Config
from checker.datafiles import read_toml
from checker.engine.context import AuditContext
from checker.engine.pack import RulePack
from checker.engine.registry import is_selected
from checker.engine.runner import Engine, build_rules
from checker.lots import LotTable
from checker.models import (
    CatalogItem,
    Complaint,
    ErrorRecord,
    FetchResult,
    Finding,
    InventoryLot,
    Page,
    PriceRecord,
    Product,
)

ORIGIN = "https://shop.example.com"
DEFAULT_PRODUCT_URL = ORIGIN + "/p/case.html"

#: Finding attributes an expectation may name; any other key is looked up in ``Finding.extra``.
FINDING_KEYS = ("code", "severity", "field", "sku", "url", "evidence", "escalated_by", "repeat_of")


class CaseError(ValueError):
    """A case file that cannot be read or a case that is malformed; names the file and case."""


class PageInput(BaseModel):
    """A page as a case gives it: HTML to extract, or the facts of a fetched page."""

    model_config = ConfigDict(extra="allow")

    url: str = "/p/case.html"
    html: str | None = None
    status: int | None = 200
    final_url: str | None = None
    redirects: list[str] = Field(default_factory=list)
    redirect_loop: bool = False
    error: str | None = None
    content_type: str = "text/html"

    def build(self, config: Config) -> Page:
        url = absolute(self.url)
        fetch = FetchResult(
            url=url, final_url=absolute(self.final_url) if self.final_url else (None if self.error else url),
            status=None if self.error else self.status, redirects=[absolute(u) for u in self.redirects],
            redirect_loop=self.redirect_loop, error=self.error, content_type=self.content_type,
        )
        extra = dict(self.model_extra or {})
        if self.html is None:
            return Page(fetch=fetch, **extra)
        from checker.crawl.fetch import Body
        from checker.crawl.outcome import PageTask
        from checker.crawl.pages import build_page

        task = PageTask(url, 0, extra.pop("seed", True), None)
        headers = {"content-type": f"{self.content_type}; charset=utf-8"}
        page = build_page(task, fetch, Body(self.html.encode("utf-8"), False, headers), config)
        return Page.model_validate({**page.model_dump(), **extra}) if extra else page


class SourceInput(BaseModel):
    """An export as a case gives it: its text, read through the real source readers (encoding
    and header detection, aliases, row errors), so a rule's case covers what it reads."""

    model_config = ConfigDict(extra="allow")  # any other [[sources]] key: columns, sheet, delimiter...

    kind: Literal["inventory", "catalog", "prices", "complaints"]
    text: str
    file: str = "export.csv"
    encoding: str = "utf-8"  # how the text is written to the file (gb18030, big5...)


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    doc: bool = False
    select: list[str] | None = None  # default: the file's code
    options: dict[str, Any] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    today: date | None = None
    product: dict[str, Any] | None = None
    products: list[dict[str, Any]] = Field(default_factory=list)
    page: PageInput | None = None
    pages: list[PageInput] = Field(default_factory=list)
    checked: dict[str, int | dict[str, Any]] = Field(default_factory=dict)
    lots: list[dict[str, Any]] = Field(default_factory=list)
    catalog: list[dict[str, Any]] = Field(default_factory=list)
    prices: list[dict[str, Any]] = Field(default_factory=list)
    complaints: list[dict[str, Any]] = Field(default_factory=list)
    sources: list[SourceInput] = Field(default_factory=list)
    expect: list[dict[str, Any]] | Literal["none"]

    @field_validator("expect")
    @classmethod
    def _expectations(cls, v: list[dict[str, Any]] | str) -> list[dict[str, Any]] | str:
        for item in v if isinstance(v, list) else ():
            if not item:
                raise ValueError("an expected finding needs at least one key (code, field, term...)")
        return v

    @property
    def expected(self) -> list[dict[str, Any]]:
        return [] if self.expect == "none" else list(self.expect)


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: list[Case]


class RuleCase:
    """One case of one rule code, as loaded: what the parametrised test and the docs use."""

    def __init__(self, code: str, case: Case, path: Path) -> None:
        self.code, self.case, self.path = code, case, path

    @property
    def id(self) -> str:
        return f"{self.code}:{self.case.name}"

    def expected(self) -> list[dict[str, Any]]:
        """Expectations with the code filled in and URLs made absolute."""
        out = []
        for item in self.case.expected:
            item = {"code": self.code, **item}
            if "url" in item:
                item["url"] = absolute(item["url"])
            out.append(item)
        return out

    @property
    def is_bad(self) -> bool:
        """A failing case: it expects this rule to report something (a post rule: to revise a
        finding of another rule, which names it in ``escalated_by``)."""
        return any(e["code"] == self.code or e.get("escalated_by") == self.code for e in self.expected())

    @property
    def is_good(self) -> bool:
        """A passing case: the rule runs on it and reports nothing of its own code."""
        return is_selected(self.code, self.selected, []) and not self.is_bad

    @property
    def selected(self) -> list[str]:
        return [s.upper() for s in (self.case.select or [self.code])]


def absolute(url: str) -> str:
    return urljoin(ORIGIN + "/", url)


def load_case_file(path: Path) -> list[RuleCase]:
    """The cases of one ``<CODE>.toml``; a malformed file is a :class:`CaseError` naming it."""
    code = path.stem.upper()
    if not CODE.fullmatch(code):
        raise CaseError(f"{path}: a case file is named after its rule code, e.g. AD001.toml")
    data, _ = read_toml(path, CaseError, "the case file")
    try:
        parsed = CaseFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "case" and isinstance(loc[1], int):
            cases = data.get("case") or []
            name = cases[loc[1]].get("name") if loc[1] < len(cases) and isinstance(cases[loc[1]], dict) else None
            where = f"case #{loc[1] + 1}" + (f" {name!r}" if name else "") + (
                ": " + ".".join(str(p) for p in loc[2:]) if loc[2:] else "")
        raise CaseError(f"{path}: {where}: {err['msg']}") from None
    names = [c.name for c in parsed.case]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CaseError(f"{path}: case names used twice: {', '.join(twice)}")
    return [RuleCase(code, case, path) for case in parsed.case]


def pack_cases(pack: RulePack) -> Iterator[RuleCase]:
    """Every case of every case file of a pack, by code and file order."""
    folder = pack.cases_path
    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.glob("*.toml")):
        yield from load_case_file(path)


def case_config(rc: RuleCase) -> Config:
    case = rc.case
    data = {**case.config, "select": rc.selected}
    if case.options:
        data["rules"] = {**data.get("rules", {}), rc.code: case.options}
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise CaseError(f"{rc.path}: case {case.name!r}: config: {exc.errors()[0]['msg']}") from None


def _checked(url: str, value: int | dict[str, Any]) -> FetchResult:
    url = absolute(url)
    if isinstance(value, int):
        return FetchResult(url=url, final_url=url, status=value, content_type="image/jpeg" if value < 400 else "")
    return FetchResult(**{"url": url, "final_url": url, **value})


def run_case(rc: RuleCase) -> tuple[list[Finding], list[ErrorRecord]]:
    """Run one case as a small audit with only the selected rules; returns findings and errors."""
    from checker.crawl.pages import page_targets, slim_page

    case = rc.case
    config = case_config(rc)
    engine = Engine(build_rules(config))
    ctx = AuditContext(config=config, today=case.today or date.today())
    findings: list[Finding] = []
    for page_input in ([case.page] if case.page else []) + case.pages:
        page = page_input.build(config)
        findings += engine.check_page(page, ctx)
        links, images = page_targets(page) if page.fetch.ok else ({}, {})
        ctx.add_page_targets(slim_page(page, engine.sentence_keepers), links, images)
    for data in ([case.product] if case.product is not None else []) + case.products:
        product = Product.model_validate({"url": DEFAULT_PRODUCT_URL, **data})
        findings += engine.check_scope("product", product, ctx, product.url)
    ctx.checked = {absolute(url): _checked(url, value) for url, value in case.checked.items()}
    ctx.lots = LotTable(InventoryLot.model_validate(x) for x in case.lots)
    ctx.catalog = [CatalogItem.model_validate(x) for x in case.catalog]
    ctx.prices = [PriceRecord.model_validate(x) for x in case.prices]
    ctx.complaints = [Complaint.model_validate(x) for x in case.complaints]
    if case.sources:
        read_case_sources(case.sources, config, ctx)
    for lot in ctx.lots if engine.by_scope.get("lot") else ():
        findings += engine.check_scope("lot", lot, ctx, lot.sku)
    findings += engine.check_site(ctx)
    return engine.revise(findings, ctx), ctx.errors


def read_case_sources(sources: list[SourceInput], config: Config, ctx: AuditContext) -> None:
    """Write each export to a temporary folder and read it as an audit reads its ``[[sources]]``."""
    from checker.config import SourceConfig
    from checker.sources import load_sources

    with tempfile.TemporaryDirectory(prefix="checker-case-") as folder:
        entries = []
        for source in sources:
            (Path(folder) / source.file).write_bytes(source.text.encode(source.encoding))
            entries.append(SourceConfig(kind=source.kind, path=source.file, **(source.model_extra or {})))
        load_sources(config.model_copy(update={"sources": entries}), ctx, Path(folder))


def _matches(finding: Finding, expected: dict[str, Any]) -> bool:
    for key, want in expected.items():
        if key == "message":
            if str(want) not in finding.message:
                return False
            continue
        have = getattr(finding, key) if key in FINDING_KEYS else finding.extra.get(key, _MISSING)
        if have is _MISSING or str(have) != str(want):
            return False
    return True


_MISSING = object()


def compare(found: list[Finding], expected: list[dict[str, Any]]) -> list[str]:
    """Why ``found`` does not meet ``expected`` (one line each); empty when it does.  Each
    expectation takes one finding; the most specific expectations choose first."""
    left = list(found)
    problems = []
    for want in sorted(expected, key=len, reverse=True):
        hit = next((f for f in left if _matches(f, want)), None)
        if hit is None:
            problems.append(f"expected a finding with {want}, found none")
        else:
            left.remove(hit)
    problems += [f"unexpected finding: {describe(f)}" for f in left]
    return problems


def describe(finding: Finding) -> str:
    extra = {k: v for k, v in finding.extra.items() if k in ("term", "canonical", "target", "spec", "image")}
    return (f"{finding.code} {finding.severity.value} field={finding.field!r} sku={finding.sku!r} "
            f"evidence={finding.evidence!r} {extra or ''} | {finding.message}").rstrip()


def check_case(rc: RuleCase) -> list[str]:
    """Run a case and say what is wrong with the result (empty: the case passes).  A rule that
    raised is wrong whatever the case expected."""
    found, errors = run_case(rc)
    problems = [f"rule error: {e.location}: {e.reason}" for e in errors if e.stage == "rule"]
    for finding in found:  # Rule.finding builds without validation (speed): the cases validate it
        try:
            Finding.model_validate(dict(finding))
        except ValidationError as exc:
            problems.append(f"invalid finding {finding.code}: {exc}")
    return problems + compare(found, rc.expected())


def _shown(rc: RuleCase) -> str:
    """A case's input as one line for the docs."""
    case = rc.case
    parts = []
    for data in ([case.product] if case.product is not None else []) + case.products:
        parts += [f"{k}: {v}" for k, v in data.items() if k not in ("url", "sku") and v]
    for page in ([case.page] if case.page else []) + case.pages:
        if page.html is not None:
            parts.append(" ".join(page.html.split()))
    parts += [f"complaint: {c.get('detail') or c.get('reason') or c.get('category')}" for c in case.complaints]
    return " · ".join(f"``{p}``" for p in parts)


def doc_examples(code: str, cases: list[RuleCase]) -> str:
    """The rule's *Bad* and *Good* sections, from its cases marked ``doc = true``."""
    lines = []
    for title, bad in (("Bad", True), ("Good", False)):
        shown = [rc for rc in cases if rc.code == code and rc.case.doc and rc.is_bad == bad]
        if not shown:
            continue
        lines.append(f"{title}:")
        for rc in shown:
            text = _shown(rc)
            lines.append(f"    - {rc.case.name}" + (f": {text}" if text else ""))
        lines.append("")
    return "\n".join(lines).rstrip()
