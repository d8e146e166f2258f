"""Fetching and processing pages: a :class:`Worker` does both for the pages it is handed.

On a small crawl the main process is the only worker.  On a large one the crawler forks one worker
per core and deals pages out to them: each worker has its own event loop, its own connections
and its own share of the politeness limits, and parses and checks the pages it fetched, so only
a small :class:`~checker.crawl.outcome.PageOutcome` crosses between processes and the main
process is left little to do per page.  After the pages the same workers check the image and link
targets they are dealt (:meth:`Worker.check`), each sending back a ``FetchResult``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import math
import multiprocessing
import os
import signal
import sys
from contextlib import asynccontextmanager

import aiohttp

from checker.config import CrawlConfig
from checker.crawl.cache import PageCache
from checker.crawl.fetch import FetchPolicy, fetch, host_of
from checker.crawl.numbers import TargetDecoder
from checker.crawl.outcome import PageOutcome, PageTask, TargetTask
from checker.crawl.pages import PageProcessor
from checker.crawl.politeness import HostGate, Robots
from checker.crawl.scope import GuardedResolver, Scope
from checker.crawl.urls import origin_of
from checker.models import FetchResult

#: Outcomes a forked worker sends in one message (fewer, larger messages cost less to pickle).
SEND_BATCH = 16
#: ... and how long a partial batch may wait, in seconds.
SEND_INTERVAL = 0.005
#: Allocations between young-generation collections in a worker (CPython's default is 700).
GC_THRESHOLD = 20_000
#: A host's failed HEAD answers confirmed by a GET before its HEAD failures are believed (per process).
HEAD_CONFIRMATIONS = 3
#: HEAD answers that say the server does not do HEAD: its targets are checked with GET from then on.
NO_HEAD = (405, 501)


class Worker:
    """Fetches its pages politely (``1/share`` of the crawl's concurrency, per-host concurrency
    and request rate) and turns each into a :class:`PageOutcome`."""

    def __init__(self, cfg: CrawlConfig, policy: FetchPolicy, robots: Robots, processor: PageProcessor,
                 cache: PageCache | None = None, share: int = 1) -> None:
        self.cfg = cfg
        self.policy = policy
        self.robots = robots
        self.processor = processor
        self.cache = cache
        self.share = share
        self.concurrency = math.ceil(cfg.concurrency / share)
        self._gates: dict[str, HostGate] = {}
        self._get_only: set[str] = set()  # hosts whose HEAD answers are not to be believed
        self._head_agreed: dict[str, int] = {}  # host -> failed HEADs a GET confirmed
        self._probed: dict[str, asyncio.Event] = {}  # host -> set once its first target is checked

    def split(self, shares: int) -> Worker:
        """The same worker with ``1/shares`` of the limits, to run in another process."""
        return Worker(self.cfg, self.policy, self.robots, self.processor, self.cache, shares)

    def gate(self, url: str) -> HostGate:
        host = host_of(url)
        gate = self._gates.get(host)
        if gate is None:
            rps = self.cfg.requests_per_second
            delay = self.robots.crawl_delay(origin_of(url)) if self.cfg.respect_robots else None
            if delay:
                rps = min(rps, 1.0 / delay) if rps else 1.0 / delay
            gate = self._gates[host] = HostGate(math.ceil(self.cfg.per_host_concurrency / self.share),
                                                rps / self.share)
        return gate

    @asynccontextmanager
    async def session(self):
        """An HTTP session for one event loop (gates hold asyncio locks, which belong to one loop)."""
        self._gates, self._probed = {}, {}
        cfg = self.cfg
        timeout = aiohttp.ClientTimeout(total=cfg.timeout, connect=cfg.connect_timeout, sock_read=cfg.read_timeout)
        resolver = GuardedResolver(self.scope)  # every connection's addresses pass the scope's check
        connector = aiohttp.TCPConnector(limit=self.concurrency,
                                         limit_per_host=math.ceil(cfg.per_host_concurrency / self.share),
                                         ttl_dns_cache=300, resolver=resolver)
        try:
            async with aiohttp.ClientSession(timeout=timeout, connector=connector, auto_decompress=True,
                                             headers={"User-Agent": cfg.user_agent}) as session:
                yield session
        finally:
            await resolver.close()

    @property
    def scope(self) -> Scope:
        if self.policy.scope is None:
            self.policy.scope = Scope()
        return self.policy.scope

    @contextlib.asynccontextmanager
    async def slot(self, url: str):
        """One request's turn on its host: a concurrency slot, then the rate limit's pace."""
        gate = self.gate(url)
        async with gate.semaphore:
            await gate.pace()
            yield

    async def fetch(self, session, url: str, method: str = "GET", headers: dict | None = None, *,
                    external: bool = False, max_body_bytes: int | None = None):
        policy = self.policy
        if max_body_bytes is not None and max_body_bytes != policy.max_body_bytes:
            policy = dataclasses.replace(policy, max_body_bytes=max_body_bytes)
        return await fetch(session, url, policy, method=method, headers=headers, slot=self.slot, external=external)

    async def crawl(self, session, task: PageTask) -> PageOutcome:
        validators = self.cache.validators(task.url) if self.cache else {}
        result, body = await self.fetch(session, task.url, headers=validators or None)
        if result.status == 304:
            cached = await self.cache.cached_page(task.url) if self.cache else None
            if cached is not None:
                page = cached.model_copy(update={"seed": task.seed, "referrers": task.referrers})
                outcome = self.processor.outcome(page, task.depth)
                outcome.from_cache = True
                return outcome
            if validators:  # the cache could not give the page back: a page never fails for it
                result, body = await self.fetch(session, task.url)
            if result.status == 304:
                result.error = "304 Not Modified without a cached copy"  # to a request without validators
        return self.processor.process(task, result, body)

    async def check(self, session, task: TargetTask) -> FetchResult:
        """The status of an image or link target: HEAD first (no body), GET where the server does not
        do HEAD (405, 501) or lies with it.  A failed HEAD is believed only once a GET has confirmed
        :data:`HEAD_CONFIRMATIONS` of its host's; a HEAD failure a GET contradicts puts the host on
        GET for good (both per process).  A host's first target is checked alone, so that what it
        tells (no HEAD here) holds for the rest."""
        refused = self.robots_refusal(task.url)
        if refused is not None:
            return refused
        host = host_of(task.url)
        probed = self._probed.get(host)
        if probed is not None:
            await probed.wait()
            return await self._check(session, task, host)
        probed = self._probed[host] = asyncio.Event()
        try:
            return await self._check(session, task, host)
        finally:
            probed.set()

    async def _check(self, session, task: TargetTask, host: str) -> FetchResult:
        if host not in self._get_only:
            head, _ = await self.fetch(session, task.url, method="HEAD", external=task.external)
            if head.status is None or head.ok:  # no answer (a GET would get none either), or a good one
                return head
            if head.status in NO_HEAD:
                self._get_only.add(host)
            elif self._head_agreed.get(host, 0) >= HEAD_CONFIRMATIONS:
                return head
        result, _ = await self.fetch(session, task.url, external=task.external)
        if host not in self._get_only:  # the HEAD failed: does the GET agree?
            if result.ok:
                self._get_only.add(host)
            else:
                self._head_agreed[host] = self._head_agreed.get(host, 0) + 1
        return result

    def robots_refusal(self, url: str) -> FetchResult | None:
        """The outcome of a URL robots.txt forbids (skipped on purpose, not broken); None if allowed."""
        reason = self.robots.refusal(origin_of(url), url) if self.cfg.respect_robots else None
        return None if reason is None else FetchResult(url=url, error=reason, skipped=True)

    def failed(self, task: PageTask, exc: BaseException) -> PageOutcome:
        """A bug on one URL must not stall the crawl: the page becomes an error row."""
        result = FetchResult(url=task.url, error=f"{type(exc).__name__}: {exc}")
        return self.processor.outcome(task.page(result), task.depth)


# ---------------------------------------------------------------------- a worker in its own process
def _serve(worker: Worker, conn, number: int, parent_ends: list) -> None:
    """Entry point of a forked worker: crawl what the main process sends until it sends None, or
    until the main process is gone.  ``parent_ends``: the main process's ends of this worker's pipe
    and of those forked before it, inherited by the fork: closed here, so that the main process's
    death (even by SIGKILL) is an end-of-file on the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler (a partial workbook)
    for end in parent_ends:
        end.close()
    # What the worker inherited (rules, lexicon, tables) lives as long as it does: keep the garbage
    # collector off it (and its pages shared with the parent), and collect the young rarely: each
    # page leaves thousands of short-lived objects, and collections cost ~90 us a page.
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)
    # What the parent opened stays the parent's: the cache connection, the journal file.
    if worker.cache is not None:
        worker.cache = worker.cache.reader()
    processor = worker.processor
    if processor.journal is not None:
        processor.journal = processor.journal.for_worker(number)
    processor.reset_numbers()  # the crawler decodes this worker's numbers apart from its own
    try:
        _run_loop(worker, conn)
    finally:
        if processor.journal is not None:
            processor.journal.close(finished=False)


