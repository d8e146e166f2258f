"""The crawl stage: discover pages (start URLs, sitemaps, same-host links up to ``max_depth``),
fetch and extract them, then check every image and link target they point to.

Output goes into the :class:`AuditContext`: ``ctx.pages`` (every page, fetched or failed),
``ctx.checked`` (images and link targets) and ``ctx.errors`` (one row per URL that failed).
Every URL taken in ends as a parsed page or an error row.
"""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import urldefrag, urlsplit

import httpx

from checker.crawl.fetch import decode_html, fetch
from checker.engine.context import AuditContext
from checker.extract import extract_page
from checker.models import ErrorRecord, FetchResult, Page

Progress = Callable[[str, int, int], None]  # (phase, done, total)

_SITEMAP_NS = re.compile(r"\{[^}]*\}")


def normalise_url(url: str) -> str:
    return urldefrag(url.strip())[0]


def parse_sitemap(data: bytes) -> tuple[list[str], list[str]]:
    """Return (page URLs, child sitemap URLs) from a sitemap or sitemap index."""
    root = ET.fromstring(data)
    tag = _SITEMAP_NS.sub("", root.tag)
    locs = [normalise_url(el.text or "") for el in root.iter() if _SITEMAP_NS.sub("", el.tag) == "loc" and el.text]
    return ([], locs) if tag == "sitemapindex" else (locs, [])


def _is_sitemap(url: str, result: FetchResult, body: bytes) -> bool:
    return result.content_type in ("application/xml", "text/xml") or (
        urlsplit(url).path.endswith(".xml") and body.lstrip()[:5] in (b"<?xml", b"<urls", b"<site")
    )


