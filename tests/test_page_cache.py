"""The page cache against a shop that sends ETag and Last-Modified (as nginx does), with enough
pages for the crawl to fork its workers and enough links a page for the cache to outgrow SQLite's
page cache (issue 22: the writer's lock then failed pages with "database is locked")."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from faultserver import serving

from checker.audit import run_audit
from checker.config import Config
from checker.crawl.cache import PageCache

PAGES = 400  # above the crawler's WORKER_THRESHOLD: the pages are crawled by forked workers
LAST_MODIFIED = "Sun, 01 Nov 2026 08:00:00 GMT"
NAV = "".join(f'<a href="/c/{n}.html">类目 category {n}</a>' for n in range(110))  # a mega-menu


def product(n: int) -> bytes:
    related = "".join(f'<a href="/p/{(n + k) % PAGES}.html">related {k}</a>' for k in range(1, 9))
    return (f'<html><head><title>P{n}</title></head><body><nav>{NAV}</nav><h1 class="product-title">'
            f'Product {n}</h1><span data-sku="SKU-{n}"></span><span class="price-current">{n + 10}元</span>'
            f'<img src="/img/shared-broken.png">{related}</body></html>').encode()


class CachingShop(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        hits = self.server.hits
        if path == "/sitemap.xml":
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            urls = "".join(f"<url><loc>{origin}/p/{n}.html</loc></url>" for n in range(PAGES))
            return self._send(200, f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
                              .encode(), {"Content-Type": "application/xml"})
        if path.startswith("/p/") and path.removeprefix("/p/").removesuffix(".html").isdigit():
            n = int(path.removeprefix("/p/").removesuffix(".html"))
            validators = {"ETag": f'"p{n}-v1"', "Last-Modified": LAST_MODIFIED}
            with self.server.lock:
                if self.headers.get("If-None-Match") == validators["ETag"]:
                    hits["304"] += 1
                    return self._send(304, headers=validators)
                hits["200"] += 1
            return self._send(200, product(n), validators)
        return self._send(404, b"not found")


@contextlib.contextmanager
def caching_shop():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CachingShop)
    server.daemon_threads = True
    server.hits, server.lock = Counter(), threading.Lock()
    with serving(server) as running_server:
        yield running_server


def audit(origin: str, output):
    config = Config(crawl={"max_depth": 0, "workers": 2, "concurrency": 16, "timeout": 10, "retries": 0})
    return run_audit(config, [origin + "/sitemap.xml"], output=output, today=date(2026, 11, 23))


def product_pages(result, origin):
    return {url: page for url, page in result.ctx.pages.items() if url.startswith(origin + "/p/")}


def test_first_run_and_rerun_with_the_cache(tmp_path):
    with caching_shop() as (server, origin):
        first = audit(origin, tmp_path / "first.xlsx")
        assert first.ctx.workers == 2
        pages = product_pages(first, origin)
        assert len(pages) == PAGES and all(page.fetch.ok for page in pages.values())  # no page failed for the cache
        assert not [e for e in first.ctx.errors if e.stage in ("fetch", "cache", "crawl")]
        assert server.hits["200"] == PAGES and first.ctx.cache_hits == 0

        second = audit(origin, tmp_path / "second.xlsx")
        assert server.hits["304"] == PAGES and server.hits["200"] == PAGES  # every page revalidated, none sent again
        assert second.ctx.cache_hits == PAGES
        again = product_pages(second, origin)
        assert all(page.fetch.ok for page in again.values())
        assert sorted(p.product.sku for p in again.values()) == sorted(p.product.sku for p in pages.values())
        assert Counter(f.code for f in second.findings) == Counter(f.code for f in first.findings)


def test_a_broken_cache_file_fails_no_page(tmp_path):
    """Garbage where the cache file is: the audit fetches every page whole and says why."""
    (tmp_path / ".checker-cache").mkdir()
    (tmp_path / ".checker-cache" / "pages.sqlite").write_bytes(b"not a database" * 100)
    with caching_shop() as (server, origin):
        result = audit(origin, tmp_path / "a.xlsx")
        assert all(page.fetch.ok for page in product_pages(result, origin).values())
        assert len(product_pages(result, origin)) == PAGES
        assert [e.stage for e in result.ctx.errors if e.stage == "cache"] == ["cache"]


def test_a_locked_cache_is_not_waited_for(tmp_path):
    """Another audit holding the write lock: reading is not blocked (WAL), the write is dropped at
    once (no busy timeout), and the cache turns itself off saying why."""
    path = tmp_path / "pages.sqlite"
    cache = PageCache(path, "k")
    cache.store("http://x/p", '"e"', None, b"x")
    cache.close()
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        locked = PageCache(path, "k")
        assert locked.validators("http://x/p") == {"If-None-Match": '"e"'} and locked.problem is None
        locked.store("http://x/q", '"e"', None, b"y")
        locked.close()
        assert "locked" in locked.problem and locked.validators("http://x/p") == {}
    finally:
        other.rollback()
        other.close()
    assert PageCache(path, "k").validators("http://x/q") == {}


def test_a_fork_inherits_no_cache_thread_and_loses_no_write(tmp_path):
    """Forking a crawl worker parks the cache (no thread inside SQLite, no open connection for the
    child to inherit); what was handed to it is written, and it works on afterwards."""
    import multiprocessing

    cache = PageCache(tmp_path / "pages.sqlite", "k")
    cache.store("http://x/a", '"a"', None, b"a")
    cache._flush()  # handed to the cache thread
    assert cache._thread is not None
    child = multiprocessing.get_context("fork").Process(target=lambda: None)
    child.start()
    child.join()
    assert cache._thread is None and cache._db is None
    cache.store("http://x/b", '"b"', None, b"b")
    cache.close()
    assert cache.problem is None
    again = PageCache(tmp_path / "pages.sqlite", "k")
    assert again.validators("http://x/a") and again.validators("http://x/b")
    again.close()
