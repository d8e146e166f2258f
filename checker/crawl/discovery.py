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
from checker.crawl.urls import origin_of
from checker.crawl.worker import Worker
from checker.engine.context import AuditContext
from checker.models import ErrorRecord

#: How the crawler takes a URL in: ``enqueue(url, depth, seed, referrer)``.
Enqueue = Callable[[str, int, bool, str | None], None]

_NS = re.compile(r"\{[^}]*\}")
MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit, uncompressed


def _is_sitemap(url: str) -> bool:
    return urlsplit(url).path.endswith((".xml", ".xml.gz"))


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
    ``spend(url)``: whether one more sitemap may be fetched (sitemaps count against max_pages).
    A URL out of the crawl's scope (``worker.scope``) is never fetched or queued: it is reported."""

    def __init__(self, ctx: AuditContext, worker: Worker, enqueue: Enqueue, spend: Callable[[str], bool]) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.crawl
        self.worker = worker
        self.robots = worker.robots
        self.scope = worker.scope
        self.enqueue = enqueue
        self.spend = spend

    async def run(self, start: list[str]) -> None:
        async with self.worker.session() as session:
            await self._expand_start(session, start)
            if self.cfg.store_api != "none":
                await self._read_store_api(session, start)

    async def _load_robots(self, session, origin: str) -> None:
        if self.robots.known(origin) or not (self.cfg.respect_robots or self.cfg.robots_sitemaps):
            return
        url = f"{origin}/robots.txt"
        result, body = await self.worker.fetch(session, url)
        server_error = result.status is not None and result.status >= 500
        unreachable = result.status is None and result.error and not result.redirect_loop
        if self.cfg.respect_robots and (server_error or unreachable):
            # RFC 9309 2.3.1.4: unreachable (a server or network error) means the whole site is disallowed;
            # a 4xx means there are no rules, and so do too many redirects (2.3.1.2: unavailable)
            why = f"HTTP {result.status}" if server_error else f"unreachable: {result.error}"
            self.robots.disallow_all(origin, f"robots.txt {'answered ' if server_error else ''}{why}")
            self.ctx.errors.append(ErrorRecord(
                stage="fetch", source=url, location="robots.txt",
                reason=f"{why}: the whole site is treated as disallowed (RFC 9309) / "
                       f"robots.txt {'服务器错误' if server_error else '无法访问'}，按全站禁止抓取处理"))
            return
        text = body.data.decode("utf-8", "replace") if result.ok and body is not None else None
        self.robots.add(origin, text)  # a 4xx (no robots.txt) allows all

    async def _expand_start(self, session, start: list[str]) -> None:
        """Start URLs are pages or sitemaps; robots.txt may name more sitemaps.  Sitemaps nest at
        most ``max_sitemap_depth`` below a start URL, at most ``max_sitemaps`` are read."""
        pending: list[tuple[str, int, str]] = []  # (url, depth, where it was found)
        for url in start:
            origin = origin_of(url)
            await self._load_robots(session, origin)
            pending.append((url, 0, "start"))
            if self.cfg.robots_sitemaps and urlsplit(url).path in ("", "/"):  # the home page: find the rest
                pending.extend((u, 0, f"{origin}/robots.txt") for u in self._in_scope(
                    self.robots.sitemaps(origin), f"{origin}/robots.txt"))
        seen: set[str] = set()
        read = 0
        too_deep: dict[str, list[str]] = {}  # listed in -> sitemaps nested deeper than allowed
        while pending:
            url, depth, found_in = pending.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if not _is_sitemap(url):
                self.enqueue(url, 0, True, None)
                continue
            if depth > self.cfg.max_sitemap_depth:
                too_deep.setdefault(found_in, []).append(url)
                continue
            if read >= self.cfg.max_sitemaps:
                self._not_read([url] + [u for u, _, _ in pending if u not in seen], found_in,
                               f"crawl.max_sitemaps = {self.cfg.max_sitemaps}")
                pending = [p for p in pending if not _is_sitemap(p[0])]
                continue
            if not self.spend(url):
                continue
            read += 1
            result, body = await self.worker.fetch(session, url, max_body_bytes=max(MAX_SITEMAP_BYTES,
                                                                                    self.cfg.max_body_bytes))
            if not result.ok or body is None:
                self.ctx.errors.append(ErrorRecord(stage="fetch", source=url, location="sitemap", reason=result.failure))
                continue
            try:
                pages, children = parse_sitemap(body.data)
            except (ET.ParseError, ValueError, OSError, EOFError) as exc:
                self.ctx.errors.append(ErrorRecord(stage="parse", source=url, location="sitemap",
                                                   reason=f"not a readable sitemap: {exc}"))
                continue
            pending.extend((child, depth + 1, url) for child in self._in_scope(children, url))
            for page in self._in_scope(pages, url):
                self.enqueue(page, 0, True, None)
        for found_in, urls in too_deep.items():
            self._not_read(urls, found_in, f"crawl.max_sitemap_depth = {self.cfg.max_sitemap_depth}")

    def _not_read(self, urls: list[str], found_in: str, limit: str) -> None:
        """Sitemaps a limit leaves unread: one error row."""
        skipped = list(dict.fromkeys(u for u in urls if _is_sitemap(u)))
        shown = ", ".join(skipped[:5])
        self.ctx.errors.append(ErrorRecord(
            stage="skip", source=skipped[0] if len(skipped) == 1 else f"{len(skipped)} sitemaps", location=limit,
            reason=f"sitemap not read: limit reached (first: {shown}; listed in {found_in}) / "
                   "站点地图数量或嵌套层级超出上限，未读取"))

    def _in_scope(self, urls: list[str], found_in: str) -> list[str]:
        """The URLs in the crawl's scope; the others are reported, one row per origin they are on."""
        kept, refused = [], {}
        for url in urls:
            reason = self.scope.refusal(url)
            if reason is None:
                kept.append(url)
            else:
                refused.setdefault(origin_of(url) if "://" in url else url, []).append((url, reason))
        for origin, items in refused.items():
            first, reason = items[0]
            self.ctx.errors.append(ErrorRecord(
                stage="scope", source=first if len(items) == 1 else f"{len(items)} URLs on {origin}",
                location=f"listed in {found_in}", reason=reason if len(items) == 1 else f"{reason} (and {len(items) - 1} more)"))
        return kept

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
