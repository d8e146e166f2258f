"""Discovery: the pages a crawl starts from.

Start URLs are pages or sitemaps (``.xml``, ``.xml.gz``, sitemap indexes); a start URL that is a
home page also brings the ``Sitemap:`` lines of its robots.txt; a store API (Shopify
``/products.json``, the WooCommerce Store API) lists the shop's products, which are filed as
products in their own right (``ctx.api_products``).  Every page found goes to the crawler's queue
as a seed; a sitemap or an API page that cannot be read is an error row.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import urlsplit

from checker.crawl import storeapi
from checker.crawl.fetch import host_of
from checker.crawl.urls import origin_of
from checker.crawl.worker import Worker
from checker.engine.context import AuditContext
from checker.models import ErrorRecord

#: How the crawler takes a URL in: ``enqueue(url, depth, seed, referrer)``.
Enqueue = Callable[[str, int, bool, str | None], None]

_NS = re.compile(r"\{[^}]*\}")
MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit, uncompressed


def parse_sitemap(data: bytes) -> tuple[list[str], list[str]]:
    """Return (page URLs, child sitemap URLs) from a sitemap or a sitemap index (gzipped or not)."""
    if data[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            data = gz.read(MAX_SITEMAP_BYTES + 1)
        if len(data) > MAX_SITEMAP_BYTES:
            raise ValueError(f"gzipped sitemap expands beyond {MAX_SITEMAP_BYTES} bytes")
    root = ET.fromstring(data)
    kind = _NS.sub("", root.tag)
    if kind not in ("urlset", "sitemapindex"):  # an RSS feed or an HTML page: would pass as an empty sitemap
        raise ValueError(f"the root element is <{kind}>, not <urlset> or <sitemapindex>")
    locs = [(el.text or "").strip() for el in root.iter() if _NS.sub("", el.tag) == "loc" and el.text]
    return ([], locs) if kind == "sitemapindex" else (locs, [])


class Discovery:
    """Finds the start pages with the main process's ``worker`` and queues them with ``enqueue``.
    ``hosts``: the crawl's hosts, to which each start URL's host is added."""

    def __init__(self, ctx: AuditContext, worker: Worker, hosts: set[str], enqueue: Enqueue) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.crawl
        self.worker = worker
        self.robots = worker.robots
        self.hosts = hosts
        self.enqueue = enqueue

    async def run(self, start: list[str]) -> None:
        async with self.worker.session() as session:
            await self._expand_start(session, start)
            if self.cfg.store_api != "none":
                await self._read_store_api(session, start)

    async def _load_robots(self, session, origin: str) -> None:
        if self.robots.known(origin) or not (self.cfg.respect_robots or self.cfg.robots_sitemaps):
            return
        result, body = await self.worker.fetch(session, f"{origin}/robots.txt")
        text = body.data.decode("utf-8", "replace") if result.ok and body is not None else None
        self.robots.add(origin, text)

    async def _expand_start(self, session, start: list[str]) -> None:
        """Start URLs are pages or sitemaps; robots.txt may name more sitemaps."""
        pending: list[str] = []
        for url in start:
            self.hosts.add(host_of(url))
            origin = origin_of(url)
            await self._load_robots(session, origin)
            pending.append(url)
            if self.cfg.robots_sitemaps and urlsplit(url).path in ("", "/"):  # the home page: find the rest
                pending.extend(self.robots.sitemaps(origin))
        seen: set[str] = set()
        while pending:
            url = pending.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if not urlsplit(url).path.endswith((".xml", ".xml.gz")):
                self.enqueue(url, 0, True, None)
                continue
            result, body = await self.worker.fetch(session, url)
            if not result.ok or body is None:
                self.ctx.errors.append(ErrorRecord(stage="fetch", source=url, location="sitemap", reason=result.failure))
                continue
            try:
                pages, children = parse_sitemap(body.data)
            except (ET.ParseError, ValueError, OSError, EOFError) as exc:
                self.ctx.errors.append(ErrorRecord(stage="parse", source=url, location="sitemap",
                                                   reason=f"not a readable sitemap: {exc}"))
                continue
            pending.extend(children)
            for page in pages:
                self.enqueue(page, 0, True, None)

    async def _read_store_api(self, session, start: list[str]) -> None:
        kinds = ["shopify", "woocommerce"] if self.cfg.store_api == "auto" else [self.cfg.store_api]
        for origin in dict.fromkeys(origin_of(u) for u in start):
            for kind in kinds:
                seen_ids: set = set()
                for number in range(1, 10_000):
                    url = storeapi.page_url(kind, origin, number)
                    result, body = await self.worker.fetch(session, url)
                    if not result.ok or body is None:
                        if self.cfg.store_api != "auto" or number > 1:
                            self.ctx.errors.append(ErrorRecord(stage="fetch", source=url, location=f"{kind} API",
                                                               reason=result.failure))
                        break
                    try:
                        items = storeapi.products_in(kind, json.loads(body.data))
                    except ValueError as exc:
                        self.ctx.errors.append(ErrorRecord(stage="parse", source=url, location=f"{kind} API",
                                                           reason=f"not JSON: {exc}"))
                        break
                    ids = {item.get("id") for item in items}
                    if not items or ids <= seen_ids:  # the end, or a server that ignores paging
                        break
                    seen_ids |= ids
                    for index, item in enumerate(items):
                        try:
                            self.ctx.api_products.append(storeapi.CONVERTERS[kind](item, origin))
                        except Exception as exc:
                            self.ctx.errors.append(ErrorRecord(stage="parse", source=url, location=f"product {index}",
                                                               reason=f"{type(exc).__name__}: {exc}"))
                if seen_ids and self.cfg.store_api == "auto":
                    break
