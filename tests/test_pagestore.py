"""The audit's page store: pages kept as JSON in a temporary file, with the facts site rules read
at hand."""

from __future__ import annotations

import contextlib
import gc
import os
from array import array

import pytest

from checker.engine import pagestore
from checker.engine.context import AuditContext
from checker.engine.pagestore import PageEntry, PageStore, RecordFile, StoredPage
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
    assert store[ORIGIN + "/p/a.html"].product.specs == {"容量": "500ml"}  # the whole slim page, read back
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


def many_pages(count: int, start: int = 0) -> list[Page]:
    """Pages of varied sizes: products with copy of different lengths, failures, redirects."""
    out = []
    for n in range(start, start + count):
        if n % 7 == 3:
            out.append(page(f"/p/gone-{n}.html", status=404))
        elif n % 5 == 1:
            out.append(page(f"/p/old-{n}.html", final=f"/p/new-{n}.html", sku=f"S{n}"))
        else:
            out.append(page(f"/p/{n}.html", sku=f"S{n}", title="茶" * (n % 300), specs={"n": str(n)}))
    return out


def test_stored_page_has_the_facts_of_page_entry_in_the_same_order():
    assert StoredPage._fields[:-2] == PageEntry._fields[:-1] and PageEntry._fields[-1] == "blob"


def test_entries_read_back_equal_after_many_adds():
    store, pages = PageStore(), many_pages(2500)
    entries = [PageEntry.of(p) for p in pages]
    assert [store.add(e) for e in entries] == list(range(len(entries)))
    for number, (p, e) in enumerate(zip(pages, entries, strict=True)):
        stored = store.entry_at(number)
        assert tuple(stored[:-2]) == tuple(e[:-1]) and stored.number == number
        assert stored.page() == p and store[p.url] == p and store.entry(p.url) is stored
        assert not hasattr(stored, "blob")  # the JSON stays in the file
    assert store.entry_for(ORIGIN + "/p/new-1.html").url == ORIGIN + "/p/old-1.html"
    assert [x.sku for x in store.products()] == [p.product.sku for p in pages if p.product]
    assert store.final_urls() == {p.fetch.final_url for p in pages}


def test_page_of_an_entry_taken_before_the_store_grew():
    store = PageStore()
    first = page("/p/first.html", sku="FIRST", specs={"产地": "云南"})
    store.add(first)
    early = store.entry(first.url)
    for p in many_pages(1500):
        store.add(p)
    assert early.page() == first and store.entry_at(0) is early
    assert store.entry_at(1500).page() == many_pages(1, 1499)[0]


def test_a_page_filed_twice_reads_back_as_the_last_one():
    store = PageStore()
    store.add(page("/p/a.html", sku="OLD"))
    store.add(page("/p/a.html", sku="NEW"))
    assert len(store) == 1 and store[ORIGIN + "/p/a.html"].product.sku == "NEW"
    assert [p.sku for p in store.products()] == ["NEW"] and store.entry_at(0).page().product.sku == "OLD"


def test_record_file_reads_back_every_record_in_batches(monkeypatch):
    records = RecordFile()
    assert list(records) == [] and records._fd is None
    data = [bytes([n % 251]) * (n * 37 % 1000) for n in range(400)] + [b"x" * 5000, b"", b"y"]
    assert [records.append(d) for d in data] == list(range(len(data)))
    assert [records[n] for n in range(len(data))] == data
    for batch in (1, 64, 4096, 1 << 20):  # records smaller and larger than a batch
        monkeypatch.setattr(pagestore, "READ_BATCH", batch)
        assert [bytes(r) for r in records] == data
    assert records.append(array("I", [1, 2, 70000])) == len(data)
    assert array("I", records[len(data)]).tolist() == [1, 2, 70000]
    with pytest.raises(IndexError):
        records[len(data) + 1]


def test_record_file_opens_no_file_for_empty_records_and_closes_it_when_gone():
    records = RecordFile()
    for _ in range(3):
        records.append(b"")
    assert records._fd is None and list(map(bytes, records)) == [b""] * 3
    records.append(b"data")
    fd = records._fd
    stat = os.fstat(fd)
    assert stat.st_nlink == 0  # anonymous: nothing to clean up after a crash
    del records
    gc.collect()
    with contextlib.suppress(OSError):  # closed (or since reused for another file)
        now = os.fstat(fd)
        assert (now.st_dev, now.st_ino) != (stat.st_dev, stat.st_ino)


def test_a_forked_child_that_reads_does_not_disturb_the_store():
    store = PageStore()
    before, after = many_pages(300), many_pages(300, 300)
    for p in before:
        store.add(p)
    pid = os.fork()
    if pid == 0:  # the child: read some pages, drop its copy of the store, exit without cleanup
        try:
            ok = all(store.entry_at(n).page() == before[n] for n in range(0, 300, 7))
            del store
            gc.collect()
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    for p in after:  # the parent goes on filing while the child reads
        store.add(p)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert [store.entry_at(n).page() for n in range(600)] == before + after


