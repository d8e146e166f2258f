"""The crawler against a real HTTP server on 127.0.0.1 (a small store written per test)."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import date

import openpyxl
import pytest

from checker.audit import run_audit
from checker.config import Config
from checker.crawl.serve import serve_directory

PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1 class="product-title">{title}</h1><span data-sku="{sku}"></span><span class="price-current">{price}元</span>
{body}</body></html>"""


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "p").mkdir(parents=True)
    (root / "img").mkdir()
    (root / "img" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)

    def page(name, sku, body="", title=None, encoding="utf-8"):
        html = PAGE.format(title=title or sku, sku=sku, price=10, body=body)
        (root / "p" / name).write_bytes(html.encode(encoding))

    page("a.html", "A", '<img src="/img/ok.png"><a href="/p/b.html">B</a><a href="/p/missing.html">M</a>')
    page("b.html", "B")
    page("gbk.html", "GBK-1", title="云南普洱茶 特级", encoding="gbk")  # labelled utf-8, really GBK
    (root / "_redirects").write_text(
        "/p/old.html /p/mid.html 301\n/p/mid.html /p/b.html 301\n"
        "/p/loop-a.html /p/loop-b.html 302\n/p/loop-b.html /p/loop-a.html 302\n"
        "/p/away.html http://10.0.0.1/admin 302\n", encoding="utf-8")
    urls = ["a.html", "gbk.html", "old.html", "loop-a.html", "away.html", "gone.html"]
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>http://shop.local/p/{u}</loc></url>" for u in urls) + "</urlset>", encoding="utf-8")
    with serve_directory(root) as origin:
        yield origin


def audit(origin, tmp_path, **kw):
    return run_audit(Config(), [f"{origin}/sitemap.xml"], output=tmp_path / "a.xlsx", today=date(2026, 11, 23), **kw)


def test_outcomes_of_each_url(site, tmp_path):
    result = audit(site, tmp_path)
    pages = {url.removeprefix(site): p for url, p in result.ctx.pages.items()}
    assert set(pages) == {"/p/a.html", "/p/gbk.html", "/p/old.html", "/p/loop-a.html", "/p/away.html",
                          "/p/gone.html", "/p/b.html", "/p/missing.html"}
    assert pages["/p/old.html"].fetch.final_url == site + "/p/b.html"
    assert len(pages["/p/old.html"].fetch.redirects) == 2
    assert pages["/p/loop-a.html"].fetch.redirect_loop
    assert "another host refused" in pages["/p/away.html"].fetch.error
    assert pages["/p/gone.html"].fetch.status == 404
    assert pages["/p/gbk.html"].product.title == "云南普洱茶 特级"
    assert pages["/p/b.html"].seed is False and pages["/p/b.html"].referrers == [site + "/p/a.html"]
    assert pages["/p/missing.html"].fetch.status == 404 and not pages["/p/missing.html"].seed
    assert result.ctx.checked[site + "/img/ok.png"].ok
    codes = sorted((f.code, f.url.removeprefix(site)) for f in result.findings)
    assert codes == [("LN001", "/p/away.html"), ("LN001", "/p/gone.html"), ("LN003", "/p/a.html"),
                     ("LN004", "/p/loop-a.html"), ("LN004", "/p/old.html")]


def test_every_url_in_is_a_page_or_an_error_row(site, tmp_path):
    result = audit(site, tmp_path)
    ctx = result.ctx
    parsed = [p for p in ctx.pages.values() if p.fetch.ok]
    failed = {p.url for p in ctx.pages.values() if not p.fetch.ok}
    assert failed == {e.source for e in ctx.errors if e.stage == "fetch" and e.source in ctx.pages}
    assert len(parsed) + len(failed) == len(ctx.pages) == 8


def test_interrupted_audit_leaves_a_partial_workbook(site, tmp_path):
    calls = []

    def interrupt(phase, done, total):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    result = audit(site, tmp_path, progress=interrupt)
    assert isinstance(result.exception, KeyboardInterrupt) and result.ctx.partial
    wb = openpyxl.load_workbook(result.workbook)
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert "PARTIAL" in summary["状态 Status"] and "Ctrl-C" in summary["中断原因 Interrupted by"]
    assert 1 <= summary["抓取页面 Pages crawled"] < 8


def test_unreachable_server_is_an_error_not_a_crash(tmp_path):
    """Its robots.txt cannot be reached, so (RFC 9309) nothing on it is fetched: the Errors sheet says why.
    Without robots.txt the page itself fails: LN001."""
    result = run_audit(Config(), ["http://127.0.0.1:9/p/x.html"], output=tmp_path / "a.xlsx")
    assert result.exception is None and result.findings == []
    robots, page = result.ctx.errors
    assert robots.source == "http://127.0.0.1:9/robots.txt" and "unreachable: connection failed" in robots.reason
    assert page.stage == "skip" and "robots.txt unreachable" in page.reason
    config = Config.model_validate({"crawl": {"respect_robots": False}})
    result = run_audit(config, ["http://127.0.0.1:9/p/x.html"], output=tmp_path / "b.xlsx")
    assert result.exception is None
    assert [f.code for f in result.findings] == ["LN001"]
    assert "connection failed" in result.ctx.errors[0].reason


