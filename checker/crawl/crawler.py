"""The crawler: schedules a crawl's pages and files what comes back, in three phases, each with
its own event loop (worker processes are forked between them, never from inside one):

1. discovery (:mod:`checker.crawl.discovery`): start URLs, sitemaps, robots.txt, store APIs;
2. pages: a :class:`~checker.crawl.worker.Worker` fetches each queued page and
   :mod:`checker.crawl.pages` extracts it and runs its page/product rules; on a small crawl in this
   process, on a large one in one forked worker process per core, to which the crawler deals the
   pages out.  The crawler files each :class:`~checker.crawl.outcome.PageOutcome` in the
   :class:`AuditContext` (``ctx.pages``, ``ctx.links``/``ctx.images``, ``ctx.page_findings``,
   ``ctx.errors``) and queues its same-site links, up to ``max_depth`` hops from the start pages;
3. target checks (:mod:`checker.crawl.targets`): every image and link target (``ctx.checked``),
   in the same worker processes when there are (the main process's otherwise).

Every URL taken in ends as a parsed page or an error row; none vanish.  The journal
(:mod:`checker.crawl.journal`) keeps each finished page and check for ``--resume``.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
from collections import deque
from collections.abc import Callable
from pathlib import Path

from checker.crawl.cache import PageCache
from checker.crawl.discovery import Discovery
from checker.crawl.fetch import FetchPolicy
from checker.crawl.journal import Journal
from checker.crawl.numbers import TargetDecoder
from checker.crawl.outcome import PageOutcome, PageTask, TargetTask
from checker.crawl.pages import PageProcessor
from checker.crawl.politeness import Robots
from checker.crawl.scope import Scope
from checker.crawl.targets import check_targets, targets_to_check
from checker.crawl.urls import normalise_url
from checker.crawl.worker import Worker, WorkerProcess
from checker.engine.context import AuditContext
from checker.models import ErrorRecord, FetchResult

Progress = Callable[[str, int, int], None]  # (phase, done, total)

#: Below this many queued pages forking crawl workers costs more than it saves.
WORKER_THRESHOLD = 200

#: Pages dealt to a worker ahead of its answers, per request it may have in flight.
WORKER_WINDOW = 2


class Crawler:
    """One crawl of ``ctx.config.crawl``'s shop into ``ctx``.  ``work_dir``: where the journal, the
    page cache and the page store's files go (None: no journal, no cache); ``resume``: take back
    what the journal there holds first; ``engine``: the rules (default: built from the config)."""

    def __init__(self, ctx: AuditContext, progress: Progress | None = None, *, work_dir: Path | None = None,
                 resume: bool = False, engine=None) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.crawl
        self.progress = progress or (lambda phase, done, total: None)
        policy = FetchPolicy(
            max_redirects=self.cfg.max_redirects, max_body_bytes=self.cfg.max_body_bytes, retries=self.cfg.retries,
            backoff_base=self.cfg.backoff_base, max_retry_after=self.cfg.max_retry_after,
            allow_other_hosts=self.cfg.allow_offhost_redirects, deadline=self.cfg.url_deadline,
            scope=Scope(self.cfg.allowed_hosts),
        )
        #: Where the crawl may connect: the start origins (added in :meth:`run`) and the allow-list.
        self.scope = policy.scope
        self._include = [re.compile(p) for p in self.cfg.include]
        self._exclude = [re.compile(p) for p in self.cfg.exclude]
        self._queued: set[str] = set()
        self._pending: deque[PageTask] = deque()
        self._checks: deque[TargetTask] = deque()  # targets not dealt out to a worker yet
        self._checked = self._to_check = 0  # targets checked, and to check (their progress)
        self._over_limit: list[str] = []
        self._sitemaps = 0  # sitemaps fetched, counted against max_pages
        self._done = 0
        self.robots = Robots(self.cfg.user_agent)
        self.resume = resume
        self.journal = Journal(work_dir / ".crawl-state.jsonl") if work_dir else None
        if work_dir:  # the page store's files beside the journal, not in a possibly small /tmp
            ctx.keep_files_in(work_dir)
        self.cache: PageCache | None = None
        if work_dir and self.cfg.cache:
            key = PageCache.key_for(ctx.config.extract.model_dump())
            self.cache = PageCache(work_dir / ".checker-cache" / "pages.sqlite", key)
        processor = PageProcessor(ctx.config, ctx.today, self.scope, engine, journal=self.journal,
                                  cache=self.cache is not None)
        #: The main process's own worker: discovery, robots-refused pages, small crawls, link checks.
        self.worker = Worker(self.cfg, policy, self.robots, processor, self.cache)
        self._workers: list[WorkerProcess] = []
        self._restored: list[PageOutcome] = []  # --resume: pages whose links are followed again
        self._here = self._decoders()  # for the outcomes of this process's own worker
        self._retried: set[str] = set()  # pages in flight on a worker that died

    # ------------------------------------------------------------------ helpers
    def _wanted(self, url: str) -> bool:
        if self._include and not any(p.search(url) for p in self._include):
            return False
        return not any(p.search(url) for p in self._exclude)

    def _enqueue(self, url: str, depth: int, seed: bool, referrer: str | None) -> None:
        url = normalise_url(url)
        if url in self._queued:  # a page keeps the referrer that queued it: the first is enough to locate it
            return
        if not self._wanted(url):
            return
        if len(self._queued) + self._sitemaps >= self.cfg.max_pages:
            self._over_limit.append(url)
            return
        self._queued.add(url)
        self._pending.append(PageTask(url, depth, seed, referrer))

    def _spend_on_sitemap(self, url: str) -> bool:
        """A sitemap fetch counts against ``max_pages``: False (and the URL on the over-limit row) when spent."""
        if len(self._queued) + self._sitemaps >= self.cfg.max_pages:
            self._over_limit.append(url)
            return False
        self._sitemaps += 1
        return True

    def _decoders(self) -> tuple[TargetDecoder, TargetDecoder]:
        """Decoders for one more process's link and image numbers."""
        return TargetDecoder(self.ctx.links), TargetDecoder(self.ctx.images)

    def _accept(self, outcome: PageOutcome, decoders: tuple[TargetDecoder, TargetDecoder], *,
                restored: bool = False) -> None:
        """Add a finished page to the audit: the page and what it points at, its findings, its error
        row if it failed; then queue its links.  ``decoders``: those of the process that sent it."""
        page = outcome.page
        ctx = self.ctx
        links = decoders[0].decode(outcome.links, outcome.new_links)
        images = decoders[1].decode(outcome.images, outcome.new_images)
        if restored and page.url in ctx.pages:
            return  # journalled twice: its numbers are decoded (the numbering runs on), the page is not filed twice
        ctx.add_page(page, links, images)
        ctx.page_findings.extend(outcome.findings)
        ctx.errors.extend(outcome.errors)
        ctx.rules_done.add(page.url)
        if not page.ok:
            ctx.errors.append(ErrorRecord(stage="skip" if page.skipped else "fetch", source=page.url, reason=page.failure))
        if restored:
            return
        if self.cache and outcome.cache_entry:
            self.cache.store(*outcome.cache_entry)
        if outcome.from_cache:
            ctx.cache_hits += 1
        for url in outcome.follow:
            self._enqueue(url, outcome.depth + 1, False, page.url)
        self._done += 1
        self.progress("pages", self._done, len(self._queued))

    def _next_task(self) -> PageTask | None:
        """The next page to fetch; pages robots.txt forbids are filed on the way, never fetched."""
        while self._pending:
            task = self._pending.popleft()
            refused = self.worker.robots_refusal(task.url)
            if refused is None:
                return task
            self._accept(self.worker.processor.outcome(task.page(refused), task.depth), self._here)
        return None

    # ------------------------------------------------------------------ the phases
    async def _discover(self, start: list[str]) -> None:
        await Discovery(self.ctx, self.worker, self._enqueue, self._spend_on_sitemap).run(start)
        for outcome in self._restored:  # resumed pages: follow their links again
            if outcome.page.ok and outcome.depth < self.cfg.max_depth:
                for url in outcome.follow:
                    self._enqueue(url, outcome.depth + 1, False, outcome.page.url)
        self._restored = []

    async def _crawl_here(self) -> None:
        """Crawl the queue in this process (small crawls, or when no worker process is left)."""
        async def one(task: PageTask) -> None:
            try:
                outcome = await self.worker.crawl(session, task)
            except Exception as exc:
                outcome = self.worker.failed(task, exc)
            self._accept(outcome, self._here)

        async with self.worker.session() as session:
            running: set[asyncio.Task] = set()
            while True:
                while len(running) < self.worker.concurrency:
                    task = self._next_task()
                    if task is None:
                        break
                    running.add(asyncio.create_task(one(task)))
                if not running:
                    return
                _, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)

    def _start_workers(self) -> None:
        wanted = self.cfg.workers if self.cfg.workers >= 0 else (os.cpu_count() or 1)
        if wanted <= 1 or len(self._pending) < WORKER_THRESHOLD:
            return
        if self.journal:
            self.journal.flush()  # a forked child must not inherit unwritten lines
        worker = self.worker.split(wanted)
        self._workers = []
        for n in range(wanted):
            self._workers.append(WorkerProcess(worker, n + 1, self._decoders(), self._workers))
        self.ctx.workers = wanted

    async def _crawl_in_workers(self) -> None:
        """Deal pages out to the worker processes and take their outcomes in, until none is left
        pending or in flight.  A worker that dies has its pages in flight dealt again (see
        :meth:`_worker_died`); the rest go on."""
        await self._deal(self._next_task, lambda outcome, worker: self._accept(outcome, worker.decoders),
                         lambda: bool(self._pending))

    async def _deal(self, next_task: Callable[[], PageTask | TargetTask | None],
                    accept: Callable[[PageOutcome | FetchResult, WorkerProcess], None],
                    pending: Callable[[], bool]) -> None:
        """Deal ``next_task()``'s tasks out to the workers and ``accept`` what they send back,
        until ``pending()`` is false and nothing is in flight, or no worker is left."""
        loop = asyncio.get_running_loop()
        finished = loop.create_future()
        window = WORKER_WINDOW * math.ceil(self.cfg.concurrency / len(self._workers))

        def lose(worker: WorkerProcess) -> None:
            """A worker found dead, by a read or by a write, is given up once."""
            if worker.alive:
                self._worker_died(worker)
                loop.remove_reader(worker.conn.fileno())

        def deal() -> None:
            for worker in self._workers:
                if not worker.alive:
                    continue
                batch: list[PageTask] = []
                while len(worker.inflight) + len(batch) < window:
                    task = next_task()
                    if task is None:
                        break
                    batch.append(task)
                if batch:
                    try:
                        worker.send(batch)
                    except OSError:  # it died since its last message (a broken pipe): the batch never left
                        self._requeue(batch)
                        lose(worker)
            live = [w for w in self._workers if w.alive]
            all_done = not pending() and not any(w.inflight for w in live)
            if (all_done or not live) and not finished.done():
                finished.set_result(None)

        def on_message(worker: WorkerProcess) -> None:
            try:
                if not worker.alive:  # given up already, when a write to it failed
                    return
                try:
                    batch = worker.receive()
                except (EOFError, OSError):
                    lose(worker)
                    batch = []
                for outcome in batch:
                    accept(outcome, worker)
                deal()
            except BaseException as exc:  # surface it in run(), never leave the crawl waiting
                if not finished.done():
                    finished.set_exception(exc)

        for worker in self._workers:
            loop.add_reader(worker.conn.fileno(), on_message, worker)
        try:
            deal()
            await finished
        finally:
            for worker in self._workers:
                if worker.alive:
                    loop.remove_reader(worker.conn.fileno())

    def _worker_died(self, worker: WorkerProcess) -> None:
        """A worker process ended mid-crawl (killed, out of memory): its pages in flight go to the
        other workers once; a page in flight on a second dead worker may be what kills them, and
        becomes an error row."""
        worker.alive = False
        worker.process.join(1)
        code = worker.process.exitcode
        for task in worker.inflight.values():
            if task.url in self._retried:
                failure = f"crawl process ended twice with this URL in flight (exit code {code})"
                if isinstance(task, TargetTask):
                    self._file_check(FetchResult(url=task.url, error=failure))
                else:
                    self._accept(self.worker.failed(task, RuntimeError(failure)), self._here)
            else:
                self._retried.add(task.url)
                self._requeue([task])
        worker.inflight.clear()
        self.ctx.errors.append(ErrorRecord(stage="crawl", source=worker.process.name, location=f"exit code {code}",
                                           reason="a crawl process ended unexpectedly; its pages were crawled again"))

    def _requeue(self, tasks: list[PageTask | TargetTask]) -> None:
        """Tasks that never reached a worker, or died with it: first in line again."""
        for task in reversed(tasks):
            (self._checks if isinstance(task, TargetTask) else self._pending).appendleft(task)

    def _file_check(self, result: FetchResult) -> None:
        self.ctx.checked[result.url] = result
        if self.journal:
            self.journal.checked(result)
        self._checked += 1
        self.progress("links", self._checked, self._to_check)

    async def _check_targets(self) -> None:
        """Check every image and link target not crawled as a page, once: in the crawl workers
        while any is alive, then (a small crawl, dead workers) in this process."""
        self._checks = deque(targets_to_check(self.ctx, self.scope))
        self._checked, self._to_check = 0, len(self._checks)
        if any(w.alive for w in self._workers):
            await self._deal(lambda: self._checks.popleft() if self._checks else None,
                             lambda result, worker: self._file_check(result), lambda: bool(self._checks))
        todo, self._checks = list(self._checks), deque()
        await check_targets(self.worker, todo, self._file_check)

    def _stop_workers(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def _restore(self, start: list[str]) -> None:
        """``--resume``: take back what a previous, interrupted crawl finished."""
        outcomes, checked = self.journal.load(start)
        journal = self._decoders()
        for outcome in outcomes:
            self._queued.add(outcome.page.url)
            self._accept(outcome, journal, restored=True)
        self._restored = outcomes
        self.ctx.checked.update(checked)
        self.ctx.resumed_pages = len(outcomes)

    def run(self, start: list[str]) -> None:
        """Discover, crawl the pages (forking workers for a large crawl), check the targets.
        Each phase has its own event loop: workers are forked between them, never from inside one."""
        start = [normalise_url(u) if not u.endswith((".xml", ".xml.gz")) else u for u in start]
        for url in start:
            self.scope.add_start(url)
        if self.journal:
            if self.resume:
                self._restore(start)
            self.journal.open(start, self.resume)
        finished = False
        try:
            asyncio.run(self._discover(start))
            self._start_workers()
            if self._workers:
                asyncio.run(self._crawl_in_workers())
            if self._pending:  # a small crawl, or workers that died
                self._stop_workers()
                asyncio.run(self._crawl_here())
            asyncio.run(self._check_targets())  # in the workers still alive, if any
            finished = True
        finally:
            self._stop_workers()
            if self._over_limit:
                shown = ", ".join(self._over_limit[:5])
                self.ctx.errors.append(ErrorRecord(
                    stage="skip", source=f"{len(self._over_limit)} URLs", location="crawl.max_pages",
                    reason=f"not crawled: max_pages={self.cfg.max_pages} reached (first: {shown})"))
            if self.journal:
                self.journal.close(finished)
            if self.cache:
                self.cache.close()
                if self.cache.problem:  # the audit went on without it
                    self.ctx.errors.append(ErrorRecord(
                        stage="cache", source=str(self.cache.path),
                        reason=f"页面缓存已停用 / page cache turned off: {self.cache.problem}"))


def crawl(ctx: AuditContext, start: list[str], progress: Progress | None = None, *,
          work_dir: Path | None = None, resume: bool = False, engine=None) -> None:
    """Crawl from the ``start`` URLs into ``ctx`` (see :class:`Crawler`)."""
    Crawler(ctx, progress, work_dir=work_dir, resume=resume, engine=engine).run(start)
