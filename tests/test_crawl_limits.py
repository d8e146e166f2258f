"""Crawl limits and silent failures against real servers on 127.0.0.1: endless sitemap indexes,
big sitemaps, robots.txt server errors, empty pages, retries that wait, a per-URL deadline."""

from __future__ import annotations

import contextlib
import re
import socket
import time

import openpyxl
from faultserver import routed

from checker.audit import run_audit
from checker.config import Config

FAST = {"read_timeout": 2, "timeout": 5, "retries": 0, "backoff_base": 0.01, "concurrency": 4}
XML = "application/xml"
HTML = "text/html; charset=utf-8"


def config(**crawl):
    return Config(crawl={**FAST, **crawl})


def urlset(*urls: str, padding: int = 0) -> bytes:
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + " " * padding + "</urlset>").encode()


def sitemapindex(*urls: str) -> bytes:
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls) + "</sitemapindex>").encode()


def product(sku: str) -> bytes:
    return (f'<html><body><h1 class="product-title">Tea {sku}</h1><span data-sku="{sku}"></span>'
            f'<span class="price-current">99元</span></body></html>').encode()


def errors(workbook) -> list[tuple]:
    return list(openpyxl.load_workbook(workbook)["Errors"].iter_rows(min_row=2, values_only=True))


def test_an_endless_chain_of_sitemap_indexes_stops_at_the_depth_cap(tmp_path):
    with routed() as (server, shop):
        def chain(handler):
            found = re.fullmatch(r"/idx/(\d+)\.xml", handler.path)
            if not found:
                return 200, HTML, product("P")
            n = int(found.group(1))
            return 200, XML, sitemapindex(f"{shop}/idx/{n + 1}.xml")

        server.routes["*"] = chain
        out = tmp_path / "a.xlsx"
        run_audit(config(max_sitemap_depth=3), [f"{shop}/idx/0.xml"], output=out)
    fetched = sorted(path for path in server.hits if path.startswith("/idx/"))
    assert fetched == ["/idx/0.xml", "/idx/1.xml", "/idx/2.xml", "/idx/3.xml"]  # depth 0..3, once each
    (row,) = [r for r in errors(out) if r[2] == "crawl.max_sitemap_depth = 3"]
    assert row[0] == "跳过 skip" and row[1] == f"{shop}/idx/4.xml" and "listed in" in row[3]


def test_sitemap_count_cap_and_max_pages(tmp_path):
    with routed() as (server, shop):
        children = [f"{shop}/map/{n}.xml" for n in range(40)]
        server.routes["/index.xml"] = (200, XML, sitemapindex(*children))
        server.routes["*"] = lambda h: ((200, XML, urlset(f"{shop}/p{h.path[5:-4]}.html"))
                                        if h.path.startswith("/map/") else (200, HTML, product("P")))
        out = tmp_path / "a.xlsx"
        result = run_audit(config(max_sitemaps=5, max_depth=0), [f"{shop}/index.xml"], output=out)
        assert sum(n for path, n in server.hits.items() if path.startswith("/map/")) == 4  # + the index
        (row,) = [r for r in errors(out) if r[2] == "crawl.max_sitemaps = 5"]
        assert row[1] == "36 sitemaps"
        assert len(result.ctx.pages) == 4
        # sitemap fetches count against max_pages: 3 sitemaps and 2 pages make 5
        capped = run_audit(config(max_pages=5, max_depth=0), [f"{shop}/index.xml"], output=tmp_path / "b.xlsx")
        assert len(capped.ctx.pages) == 2
        (row,) = [e for e in capped.ctx.errors if e.location == "crawl.max_pages"]
        assert "/map/" in row.reason


def test_a_sitemap_over_10_mb_is_read(tmp_path):
    """The sitemap protocol allows 50 MB uncompressed; pages stay capped at max_body_bytes (10 MB)."""
    with routed() as (server, shop):
        server.routes["/sitemap.xml"] = (200, XML, urlset(f"{shop}/p/a.html", padding=12_000_000))
        server.routes["/p/a.html"] = (200, HTML, product("A"))
        result = run_audit(config(max_depth=0), [f"{shop}/sitemap.xml"], output=tmp_path / "a.xlsx")
    assert server.hits["/p/a.html"] == 1 and result.ctx.pages[f"{shop}/p/a.html"].fetch.ok
    assert not [e for e in result.ctx.errors if e.location == "sitemap"]


def test_robots_txt_server_error_disallows_all_and_4xx_allows(tmp_path):
    with routed() as (server, shop):
        server.routes["/p/a.html"] = (200, HTML, product("A"))
        server.routes["/robots.txt"] = (503, "text/plain", b"down")
        out = tmp_path / "a.xlsx"
        result = run_audit(config(), [f"{shop}/p/a.html"], output=out)
        assert server.hits["/p/a.html"] == 0
        fetch = result.ctx.pages[f"{shop}/p/a.html"].fetch
        assert fetch.skipped and "HTTP 503" in fetch.error and "RFC 9309" in fetch.error
        (row,) = [r for r in errors(out) if r[2] == "robots.txt"]
        assert row[1] == f"{shop}/robots.txt" and "HTTP 503" in row[3] and "disallowed" in row[3]
        assert not [f for f in result.findings if f.code == "LN001"]  # skipped on purpose, not broken

        server.routes["/robots.txt"] = (404, "text/plain", b"none")
        allowed = run_audit(config(), [f"{shop}/p/a.html"], output=tmp_path / "b.xlsx")
        assert server.hits["/p/a.html"] == 1 and allowed.ctx.pages[f"{shop}/p/a.html"].fetch.ok