def big_store(tmp_path, n=260):
    """n product pages in a sitemap, each linking to the next, one to a missing page, one with
    an ad-law word: enough pages for the crawler to fork its workers."""
    root = tmp_path / "big"
    (root / "p").mkdir(parents=True)
    for i in range(n):
        links = f'<a href="/p/{(i + 1) % n}.html">next</a>' + ('<a href="/p/gone.html">旧款</a>' if i == 3 else "")
        (root / "p" / f"{i}.html").write_text(
            PAGE.format(title=f"商品 {i}" + (" 最佳品质" if i == 7 else ""), sku=f"SKU-{i}", price=i, body=links),
            encoding="utf-8")
    (root / "sitemap.xml").write_text(
        "<urlset>" + "".join(f"<url><loc>http://shop.local/p/{i}.html</loc></url>" for i in range(n)) + "</urlset>",
        encoding="utf-8")
    return root


def _pointing(result):
    """Link target -> the pages that link to it."""
    ctx = result.ctx
    return {target: sorted(ctx.pages.entry_at(n).url for n in numbers)
            for target, numbers in ctx.links.pointing_at(list(ctx.links)).items()}


def _shape(result):
    return sorted((f.code, f.url.rsplit("/", 1)[-1], f.evidence) for f in result.findings)


def test_large_crawl_runs_in_crawl_workers(tmp_path):
    n = 260
    with serve_directory(big_store(tmp_path, n)) as origin:
        result = run_audit(Config(crawl={"workers": 2}), [f"{origin}/sitemap.xml"], output=tmp_path / "a.xlsx")
        alone = run_audit(Config(crawl={"workers": 0}), [f"{origin}/sitemap.xml"], output=tmp_path / "b.xlsx")
    assert result.ctx.workers == 2 and alone.ctx.workers == 0
    assert sorted(p.sku for p in result.ctx.products) == sorted(f"SKU-{i}" for i in range(n))
    assert len(result.ctx.rules_done) == n + 1  # every page's own rules ran in a worker (+ the 404 page)
    assert [(f.code, f.sku, f.extra["term"]) for f in result.findings if f.code == "AD001"] == [("AD001", "SKU-7", "最佳")]
    assert ("LN003", "3.html", "旧款 -> " + origin + "/p/gone.html") in _shape(result)
    assert _shape(result) == _shape(alone)  # the same audit, whichever process crawled the page


def test_crawl_in_workers_interrupted_then_resumed(tmp_path):
    """Ctrl-C while workers crawl: each worker's journal keeps its pages; --resume takes them all back."""
    with serve_directory(big_store(tmp_path)) as origin:
        start = [f"{origin}/sitemap.xml"]
        config = Config(crawl={"workers": 2, "concurrency": 4})
        calls = []

        def interrupt(phase, done, total):
            calls.append(done)
            if len(calls) == 100:
                raise KeyboardInterrupt

        first = run_audit(config, start, output=tmp_path / "out" / "a.xlsx", progress=interrupt)
        assert first.ctx.partial and isinstance(first.exception, KeyboardInterrupt)
        assert list((tmp_path / "out").glob(".crawl-state.shard-*.jsonl")), "each worker keeps its own journal"
        second = run_audit(config, start, output=tmp_path / "out" / "a.xlsx", resume=True)
        full = run_audit(config, start, output=tmp_path / "full.xlsx")
    assert second.ctx.resumed_pages >= 100
    assert not second.ctx.partial and len(second.ctx.pages) == len(full.ctx.pages) == 261
    assert _shape(second) == _shape(full)
    assert not list((tmp_path / "out").glob(".crawl-state*")), "a finished crawl removes its journals"


def test_resumed_twice_equals_a_full_crawl(tmp_path):
    """Each resume starts numbering links afresh in every journal (a marked restart): pages
    journalled before and after it read back with the right links.  Enough pages that the
    resumed crawl forks workers again, which append to the first run's worker journals."""
    n = 600
    with serve_directory(big_store(tmp_path, n)) as origin:
        start = [f"{origin}/sitemap.xml"]
        config = Config(crawl={"workers": 2, "concurrency": 4})

        def interrupt_at(n):
            calls = []

            def interrupt(phase, done, total):
                calls.append(done)
                if len(calls) == n:
                    raise KeyboardInterrupt
            return interrupt

        out = tmp_path / "out" / "a.xlsx"
        run_audit(config, start, output=out, progress=interrupt_at(80))
        second = run_audit(config, start, output=out, resume=True, progress=interrupt_at(80))
        assert second.ctx.partial and second.ctx.resumed_pages >= 80
        journals = [p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob(".crawl-state*.jsonl")]
        assert all(j.count('{"kind": "numbers"}') == 2 for j in journals)  # main and workers, each run
        third = run_audit(config, start, output=out, resume=True)
        full = run_audit(config, start, output=tmp_path / "full.xlsx")
    assert third.ctx.resumed_pages > second.ctx.resumed_pages
    assert not third.ctx.partial and len(third.ctx.pages) == len(full.ctx.pages) == n + 1
    assert _shape(third) == _shape(full)
    assert _pointing(third) == _pointing(full)
    assert {u: third.ctx.links.label(u) for u in third.ctx.links} == {u: full.ctx.links.label(u) for u in full.ctx.links}


