"""A shop answering 30 % of first requests with 503: pages per second of a crawl whose retries
wait (backoff) with or without their host's concurrency slot (issue 21).

    .venv/bin/python benchmarks/bench_retries.py [--pages 1000] [--fail 30] [--root DIR]

``--root DIR`` imports store-checker from another checkout (A/B against main).  The shop is a
threaded server on 127.0.0.1; the crawl runs in the main process (workers = 0) with
per_host_concurrency = 8, backoff_base = 0.5 s, no link or image checks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Shop(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: Counter = Counter()
    pages = 1000
    fail = 30  # per cent of pages whose first request answers 503

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.hits[self.path] += 1
        if self.path == "/sitemap.xml":
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            urls = "".join(f"<url><loc>{origin}/p/{n}.html</loc></url>" for n in range(self.pages))
            return self._send(200, f"<urlset>{urls}</urlset>".encode(), "application/xml")
        if self.hits[self.path] == 1 and zlib.crc32(self.path.encode()) % 100 < self.fail:
            return self._send(503, b"busy", "text/plain")
        body = f'<html><body><h1 class="product-title">Tea {self.path}</h1><span class="price-current">9元</span>'
        return self._send(200, (body + "</body></html>").encode(), "text/html; charset=utf-8")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--fail", type=int, default=30, help="per cent of pages failing once")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    from checker.audit import run_audit
    from checker.config import Config

    Shop.pages, Shop.fail = args.pages, args.fail
    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = Config(crawl={"workers": 0, "concurrency": 16, "per_host_concurrency": 8, "backoff_base": 0.5,
                           "retries": 2, "max_depth": 0, "check_links": False, "check_images": False,
                           "cache": False, "respect_robots": False, "robots_sitemaps": False})
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        result = run_audit(config, [f"http://127.0.0.1:{server.server_address[1]}/sitemap.xml"],
                           output=Path(tmp) / "a.xlsx")
        seconds = time.perf_counter() - began
    ok = sum(1 for p in result.ctx.pages.values() if p.fetch.ok)
    retried = sum(1 for n in Shop.hits.values() if n > 1)
    print(f"{args.root}: {ok}/{args.pages} pages ok, {retried} retried, {seconds:.1f} s, "
          f"{args.pages / seconds:.0f} pages/s")
    server.shutdown()


if __name__ == "__main__":
    main()