def _run_loop(worker: Worker, conn) -> None:
    """The worker's event loop, under cProfile when the benchmarks ask for it."""
    profile_dir = os.environ.get("CHECKER_PROFILE_WORKERS")  # benchmarks: where each worker's cProfile goes
    if not profile_dir:
        asyncio.run(_serve_loop(worker, conn))
        return
    import cProfile

    with cProfile.Profile() as profile:
        asyncio.run(_serve_loop(worker, conn))
    profile.dump_stats(os.path.join(profile_dir, f"worker-{os.getpid()}.prof"))


async def _serve_loop(worker: Worker, conn) -> None:
    loop = asyncio.get_running_loop()
    parent = os.getppid()
    todo: asyncio.Queue[PageTask | TargetTask] = asyncio.Queue()
    stop = asyncio.Event()
    done: list[PageOutcome | FetchResult] = []

    def receive() -> None:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            message = None  # the main process is gone
        if message is None:
            loop.remove_reader(conn.fileno())
            stop.set()
            return
        for item in message:  # pages as plain tuples, targets as TargetTask
            todo.put_nowait(item if isinstance(item, TargetTask) else PageTask(*item))

    def send() -> None:
        if done:
            batch = done.copy()
            done.clear()
            conn.send(batch)

    async def crawl_from_queue(session) -> None:
        while True:
            task = await todo.get()
            if isinstance(task, TargetTask):
                try:
                    outcome = await worker.check(session, task)
                except Exception as exc:  # a bug on one target must not stall the checks
                    outcome = FetchResult(url=task.url, error=f"{type(exc).__name__}: {exc}")
                done.append(outcome)
                if len(done) >= SEND_BATCH:
                    send()
                continue
            try:
                outcome = await worker.crawl(session, task)
            except Exception as exc:
                outcome = worker.failed(task, exc)
            done.append(outcome)
            if len(done) >= SEND_BATCH:
                send()

    loop.add_reader(conn.fileno(), receive)
    async with worker.session() as session:
        lanes = [asyncio.create_task(crawl_from_queue(session)) for _ in range(worker.concurrency)]
        try:
            while not stop.is_set() and os.getppid() == parent:  # an orphan stops (belt and braces to the EOF)
                await asyncio.sleep(SEND_INTERVAL)
                send()
        except (BrokenPipeError, OSError):
            pass
        finally:
            for lane in lanes:
                lane.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)


