"""The peer: Scrapy crawling the benchmark store's sitemap, extracting the same product fields.

    .venv/bin/python benchmarks/scrapy_peer/crawl.py http://127.0.0.1:PORT/sitemap.xml --stats out.json

Run by ``benchmarks/run.py`` as a subprocess.  Scrapy comes from PyPI into the venv (the harness
installs it if missing); it is NOT a dependency of store-checker.

Extraction is store-checker's own ``checker.extract.extract_page`` (JSON-LD, then microdata,
then the default CSS selectors, all on selectolax), and the fields kept are the ones the audit
needs: sku, title, price, list price, currency, availability, description, images.  So the only
difference from ``checker audit`` is the client and framework (Twisted/Scrapy vs store-checker's
crawler) -- and that the audit also checks images and link targets, runs the rules and writes a
workbook, which this spider does not.  Items are yielded through Scrapy's item machinery but
not exported (no feed), so no disk I/O is charged to the peer.

Tuning (sensible, not crippled): 64 requests in flight (and 64 per domain: one host here),
asyncio reactor, no download delay, no AutoThrottle, no HTTP cache, no cookies, no telnet,
LOG_LEVEL WARNING, robots.txt obeyed (as store-checker does).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider

from checker.config import Config
from checker.extract import extract_page

CONFIG = Config()  # default selectors: the same ones the audit uses

SETTINGS = {
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
    "CONCURRENT_REQUESTS_PER_IP": 0,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "ROBOTSTXT_OBEY": True,
    "RETRY_TIMES": 2,
    "DOWNLOAD_TIMEOUT": 20,
    "LOG_LEVEL": "WARNING",
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "USER_AGENT": "store-checker-bench-peer (Scrapy)",
}


class StoreSpider(SitemapSpider):
    name = "store"

    def __init__(self, sitemap: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sitemap_urls = [sitemap]

    def parse(self, response):
        self.crawler.stats.inc_value("bench/pages_parsed")
        product = extract_page(response.text, response.url, CONFIG).product
        if product is None:
            return
        yield {
            "url": response.url,
            "sku": product.sku,
            "title": product.title,
            "price": str(product.price) if product.price is not None else None,
            "list_price": str(product.list_price) if product.list_price is not None else None,
            "currency": product.currency,
            "availability": product.availability.value,
            "description": product.description,
            "images": [image.url for image in product.images],
        }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Scrapy peer for the store-checker crawl benchmark")
    ap.add_argument("sitemap", help="http://127.0.0.1:PORT/sitemap.xml")
    ap.add_argument("--stats", type=Path, help="write Scrapy's stats here as JSON")
    ap.add_argument("--concurrency", type=int, default=SETTINGS["CONCURRENT_REQUESTS"])
    args = ap.parse_args(argv)
    settings = dict(SETTINGS, CONCURRENT_REQUESTS=args.concurrency, CONCURRENT_REQUESTS_PER_DOMAIN=args.concurrency)
    started = time.perf_counter()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(StoreSpider)
    process.crawl(crawler, sitemap=args.sitemap)
    process.start()
    stats = {k: (v if isinstance(v, int | float | str) else str(v)) for k, v in crawler.stats.get_stats().items()}
    stats["bench/wall_seconds_in_process"] = round(time.perf_counter() - started, 3)
    if args.stats:
        args.stats.write_text(json.dumps(stats, indent=2, sort_keys=True), encoding="utf-8")
    pages = stats.get("bench/pages_parsed", 0)
    print(f"scrapy peer: {pages} pages parsed, {stats.get('item_scraped_count', 0)} items, "
          f"{stats.get('downloader/response_count', 0)} responses, finish_reason={stats.get('finish_reason')}")
    return 0 if pages else 1


if __name__ == "__main__":
    sys.exit(main())
