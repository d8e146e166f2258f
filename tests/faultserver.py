"""A fault-injecting shop on 127.0.0.1 for crawler tests: a real HTTP server (threads, sockets)
that misbehaves the ways live shops do.  Every path it serves is listed in ``SITEMAP_PATHS`` or
linked from a page, and ``hits`` counts requests per path so tests can assert what was fetched.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PRODUCT = """<html><head><meta charset="{charset}"><title>{title}</title></head><body>
<h1 class="product-title">{title}</h1><span data-sku="{sku}"></span><span class="price-current">{price}元</span>
{extra}</body></html>"""

GBK_TITLE = "云南普洱茶 特级熟茶"
GBK_COPY = "<div class=product-description>国家级品质，产地云南。</div>"  # ad-law wording the audit must flag
SITEMAP_PATHS = [
    "/p/ok.html", "/p/slow.html", "/p/gone-404.html", "/p/gone-410.html", "/p/throttled.html",
    "/p/flaky.html", "/p/reset.html", "/p/loop-a.html", "/p/offhost.html", "/p/huge.html",
    "/p/gzip-bomb.html", "/p/gbk.html", "/p/malformed.html", "/private/secret.html", "/p/etag.html",
    "/p/ok.html?utm_source=newsletter", "/p/ok.html#reviews",
]  # fmt: skip
# The last two are the same page as /p/ok.html: normalisation must fetch it once.
UNIQUE_URLS = 15

SHOPIFY = [{"id": i, "title": f"Shopify item {i}", "handle": f"item-{i}", "body_html": "<p>Good tea</p>",
            "vendor": "Acme", "variants": [{"sku": f"SH-{i}", "price": "19.90", "compare_at_price": "29.90",
                                            "available": i % 2 == 0}], "images": []} for i in range(1, 6)]
WOO = [{"id": i, "name": f"Woo item {i}", "permalink": f"http://x/p/woo-{i}", "sku": f"WC-{i}",
        "prices": {"price": "1990", "regular_price": "2990", "currency_code": "CNY", "currency_minor_unit": 2},
        "description": "<p>Nice</p>", "images": [], "is_in_stock": True} for i in range(1, 4)]


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self, sku: str, title: str | None = None, extra: str = "", charset: str = "utf-8") -> bytes:
        return PRODUCT.format(charset=charset, title=title or sku, sku=sku, price=99, extra=extra).encode(
            "gbk" if charset == "gbk-lie" else "utf-8")

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):  # noqa: C901  (one branch per fault, on purpose)
        parts = urlsplit(self.path)
        path = parts.path
        self.server.hits[path] += 1
        self.server.log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
        n = self.server.hits[path]
        origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        if path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /private/\n\nSitemap: {origin}/sitemap.xml.gz\n".encode()
            return self._send(200, body, "text/plain")
        if path == "/sitemap.xml.gz":
            urls = "".join(f"<url><loc>{origin}{p}</loc></url>" for p in SITEMAP_PATHS)
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return self._send(200, gzip.compress(xml.encode()), "application/gzip")
        if path == "/":
            return self._send(200, b"<html><body><h1>Fault shop</h1></body></html>")
        if path == "/p/ok.html":
            return self._send(200, self._page("OK-1", extra='<img src="/img/ok.png"><a href="/p/linked.html">L</a>'))
        if path == "/p/linked.html":
            return self._send(200, self._page("LINKED-1"))
        if path == "/img/ok.png":
            return self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")
        if path == "/p/slow.html":
            time.sleep(self.server.slow_seconds)
            return self._send(200, self._page("SLOW-1"))
        if path == "/p/gone-404.html":
            return self._send(404, b"not found")
        if path == "/p/gone-410.html":
            return self._send(410, b"gone")
        if path == "/p/throttled.html":
            if n == 1:
                return self._send(429, b"slow down", headers={"Retry-After": "1"})
            return self._send(200, self._page("THROTTLED-1"))
        if path == "/p/flaky.html":
            if n == 1:
                return self._send(500, b"oops")
            return self._send(200, self._page("FLAKY-1"))
        if path == "/p/reset.html":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return None
        if path in ("/p/loop-a.html", "/p/loop-b.html"):
            target = "/p/loop-b.html" if path.endswith("a.html") else "/p/loop-a.html"
            return self._send(302, b"", headers={"Location": target})
        if path == "/p/offhost.html":
            return self._send(302, b"", headers={"Location": "http://10.0.0.1/admin"})
        if path == "/p/huge.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            with contextlib.suppress(OSError):
                for _ in range(50 * 16):
                    self.wfile.write(chunk)
            self.close_connection = True
            return None
        if path == "/p/gzip-bomb.html":
            return self._send(200, self.server.bomb, headers={"Content-Encoding": "gzip"})
        if path == "/p/gbk.html":  # labelled UTF-8, really GBK: shops do this
            page = self._page("GBK-1", GBK_TITLE, GBK_COPY, charset="gbk-lie")
            return self._send(200, page.replace(b"gbk-lie", b"utf-8"))
        if path == "/p/malformed.html":
            body = b"<html><body><h1 class='product-title'>Broken <b>page<div><span data-sku='MAL-1'>" \
                   b"<span class=price-current>\xc2\xa512.5</span><table><tr><td>unclosed<p><<>>&&"
            return self._send(200, body)
        if path == "/private/secret.html":
            return self._send(200, self._page("SECRET-1"))
        if path == "/p/etag.html":
            if self.headers.get("If-None-Match") == '"v1"':
                self.server.hits["304"] += 1
                return self._send(304, b"", headers={"ETag": '"v1"'})
            return self._send(200, self._page("ETAG-1"), headers={"ETag": '"v1"'})
        if path == "/products.json":
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            items = SHOPIFY[(page - 1) * 2: page * 2]  # 2 per page, ignoring ?limit on purpose
            return self._send(200, json.dumps({"products": items}).encode(), "application/json")
        if path == "/wp-json/wc/store/v1/products":
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            return self._send(200, json.dumps(WOO if page == 1 else []).encode(), "application/json")
        return self._send(404, b"no such page")


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, slow_seconds: float = 3.0):
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[float, str, str]] = []  # (monotonic time, path, User-Agent) per request
        self.slow_seconds = slow_seconds
        self.bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # 64 MB of zeros in ~64 KB


@contextlib.contextmanager
def serving(server: ThreadingHTTPServer):
    """Serve ``server`` on a thread; yields (server, origin) and shuts it down after."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def running(slow_seconds: float = 3.0):
    with serving(FaultServer(slow_seconds)) as running_server:
        yield running_server


