"""The crawl stage: discover pages, fetch them politely, extract, then check every image and
link target they point to.

Discovery: start URLs (pages, sitemaps, sitemap indexes, ``.xml.gz``), the ``Sitemap:`` lines
of robots.txt, store APIs (Shopify / WooCommerce), and same-host links up to ``max_depth``.

Output goes into the :class:`AuditContext`: ``ctx.pages`` (every page, fetched or failed),
``ctx.checked`` (images and link targets), ``ctx.products`` and ``ctx.errors``.  Every URL taken
in ends as a parsed page or an error row; none vanish.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from sys import intern
from urllib.parse import urlsplit

import aiohttp

from checker.crawl import storeapi
from checker.crawl.fetch import Body, FetchPolicy, decode_html, fetch, host_of
from checker.crawl.politeness import HostGate, Robots
from checker.crawl.state import CrawlState, PageCache
from checker.crawl.urls import normalise_url, origin_of
from checker.engine.context import AuditContext
from checker.extract import extract_page
from checker.models import ErrorRecord, FetchResult, Link, Page, Resource

Progress = Callable[[str, int, int], None]  # (phase, done, total)

_NS = re.compile(r"\{[^}]*\}")
MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit, uncompressed


def parse_sitemap(data: bytes) -> tuple[list[str], list[str]]:
    """Return (page URLs, child sitemap URLs) from a sitemap or a sitemap index (gzipped or not)."""
    if data[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=__import__("io").BytesIO(data)) as gz:
            data = gz.read(MAX_SITEMAP_BYTES + 1)
        if len(data) > MAX_SITEMAP_BYTES:
            raise ValueError(f"gzipped sitemap expands beyond {MAX_SITEMAP_BYTES} bytes")
    root = ET.fromstring(data)
    locs = [(el.text or "").strip() for el in root.iter() if _NS.sub("", el.tag) == "loc" and el.text]
    return ([], locs) if _NS.sub("", root.tag) == "sitemapindex" else (locs, [])


def build_page(result: FetchResult, body: Body | None, ctx_config, seed: bool, referrer: str | None) -> Page:
    """Fetch outcome + body -> Page (pure: no I/O, safe to run in another process)."""
    page = Page(fetch=result, seed=seed, referrers=[referrer] if referrer else [])
    if not result.ok or body is None:
        return page
    if result.content_type and "html" not in result.content_type:
        page.fetch.error = f"not an HTML page ({result.content_type})"
        return page
    html, page.charset = decode_html(body.data, body.headers.get("content-type"))
    extracted = extract_page(html, result.final_url or result.url, ctx_config)
    page.canonical = extracted.canonical
    page.title = extracted.title
    page.product = extracted.product
    page.links = extracted.links
    page.resources = extracted.resources
    page.structured_data_errors = extracted.structured_data_errors
    return page


_worker_state: tuple | None = None  # (config, engine, today) in a pool process


def _init_worker(config, today) -> None:
    global _worker_state
    from checker.engine import Engine

    _worker_state = (config, Engine.from_config(config), today)


def _build_and_check_in_worker(result: FetchResult, body: Body | None, seed: bool, referrer: str | None):
    """Parse a page and run the page/product rules on it, in a pool process: both are CPU-bound,
    and neither needs anything but the page itself (cross-page rules are ``site`` scope)."""
    config, engine, today = _worker_state
    page = build_page(result, body, config, seed, referrer)
    local = AuditContext(config=config, today=today)
    findings = engine.check_page(page, local)
    return page, findings, local.errors


MAX_REFERRERS = 5

#: Below this many queued pages a process pool costs more to start than it saves.
POOL_THRESHOLD = 200


class Crawler:
    def __init__(self, ctx: AuditContext, progress: Progress | None = None, *, work_dir: Path | None = None,
                 resume: bool = False) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.crawl
        self.progress = progress or (lambda phase, done, total: None)
        self.policy = FetchPolicy(
            max_redirects=self.cfg.max_redirects, max_body_bytes=self.cfg.max_body_bytes, retries=self.cfg.retries,
            backoff_base=self.cfg.backoff_base, max_retry_after=self.cfg.max_retry_after,
            allow_other_hosts=self.cfg.allow_offhost_redirects,
        )
        self._include = [re.compile(p) for p in self.cfg.include]
        self._exclude = [re.compile(p) for p in self.cfg.exclude]
        self._queued: set[str] = set()
        self._depth: dict[str, int] = {}
        self._queue: asyncio.Queue[tuple[str, int, bool, str | None]] = asyncio.Queue()
        self._hosts: set[str] = set()
        self._gates: dict[str, HostGate] = {}
        self._over_limit: list[str] = []
        self._done = 0
        self.robots = Robots(self.cfg.user_agent)
        self.work_dir = work_dir
        self.resume = resume
        self.state = CrawlState(work_dir / ".crawl-state.jsonl") if work_dir else None
        self.cache: PageCache | None = None
        self.pool: ProcessPoolExecutor | None = None
        if work_dir and self.cfg.cache:
            key = PageCache.key_for(ctx.config.extract.model_dump())
            self.cache = PageCache(work_dir / ".checker-cache" / "pages.sqlite", key)

    # ------------------------------------------------------------------ helpers
    def _wanted(self, url: str) -> bool:
        if self._include and not any(p.search(url) for p in self._include):
            return False
        return not any(p.search(url) for p in self._exclude)

    def _on_site(self, url: str) -> bool:
        return host_of(url) in self._hosts

    def _gate(self, url: str) -> HostGate:
        host = host_of(url)
        gate = self._gates.get(host)
        if gate is None:
            rps = self.cfg.requests_per_second
            delay = self.robots.crawl_delay(origin_of(url)) if self.cfg.respect_robots else None
            if delay:
                rps = min(rps, 1.0 / delay) if rps else 1.0 / delay
            gate = self._gates[host] = HostGate(self.cfg.per_host_concurrency, rps)
        return gate

    async def _fetch(self, session, url: str, method: str = "GET", headers: dict | None = None):
        gate = self._gate(url)
        async with gate.semaphore:
            return await fetch(session, url, self.policy, method=method, headers=headers,
                               before_request=lambda u: self._gate(u).pace())

    def _enqueue(self, url: str, depth: int, seed: bool, referrer: str | None) -> None:
        url = normalise_url(url)
        if url in self._queued:
            page = self.ctx.pages.get(url)
            # A few referrers are enough to locate a page; nav links would make it every page.
            if page is not None and referrer and len(page.referrers) < MAX_REFERRERS and referrer not in page.referrers:
                page.referrers.append(referrer)
            if seed and page is not None:
                page.seed = True
            return
        if not self._wanted(url):
            return
        if len(self._queued) >= self.cfg.max_pages:
            self._over_limit.append(url)
            return
        self._queued.add(url)
        self._queue.put_nowait((url, depth, seed, referrer))

    def _take(self, page: Page) -> None:
        """Add a finished page to the audit: the page, its product, its error row if it failed."""
        self.ctx.pages[page.url] = page
        if page.product is not None:
            self.ctx.products.append(page.product)
        if not page.fetch.ok:
            stage = "skip" if page.fetch.skipped else "fetch"
            self.ctx.errors.append(ErrorRecord(stage=stage, source=page.url, reason=page.fetch.failure))

    def _record(self, page: Page, depth: int) -> None:
        self._take(page)
        if self.state:
            self.state.page(page, depth)

    def _robots_refusal(self, url: str) -> FetchResult | None:
        """The outcome of a URL robots.txt forbids: skipped on purpose, not broken."""
        if self.cfg.respect_robots and not self.robots.allowed(origin_of(url), url):
            return FetchResult(url=url, error="disallowed by robots.txt", skipped=True)
        return None

    # ------------------------------------------------------------------ discovery
    async def _load_robots(self, session, origin: str) -> None:
        if self.robots.known(origin) or not (self.cfg.respect_robots or self.cfg.robots_sitemaps):
            return
        result, body = await self._fetch(session, f"{origin}/robots.txt")
        text = body.data.decode("utf-8", "replace") if result.ok and body is not None else None
        self.robots.add(origin, text)

    async def _expand_start(self, session, start: list[str]) -> None:
        """Start URLs are pages or sitemaps; robots.txt may name more sitemaps."""
        pending: list[str] = []
        for url in start:
            self._hosts.add(host_of(url))
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
                self._enqueue(url, 0, True, None)
                continue
            result, body = await self._fetch(session, url)
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
                self._enqueue(page, 0, True, None)

    async def _read_store_api(self, session, start: list[str]) -> None:
        kinds = ["shopify", "woocommerce"] if self.cfg.store_api == "auto" else [self.cfg.store_api]
        for origin in dict.fromkeys(origin_of(u) for u in start):
            for kind in kinds:
                seen_ids: set = set()
                for number in range(1, 10_000):
                    url = storeapi.page_url(kind, origin, number)
                    result, body = await self._fetch(session, url)
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

    # ------------------------------------------------------------------ pages
    async def _crawl_one(self, session, url: str, depth: int, seed: bool, referrer: str | None) -> None:
        refused = self._robots_refusal(url)
        if refused is not None:
            self._record(Page(fetch=refused, seed=seed, referrers=[referrer] if referrer else []), depth)
            return
        validators = self.cache.validators(url) if self.cache else {}
        result, body = await self._fetch(session, url, headers=validators or None)
        cached = self.cache.cached_page(url) if self.cache and result.status == 304 else None
        if cached is not None:
            self.cache.hits += 1
            page = cached.model_copy(update={"seed": seed, "referrers": [referrer] if referrer else []})
        else:
            if result.status == 304:  # we sent no validators we still hold: treat as an error
                result.error = "304 Not Modified without a cached copy"
            try:
                if self.pool is not None and body is not None and result.ok:
                    # Parsing and page rules are the CPU-bound part: hand them to the pool so every
                    # core works while this process keeps the sockets busy.
                    page, findings, errors = await asyncio.get_running_loop().run_in_executor(
                        self.pool, _build_and_check_in_worker, result, body, seed, referrer)
                    self.ctx.page_findings.extend(findings)
                    self.ctx.errors.extend(errors)
                    self.ctx.rules_done.add(url)
                else:
                    page = build_page(result, body, self.ctx.config, seed, referrer)
            except Exception as exc:  # a page the parser chokes on is an error row, not a crash
                result.error = f"cannot parse page: {type(exc).__name__}: {exc}"
                page = Page(fetch=result, seed=seed, referrers=[referrer] if referrer else [])
            if self.cache and page.fetch.ok and body is not None:
                self.cache.store(page, body.headers)
        # Interned: the same nav and related links appear on thousands of pages.
        page.links = [Link(intern(link.url), intern(link.text)) for link in page.links if self._on_site(link.url)]
        page.resources = [Resource(intern(r.url), r.kind) for r in page.resources]
        self._record(page, depth)
        if page.fetch.ok and depth < self.cfg.max_depth:
            for link in page.links:
                self._enqueue(link.url, depth + 1, False, url)

    async def _worker(self, session) -> None:
        while True:
            url, depth, seed, referrer = await self._queue.get()
            try:
                await self._crawl_one(session, url, depth, seed, referrer)
            except Exception as exc:  # a bug on one URL must not stall the queue: record it, go on
                self.ctx.errors.append(ErrorRecord(stage="fetch", source=url, reason=f"{type(exc).__name__}: {exc}"))
            finally:
                self._done += 1
                self.progress("pages", self._done, len(self._queued))
                self._queue.task_done()

    async def _check_targets(self, session) -> None:
        """Images and link targets that were not crawled as pages: status only (HEAD, then GET)."""
        targets: set[str] = set()
        for page in self.ctx.pages.values():
            if self.cfg.check_images:
                targets.update(r.url for r in page.resources if r.kind == "img")
            if self.cfg.check_links:
                targets.update(normalise_url(link.url) for link in page.links)
        if not self.cfg.check_external:
            targets = {t for t in targets if self._on_site(t)}
        todo = sorted(t for t in targets if t.startswith(("http://", "https://"))
                      and t not in self.ctx.checked and t not in self.ctx.pages)
        done = 0

        async def check(url: str) -> None:
            nonlocal done
            result = self._robots_refusal(url)
            if result is None:
                result, _ = await self._fetch(session, url, method="HEAD")
                if result.status in (405, 501):  # servers that do not do HEAD
                    result, _ = await self._fetch(session, url)
            self.ctx.checked[url] = result
            if self.state:
                self.state.checked(result)
            done += 1
            self.progress("links", done, len(todo))

        await asyncio.gather(*(check(u) for u in todo))

    def _restore(self, start: list[str]) -> None:
        """``--resume``: take back what a previous, interrupted crawl finished."""
        pages, checked = self.state.load(start)
        for url, (page, depth) in pages.items():
            self._queued.add(url)
            self._depth[url] = depth
            self._take(page)
        self.ctx.checked.update(checked)
        self.ctx.resumed_pages = len(pages)

    async def run(self, start: list[str]) -> None:
        start = [normalise_url(u) if not u.endswith((".xml", ".xml.gz")) else u for u in start]
        if self.state:
            if self.resume:
                self._restore(start)
            self.state.open(start, self.resume)
        finished = False
        timeout = aiohttp.ClientTimeout(total=self.cfg.timeout, connect=self.cfg.connect_timeout,
                                        sock_read=self.cfg.read_timeout)
        connector = aiohttp.TCPConnector(limit=self.cfg.concurrency, limit_per_host=self.cfg.per_host_concurrency,
                                         ttl_dns_cache=300)
        try:
            async with aiohttp.ClientSession(timeout=timeout, connector=connector, auto_decompress=True,
                                             headers={"User-Agent": self.cfg.user_agent}) as session:
                await self._expand_start(session, start)
                if self.cfg.store_api != "none":
                    await self._read_store_api(session, start)
                for url, page in list(self.ctx.pages.items()):  # resumed pages: follow their links again
                    if page.fetch.ok and self._depth.get(url, 0) < self.cfg.max_depth:
                        for link in page.links:
                            self._enqueue(link.url, self._depth.get(url, 0) + 1, False, url)
                workers_wanted = self.cfg.workers if self.cfg.workers >= 0 else (os.cpu_count() or 1)
                if workers_wanted > 1 and self._queue.qsize() >= POOL_THRESHOLD:
                    self.pool = ProcessPoolExecutor(workers_wanted, initializer=_init_worker,
                                                    initargs=(self.ctx.config, self.ctx.today))
                    self.ctx.parse_workers = workers_wanted
                workers = [asyncio.create_task(self._worker(session)) for _ in range(self.cfg.concurrency)]
                try:
                    await self._queue.join()
                finally:
                    for w in workers:
                        w.cancel()
                    await asyncio.gather(*workers, return_exceptions=True)
                await self._check_targets(session)
            finished = True
        finally:
            if self._over_limit:
                shown = ", ".join(self._over_limit[:5])
                self.ctx.errors.append(ErrorRecord(
                    stage="skip", source=f"{len(self._over_limit)} URLs", location="crawl.max_pages",
                    reason=f"not crawled: max_pages={self.cfg.max_pages} reached (first: {shown})"))
            if self.pool is not None:
                self.pool.shutdown(wait=finished, cancel_futures=not finished)
            if self.state:
                self.state.close(finished)
            if self.cache:
                self.ctx.cache_hits = self.cache.hits
                self.cache.close()


def crawl(ctx: AuditContext, start: list[str], progress: Progress | None = None, *,
          work_dir: Path | None = None, resume: bool = False) -> None:
    asyncio.run(Crawler(ctx, progress, work_dir=work_dir, resume=resume).run(start))
