"""The crawled pages of one audit, kept small.

A page object with its product, as pydantic builds it, takes ~9 KB; 100,000 of them were most
of the 1.3 GB the audit needed at that size.  Once its own page and product rules have run, a
page is only read again by site-wide rules (which links are dead, which images broken) and the
report, so each page is kept as a :class:`PageEntry`: those few facts, plus the whole slim page
pickled (~1.6 KB), unpickled only when someone asks for the page itself.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from checker.models import Page, Product


class PageEntry(NamedTuple):
    url: str  # as requested (normalised)
    final_url: str | None  # after redirects
    ok: bool
    failure: str  # why it failed ("" when ok)
    skipped: bool  # not fetched on purpose (robots.txt)
    redirect_loop: bool
    sku: str | None
    off_shelf: bool  # its product is marked discontinued / 下架
    has_product: bool
    blob: bytes  # the slim Page, pickled

    @classmethod
    def of(cls, page: Page) -> PageEntry:
        from checker.extract import is_off_shelf

        fetch, product = page.fetch, page.product
        return cls(page.url, fetch.final_url, fetch.ok, "" if fetch.ok else fetch.failure, fetch.skipped,
                   fetch.redirect_loop, product.sku if product else None, is_off_shelf(product),
                   product is not None, pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL))

    def page(self) -> Page:
        return pickle.loads(self.blob)


class PageStore(Mapping[str, Page]):
    """URL -> :class:`Page` (unpickled on each access: use :meth:`entry` for the facts), with page
    numbers in filing order (the numbers :class:`~checker.engine.context.TargetIndex` uses)."""

    def __init__(self) -> None:
        self._entries: dict[str, PageEntry] = {}
        self._numbered: list[PageEntry] = []
        self._by_final: dict[str, str] = {}  # final URL -> requested URL, where they differ
        self.ok_count = 0
        self.product_count = 0

    def add(self, entry: PageEntry | Page) -> int:
        """File a page (read-only from now on); returns its page number."""
        if isinstance(entry, Page):
            entry = PageEntry.of(entry)
        self._entries[entry.url] = entry
        self._numbered.append(entry)
        if entry.final_url and entry.final_url != entry.url:
            self._by_final.setdefault(entry.final_url, entry.url)
        self.ok_count += entry.ok
        self.product_count += entry.has_product
        return len(self._numbered) - 1

    # -- Mapping ---------------------------------------------------------------------------
    def __getitem__(self, url: str) -> Page:
        return self._entries[url].page()

    def __contains__(self, url: object) -> bool:
        return url in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    # -- the facts, without unpickling -------------------------------------------------------
    def entry(self, url: str) -> PageEntry | None:
        return self._entries.get(url)

    def entry_for(self, url: str) -> PageEntry | None:
        """The page at ``url``, requested there or redirected there."""
        entry = self._entries.get(url)
        if entry is None and url in self._by_final:
            entry = self._entries.get(self._by_final[url])
        return entry

    def entry_at(self, number: int) -> PageEntry:
        return self._numbered[number]

    def final_urls(self) -> set[str]:
        return {e.final_url or e.url for e in self._entries.values()}

    def products(self) -> Iterator[Product]:
        """Every page's product (unpickles the pages that have one)."""
        for entry in self._entries.values():
            if entry.has_product:
                product = entry.page().product
                if product is not None:
                    yield product
