"""The shared state of one audit, handed to every rule."""

from __future__ import annotations

import gc
import os
from array import array
from bisect import insort
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checker.config import Config, PromotionConfig
from checker.engine.pagestore import PageEntry, PageStore, RecordFile, StoredPage
from checker.lots import LotTable
from checker.models import (
    CatalogItem,
    Complaint,
    ErrorRecord,
    FetchResult,
    Finding,
    ImageText,
    Page,
    PriceRecord,
    Product,
)

T = TypeVar("T")


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a bulk of acyclic objects (products read back, a price
    history's days, findings): it would only rescan the audit's millions of records, as the export
    readers found (checker/sources/reader.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

#: The targets of a page without any (shared: never append to it).
NO_TARGETS = array("I")


class TargetIndex:
    """Which crawled pages point at which targets (link URLs, image URLs).

    Each distinct target gets a number; each page's targets are kept as one compact array of
    numbers (4 bytes a link).  A shop repeats ~100 nav links on each of its pages: kept as lists
    of strings per page they took 1.4 GB at 10,000 pages, and filing them one by one was the main
    process's top cost.  Even as arrays, links and images took ~80 MB at 100,000 pages, for
    :meth:`pointing_at` to read in one pass: so they go to a temporary file
    (:class:`~checker.engine.pagestore.RecordFile`).  Labels (a link's text, an image's role) are
    kept as first seen."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._urls: list[str] = []
        self._labels: list[str] = []
        self._per_page = RecordFile()  # page number -> its target numbers, as array("I") bytes

    @property
    def records(self) -> RecordFile:
        """The temporary file of each page's target numbers."""
        return self._per_page

    def number(self, target: str, label: str = "") -> int:
        """The target's number (a new one for a target not seen before)."""
        number = self._numbers.get(target)
        if number is None:
            number = self._numbers[target] = len(self._urls)
            self._urls.append(target)
            self._labels.append(label or "")
        elif label and not self._labels[number]:
            self._labels[number] = label
        return number

    def add(self, page_number: int, numbers: array) -> None:
        """A page's targets, as numbers; pages are filed in page-number order."""
        if page_number != len(self._per_page):
            raise ValueError(f"page {page_number} filed out of order (expected {len(self._per_page)})")
        if not isinstance(numbers, array) or numbers.typecode != "I":
            numbers = array("I", numbers)
        self._per_page.append(numbers)

    def __iter__(self) -> Iterator[str]:
        return iter(self._urls)

    def __len__(self) -> int:
        return len(self._urls)

    def __contains__(self, target: object) -> bool:
        return target in self._numbers

    def label(self, target: str) -> str:
        number = self._numbers.get(target)
        return self._labels[number] if number is not None else ""

    def pointing_at(self, targets: Iterable[str]) -> dict[str, list[int]]:
        """Target -> numbers of the pages that point at it, for the given targets (site rules ask
        for the few broken ones, so one pass over the pages serves them all)."""
        found: dict[str, list[int]] = {}
        for target, page_number in self.occurrences(targets):
            found.setdefault(target, []).append(page_number)
        return found

    def occurrences(self, targets: Iterable[str]) -> Iterator[tuple[str, int]]:
        """``(target, page number)`` for each page pointing at one of ``targets``, in page order,
        in one pass over the pages, keeping nothing."""
        wanted = {self._numbers[t]: t for t in targets if t in self._numbers}
        if not wanted:
            return
        keys = wanted.keys()
        for page_number, record in enumerate(self._per_page):
            numbers = record.cast("I")
            if not keys.isdisjoint(numbers):
                for number in numbers:
                    if number in keys:
                        yield wanted[number], page_number


#: Pages named for a target many pages point at (a finding per target lists these, and a count).
SAMPLE_PAGES = 5


@dataclass(slots=True)
class Reach:
    """The pages pointing at one target: how many, and the first :data:`SAMPLE_PAGES` by URL
    (by URL, not crawl order, so that the same shop gives the same sample)."""

    target: str
    pages: int = 0
    sample: list[StoredPage] = field(default_factory=list)

    def where(self) -> tuple[str, str]:
        """The Chinese and English words for the other pages, for a finding's message ("" on one page)."""
        if self.pages <= 1:
            return "", ""
        shown = ", ".join(p.url for p in self.sample[:3])
        more = " …" if self.pages > 3 else ""
        return f"，共 {self.pages} 个页面（如 {shown}{more}）", f" on {self.pages} pages (e.g. {shown}{more})"


#: Memo keys (on the audit's context) of values that hold every product read back for the site rules
#: (:meth:`AuditContext.site_products`, and a pack's view of each product built on it): dropped once the
#: rules are done (:meth:`AuditContext.release_site_products`).  A pack adds the keys of its own.
SITE_PRODUCT_KEYS: set[Hashable] = {"engine.products"}


class ItemMemo:
    """Values worked out once per item and shared by the rules that run on it.

    Several rules often need the same costly view of one product or page (the ad-wording screen
    of every text, a complaint's cause, parsed specs).  A rule asks ``ctx.memo.get(item, key,
    compute)``: the first rule to ask computes, the others reuse.  The memo holds one item at a
    time: the engine starts it afresh for each item it checks (:meth:`start`), and asking about
    another item forgets the last, so it never grows and never serves one item's value for
    another (it keeps the item itself, so its identity cannot be reused while remembered).
    ``key`` must be hashable and say everything besides the item that the value depends on
    (options, word lists).
    """

    __slots__ = ("_item", "_values")

    def __init__(self) -> None:
        self._item: object = None
        self._values: dict[Hashable, Any] = {}

    def start(self, item: object) -> None:
        """Forget everything: ``item`` is checked next (called by the engine)."""
        self._item, self._values = item, {}

    def forget(self, item: object, keys: Iterable[Hashable]) -> None:
        """Drop the values of ``keys`` for ``item``, if it is the item remembered (asked again: computed again)."""
        if item is self._item:
            for key in keys:
                self._values.pop(key, None)

    def get(self, item: object, key: Hashable, compute: Callable[[], T]) -> T:
        if item is not self._item:
            self.start(item)
        try:
            return self._values[key]
        except KeyError:
            value = self._values[key] = compute()
            return value


def _zone(key: str) -> ZoneInfo | None:
    """The IANA zone of a name or of a path into a zoneinfo directory, or None."""
    key = key.strip().lstrip(":")
    if "zoneinfo/" in key:
        key = key.rsplit("zoneinfo/", 1)[1]
    if not key or key.startswith("/"):
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def system_zone() -> tuple[tzinfo, str]:
    """The machine's time zone as a real zone (with its daylight saving time): the ``TZ`` variable's, else
    the one ``/etc/localtime`` links to, else ``/etc/timezone``'s; only when none names a zone, the fixed
    UTC offset of now (which is wrong across a daylight-saving change: a July promotion audited in
    December)."""
    candidates = []
    if os.environ.get("TZ"):
        candidates.append(os.environ["TZ"])
    else:
        with suppress(OSError):
            candidates.append(str(Path("/etc/localtime").resolve(strict=True)))
        with suppress(OSError):
            candidates.append(Path("/etc/timezone").read_text(encoding="utf-8"))
    for key in candidates:
        zone = _zone(key)
        if zone is not None:
            return zone, zone.key
    now = datetime.now().astimezone()
    return now.tzinfo or ZoneInfo("UTC"), now.tzname() or "local"


@dataclass(frozen=True)
class PromotionWindow:
    """The promotion's days as rules use them: ``start`` and ``end`` inclusive, in ``timezone``.
    ``configured`` is False when no promotion was given and the audit date stands in for both."""

    start: date
    end: date
    timezone: tzinfo
    zone_name: str
    configured: bool

    @classmethod
    def of(cls, promotion: PromotionConfig, today: date) -> PromotionWindow:
        zone, name = (ZoneInfo(promotion.timezone), promotion.timezone) if promotion.timezone else system_zone()
        if promotion.start is None:
            return cls(today, today, zone, name, False)
        return cls(promotion.start, promotion.end or promotion.start, zone, name, True)

    def local_date(self, moment: datetime | date) -> date:
        """The promotion's calendar day of a moment (a date is taken as it is; a naive time as local)."""
        if not isinstance(moment, datetime):
            return moment
        return (moment if moment.tzinfo is None else moment.astimezone(self.timezone)).date()

    @property
    def label(self) -> str:
        """``2026-12-10 – 2026-12-12 (Asia/Shanghai)``, or what stands in when none was given."""
        if not self.configured:
            return f"未设置，按审计日期 {self.start} / not set: the audit date {self.start}"
        days = f"{self.start}" if self.start == self.end else f"{self.start} – {self.end}"
        return f"{days} ({self.zone_name})"


@dataclass
class AuditContext:
    """Everything one audit gathered.  Pages are kept *slim* once their own page/product rules
    have run (see :func:`checker.crawl.pages.slim_page`): their links and images live in
    :attr:`links` and :attr:`images`, long product copy is dropped, and the rest is kept as JSON
    (:class:`~checker.engine.pagestore.PageStore`); the JSON and each page's targets live in
    temporary files, so memory stays flat on 100,000-page stores."""

    config: Config = field(default_factory=Config)
    today: date = field(default_factory=date.today)
    started: datetime = field(default_factory=datetime.now)
    start_urls: list[str] = field(default_factory=list)
    pages: PageStore = field(default_factory=PageStore)  # by requested URL; numbered as filed
    links: TargetIndex = field(default_factory=TargetIndex)  # same-site link target -> pages; label: link text
    images: TargetIndex = field(default_factory=TargetIndex)  # <img> URL -> pages; label: main/detail/banner
    checked: dict[str, FetchResult] = field(default_factory=dict)  # images and link targets
    api_products: list[Product] = field(default_factory=list)  # from store APIs, not (yet) seen as pages
    lots: LotTable = field(default_factory=LotTable)  # columns, not models: see checker/lots.py
    catalog: list[CatalogItem] = field(default_factory=list)
    prices: list[PriceRecord] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    page_findings: list[Finding] = field(default_factory=list)  # page/product rules already run while crawling
    rules_done: set[str] = field(default_factory=set)  # URLs of the pages those findings cover
    resumed_pages: int = 0  # pages taken over from an interrupted crawl (--resume)
    cache_hits: int = 0  # pages revalidated (304) and reused from the page cache
    workers: int = 0  # crawl worker processes that fetched and parsed pages (0 = the main process did)
    memo: ItemMemo = field(default_factory=ItemMemo, repr=False)  # per-item values rules share
    partial: bool = False  # interrupted: the report holds only what was done
    interrupted_reason: str = ""
    ocr_summary: str = ""  # what the image-text stage read or why it did not (checker/ocr), for the Summary
    #: The text read in each product page's images (page URL -> lines), for the site rules (checker/ocr).
    image_texts: dict[str, list[ImageText]] = field(default_factory=dict)
    scope_note: str = ""  # --changed-only: what was audited on purpose, and why (not an interruption)

    def keep_files_in(self, directory: str | os.PathLike) -> None:
        """Make the temporary files of :attr:`pages`, :attr:`links` and :attr:`images` in
        ``directory`` (the audit's output folder) rather than the system's temporary folder."""
        for store in (self.pages, self.links, self.images):
            store.records.directory = directory

    def add_page(self, page: Page | PageEntry, links: array = NO_TARGETS, images: array = NO_TARGETS) -> None:
        """File a page with the numbers (in :attr:`links` / :attr:`images`) of what it points at."""
        number = self.pages.add(page)
        self.links.add(number, links)
        self.images.add(number, images)

    def add_page_targets(self, page: Page, links: dict[str, str], images: dict[str, str]) -> None:
        """File a page with its links ``{url: text}`` and images ``{url: role}``."""
        self.add_page(page, array("I", [self.links.number(u, t) for u, t in links.items()]),
                      array("I", [self.images.number(u, r) for u, r in images.items()]))

    def pages_pointing_at(self, index: TargetIndex, targets: Iterable[str]) -> Iterator[tuple[str, StoredPage]]:
        """``(target, page entry)`` for every page that points at one of ``targets``."""
        for target, numbers in index.pointing_at(targets).items():
            for number in numbers:
                yield target, self.pages.entry_at(number)

    def reach(self, index: TargetIndex, targets: Iterable[str]) -> list[Reach]:
        """A :class:`Reach` for each of ``targets`` some page points at: one finding per cause,
        not per page, in one pass; memory grows with the targets, not with the pages pointing at
        them (a dead nav link on every page of a 100,000-page shop is one count and 5 pages)."""
        reaches: dict[str, Reach] = {}
        firsts: dict[str, list[tuple[str, int]]] = {}
        entry_at = self.pages.entry_at
        for target, number in index.occurrences(targets):
            reach = reaches.get(target)
            if reach is None:
                reach = reaches[target] = Reach(target)
                firsts[target] = []
            reach.pages += 1
            kept = firsts[target]
            url = entry_at(number).url
            if len(kept) < SAMPLE_PAGES or url < kept[-1][0]:
                insort(kept, (url, number))
                del kept[SAMPLE_PAGES:]
        for target, reach in reaches.items():
            reach.sample = [entry_at(number) for _, number in firsts[target]]
        return list(reaches.values())

    def page_for(self, url: str) -> Page | None:
        """A crawled page by requested or final URL."""
        entry = self.pages.entry_for(url)
        return entry.page() if entry is not None else None

    @property
    def promotion(self) -> PromotionWindow:
        """The promotion window (``[promotion]`` / ``--promotion``), or the audit date standing in."""
        return PromotionWindow.of(self.config.promotion, self.today)

    @property
    def products(self) -> list[Product]:
        """Every product seen: the crawled pages' (read back and validated: costly on big stores)
        and the store APIs' whose page was not crawled."""
        return [*self.pages.products(), *self.api_products]

    def site_products(self) -> list[Product]:
        """:attr:`products`, read back once for all the site rules of an audit (they share the list
        through :attr:`memo`, keyed on this context), with the cyclic garbage collector off: it would
        only rescan the audit's records while 100,000 acyclic products are made."""

        def read() -> list[Product]:
            with no_gc():
                products = self.products
            if self.image_texts:  # read after the crawl: joined here, the stored pages have none
                products = [p.model_copy(update={"image_texts": self.image_texts[p.url]})
                            if p.url in self.image_texts else p for p in products]
            return products

        return self.memo.get(self, "engine.products", read)

    def release_site_products(self) -> None:
        """Let the site rules' read-back of every product go (~7 KB a product: ~700 MB at 100,000 pages),
        and the packs' views of them (:data:`SITE_PRODUCT_KEYS`): the reports are written without them."""
        self.memo.forget(self, SITE_PRODUCT_KEYS)

    @property
    def product_count(self) -> int:
        return self.pages.product_count + len(self.api_products)