def _file_of(fd: int) -> str:
    """Where an open (nameless) file was made, as /proc names it: '<dir>/#123 (deleted)'."""
    return os.readlink(f"/proc/self/fd/{fd}")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc")
def test_record_file_is_made_in_its_directory_or_else_in_the_temporary_folder(tmp_path):
    here = RecordFile(tmp_path)
    here.append(b"x")
    assert _file_of(here._fd).startswith(f"{tmp_path}/")
    gone = RecordFile(tmp_path / "no-such-folder")
    gone.append(b"y")  # not an error: the system's temporary folder takes it
    assert not _file_of(gone._fd).startswith(f"{tmp_path}/") and gone[0] == b"y"
    default = RecordFile()
    default.append(b"z")
    assert not _file_of(default._fd).startswith(f"{tmp_path}/")


def test_a_slim_page_keeps_only_the_description_sentences_a_pack_reads():
    from checker.crawl.pages import kept_sentences

    def keep(sentence: str) -> bool:
        return "临期" in sentence or "best before" in sentence.lower()

    text = "百花蜜，结晶属正常现象。本批为临期商品，介意慎拍！请阴凉保存。\nSmooth and rich. Best before 20 Dec 2026. Enjoy"
    assert kept_sentences(text, (keep,)) == "本批为临期商品，介意慎拍！\nBest before 20 Dec 2026."
    assert kept_sentences(text, ()) == "" and kept_sentences("", (keep,)) == ""


def test_kept_sentences_asks_each_keeper_once_per_sentence_and_forgets_when_full(monkeypatch):
    """Boilerplate sentences repeat on every page: a keeper is asked about each once (a bounded memory)."""
    from checker.crawl import pages

    asked: list[str] = []

    def keep(sentence: str) -> bool:
        asked.append(sentence)
        return "临期" in sentence

    text = "包邮。本批为临期商品！七天无理由退货。"
    for _ in range(3):
        assert pages.kept_sentences(text, (keep,)) == "本批为临期商品！"
    assert asked == ["包邮。", "本批为临期商品！", "七天无理由退货。"]
    monkeypatch.setattr(pages, "KEPT_MEMO_SIZE", 3)
    assert pages.kept_sentences("另一句。", (keep,)) == ""  # the memory was full: emptied, then filled again
    assert pages._KEPT[(keep,)] == {"另一句。": False}


def test_the_site_rules_read_back_of_every_product_is_not_kept_for_the_reports():
    """At 100,000 pages the products read back for the site rules are ~700 MB: the workbook is written
    without them (it came on top: 1,012 MB); the coverage's count reads them back one by one."""
    from datetime import date

    from checker.audit import run_rules
    from checker.config import Config
    from checker.engine import Engine
    from checker.reports.coverage import _Facts

    config = Config()
    ctx = AuditContext(config=config, today=date(2026, 11, 23))
    ctx.add_page(page("/p/a.html", sku="A", title="茶壶", price="129", list_price="99"))
    ctx.add_page(page("/p/b.html", sku="B", title="茶杯"))
    findings = run_rules(Engine.from_config(config), ctx)
    assert any(f.code == "PR002" and f.sku == "A" for f in findings)  # the site rules did read the products
    assert ctx.memo.get(ctx, "engine.products", lambda: "forgotten") == "forgotten"
    assert ctx.memo.get(ctx, "price.priced", lambda: "forgotten") == "forgotten"  # the price rules' view of each
    assert _Facts(ctx).products_without_price == 1


def test_read_back_products_share_one_set_of_given_fields_and_still_behave():
    """Each pydantic instance carries its own set of the fields given (2.3 KB for a product's 19): the
    products read back for the site rules share one per class, so 100,000 of them fit in memory."""
    from checker.models import ShownPrice

    store = PageStore()
    for sku in ("A", "B"):
        store.add(page(f"/p/{sku}.html", sku=sku, title="茶壶", price="99",
                       shown_prices=[ShownPrice(source="visible", kind="price", amount="99", text="¥99")]))
    a, b = store.products()
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__ == set(Product.model_fields)
    assert a.shown_prices[0].__pydantic_fields_set__ is b.shown_prices[0].__pydantic_fields_set__
    assert a.model_dump(exclude_unset=True) == a.model_dump()
    copy = a.model_copy(update={"title": "茶杯"})
    copy.sku = "C"
    assert (copy.title, copy.sku, a.title, a.sku, b.sku) == ("茶杯", "C", "茶壶", "A", "B")
    assert b.__pydantic_fields_set__ == set(Product.model_fields)