@pytest.mark.parametrize("dead_before_next_deal", [False, True], ids=["found-by-read", "found-by-write"])
def test_a_worker_that_dies_does_not_lose_pages(tmp_path, dead_before_next_deal):
    """A worker killed mid-crawl (out of memory, say): its pages in flight are crawled by the
    other worker, the audit completes, and the error sheet says what happened.  Dead before the
    crawler deals it more pages, the dealing finds it (a broken pipe), not a read: that crashed
    the crawl now and then."""
    with serve_directory(big_store(tmp_path)) as origin:
        killed = []

        def kill_one_worker(phase, done, total):
            if done == 60 and not killed:
                victim = multiprocessing.active_children()[0]
                os.kill(victim.pid, signal.SIGKILL)
                if dead_before_next_deal:
                    victim.join(5)  # its end of the pipe is closed before this page's outcome is dealt on
                killed.append(victim.name)

        result = run_audit(Config(crawl={"workers": 2, "concurrency": 8}), [f"{origin}/sitemap.xml"],
                           output=tmp_path / "a.xlsx", progress=kill_one_worker)
    assert killed and not result.ctx.partial and result.exception is None
    assert len(result.ctx.pages) == 261 and sum(p.fetch.ok for p in result.ctx.pages.values()) == 260
    assert [(e.stage, e.source) for e in result.ctx.errors if e.stage == "crawl"] == [("crawl", killed[0])]


def test_malformed_urls_keep_the_page_and_report_the_image(tmp_path):
    """An image URL that does not parse is a broken image of a page that is kept, with its
    product; a link that does not parse is not followed."""
    root = tmp_path / "site"
    (root / "p").mkdir(parents=True)
    body = ('<div class="product-gallery"><img src="http://[bad/a.png"></div>'
            '<a href="http://[bad/x.html">x</a><svg><link rel="canonical" xlink:href="/p/a.html"/></svg>')
    (root / "p" / "a.html").write_text(PAGE.format(title="A", sku="A", price=10, body=body), encoding="utf-8")
    with serve_directory(root) as origin:
        result = run_audit(Config(), [f"{origin}/p/a.html"], output=tmp_path / "a.xlsx", today=date(2026, 11, 23))
    page = result.ctx.pages[f"{origin}/p/a.html"]
    assert page.fetch.ok and page.product.sku == "A"
    assert not [e for e in result.ctx.errors if e.stage == "crawl"]
    assert not result.ctx.checked["http://[bad/a.png"].ok
    broken = [f for f in result.findings if f.code == "LN002"]
    assert [f.url for f in broken] == [f"{origin}/p/a.html"] and "does not parse" in broken[0].message


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc")
def test_the_page_store_files_are_made_beside_the_workbook(site, tmp_path):
    """Not in /tmp: ~150 MB at 100,000 pages, which a small temporary folder may not have."""
    result = audit(site, tmp_path / "out")
    ctx = result.ctx
    for store in (ctx.pages, ctx.links, ctx.images):
        assert os.readlink(f"/proc/self/fd/{store.records._fd}").startswith(f"{tmp_path / 'out'}/")


def test_a_page_reached_directly_and_through_redirects_is_audited_once(tmp_path):
    """The sitemap lists a product page and a retired URL that redirects to it: the product is read and
    screened once (its AD001 finding came twice before), and the redirect chain is still LN004's, with
    the product's SKU."""
    root = tmp_path / "site"
    (root / "p").mkdir(parents=True)
    (root / "p" / "tea.html").write_text(PAGE.format(title="国家级 龙井", sku="T-1", price=10, body=""),
                                         encoding="utf-8")
    (root / "_redirects").write_text("/p/old.html /p/mid.html 301\n/p/mid.html /p/tea.html 301\n", encoding="utf-8")
    (root / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>http://shop.local/p/{u}</loc></url>" for u in ("old.html", "tea.html"))
        + "</urlset>", encoding="utf-8")
    with serve_directory(root) as origin:
        result = audit(origin, tmp_path)
    assert [(f.code, f.url.removeprefix(origin)) for f in result.findings if f.code == "AD001"] == [
        ("AD001", "/p/tea.html")]
    [chain] = [f for f in result.findings if f.code == "LN004"]
    assert (chain.url.removeprefix(origin), chain.sku) == ("/p/old.html", "T-1")
    assert result.ctx.product_count == 1