class ConnectionRecorder:
    """A forbidden target: a TCP server on a loopback alias (127.0.0.2, ``::1``) that counts every
    connection it accepts and answers each with a valid page, so a fetch that reached it would
    have succeeded.  Tests assert ``connections == 0``."""

    def __init__(self, host: str) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.origin = f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        body = b'<?xml version="1.0"?><urlset><url><loc>http://127.0.0.2/leak</loc></url></urlset>'
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with contextlib.suppress(OSError), conn:
                conn.settimeout(1)
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


class RoutedHandler(BaseHTTPRequestHandler):
    """Answers from ``server.routes``: path -> (status, content type, body[, headers]) or a
    callable(handler) returning one (None: it wrote its answer); ``"*"``: any other path."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urlsplit(self.path).path
        self.server.hits[path] += 1
        route = self.server.routes.get(path, self.server.routes.get("*", (404, "text/plain", b"no such page")))
        if callable(route):
            route = route(self)
        if route is None:
            return None  # the route wrote its own answer
        status, ctype, body, headers = route if len(route) == 4 else (*route, {})
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and body:
            with contextlib.suppress(OSError):  # the client gave up (a deadline, a signal): not the test's error
                self.wfile.write(body)


@contextlib.contextmanager
def routed(routes: dict | None = None):
    """A shop on 127.0.0.1 whose answers a test writes: yields (server, origin); fill
    ``server.routes`` (path -> (status, content type, bytes[, headers]) or a callable) once the
    origin is known."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), RoutedHandler)
    server.daemon_threads = True
    server.routes = dict(routes or {})
    server.hits = Counter()
    with serving(server) as running_server:
        yield running_server
