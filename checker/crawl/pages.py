"""The process stage of the crawl, for one page: fetch outcome + body -> a slim page, its
findings, and the links and images the site-wide rules need.

It runs wherever the page was fetched (the main process on small crawls, one crawl worker per
core on large ones), so the Page with its full text never crosses a process boundary: what
leaves is a :class:`~checker.crawl.outcome.PageOutcome`, small and cheap to pickle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from datetime import date

from selectolax.lexbor import LexborHTMLParser

from checker.config import Config
from checker.crawl.cache import compress_page
from checker.crawl.fetch import Body
from checker.crawl.journal import Journal
from checker.crawl.numbers import TargetNumbers
from checker.crawl.outcome import PageOutcome, PageTask
from checker.crawl.scope import Scope
from checker.crawl.urls import normalise_url
from checker.decoding import decode_html
from checker.engine import Engine
from checker.engine.context import AuditContext
from checker.engine.pagestore import PageEntry
from checker.extract import extract_page
from checker.models import FetchResult, Page

#: The charset :func:`decode_html` reports for a page whose bytes are valid UTF-8 without a BOM
#: (the parser then takes the bytes as they are).
UTF8_NAMES = frozenset({"utf-8", "utf8"})

#: The start of a fetched page's error when it answered with something else (an image, a PDF manual): the
#: URL works, it is just no page to audit (a link to it is not a dead link: LN003).
NOT_HTML_PAGE = "not an HTML page"

#: Product copy a page's own rules read and the site-wide rules do not: dropped from kept pages.
LONG_COPY = {"description": "", "meta_description": "", "images": []}


def build_page(task: PageTask, result: FetchResult, body: Body | None, config: Config,
               labelled: Container[str] = ()) -> Page:
    """Fetch outcome + body -> Page (pure: no I/O).  ``labelled``: see :func:`extract_page`."""
    page = task.page(result)
    if not result.ok or body is None:
        return page
    if result.status == 204 or not body.data.strip():
        page.fetch.error = f"empty page: HTTP {result.status} without content / 空白页面：没有内容"
        return page
    if result.content_type and "html" not in result.content_type:
        page.fetch.error = f"{NOT_HTML_PAGE} ({result.content_type})"
        return page
    html, page.charset = decode_html(body.data, body.headers.get("content-type"))
    if page.charset.lower() in UTF8_NAMES:  # valid UTF-8 (it decoded): the parser takes the bytes as they are
        html = body.data
    extracted = extract_page(html, result.final_url or result.url, config, labelled=labelled)
    if extracted.product is None and not extracted.links and not extracted.resources and _blank(html):
        page.fetch.error = "empty page: the HTML shows nothing (no text, no image, no link) / 空白页面：页面无任何内容"
        return page
    page.canonical = extracted.canonical
    page.title = extracted.title
    page.product = extracted.product
    page.links = extracted.links
    page.resources = extracted.resources
    page.structured_data_errors = extracted.structured_data_errors
    page.unread_product = extracted.unread_product
    return page


def _blank(html: str | bytes) -> bool:
    """Whether a page without product, links or resources shows no text either (asked of those only)."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style", "noscript", "template"])
    body = tree.body
    return body is None or not body.text(strip=True)


def page_targets(page: Page, scope: Scope | None = None,
                 known: dict[str, str | None] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """A full page's same-site links ``{normalised url: text}`` and images ``{url: role}``, each
    once, in page order.  ``scope``: the crawl's (None: the page's own origin); ``known``: a
    memory of href -> normalised same-site URL or None, kept by the caller for the same scope
    (the nav links of every page are the same hrefs)."""
    scope = scope if scope is not None else Scope.around(page.url)
    known = {} if known is None else known
    links: dict[str, str] = {}
    for url, text in page.links:
        target = known.get(url, False)
        if target is False:
            target = normalise_url(url) if scope.contains(url) else None
            if target == url:
                target = url  # one string kept, not two equal ones (in the numbers, the queue...)
            known[url] = target
        if target is not None and target not in links:
            links[target] = text
    roles = {img.url: img.role for img in page.product.images} if page.product is not None else {}
    images = {url: roles.get(url, "detail") for url, kind in page.resources if kind == "img"}
    return links, images


#: Where a description splits into sentences (Chinese and Western punctuation, line breaks).
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=\.)\s")


#: Sentences already asked about, per tuple of keepers: a shop repeats its boilerplate (care, shipping,
#: returns) in every description, and each keeper normalises and scans the sentence (~6 us).  A memory,
#: not a record: emptied when it reaches :data:`KEPT_MEMO_SIZE`.
_KEPT: dict[tuple, dict[str, bool]] = {}
KEPT_MEMO_SIZE = 50_000


