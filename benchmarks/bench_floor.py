"""The floor under the crawl: how many pages/s two processes reach on this machine doing only
part of what the audit does to a page, stage by stage, against the same nginx.

Each stage adds work to the one before; every stage runs in two forked processes (one per core,
as the audit's crawl workers; ``--processes``), 64 requests in flight in all, over the same
product pages:

1. ``fetch``: aiohttp GET, body read (what the audit's workers use);
2. ``+ parse``: the UTF-8 check and lexbor's parse;
3. ``+ queries``: the CSS queries ``extract_page`` makes on every page (its one walk for the fixed
   elements, the visible-copy selectors it always reads, the microdata query), results unread;
4. ``process``: the audit's whole per-page work (``PageProcessor.process``: extraction, page and
   product rules, the slim page, target numbers), without the crawler's bookkeeping.

Stages 1-3 are C (aiohttp's parser, lexbor) plus the least Python that drives them: the gap
between 3 and 4 is the Python that turns the parsed page into findings.  Run:

    .venv/bin/python benchmarks/bench_floor.py [--pages 10000] [--rounds 2]
    .venv/bin/python benchmarks/bench_floor.py --processes 1 --stages process   # how two scale
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_store import make_store  # noqa: E402
from nginx import Nginx, ensure_tools  # noqa: E402

STAGES = ("fetch", "+ parse", "+ queries", "process")
IN_FLIGHT = 64  # in all, as the benchmark config: shared among the processes


def _stage_work(stage: str, origin: str):
    """A function ``(url, body) -> None`` doing the stage's work on one page of ``origin``."""
    if stage == "fetch":
        return lambda url, body: None
    from selectolax.lexbor import LexborHTMLParser

    from checker.config import Config, load_config
    from checker.extract.page import _PAGE_SELECTOR

    if stage == "+ parse":
        def parse(url: str, body: bytes) -> None:
            body.decode("utf-8")
            LexborHTMLParser(body)
        return parse
    sel = Config().extract.selectors
    always = [s for s in (sel.subtitle, sel.description, sel.images, sel.detail_images, sel.specs, sel.labels,
                          sel.banners, sel.list_price) if s]
    if stage == "+ queries":
        def queries(url: str, body: bytes) -> None:
            body.decode("utf-8")
            tree = LexborHTMLParser(body)
            tree.css(_PAGE_SELECTOR)
            tree.css("[itemscope][itemtype]")
            for selector in always:
                tree.css(selector)
        return queries
    from checker.crawl.fetch import Body
    from checker.crawl.outcome import PageTask
    from checker.crawl.pages import PageProcessor
    from checker.crawl.scope import Scope
    from checker.models import FetchResult

    config = load_config(HERE / "bench_checker.toml")
    # its links are same-site, as in a crawl
    processor = PageProcessor(config, date(2026, 11, 23), Scope.around(origin))
    headers = {"content-type": "text/html; charset=utf-8"}

    def process(url: str, body: bytes) -> None:
        result = FetchResult(url=url, final_url=url, status=200, content_type="text/html")
        processor.process(PageTask(url, 0, True, None), result, Body(body, False, headers))
    return process


async def _crawl(urls: list[str], work, in_flight: int) -> int:
    import aiohttp

    done = 0
    connector = aiohttp.TCPConnector(limit=in_flight, limit_per_host=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:
        queue = list(reversed(urls))

        async def worker() -> None:
            nonlocal done
            while queue:
                url = queue.pop()
                async with session.get(url) as response:
                    body = await response.read()
                work(url, body)
                done += 1

        await asyncio.gather(*(worker() for _ in range(in_flight)))
    return done


def run_stage(stage: str, urls: list[str], processes: int) -> dict:
    """Fork one process per share of the URLs; wall time from fork to the last exit, CPU of all."""
    shares = [urls[i::processes] for i in range(processes)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    pids = []
    for share in shares:
        pid = os.fork()
        if pid == 0:  # the child; its set-up (imports, rules: ~0.3 s) is in the wall time, as in the audit
            try:
                work = _stage_work(stage, share[0])
                code = 0 if asyncio.run(_crawl(share, work, IN_FLIGHT // processes)) == len(share) else 3
            except BaseException as exc:  # noqa: BLE001 - report and leave
                print(f"{stage}: {type(exc).__name__}: {exc}", file=sys.stderr)
                code = 4
            os._exit(code)
        pids.append(pid)
    failed = [pid for pid in pids if os.waitpid(pid, 0)[1] != 0]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"stage": stage, "pages": len(urls), "wall": wall, "cpu": cpu, "failed": bool(failed)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2, help="one per core, as the audit's crawl workers")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated, of: " + ", ".join(STAGES))
    args = parser.parse_args(argv)
    stages = [s.strip() for s in args.stages.split(",")]
    if unknown := set(stages) - set(STAGES):
        parser.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    nginx_bin, _ = ensure_tools(log=lambda msg: print(msg, file=sys.stderr))
    site = Path(make_store(args.pages, log=lambda msg: print(msg, file=sys.stderr))["site"])
    names = sorted(p.name for p in (site / "p").glob("*.html"))
    with Nginx(site, binary=nginx_bin) as server:
        urls = [f"{server.origin}/p/{name}" for name in names]
        run_stage("fetch", urls, args.processes)  # nginx's file cache and the page cache warm
        results: dict[str, list[dict]] = {stage: [] for stage in stages}
        for _ in range(args.rounds):
            for stage in stages:
                results[stage].append(run_stage(stage, urls, args.processes))
    print(f"{len(urls)} product pages, {args.processes} process(es), {IN_FLIGHT} requests in flight, "
          f"median of {args.rounds}")
    print(f"{'stage':<10} {'pages/s':>9} {'CPU ms/page':>12}  rounds (pages/s)")
    for stage, runs in results.items():  # each figure's median, as run.py reports them
        rates = [r["pages"] / r["wall"] for r in runs]
        cpu_ms = statistics.median(r["cpu"] / r["pages"] * 1e3 for r in runs)
        in_order = " / ".join(f"{rate:.0f}" for rate in rates)
        flag = "  (a process failed)" if any(r["failed"] for r in runs) else ""
        print(f"{stage:<10} {statistics.median(rates):>9.0f} {cpu_ms:>12.2f}  {in_order}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
