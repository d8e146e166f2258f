"""The process stage of the crawl, for one page: fetch outcome + body -> a slim page, its
findings, and the links and images the site-wide rules need.

It runs wherever the page was fetched (the main process on small crawls, one crawl shard per
core on large ones), so the Page with its full text never crosses a process boundary: what
leaves is a :class:`PageOutcome`, small and cheap to pickle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from checker.config import Config
from checker.crawl.fetch import Body, decode_html, host_of
from checker.crawl.urls import normalise_url
from checker.engine.context import AuditContext
from checker.extract import extract_page
from checker.models import ErrorRecord, FetchResult, Finding, Page

#: Product copy a page's own rules read and the site-wide rules do not: dropped from kept pages.
LONG_COPY = {"description": "", "meta_description": "", "images": []}


class PageTask(NamedTuple):
    """A URL to crawl, as the scheduler hands it out."""

    url: str
    depth: int
    seed: bool
    referrer: str | None


@dataclass(slots=True)
class PageOutcome:
    """One crawled page as the rest of the audit needs it."""

    page: Page  # slim: no links, resources or long product copy
    depth: int
    links: list[str] = field(default_factory=list)  # same-site link targets (normalised), each once
    images: list[str] = field(default_factory=list)  # <img> URLs, each once
    texts: dict[str, str] = field(default_factory=dict)  # link text of targets new to this process
    roles: dict[str, str] = field(default_factory=dict)  # main/detail role of images new to this process
    follow: list[str] = field(default_factory=list)  # links to queue (not yet asked for by this process)
    findings: list[Finding] = field(default_factory=list)  # of the page and product rules
    errors: list[ErrorRecord] = field(default_factory=list)  # rule crashes on this page
    cache_entry: tuple[str, str | None, str | None, str] | None = None  # url, etag, last-modified, page JSON
    journal: str | None = None  # the crawl-state line that lets --resume take this page back
    from_cache: bool = False  # revalidated (304) and rebuilt from the page cache

    def record(self) -> str:
        """The crawl-state (journal) line for this outcome (pydantic writes the models' JSON)."""
        return (f'{{"kind": "page", "depth": {self.depth}, "page": {self.page.model_dump_json()}, '
                f'"links": {json.dumps(self.links)}, "images": {json.dumps(self.images)}, '
                f'"texts": {json.dumps(self.texts, ensure_ascii=False)}, "roles": {json.dumps(self.roles)}, '
                f'"findings": [{",".join(f.model_dump_json() for f in self.findings)}], '
                f'"errors": [{",".join(e.model_dump_json() for e in self.errors)}]}}')

    @classmethod
    def from_record(cls, record: dict) -> PageOutcome:
        return cls(
            page=Page.model_validate(record["page"]), depth=record.get("depth", 0),
            links=record.get("links", []), images=record.get("images", []), texts=record.get("texts", {}),
            roles=record.get("roles", {}),
            findings=[Finding.model_validate(f) for f in record.get("findings", [])],
            errors=[ErrorRecord.model_validate(e) for e in record.get("errors", [])],
        )


def build_page(result: FetchResult, body: Body | None, config: Config, seed: bool, referrer: str | None) -> Page:
    """Fetch outcome + body -> Page (pure: no I/O)."""
    page = Page(fetch=result, seed=seed, referrers=[referrer] if referrer else [])
    if not result.ok or body is None:
        return page
    if result.content_type and "html" not in result.content_type:
        page.fetch.error = f"not an HTML page ({result.content_type})"
        return page
    html, page.charset = decode_html(body.data, body.headers.get("content-type"))
    extracted = extract_page(html, result.final_url or result.url, config)
    page.canonical = extracted.canonical
    page.title = extracted.title
    page.product = extracted.product
    page.links = extracted.links
    page.resources = extracted.resources
    page.structured_data_errors = extracted.structured_data_errors
    return page


def page_targets(page: Page, hosts: set[str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """A full page's same-site links ``{normalised url: text}`` and images ``{url: role}``, each
    once, in page order.  ``hosts``: the site's hosts (None: the page's own host)."""
    hosts = hosts if hosts is not None else {host_of(page.url)}
    links: dict[str, str] = {}
    for url, text in page.links:
        if host_of(url) in hosts:
            links.setdefault(normalise_url(url), text)
    roles = {img.url: img.role for img in page.product.images} if page.product is not None else {}
    images = {url: roles.get(url, "detail") for url, kind in page.resources if kind == "img"}
    return links, images


def slim_page(page: Page) -> Page:
    """What the audit keeps of a page after its own rules ran (see :data:`LONG_COPY`)."""
    update: dict = {"links": [], "resources": []}
    if page.product is not None:
        update["product"] = page.product.model_copy(update=LONG_COPY)
    return page.model_copy(update=update)


class PageProcessor:
    """Build a page, run its page and product rules, and cut it down to a :class:`PageOutcome`.

    ``hosts`` are the site's hosts (links elsewhere are not followed or indexed).  A target's label
    (link text, image role) is sent once per process, and a link is asked to be followed once per
    process: the ~100 nav links on every page would otherwise cost the crawler ~1 us each."""

    def __init__(self, config: Config, today: date, hosts: set[str], engine=None, *, journal: bool = False,
                 cache: bool = False) -> None:
        from checker.engine import Engine

        self.config = config
        self.today = today
        self.hosts = hosts
        self.engine = engine or Engine.from_config(config)
        self.journal = journal
        self.cache = cache
        self.max_depth = config.crawl.max_depth
        self._seen_links: set[str] = set()  # targets whose text this process has sent
        self._seen_images: set[str] = set()  # images whose role this process has sent
        self._followed: set[str] = set()  # links this process has asked the crawler to queue

    def outcome(self, page: Page, depth: int, headers: dict[str, str] | None = None) -> PageOutcome:
        local = AuditContext(config=self.config, today=self.today)
        findings = self.engine.check_page(page, local)
        result = PageOutcome(page=slim_page(page), depth=depth, findings=findings, errors=local.errors)
        if page.fetch.ok:
            links, images = page_targets(page, self.hosts)
            result.links, result.images = list(links), list(images)
            for found, labels, seen in ((links, result.texts, self._seen_links), (images, result.roles, self._seen_images)):
                for url, label in found.items():
                    if url not in seen:
                        seen.add(url)
                        if label:
                            labels[url] = label
            if depth < self.max_depth:
                followed = self._followed
                result.follow = [url for url in links if url not in followed]
                followed.update(result.follow)
            if self.cache and headers and (headers.get("etag") or headers.get("last-modified")):
                result.cache_entry = (page.url, headers.get("etag"), headers.get("last-modified"),
                                      page.model_dump_json())
        if self.journal:
            result.journal = result.record()
        return result

    def process(self, task: PageTask, result: FetchResult, body: Body | None) -> PageOutcome:
        """A fetched page -> outcome.  A page the parser chokes on is an error row, not a crash."""
        try:
            page = build_page(result, body, self.config, task.seed, task.referrer)
        except Exception as exc:
            result.error = f"cannot parse page: {type(exc).__name__}: {exc}"
            page = Page(fetch=result, seed=task.seed, referrers=[task.referrer] if task.referrer else [])
        return self.outcome(page, task.depth, body.headers if body is not None else None)
