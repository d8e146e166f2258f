"""The shared state of one audit, handed to every rule."""

from __future__ import annotations

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


@dataclass
class AuditContext:
    config: Config = field(default_factory=Config)
    today: date = field(default_factory=date.today)
    started: datetime = field(default_factory=datetime.now)
    start_urls: list[str] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # by requested URL
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
    cache_hits: int = 0
    parse_workers: int = 0  # processes that parsed pages (0 = parsed in the crawling process)  # pages revalidated (304) and reused from the page cache
    _final_index: dict[str, Page] = field(default_factory=dict, repr=False)
    _final_index_size: int = field(default=-1, repr=False)
    partial: bool = False  # interrupted: the report holds only what was done
    interrupted_reason: str = ""

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
