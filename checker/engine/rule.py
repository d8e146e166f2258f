"""What a rule is.

A rule is one small class: a stable code (``LN001``), a readable name, a default severity, a
one-line summary, docs (the class docstring, with fixed sections), its own pydantic ``Options``
with defaults, the *scope* it runs over, and a ``check`` method that yields ``Finding``s.

Scopes, i.e. what the engine hands to ``check``:

* ``page``     -- one crawled :class:`~checker.models.Page` at a time, whole (streamed; on large
                  crawls in a crawl worker process, so it may use ``ctx.config`` and ``ctx.today``
                  but not other pages or checks: anything across pages is ``site`` scope).
* ``product``  -- one extracted :class:`~checker.models.Product` at a time (same contract).
* ``lot``      -- one :class:`~checker.models.InventoryLot` at a time (streamed).
* ``site``     -- once, after crawling and reading, with the whole :class:`AuditContext`
                  (rules that join several sources by SKU, or look across pages).  Pages are
                  slim by then: ``ctx.pages.entry(url)`` has the facts without reading it back,
                  ``ctx.links`` / ``ctx.images`` say which pages point at which targets.
* ``post``     -- once, last, with every finding so far; returns the revised list
                  (e.g. raise the severity of a repeat of a past complaint cause).
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from checker.codes import area_of
from checker.models import Finding, Severity, SourceRef
from checker.trusted import trusted_finding

if TYPE_CHECKING:
    from checker.engine.context import AuditContext

Scope = Literal["page", "product", "lot", "site", "post"]

#: Sections every rule's docs must have (a meta-test enforces it).  The docstring writes the
#: first two; Bad and Good are the rule's cases marked ``doc = true`` (see checker.engine.cases).
DOC_SECTIONS = ("What it checks", "Why it matters", "Bad", "Good")


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule:
    """Base class for every rule.  Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]  # dotted readable name, e.g. "links.page-unreachable"
    summary: ClassVar[str]  # one line, Chinese + English is fine
    severity: ClassVar[Severity] = Severity.WARNING
    scope: ClassVar[Scope]
    legal_basis: ClassVar[str] = ""
    Options: ClassVar[type[BaseModel]] = NoOptions
    #: Reads the promotion window (``ctx.promotion``): without one, the Summary says the audit date stood in.
    needs_promotion: ClassVar[bool] = False
    #: Post rules revise the findings in this order (then by code): CP002 raises what the others settled.
    post_order: ClassVar[int] = 0

    def __init__(self, options: BaseModel | None = None, severity: Severity | None = None) -> None:
        self.options = options if options is not None else self.Options()
        self.level = severity or self.severity

    # -- to implement -----------------------------------------------------------------------
    def check(self, item: Any, ctx: AuditContext) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    def revise(self, findings: list[Finding], ctx: AuditContext) -> list[Finding]:  # pragma: no cover
        """Only for ``scope = "post"`` rules."""
        raise NotImplementedError

    # -- helpers for subclasses -------------------------------------------------------------
    def finding(
        self,
        message: str,
        *,
        sku: str | None = None,
        url: str | None = None,
        field: str | None = None,
        evidence: str = "",
        suggestion: str = "",
        legal_basis: str | None = None,
        source: SourceRef | None = None,
        severity: Severity | None = None,
        **extra: Any,
    ) -> Finding:
        """A finding of this rule.  Built without pydantic's validation (:func:`trusted_finding`): a site
        rule may make 300,000 of them; every rule's cases validate what it builds
        (:func:`checker.engine.cases.check_case`)."""
        return trusted_finding(self.code, self.name, severity or self.level, message, sku, url, field, evidence,
                               suggestion, self.legal_basis if legal_basis is None else legal_basis, source, extra)

    def preflight(self, config: Any) -> None:
        """Read the data files this rule takes from ``config`` (a shop's own lexicon...) before the
        crawl; a broken one raises a ConfigError naming file, line and entry (exit code 2)."""

    def config_docs(self) -> str:
        """What ``checker rules CODE`` adds for the configured options, after :meth:`preflight`."""
        return ""

    @classmethod
    def docs(cls) -> str:
        """The rule's own prose: its class docstring.  ``checker rules CODE`` shows it with the
        Bad / Good examples from the rule's case file (:func:`checker.engine.docs.rule_docs`)."""
        return textwrap.dedent(inspect.cleandoc(cls.__doc__ or "")).strip()

    @classmethod
    def docs_appendix(cls) -> str:
        """More docs after the examples, worked out from data (the AD rules list their lexicon)."""
        return ""

    @classmethod
    def area(cls) -> str:
        return area_of(cls.code)


def iter_findings(result: Iterable[Finding] | None) -> Iterator[Finding]:
    """Rules may return None, a list or a generator; the engine always sees an iterator."""
    if result is None:
        return iter(())
    return iter(result)