class WorkerProcess:
    """The main process's end of a forked worker: what it was sent and has not answered yet."""

    def __init__(self, worker: Worker, number: int, decoders: tuple[TargetDecoder, TargetDecoder],
                 siblings: list[WorkerProcess] = ()) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        context = multiprocessing.get_context("fork")  # inherits the built rules: no start-up cost
        self.conn, child = context.Pipe(duplex=True)
        parent_ends = [self.conn] + [s.conn for s in siblings]  # the fork inherits them: closed there
        self.process = context.Process(target=_serve, args=(worker, child, number, parent_ends), daemon=True,
                                       name=f"store-checker-worker-{number}")
        self.process.start()
        child.close()
        self.inflight: dict[str, PageTask | TargetTask] = {}
        self.decoders = decoders  # this worker's link and image numbers -> the audit's
        self.alive = True

    def send(self, tasks: list[PageTask | TargetTask]) -> None:
        self.conn.send([t if isinstance(t, TargetTask) else tuple(t) for t in tasks])
        for task in tasks:
            self.inflight[task.url] = task

    def receive(self) -> list[PageOutcome | FetchResult]:
        """The next batch of outcomes (a target's: its FetchResult); raises EOFError when the
        process has ended."""
        batch = self.conn.recv()
        for outcome in batch:
            self.inflight.pop(outcome.url if isinstance(outcome, FetchResult) else outcome.page.url, None)
        return batch

    def stop(self, timeout: float = 5.0) -> None:
        with contextlib.suppress(OSError):  # already gone
            self.conn.send(None)
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout)
        self.conn.close()
        self.alive = False
