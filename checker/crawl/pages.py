"""The process stage of the crawl, for one page: fetch outcome + body -> a slim page, its
findings, and the links and images the site-wide rules need.

It runs wherever the page was fetched (the main process on small crawls, one crawl shard per
core on large ones), so the Page with its full text never crosses a process boundary: what
leaves is a :class:`PageOutcome`, small and cheap to pickle.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from checker.config import Config
from checker.crawl.fetch import Body, host_of
from checker.crawl.state import CrawlState
from checker.crawl.urls import normalise_url
from checker.decoding import decode_html
from checker.engine.context import NO_TARGETS, AuditContext, TargetIndex
from checker.engine.pagestore import PageEntry
from checker.extract import extract_page
from checker.models import ErrorRecord, FetchResult, Finding, Page

#: How a page's declared charset names UTF-8 (lower-cased) when :func:`decode_html` decoded the
#: page strictly as it (detection names it ``utf_8`` and may have replaced bytes).
UTF8_NAMES = frozenset({"utf-8", "utf8"})

#: Product copy a page's own rules read and the site-wide rules do not: dropped from kept pages.
LONG_COPY = {"description": "", "meta_description": "", "images": []}


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


class TargetNumbers:
    """Numbers for the targets (links or images) one process has seen, in order of first sight.
    A page's targets then travel as an array of numbers, and each URL with its label only once;
    the crawler maps them to the audit's own numbers (:class:`TargetDecoder`)."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def encode(self, found: dict[str, str]) -> tuple[array, list[tuple[str, str]]]:
        """``{url: label}`` -> (numbers, the ``(url, label)`` pairs numbered just now, in order)."""
        numbers = self._numbers
        out = array("I")
        new: list[tuple[str, str]] = []
        for url, label in found.items():
            number = numbers.get(url)
            if number is None:
                number = numbers[url] = len(numbers)
                new.append((url, label))
            out.append(number)
        return out, new


class TargetDecoder:
    """The crawler's side of one process's :class:`TargetNumbers`: its numbers -> the audit's."""

    def __init__(self, index: TargetIndex) -> None:
        self.index = index
        self._table: list[int] = []

    def decode(self, numbers: array, new: list[tuple[str, str]]) -> array:
        number = self.index.number
        self._table.extend(number(url, label) for url, label in new)
        return array("I", map(self._table.__getitem__, numbers)) if numbers else NO_TARGETS


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
    cache_entry: tuple[str, str | None, str | None, str] | None = None  # url, etag, last-modified, page JSON
    from_cache: bool = False  # revalidated (304) and rebuilt from the page cache


def journal_record(outcome: PageOutcome, page_json: str) -> str:
    """The crawl-state (journal) line of a page (``page_json``: the slim page's JSON).  Links and
    images are the writing process's numbers, each URL written once, with its label, on the line
    that numbered it (``new_links``, ``new_images``); :class:`JournalNumbers` reads them back.
    As URLs, a page's ~100 nav links made the journal ~8 KB a page."""
    return (f'{{"kind": "page", "depth": {outcome.depth}, "page": {page_json}, '
            f'"links": {json.dumps(outcome.links.tolist())}, '
            f'"new_links": {json.dumps(outcome.new_links, ensure_ascii=False)}, '
            f'"images": {json.dumps(outcome.images.tolist())}, "new_images": {json.dumps(outcome.new_images)}, '
            f'"findings": [{",".join(f.model_dump_json() for f in outcome.findings)}], '
            f'"errors": [{",".join(e.model_dump_json() for e in outcome.errors)}]}}')


class JournalNumbers:
    """The numbering of one journal writer (a process), as its lines are read back in order.
    ``restart()`` where a writer started numbering afresh (the journal marks it)."""

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self._links: list[tuple[str, str]] = []
        self._images: list[tuple[str, str]] = []

    def targets(self, record: dict) -> tuple[dict[str, str], dict[str, str]]:
        """A page line's links ``{url: text}`` and images ``{url: role}``; the text and role are
        those first written for the URL."""
        self._links.extend(map(tuple, record.get("new_links") or ()))
        self._images.extend(map(tuple, record.get("new_images") or ()))
        links, images = self._links, self._images
        return dict(links[n] for n in record.get("links") or ()), dict(images[n] for n in record.get("images") or ())


def outcome_from_record(record: dict, numbers: JournalNumbers, link_numbers: TargetNumbers,
                        image_numbers: TargetNumbers) -> PageOutcome:
    """A journal line back to an outcome, numbered by the journal's own :class:`TargetNumbers`."""
    found_links, found_images = numbers.targets(record)
    links, new_links = link_numbers.encode(found_links)
    images, new_images = image_numbers.encode(found_images)
    return PageOutcome(
        page=PageEntry.of(Page.model_validate(record["page"])), depth=record.get("depth", 0),
        links=links, new_links=new_links, images=images, new_images=new_images,
        follow=list(found_links),
        findings=[Finding.model_validate(f) for f in record.get("findings", [])],
        errors=[ErrorRecord.model_validate(e) for e in record.get("errors", [])],
    )


