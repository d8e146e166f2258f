"""What the crawl's stages hand each other: a :class:`PageTask` (a URL to crawl, as the crawler
deals it out) and a :class:`PageOutcome` (the crawled page, as the rest of the audit needs it); a
:class:`TargetTask` (an image or link target to check) comes back as its ``FetchResult``.

Both cross between processes when pages are crawled in worker processes, so they stay small."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import NamedTuple

from checker.engine.context import NO_TARGETS
from checker.engine.pagestore import PageEntry
from checker.models import ErrorRecord, FetchResult, Finding, Page


class PageTask(NamedTuple):
    """A URL to crawl, as the scheduler hands it out."""

    url: str
    depth: int
    seed: bool
    referrer: str | None

    @property
    def referrers(self) -> list[str]:
        return [self.referrer] if self.referrer else []

    def page(self, fetch: FetchResult) -> Page:
        """This URL's page before (or without) extraction: its fetch outcome and how it was found."""
        return Page(fetch=fetch, seed=self.seed, referrers=self.referrers)


class TargetTask(NamedTuple):
    """An image or link target to check (not a page: its status only), as the crawler hands it out.
    ``external``: off the crawl's scope, checked because ``check_external`` asks for it."""

    url: str
    external: bool = False


@dataclass(slots=True)
class PageOutcome:
    """One crawled page as the rest of the audit needs it."""

    page: PageEntry  # the slim page (no links, resources or long copy) as JSON, and its key facts
    depth: int
    links: array = field(default_factory=lambda: NO_TARGETS)  # same-site link targets, as the sending process's numbers
    new_links: list[tuple[str, str]] = field(default_factory=list)  # (normalised URL, link text) numbered now
    images: array = field(default_factory=lambda: NO_TARGETS)  # <img> URLs, as numbers
    new_images: list[tuple[str, str]] = field(default_factory=list)  # (URL, main/detail role) numbered now
    follow: list[str] = field(default_factory=list)  # links to queue (not yet asked for by this process)
    findings: list[Finding] = field(default_factory=list)  # of the page and product rules
    errors: list[ErrorRecord] = field(default_factory=list)  # rule crashes on this page
    cache_entry: tuple[str, str | None, str | None, bytes] | None = None  # url, etag, last-modified, compress_page()
    from_cache: bool = False  # revalidated (304) and rebuilt from the page cache