class Crawler:
    def __init__(self, ctx: AuditContext, progress: Progress | None = None) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.crawl
        self.progress = progress or (lambda phase, done, total: None)
        self._include = [re.compile(p) for p in self.cfg.include]
        self._exclude = [re.compile(p) for p in self.cfg.exclude]
        self._queued: set[str] = set()
        self._queue: asyncio.Queue[tuple[str, int, bool, str | None]] = asyncio.Queue()
        self._hosts: set[str] = set()
        self._done = 0

    # ------------------------------------------------------------------ helpers
    def _wanted(self, url: str) -> bool:
        if self._include and not any(p.search(url) for p in self._include):
            return False
        return not any(p.search(url) for p in self._exclude)

    def _on_site(self, url: str) -> bool:
        return urlsplit(url).hostname in self._hosts

    def _enqueue(self, url: str, depth: int, seed: bool, referrer: str | None) -> None:
        url = normalise_url(url)
        if url in self._queued:
            page = self.ctx.pages.get(url)
            if page is not None and referrer and referrer not in page.referrers:
                page.referrers.append(referrer)
            return
        if len(self._queued) >= self.cfg.max_pages or not self._wanted(url):
            return
        self._queued.add(url)
        self._queue.put_nowait((url, depth, seed, referrer))

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            timeout=httpx.Timeout(self.cfg.timeout),
            limits=httpx.Limits(max_connections=self.cfg.concurrency, max_keepalive_connections=self.cfg.concurrency),
            headers={"User-Agent": self.cfg.user_agent},
            follow_redirects=False,
        )

    async def _fetch(self, client, url, method="GET"):
        return await fetch(
            client, url, method=method, max_redirects=self.cfg.max_redirects, max_body_bytes=self.cfg.max_body_bytes
        )

    # ------------------------------------------------------------------ stages
    async def _expand_start(self, client: httpx.AsyncClient, start: list[str]) -> None:
        """Start URLs are pages or sitemaps (indexes are followed)."""
        pending = [normalise_url(u) for u in start]
        seen: set[str] = set()
        for url in pending:
            self._hosts.add(urlsplit(url).hostname or "")
        while pending:
            url = pending.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if not urlsplit(url).path.endswith((".xml", ".xml.gz")):
                self._enqueue(url, 0, True, None)
                continue
            result, body = await self._fetch(client, url)
            if not result.ok or body is None:
                reason = f"HTTP {result.status}" if result.status else result.error
                self.ctx.errors.append(ErrorRecord(stage="fetch", source=url, location="sitemap", reason=str(reason)))
                continue
            try:
                pages, children = parse_sitemap(body.data)
            except ET.ParseError as exc:
                self.ctx.errors.append(ErrorRecord(stage="parse", source=url, location="sitemap", reason=f"not valid XML: {exc}"))
                continue
            pending.extend(children)
            for page in pages:
                self._enqueue(page, 0, True, None)

    async def _crawl_one(self, client, url: str, depth: int, seed: bool, referrer: str | None) -> None:
        result, body = await self._fetch(client, url)
        page = Page(fetch=result, seed=seed, referrers=[referrer] if referrer else [])
        if result.ok and body is not None:
            if result.content_type and "html" not in result.content_type:
                page.fetch.error = f"not an HTML page ({result.content_type})"
            else:
                try:
                    html, page.charset = decode_html(body.data, result.content_type and f"{result.content_type}")
                    extracted = extract_page(html, result.final_url or url, self.ctx.config)
                except Exception as exc:  # a page the parser chokes on is an error row, not a crash
                    self.ctx.errors.append(
                        ErrorRecord(stage="parse", source=url, reason=f"cannot parse page: {type(exc).__name__}: {exc}")
                    )
                else:
                    page.canonical = extracted.canonical
                    page.title = extracted.title
                    page.product = extracted.product
                    page.links = [link for link in extracted.links if self._on_site(link.url)]
                    page.resources = extracted.resources
                    page.structured_data_errors = extracted.structured_data_errors
                    if extracted.product is not None:
                        self.ctx.products.append(extracted.product)
                    if depth < self.cfg.max_depth:
                        for link in page.links:
                            self._enqueue(link.url, depth + 1, False, url)
        if not page.fetch.ok:
            reason = f"HTTP {result.status}" if result.status and result.status >= 400 else page.fetch.error
            self.ctx.errors.append(ErrorRecord(stage="fetch", source=url, reason=str(reason or "no response")))
        self.ctx.pages[url] = page

    async def _worker(self, client) -> None:
        while True:
            url, depth, seed, referrer = await self._queue.get()
            try:
                await self._crawl_one(client, url, depth, seed, referrer)
            except Exception as exc:  # a bug on one URL must not stall the queue: record it, go on
                self.ctx.errors.append(ErrorRecord(stage="fetch", source=url, reason=f"{type(exc).__name__}: {exc}"))
            finally:
                self._done += 1
                self.progress("pages", self._done, len(self._queued))
                self._queue.task_done()

    async def _check_targets(self, client) -> None:
        """Images and link targets that were not crawled as pages: status only."""
        targets: set[str] = set()
        cfg = self.cfg
        for page in self.ctx.pages.values():
            if cfg.check_images:
                targets.update(r.url for r in page.resources if r.kind == "img")
            if cfg.check_links:
                targets.update(link.url for link in page.links if link.url not in self.ctx.pages)
        if not cfg.check_external:
            targets = {t for t in targets if self._on_site(t)}
        targets = {t for t in targets if t.startswith(("http://", "https://")) and t not in self.ctx.checked}
        todo = sorted(targets)
        semaphore = asyncio.Semaphore(cfg.concurrency)
        done = 0

        async def check(url: str) -> None:
            nonlocal done
            async with semaphore:
                result, _ = await self._fetch(client, url, method="HEAD")
                if result.status in (405, 501):  # servers that do not do HEAD
                    result, _ = await self._fetch(client, url)
                self.ctx.checked[url] = result
                done += 1
                self.progress("links", done, len(todo))

        await asyncio.gather(*(check(u) for u in todo))

    async def run(self, start: list[str]) -> None:
        async with self._client() as client:
            await self._expand_start(client, start)
            workers = [asyncio.create_task(self._worker(client)) for _ in range(self.cfg.concurrency)]
            try:
                await self._queue.join()
            finally:
                for w in workers:
                    w.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
            await self._check_targets(client)


def crawl(ctx: AuditContext, start: list[str], progress: Progress | None = None) -> None:
    asyncio.run(Crawler(ctx, progress).run(start))