def build_page(task: PageTask, result: FetchResult, body: Body | None, config: Config,
               labelled: Container[str] = ()) -> Page:
    """Fetch outcome + body -> Page (pure: no I/O).  ``labelled``: see :func:`extract_page`."""
    page = task.page(result)
    if not result.ok or body is None:
        return page
    if result.content_type and "html" not in result.content_type:
        page.fetch.error = f"not an HTML page ({result.content_type})"
        return page
    html, page.charset = decode_html(body.data, body.headers.get("content-type"))
    if page.charset.lower() in UTF8_NAMES:  # valid UTF-8 (it decoded): the parser takes the bytes as they are
        html = body.data
    extracted = extract_page(html, result.final_url or result.url, config, labelled=labelled)
    page.canonical = extracted.canonical
    page.title = extracted.title
    page.product = extracted.product
    page.links = extracted.links
    page.resources = extracted.resources
    page.structured_data_errors = extracted.structured_data_errors
    return page


def page_targets(page: Page, hosts: set[str] | None = None,
                 known: dict[str, str | None] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """A full page's same-site links ``{normalised url: text}`` and images ``{url: role}``, each
    once, in page order.  ``hosts``: the site's hosts (None: the page's own host); ``known``: a
    memory of href -> normalised same-site URL or None, kept by the caller for the same hosts
    (the nav links of every page are the same hrefs)."""
    hosts = hosts if hosts is not None else {host_of(page.url)}
    known = {} if known is None else known
    links: dict[str, str] = {}
    for url, text in page.links:
        target = known.get(url, False)
        if target is False:
            target = normalise_url(url) if host_of(url) in hosts else None
            if target == url:
                target = url  # one string kept, not two equal ones (in the numbers, the queue...)
            known[url] = target
        if target is not None and target not in links:
            links[target] = text
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

    ``hosts`` are the site's hosts (links elsewhere are not followed or indexed).  Targets travel
    as numbers (:class:`TargetNumbers`), and a link is asked to be followed once per process: the
    ~100 nav links on every page would otherwise cost the crawler ~1 us each."""

    def __init__(self, config: Config, today: date, hosts: set[str], engine=None, *, journal: CrawlState | None = None,
                 cache: bool = False) -> None:
        from checker.engine import Engine

        self.config = config
        self.today = today
        self.hosts = hosts
        self.engine = engine or Engine.from_config(config)
        self.journal = journal
        self.cache = cache
        self.max_depth = config.crawl.max_depth
        self._local = AuditContext(config=config, today=today)
        # href -> same-site target or None (see page_targets).  Its keys are also the link URLs
        # whose target this process has numbered (and labelled: the link text is sent once) or
        # that lead off-site: their text need not be read again.
        self._known: dict[str, str | None] = {}
        self.reset_numbers()
        self._followed: set[str] = set()  # links this process has asked the crawler to queue

    def reset_numbers(self) -> None:
        """Start numbering targets afresh (a forked shard: the crawler decodes each shard apart)."""
        self.link_numbers = TargetNumbers()
        self.image_numbers = TargetNumbers()
        self._known.clear()  # its keys are the links labelled under these numbers

    def outcome(self, page: Page, depth: int, headers: dict[str, str] | None = None) -> PageOutcome:
        local = self._local  # page rules may read config and today, and file errors: nothing else
        local.errors = []
        findings = self.engine.check_page(page, local)
        slim = slim_page(page)
        slim_json = slim.model_dump_json()  # the journal's, and the page store's
        result = PageOutcome(page=PageEntry.of(slim, slim_json), depth=depth, findings=findings, errors=local.errors)
        if page.fetch.ok:
            if len(self._known) > 200_000:  # a memory, not a record: bounded on huge shops
                self._known.clear()
            links, images = page_targets(page, self.hosts, self._known)
            result.links, result.new_links = self.link_numbers.encode(links)
            result.images, result.new_images = self.image_numbers.encode(images)
            if depth < self.max_depth:
                followed = self._followed
                result.follow = [url for url in links if url not in followed]
                followed.update(result.follow)
            if self.cache and headers and (headers.get("etag") or headers.get("last-modified")):
                result.cache_entry = (page.url, headers.get("etag"), headers.get("last-modified"),
                                      page.model_dump_json())
        if self.journal is not None:  # written here, by whichever process crawled the page
            self.journal.write(journal_record(result, slim_json))
        return result

    def process(self, task: PageTask, result: FetchResult, body: Body | None) -> PageOutcome:
        """A fetched page -> outcome.  A page the parser chokes on is an error row, not a crash."""
        try:
            # Not with a page cache: a cached page keeps its link texts for whichever process reuses it.
            page = build_page(task, result, body, self.config, () if self.cache else self._known)
        except Exception as exc:
            result.error = f"cannot parse page: {type(exc).__name__}: {exc}"
            page = task.page(result)
        return self.outcome(page, task.depth, body.headers if body is not None else None)
