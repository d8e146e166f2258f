"""The audit's page store: pages kept pickled, with the facts site rules read at hand."""

from __future__ import annotations

import pytest

from checker.engine.context import AuditContext
from checker.engine.pagestore import PageEntry, PageStore
from checker.models import Availability, FetchResult, Page, Product

ORIGIN = "https://shop.example.com"


def page(path: str, status: int = 200, final: str | None = None, **product) -> Page:
    url = ORIGIN + path
    fetch = FetchResult(url=url, final_url=ORIGIN + final if final else url, status=status)
    return Page(fetch=fetch, product=Product(url=url, **product) if product else None)


def test_store_keeps_facts_and_gives_the_page_back():
    store = PageStore()
    numbers = [store.add(page("/p/a.html", sku="A", title="茶壶", specs={"容量": "500ml"})),
               store.add(page("/p/old.html", final="/p/new.html", sku="OLD", availability=Availability.DISCONTINUED)),
               store.add(page("/p/gone.html", status=404))]
    assert numbers == [0, 1, 2] and len(store) == 3 and list(store) == [ORIGIN + p for p in ("/p/a.html", "/p/old.html",
                                                                                                "/p/gone.html")]
    assert (store.ok_count, store.product_count) == (2, 2)
    assert store[ORIGIN + "/p/a.html"].product.specs == {"容量": "500ml"}  # the whole slim page, unpickled
    moved = store.entry_for(ORIGIN + "/p/new.html")  # found by the URL it redirected to
    assert moved.url == ORIGIN + "/p/old.html" and moved.off_shelf and moved.sku == "OLD"
    gone = store.entry_at(2)
    assert not gone.ok and gone.failure == "HTTP 404" and not gone.has_product
    assert sorted(p.sku for p in store.products()) == ["A", "OLD"]
    assert store.entry_for(ORIGIN + "/p/none.html") is None
    with pytest.raises(KeyError):
        store[ORIGIN + "/p/none.html"]


def test_off_shelf_label_and_products_of_the_audit():
    ctx = AuditContext()
    ctx.add_page(page("/p/x.html", sku="X", labels=["本商品已下架"]))
    ctx.api_products.append(Product(url=ORIGIN + "/p/api.html", sku="API"))
    assert ctx.pages.entry(ORIGIN + "/p/x.html").off_shelf
    assert ctx.product_count == 2 and [p.sku for p in ctx.products] == ["X", "API"]
    assert PageEntry.of(page("/p/y.html", sku="Y")).off_shelf is False