def test_robots_txt_unreachable_disallows_all(tmp_path):
    """RFC 9309 2.3.1.4: a robots.txt that cannot be reached (the connection reset, no answer) is
    "unreachable", as a server error is: the whole site is disallowed, and the Errors sheet says why."""

    def reset(handler):
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)

    with routed() as (server, shop):
        server.routes["/p/a.html"] = (200, HTML, product("A"))
        server.routes["/robots.txt"] = reset
        out = tmp_path / "a.xlsx"
        result = run_audit(config(), [f"{shop}/p/a.html"], output=out)
    assert server.hits["/robots.txt"] >= 1 and server.hits["/p/a.html"] == 0
    fetch = result.ctx.pages[f"{shop}/p/a.html"].fetch
    assert fetch.skipped and "robots.txt unreachable" in fetch.error and "RFC 9309" in fetch.error
    (row,) = [r for r in errors(out) if r[2] == "robots.txt"]
    assert row[1] == f"{shop}/robots.txt" and row[3].startswith("unreachable: ") and "无法访问" in row[3]
    assert not [f for f in result.findings if f.code == "LN001"]


def test_robots_txt_redirecting_in_a_loop_is_unavailable_and_allows(tmp_path):
    """RFC 9309 2.3.1.2: too many redirects may be taken as robots.txt unavailable (as a 4xx): no rules."""
    with routed() as (server, shop):
        server.routes["/p/a.html"] = (200, HTML, product("A"))
        server.routes["/robots.txt"] = (301, "text/plain", b"", {"Location": f"{shop}/robots.txt"})
        result = run_audit(config(), [f"{shop}/p/a.html"], output=tmp_path / "a.xlsx")
    assert server.hits["/p/a.html"] == 1 and result.ctx.pages[f"{shop}/p/a.html"].fetch.ok
    assert not [e for e in result.ctx.errors if e.location == "robots.txt"]


def test_empty_pages_are_errors(tmp_path):
    with routed() as (server, shop):
        server.routes.update({
            "/p/ok.html": (200, HTML, product("OK")),
            "/p/no-body.html": (200, HTML, b""),
            "/p/spaces.html": (200, HTML, b" \n\t "),
            "/p/blank.html": (200, HTML, b"<html><head><title>Shop</title></head><body>\n <script>x=1</script></body></html>"),
            "/p/204.html": (204, "", b""),
        })
        paths = ["/p/ok.html", "/p/no-body.html", "/p/spaces.html", "/p/blank.html", "/p/204.html"]
        out = tmp_path / "a.xlsx"
        result = run_audit(config(), [shop + p for p in paths], output=out)
    pages = result.ctx.pages
    assert pages[f"{shop}/p/ok.html"].fetch.ok
    empty = paths[1:]
    for path in empty:
        assert "empty page" in pages[shop + path].fetch.error, path
    rows = {r[1]: r for r in errors(out)}
    assert all(shop + p in rows and "空白页面" in rows[shop + p][3] for p in empty)
    assert {f.url.removeprefix(shop) for f in result.findings if f.code == "LN001"} == set(empty)


def test_retries_wait_without_their_host_slot(tmp_path):
    """One slot per host: while /p/busy.html waits to retry a 503, /p/other.html is fetched."""
    with routed() as (server, shop):
        def busy(handler):
            if server.hits["/p/busy.html"] == 1:
                return 503, "text/plain", b"busy", {"Retry-After": "1"}
            return 200, HTML, product("BUSY")

        order: list[str] = []
        server.routes["/p/busy.html"] = lambda h: (order.append("busy"), busy(h))[1]
        server.routes["/p/other.html"] = lambda h: (order.append("other"), (200, HTML, product("OTHER")))[1]
        result = run_audit(config(per_host_concurrency=1, concurrency=2, retries=1, check_links=False,
                                  check_images=False),
                           [f"{shop}/p/busy.html", f"{shop}/p/other.html"], output=tmp_path / "a.xlsx")
    assert order == ["busy", "other", "busy"]
    assert result.ctx.pages[f"{shop}/p/busy.html"].product.sku == "BUSY"


def test_a_deadline_bounds_one_url_across_attempts(tmp_path):
    """A page trickling a byte at a time times out on each attempt; the deadline stops the retries."""
    with routed() as (server, shop):
        def trickle(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", HTML)
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            try:
                for _ in range(100000):
                    handler.wfile.write(b"x")
                    handler.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return None

        server.routes["/p/trickle.html"] = trickle
        result = run_audit(config(timeout=0.5, retries=5, backoff_base=0.01, url_deadline=1.2),
                           [f"{shop}/p/trickle.html"], output=tmp_path / "a.xlsx")
    fetch = result.ctx.pages[f"{shop}/p/trickle.html"].fetch
    assert "url_deadline" in fetch.error and "timeout" in fetch.error
    assert 2 <= server.hits["/p/trickle.html"] <= 3  # not the 6 attempts retries = 5 allows
