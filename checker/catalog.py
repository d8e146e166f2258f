"""The backend catalog as the rules look it up: one row per SKU, the rows of a product page, the
variant rows of a parent SKU.  One index per audit, shared by every pack (``catalog_index(ctx)``), and
one way to compare SKUs (:func:`sku_key`): exports and pages write the same SKU in different cases and
with stray spaces (``cn-tea-1001 ``, ``CN-TEA- 1001``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from checker.models import CatalogItem, Product

if TYPE_CHECKING:
    from checker.engine.context import AuditContext

_SKU_SEPARATORS = re.compile(r"[-_/.]")
_PAGE_EXT = re.compile(r"\.(?:html?|php|aspx?)$", re.IGNORECASE)


def sku_key(sku: str) -> str:
    """A SKU as indexes key it: case and spaces do not count (``cn-tea-1001 `` is ``CN-TEA-1001``)."""
    return "".join(sku.split()).upper()


def url_path(url: str) -> str:
    """A page's path without a trailing slash: pages and backend rows name one product on different hosts."""
    return urlsplit(url).path.rstrip("/") or "/"


def _same_page(url: str, path: str) -> bool:
    """``url`` names the page at ``path``, with or without its extension (a backend's ``/p/tea`` is ``/p/tea.html``)."""
    return _PAGE_EXT.sub("", url_path(url)) == _PAGE_EXT.sub("", path)


@dataclass
class CatalogIndex:
    """The backend's rows by SKU key (the first row of a SKU listed twice speaks for it), by product page
    path, and by parent SKU (``CN-SPT-7001`` -> rows ``CN-SPT-7001-42``, ``CN-SPT-7001-43``...)."""

    by_sku: dict[str, CatalogItem]
    by_path: dict[str, list[CatalogItem]]
    by_parent: dict[str, list[CatalogItem]]

    @classmethod
    def of(cls, items: Iterable[CatalogItem]) -> CatalogIndex:
        by_sku: dict[str, CatalogItem] = {}
        by_path: dict[str, list[CatalogItem]] = {}
        by_parent: dict[str, list[CatalogItem]] = {}
        for item in items:
            sku = sku_key(item.sku)
            if sku in by_sku:
                continue  # a duplicate is the sources' business
            by_sku[sku] = item
            if item.url:
                by_path.setdefault(url_path(item.url), []).append(item)
            for m in _SKU_SEPARATORS.finditer(sku):  # every prefix ending before a separator
                if 0 < m.start() < len(sku) - 1:
                    by_parent.setdefault(sku[:m.start()], []).append(item)
        return cls(by_sku, by_path, by_parent)

    def get(self, sku: str | None) -> CatalogItem | None:
        """The row of a SKU as written anywhere (case and spaces ignored), or None."""
        return self.by_sku.get(sku_key(sku)) if sku else None

    def variants_of(self, product: Product) -> list[CatalogItem]:
        """Backend rows that are variants of ``product``: the same product page (by path), or a SKU
        that is the product's SKU followed by a separator (``CN-SPT-7001-42``) and no page of its own
        (``CN-TEA-1001-GIFT`` at ``/p/gift.html`` is another product); not its own row."""
        own = sku_key(product.sku or "")
        path = url_path(product.url)
        rows = {id(i): i for i in self.by_path.get(path, [])}
        if own:
            rows.update((id(i), i) for i in self.by_parent.get(own, ()) if not i.url or _same_page(i.url, path))
        return [i for i in rows.values() if sku_key(i.sku) != own]


def catalog_index(ctx: AuditContext) -> CatalogIndex:
    """The audit's catalog index, built once and shared by the rules through the memo."""
    return ctx.memo.get(ctx, ("catalog-index", id(ctx.catalog), len(ctx.catalog)),
                        lambda: CatalogIndex.of(ctx.catalog))
