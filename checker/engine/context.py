"""The shared state of one audit, handed to every rule."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from checker.config import Config
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


class TargetIndex:
    """Target URL -> the crawled pages that point at it, plus one label per target (a link's
    text, an image's role) as first seen.

    Kept instead of a link list on every page: a shop repeats ~100 nav links on each of its
    pages, so per-page lists grew with pages x links (1.4 GB at 10,000 pages); here each
    (page, target) pair costs 4 bytes."""

    def __init__(self) -> None:
        self._pages: dict[str, array] = {}
        self._labels: dict[str, str] = {}

    def add(self, page_number: int, targets: Iterable[str], labels: dict[str, str] | None = None) -> None:
        """One page's targets (each once), with labels for targets not seen before."""
        index = self._pages
        for target in targets:
            numbers = index.get(target)
            if numbers is None:
                numbers = index[target] = array("I")
            numbers.append(page_number)
        if labels:
            for target, label in labels.items():
                self._labels.setdefault(target, label)

    def __iter__(self) -> Iterator[str]:
        return iter(self._pages)

    def __len__(self) -> int:
        return len(self._pages)

    def __contains__(self, target: object) -> bool:
        return target in self._pages

    def page_numbers(self, target: str) -> array:
        return self._pages.get(target, array("I"))

    def label(self, target: str) -> str:
        return self._labels.get(target, "")


@dataclass
class AuditContext:
    """Everything one audit gathered.  Pages are kept *slim* once their own page/product rules
    have run (see :func:`checker.crawl.pages.slim_page`): their links and images live in
    :attr:`links` and :attr:`images`, and long product copy is dropped, so memory stays flat
    on 100,000-page stores."""

    config: Config = field(default_factory=Config)
    today: date = field(default_factory=date.today)
    started: datetime = field(default_factory=datetime.now)
    start_urls: list[str] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # by requested URL
    page_list: list[Page] = field(default_factory=list)  # by page number (the numbers in links/images)
    links: TargetIndex = field(default_factory=TargetIndex)  # same-site link target -> pages; label: link text
    images: TargetIndex = field(default_factory=TargetIndex)  # <img> URL -> pages; label: main/detail/banner
    checked: dict[str, FetchResult] = field(default_factory=dict)  # images and link targets
    products: list[Product] = field(default_factory=list)  # every product seen: pages and store APIs
    api_products: list[Product] = field(default_factory=list)  # from store APIs, not (yet) seen as pages
    lots: list[InventoryLot] = field(default_factory=list)
    catalog: list[CatalogItem] = field(default_factory=list)
    prices: list[PriceRecord] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    page_findings: list[Finding] = field(default_factory=list)  # page/product rules already run while crawling
    rules_done: set[str] = field(default_factory=set)  # URLs of the pages those findings cover
    resumed_pages: int = 0  # pages taken over from an interrupted crawl (--resume)
    cache_hits: int = 0  # pages revalidated (304) and reused from the page cache
    shards: int = 0  # crawl processes that fetched and parsed pages (0 = the main process did)
    _final_index: dict[str, Page] = field(default_factory=dict, repr=False)
    _final_index_size: int = field(default=-1, repr=False)
    partial: bool = False  # interrupted: the report holds only what was done
    interrupted_reason: str = ""

    def add_page(self, page: Page, links: Iterable[str] = (), images: Iterable[str] = (),
                 texts: dict[str, str] | None = None, roles: dict[str, str] | None = None) -> None:
        """File a page with its outgoing links and images (``texts``: link texts, ``roles``:
        main/detail, for targets not seen before)."""
        number = len(self.page_list)
        self.page_list.append(page)
        self.pages[page.url] = page
        self.links.add(number, links, texts)
        self.images.add(number, images, roles)
        if page.product is not None:
            self.products.append(page.product)

    def pages_pointing_at(self, index: TargetIndex, target: str) -> Iterator[Page]:
        page_list = self.page_list
        for number in index.page_numbers(target):
            yield page_list[number]

    def page_for(self, url: str) -> Page | None:
        """A crawled page by requested or final URL (the final-URL index is rebuilt only when
        pages were added since the last call: site rules call this once per link)."""
        page = self.pages.get(url)
        if page is not None:
            return page
        if self._final_index_size != len(self.pages):
            self._final_index = {p.fetch.final_url: p for p in self.pages.values() if p.fetch.final_url}
            self._final_index_size = len(self.pages)
        return self._final_index.get(url)