def kept_sentences(text: str, keepers: tuple[Callable[[str], bool], ...]) -> str:
    """The sentences of ``text`` any of ``keepers`` wants (a near-expiry notice, a scarcity claim), one
    per line; "" when none does.  The keepers are pure (a sentence's answer never changes)."""
    if not text or not keepers:
        return ""
    memo = _KEPT.get(keepers)
    if memo is None or len(memo) >= KEPT_MEMO_SIZE:
        memo = _KEPT[keepers] = {}
    kept = []
    for s in _SENTENCE_END.split(text):
        s = s.strip()
        if not s:
            continue
        keep = memo.get(s)
        if keep is None:
            keep = memo[s] = any(k(s) for k in keepers)
        if keep:
            kept.append(s)
    return "\n".join(kept)


def slim_page(page: Page, keepers: tuple[Callable[[str], bool], ...] = ()) -> Page:
    """What the audit keeps of a page after its own rules ran (see :data:`LONG_COPY`): of the
    description, only the sentences the site rules read (``keepers``: :attr:`Engine.sentence_keepers`)."""
    update: dict = {"links": [], "resources": []}
    if page.product is not None:
        copy = dict(LONG_COPY, description=kept_sentences(page.product.description, keepers))
        update["product"] = page.product.model_copy(update=copy)
    return page.model_copy(update=update)


class PageProcessor:
    """Build a page, run its page and product rules, and cut it down to a :class:`PageOutcome`.

    ``scope`` is the crawl's (links out of it are not followed or indexed).  Targets travel
    as numbers (:class:`TargetNumbers`), and a link is asked to be followed once per process: the
    ~100 nav links on every page would otherwise cost the crawler ~1 us each."""

    def __init__(self, config: Config, today: date, scope: Scope, engine=None, *, journal: Journal | None = None,
                 cache: bool = False) -> None:
        self.config = config
        self.today = today
        self.scope = scope
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
        """Start numbering targets afresh (a forked worker: the crawler decodes each worker apart)."""
        self.link_numbers = TargetNumbers()
        self.image_numbers = TargetNumbers()
        self._known.clear()  # its keys are the links labelled under these numbers

    def outcome(self, page: Page, depth: int, headers: dict[str, str] | None = None) -> PageOutcome:
        local = self._local  # page rules may read config and today, and file errors: nothing else
        local.errors = []
        findings = self.engine.check_page(page, local)
        slim = slim_page(page, self.engine.sentence_keepers)
        slim_json = slim.model_dump_json()  # the journal's, and the page store's
        result = PageOutcome(page=PageEntry.of(slim, slim_json), depth=depth, findings=findings, errors=local.errors)
        if page.fetch.ok:
            if len(self._known) > 200_000:  # a memory, not a record: bounded on huge shops
                self._known.clear()
            links, images = page_targets(page, self.scope, self._known)
            result.links, result.new_links = self.link_numbers.encode(links)
            result.images, result.new_images = self.image_numbers.encode(images)
            if depth < self.max_depth:
                followed = self._followed
                result.follow = [url for url in links if url not in followed]
                followed.update(result.follow)
            if self.cache and headers and (headers.get("etag") or headers.get("last-modified")):
                result.cache_entry = (page.url, headers.get("etag"), headers.get("last-modified"),
                                      compress_page(page))
        if self.journal is not None:  # written here, by whichever process crawled the page
            self.journal.page(result, slim_json)
        return result

    def lands_elsewhere_on_site(self, task: PageTask, result: FetchResult) -> bool:
        """A page fetched through redirects to another page of this site (followed while depth allows)."""
        final = result.final_url
        return (result.ok and bool(result.redirects) and final is not None and task.depth < self.max_depth
                and self.scope.contains(final) and normalise_url(final) != normalise_url(task.url))

    def process(self, task: PageTask, result: FetchResult, body: Body | None) -> PageOutcome:
        """A fetched page -> outcome.  A page the parser chokes on is an error row, not a crash."""
        try:
            # Not with a page cache: a cached page keeps its link texts for whichever process reuses it.
            page = build_page(task, result, body, self.config, () if self.cache else self._known)
        except Exception as exc:
            result.error = f"cannot parse page: {type(exc).__name__}: {exc}"
            page = task.page(result)
        if self.lands_elsewhere_on_site(task, result):
            return self.redirect_outcome(page, task.depth)
        return self.outcome(page, task.depth, body.headers if body is not None else None)

    def redirect_outcome(self, page: Page, depth: int) -> PageOutcome:
        """A redirect is a link: the page it lands on is crawled and audited as itself, once (audited
        here too, its product's findings came twice when the sitemap lists both URLs).  Only the page
        rules run here (the redirect chain, with the product's SKU), and no product is kept."""
        local = self._local
        local.errors = []
        findings = self.engine.check_scope("page", page, local, page.url)
        slim = slim_page(page).model_copy(update={"product": None})
        slim_json = slim.model_dump_json()
        result = PageOutcome(page=PageEntry.of(slim, slim_json), depth=depth, findings=findings, errors=local.errors)
        final = normalise_url(page.fetch.final_url or page.url)
        result.links, result.new_links = self.link_numbers.encode({final: ""})
        if final not in self._followed:
            result.follow = [final]
            self._followed.add(final)
        if self.journal is not None:
            self.journal.page(result, slim_json)
        return result
