"""The crawl benchmark: store-checker against a ceiling and a peer, in one run, on this machine.

    make bench                                        # = .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --pages 1000   # smaller stores
    .venv/bin/python benchmarks/run.py --stores messy --repeat 3 --skip-scrapy

One command: generate (or reuse) two synthetic stores of N product pages -- the team's store
(benchmarks/make_store.py) and the messy store (benchmarks/make_messy_store.py: the same pages with
dead nav and related links and broken shared images, ~120 links a page, most targets 404) -- and
for each, start our own nginx on a free 127.0.0.1 port (benchmarks/nginx.py), then measure, round
by round:

  (a)  ceiling  wrk fetching the same product URLs (a Lua script walks the URL list), raw: no
                parsing (first store only: the server and pages are the same)
  (b)  peer     Scrapy crawling the sitemap, extracting the same fields (benchmarks/scrapy_peer/)
  (c1) audit    ``checker audit http://127.0.0.1:PORT/sitemap.xml -o out/audit-STORE/bench.xlsx -q
                --config benchmarks/bench_checker.toml``: the full audit with the default config
                (crawl, image/link checks, rules, workbook), page cache emptied first
  (c2) re-run   the same audit again, with (c1)'s page cache: every page revalidated (304)

The audits run through benchmarks/audit_timed.py, the CLI with each phase's seconds recorded.
Each runs as a subprocess.  Reported per tool: pages (fetched and parsed; for wrk, requests),
wall seconds (from spawn to exit, interpreter start-up included), pages/s, CPU seconds (user+sys of
the process and all its waited-for children, from ``wait4``: the audit's parsing processes are
included), peak RSS (the largest sum of RSS over the process tree, sampled every 0.1 s; and the
largest single process from ``wait4``), and the nginx worker's CPU seconds over the same span;
for the audits, the seconds of each phase and the pages answered from the page cache.
The median over rounds is reported, and the ratios to Scrapy.  Results go to stdout and to
benchmarks/out/results.json (every round, the medians, the machine, the versions measured).

Rounds: ``--repeat K``; by default 2 if a second round fits in ``--budget`` seconds (600 s) and 1
otherwise.  The machine has 2 cores and is shared, so load average is recorded before each
measurement: compare numbers from one run only.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from make_store import make_store  # noqa: E402
from nginx import Nginx, ensure_tools, parse_wrk, wrk_command  # noqa: E402

PYTHON = Path(sys.executable)
VENV_BIN = PYTHON.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ process-tree measurement
def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        with contextlib.suppress(OSError):  # a process may end while it is being read
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                todo += [int(x) for x in task.read_text().split()]
    return pids


def _pss_bytes(pid: int) -> int:
    """Proportional set size: pages shared with other processes counted in shares, so forked
    processes (the audit's crawl workers share the parent's rules and tables) are not counted twice."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def measure(cmd: list[str], label: str, *, cwd: Path = REPO, interval: float = 0.1) -> dict:
    """Run ``cmd``; wall time, CPU (wait4: the process and its reaped children), peak tree RSS."""
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / f"{label}.out", logs / f"{label}.err"
    peak = {"tree": 0, "pss": 0}
    load = os.getloadavg()[0]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                pids = _tree(proc.pid)
                peak["tree"] = max(peak["tree"], sum(_rss_bytes(p) for p in pids))
                peak["pss"] = max(peak["pss"], sum(_pss_bytes(p) for p in pids))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "cmd": cmd, "returncode": proc.returncode, "wall_s": round(wall, 3),
        "cpu_user_s": round(usage.ru_utime, 3), "cpu_sys_s": round(usage.ru_stime, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(peak["tree"] / 2**20, 1), "peak_pss_mb": round(peak["pss"] / 2**20, 1), "max_rss_one_process_mb": round(usage.ru_maxrss / 1024, 1),
        "loadavg_1m_before": round(load, 2),
        "stdout": out_path.read_text(encoding="utf-8", errors="replace"),
        "stderr_tail": err_path.read_text(encoding="utf-8", errors="replace")[-3000:],
    }  # fmt: skip


# ------------------------------------------------------------------ the three measurements
def run_wrk(wrk: str, server: Nginx, urls: Path, seconds: int, k: int) -> dict:
    cmd = wrk_command(wrk, server.origin, urls, OUT, seconds=seconds, connections=64, threads=os.cpu_count() or 2)
    cpu0 = server.worker_cpu_seconds()
    m = measure(cmd, f"wrk-{k}")
    m["server_cpu_s"] = round(server.worker_cpu_seconds() - cpu0, 2)
    w = parse_wrk(m["stdout"])
    m["pages"] = w["requests"]
    m["errors"] = w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"]
    m["timed_s"] = w["duration_us"] / 1e6  # wrk's own clock (the run, without process start-up)
    m["pages_per_s"] = round(w["requests"] / m["timed_s"], 1)
    m["mb_per_s"] = round(w["bytes"] / m["timed_s"] / 2**20, 1)
    m["latency_p50_ms"], m["latency_p99_ms"] = w["p50_us"] / 1000, w["p99_us"] / 1000
    m["requests"] = w["requests"]
    return m


def run_scrapy(server: Nginx, k: int) -> dict:
    stats_path = OUT / f"scrapy-stats-{k}.json"
    stats_path.unlink(missing_ok=True)
    cmd = [str(PYTHON), str(HERE / "scrapy_peer" / "crawl.py"), f"{server.origin}/sitemap.xml", "--stats", str(stats_path)]
    cpu0 = server.worker_cpu_seconds()
    m = measure(cmd, f"scrapy-{k}")
    m["server_cpu_s"] = round(server.worker_cpu_seconds() - cpu0, 2)
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.is_file() else {}
    m["pages"] = int(stats.get("bench/pages_parsed", 0))
    m["items"] = int(stats.get("item_scraped_count", 0))
    m["requests"] = int(stats.get("downloader/request_count", 0))
    m["errors"] = int(stats.get("log_count/ERROR", 0))
    m["pages_per_s"] = round(m["pages"] / m["wall_s"], 1) if m["wall_s"] else 0.0
    m["finish_reason"] = stats.get("finish_reason")
    return m


SUMMARY_LINE = re.compile(r"pages (\d+) \(ok (\d+)\), products (\d+), images/links checked (\d+)")


def run_checker(server: Nginx, config: Path, k: int, *, store: str = "team", rerun: bool = False) -> dict:
    """The audit as ``checker audit`` runs it (through audit_timed.py, which adds each phase's
    seconds), with the page cache of its own folder: emptied before a first run, kept for a
    re-run (which revalidates every page: 304s)."""
    work = OUT / f"audit-{store}"
    if not rerun:
        shutil.rmtree(work / ".checker-cache", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    workbook, phases_file = work / "bench.xlsx", work / "phases.json"
    phases_file.unlink(missing_ok=True)
    cmd = [str(PYTHON), str(HERE / "audit_timed.py"), str(phases_file), "audit", f"{server.origin}/sitemap.xml",
           "-o", str(workbook), "-q", "--config", str(config), "--today", "2026-11-23"]  # fmt: skip
    cpu0 = server.worker_cpu_seconds()
    m = measure(cmd, f"checker-{store}-{'rerun' if rerun else 'first'}-{k}")
    m["server_cpu_s"] = round(server.worker_cpu_seconds() - cpu0, 2)
    found = SUMMARY_LINE.search(m["stdout"])
    if found:
        crawled, ok, products, checked = map(int, found.groups())
    else:  # the console summary changed: read the workbook's Summary sheet instead
        crawled, ok, products, checked = _summary_from_workbook(workbook)
    m.update(pages=ok, pages_crawled=crawled, products=products, targets_checked=checked,
             requests=crawled + checked, pages_per_s=round(ok / m["wall_s"], 1) if m["wall_s"] else 0.0,
             errors=0 if m["returncode"] in (0, 1) else 1)  # fmt: skip
    m["phases_s"] = json.loads(phases_file.read_text(encoding="utf-8")) if phases_file.is_file() else {}
    m["workbook"] = str(workbook)
    return m


def ensure_pyinstrument() -> None:
    if subprocess.run([str(PYTHON), "-c", "import pyinstrument"], capture_output=True).returncode != 0:
        log("  installing pyinstrument into the venv (pip install pyinstrument) ...")
        subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "pyinstrument"], check=True)


def profile_checker(server: Nginx, config: Path) -> list[Path]:
    """One more audit (not timed) under pyinstrument: benchmarks/out/profile.txt (call tree of the
    main process) and profile-flat.txt (functions by own time); each crawl worker runs under
    cProfile (CHECKER_PROFILE_WORKERS) and profile-workers.txt sums them by own time."""
    import pstats

    ensure_pyinstrument()
    session = OUT / "profile.pyisession"
    worker_dir = OUT / "worker-profiles"
    shutil.rmtree(worker_dir, ignore_errors=True)
    worker_dir.mkdir(parents=True)
    audit = ["-m", "checker", "audit", f"{server.origin}/sitemap.xml", "-o", str(OUT / "profile.xlsx"), "-q",
             "--config", str(config), "--today", "2026-11-23"]  # fmt: skip
    tool = str(VENV_BIN / "pyinstrument")
    env = {**os.environ, "CHECKER_PROFILE_WORKERS": str(worker_dir)}
    subprocess.run([tool, "-r", "pyisession", "-o", str(session), *audit], cwd=REPO, capture_output=True, env=env)
    outputs = [OUT / "profile.txt", OUT / "profile-flat.txt", OUT / "profile-workers.txt"]
    subprocess.run([tool, "--load", str(session), "-r", "text", "-o", str(outputs[0])], check=True)
    subprocess.run([tool, "--load", str(session), "-r", "text", "-p", "flat=true", "-o", str(outputs[1])], check=True)
    worker_files = sorted(str(f) for f in worker_dir.glob("worker-*.prof"))
    with outputs[2].open("w", encoding="utf-8") as out:
        if worker_files:
            out.write(f"{len(worker_files)} crawl workers, cProfile summed\n")
            stats = pstats.Stats(*worker_files, stream=out)
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(40)
        else:
            out.write("no worker profiles (a crawl below the worker threshold runs in the main process)\n")
    return outputs


def _summary_from_workbook(path: Path) -> tuple[int, int, int, int]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    facts = {str(r[0]): r[1] for r in book["Summary"].iter_rows(max_col=2, values_only=True) if r and r[0]}
    pick = lambda prefix: int(next((v for k, v in facts.items() if k.startswith(prefix)), 0) or 0)  # noqa: E731
    return pick("抓取页面"), pick("成功页面"), pick("识别商品"), pick("检查图片")


def findings_by_code(path: Path) -> dict[str, int]:
    """Findings per rule code in the audit's workbook (a sanity check that the audit did its work)."""
    from openpyxl import load_workbook

    counts: dict[str, int] = {}
    try:
        book = load_workbook(path, read_only=True)
        for row in book["Findings"].iter_rows(min_row=2, min_col=3, max_col=3, values_only=True):
            if row[0]:
                counts[row[0]] = counts.get(row[0], 0) + 1
    except Exception as exc:  # a benchmark, not a test: report and go on
        counts["(unreadable)"] = 0
        log(f"  cannot read {path}: {exc}")
    return dict(sorted(counts.items()))


# ------------------------------------------------------------------ facts about the run
def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0")
    return {"nproc": os.cpu_count(), "cpu_model": model, "mem_gb": round(int(mem) / 2**20, 1),
            "kernel": platform.release(), "python": platform.python_version()}  # fmt: skip


def _version(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (r.stdout + r.stderr).strip().splitlines()[0] if (r.stdout + r.stderr).strip() else "?"


def versions(nginx_bin: str, wrk_bin: str) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    git = lambda *a: subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True).stdout.strip()  # noqa: E731
    status = subprocess.run(["git", "status", "--porcelain", "--", "checker", "rules"], cwd=REPO, capture_output=True, text=True)
    dirty = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    digest = hashlib.sha1()
    for path in sorted([*REPO.glob("checker/**/*.py"), *REPO.glob("rules/**/*.py")]):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return {
        "store_checker": pkg("store-checker"), "commit": git("rev-parse", "--short", "HEAD"),
        "commit_subject": git("log", "-1", "--format=%s"), "uncommitted_in_checker_or_rules": dirty,
        "source_sha1": digest.hexdigest()[:12], "scrapy": pkg("scrapy"), "twisted": pkg("twisted"),
        "aiohttp": pkg("aiohttp"), "httpx": pkg("httpx"), "selectolax": pkg("selectolax"),
        "nginx": _version([nginx_bin, "-v"]), "wrk": _version([wrk_bin, "--version"]),
    }  # fmt: skip


def ensure_scrapy() -> None:
    if subprocess.run([str(PYTHON), "-c", "import scrapy"], capture_output=True).returncode == 0:
        return
    log("  installing Scrapy into the venv (pip install scrapy; not a store-checker dependency) ...")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "scrapy"], check=True)


def warm_page_cache(site: Path) -> float:
    """Read every file once so the first measurement does not pay for the disk."""
    started = time.perf_counter()
    for root, _dirs, files in os.walk(site):
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                while fh.read(1 << 20):
                    pass
    return time.perf_counter() - started


# ------------------------------------------------------------------ report
KEYS = ("pages", "requests", "wall_s", "pages_per_s", "cpu_s", "peak_rss_mb", "peak_pss_mb", "max_rss_one_process_mb",
        "server_cpu_s")


PHASES = ("start", "discovery", "pages", "targets", "rules", "workbook", "exit")

#: The rows of each store's table: (label, key in results["median"][store]).
ROWS = [("(a) ceiling: wrk raw fetch", "wrk"), ("(b) peer: Scrapy", "scrapy"),
        ("(c1) store-checker, first run", "checker"), ("(c2) store-checker, re-run", "checker-rerun")]


def median_of(runs: list[dict]) -> dict:
    ok = [r for r in runs if r.get("pages")] or runs
    med = {k: round(statistics.median(r.get(k, 0) for r in ok), 2) for k in KEYS}
    med["cpu_ms_per_page"] = round(1000 * med["cpu_s"] / med["pages"], 2) if med["pages"] else None
    med["rounds"] = len(ok)
    phases = [r["phases_s"] for r in ok if r.get("phases_s")]
    if phases:
        med["phases_s"] = {p: round(statistics.median(x.get(p, 0.0) for x in phases), 2) for p in PHASES}
        med["cache_hits"] = statistics.median(x.get("cache_hits", 0) for x in phases)
    return med


def table(med: dict, ratio: dict) -> str:
    head = (f"{'':32}{'pages':>8}{'wall s':>9}{'pages/s':>10}{'CPU s':>8}{'CPU ms/pg':>10}"
            f"{'peak RSS MB':>12}{'nginx CPU s':>12}{'rounds':>7}")  # fmt: skip
    lines = [head, "-" * len(head)]
    for label, key in ROWS:
        m = med.get(key)
        if not m:
            lines.append(f"{label:32}  (skipped)")
            continue
        lines.append(f"{label:32}{m['pages']:>8,.0f}{m['wall_s']:>9.1f}{m['pages_per_s']:>10,.1f}{m['cpu_s']:>8.1f}"
                     f"{m['cpu_ms_per_page'] or 0:>10.2f}{m['peak_rss_mb']:>12.0f}{m['server_cpu_s']:>12.1f}{m['rounds']:>7}")  # fmt: skip
    timed = [(label, med[key]["phases_s"]) for label, key in ROWS if med.get(key, {}).get("phases_s")]
    if timed:
        lines += ["", f"{'phase seconds (main process)':32}" + "".join(f"{p:>10}" for p in PHASES)]
        lines += [f"{label:32}" + "".join(f"{ph.get(p, 0.0):>10.2f}" for p in PHASES) for label, ph in timed]
        hits = [f"{label.split(' ')[0]} {med[key].get('cache_hits', 0):,.0f}" for label, key in ROWS if key.startswith("checker")
                and key in med]  # fmt: skip
        lines.append(f"pages answered from the page cache (304): {', '.join(hits)}")
    lines.append("")
    lines.append("Scrapy fetches and parses the sitemap's pages only: it checks no link or image, follows no link, "
                 "runs no rule and writes no workbook; store-checker does all of that in its wall time.")
    for key, label in (("checker", "c1"), ("checker-rerun", "c2")):
        if f"{key}_over_scrapy_pages_per_s" in ratio:
            lines.append(f"{label}/b  store-checker {'re-run' if label == 'c2' else 'first run'} vs Scrapy: "
                         f"{ratio[f'{key}_over_scrapy_pages_per_s']:.2f}x the pages/s, "
                         f"{ratio[f'{key}_over_scrapy_cpu_per_page']:.2f}x the CPU per page, "
                         f"{ratio[f'{key}_over_scrapy_peak_rss']:.2f}x the peak RSS")  # fmt: skip
    if "scrapy_over_wrk_pages_per_s" in ratio:
        lines.append(f"b/a  Scrapy vs the ceiling: {100 * ratio['scrapy_over_wrk_pages_per_s']:.2f}% of wrk's pages/s")
    return "\n".join(lines)


def ratios(med: dict) -> dict:
    out: dict = {}
    a, b = med.get("wrk"), med.get("scrapy")
    for key in ("checker", "checker-rerun"):
        c = med.get(key)
        if b and c and b["pages_per_s"]:
            out[f"{key}_over_scrapy_pages_per_s"] = round(c["pages_per_s"] / b["pages_per_s"], 3)
            out[f"{key}_over_scrapy_cpu_per_page"] = round((c["cpu_ms_per_page"] or 0) / (b["cpu_ms_per_page"] or 1), 3)
            out[f"{key}_over_scrapy_peak_rss"] = round(c["peak_rss_mb"] / b["peak_rss_mb"], 3) if b["peak_rss_mb"] else None
    if a and b and a["pages_per_s"]:
        out["scrapy_over_wrk_pages_per_s"] = round(b["pages_per_s"] / a["pages_per_s"], 5)
    return out


def make(store: str, pages: int) -> dict:
    if store == "messy":
        from make_messy_store import make_messy_store

        return make_messy_store(pages, log=log)
    return make_store(pages, log=log)


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="store-checker crawl benchmark: ceiling (wrk), peer (Scrapy), audit")
    ap.add_argument("--pages", type=int, default=10_000, help="product pages in the store (default 10,000)")
    ap.add_argument("--stores", default="team,messy",
                    help="team (make_store.py), messy (make_messy_store.py: dead nav and related links, broken shared "
                         "images), or both (default)")  # fmt: skip
    ap.add_argument("--repeat", type=int, default=None, help="rounds (default: 2 if they fit in --budget, else 1)")
    ap.add_argument("--budget", type=float, default=600.0, help="seconds for the whole run when --repeat is not given")
    ap.add_argument("--skip-scrapy", action="store_true", help="no peer measurement (and no Scrapy install)")
    ap.add_argument("--skip-wrk", action="store_true", help="no ceiling measurement")
    ap.add_argument("--skip-rerun", action="store_true", help="no second audit with the first one's page cache")
    ap.add_argument("--only-checker", action="store_true", help="measure only (c), e.g. with --profile")
    ap.add_argument("--wrk-seconds", type=int, default=5, help="duration of each wrk run (default 5)")
    ap.add_argument("--config", type=Path, default=HERE / "bench_checker.toml", help="store-checker config for (c)")
    ap.add_argument("--profile", action="store_true",
                    help="then one more audit under pyinstrument -> benchmarks/out/profile.txt, profile-flat.txt")
    ap.add_argument("--json", type=Path, default=OUT / "results.json", help="where to write the results")
    args = ap.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]

    t0 = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    log(f"store-checker benchmark: {args.pages:,} product pages, stores: {', '.join(stores)}")
    nginx_bin, wrk_bin = ensure_tools(log=log)
    if args.only_checker:
        args.skip_wrk = args.skip_scrapy = True
    if not args.skip_scrapy:
        ensure_scrapy()
    made = {}
    for store in stores:
        log(f"  {store} store: generating (or reusing) ...")
        g0 = time.perf_counter()
        made[store] = make(store, args.pages)
        log(f"  {store} store: {made[store]['pages']:,} pages, mean {made[store]['mean_page_kb']} KB, "
            f"ready in {time.perf_counter() - g0:.1f} s")  # fmt: skip

    runs: dict[str, dict[str, list[dict]]] = {store: {} for store in stores}
    rounds_done = 0
    k = 0
    while True:  # rounds; in each, every store, every tool (interleaved)
        k += 1
        r0 = time.perf_counter()
        for store in stores:
            site = Path(made[store]["site"])
            warm_page_cache(site)
            tools = (["wrk"] * (not args.skip_wrk and store == stores[0]) + ["scrapy"] * (not args.skip_scrapy)
                     + ["checker"] + ["checker-rerun"] * (not args.skip_rerun))  # fmt: skip
            with Nginx(site, binary=nginx_bin) as server:
                log(f"  {store}: nginx on {server.origin}")
                for tool in tools:
                    if tool == "wrk":
                        m = run_wrk(wrk_bin, server, site.parent / "urls.txt", args.wrk_seconds, k)
                    elif tool == "scrapy":
                        m = run_scrapy(server, k)
                    else:
                        m = run_checker(server, args.config, k, store=store, rerun=tool == "checker-rerun")
                    runs[store].setdefault(tool, []).append(m)
                    log(f"  round {k} {store:6} {tool:14} {m['pages']:>8,} pages {m['wall_s']:>8.1f} s "
                        f"{m['pages_per_s']:>10,.1f} pages/s CPU {m['cpu_s']:>7.1f} s  peak RSS {m['peak_rss_mb']:>6.0f} MB "
                        f"(PSS {m.get('peak_pss_mb', 0):.0f})  (load {m['loadavg_1m_before']}, rc {m['returncode']})"
                        + (f"  phases {m['phases_s']}" if m.get("phases_s") else ""))  # fmt: skip
                    if m["returncode"] not in (0, 1):
                        log(f"    {tool} failed (exit {m['returncode']}); stderr tail:\n{m['stderr_tail']}")
                if args.profile and store == stores[0] and k == 1:
                    log("  profiling one more audit with pyinstrument (not timed) ...")
                    for path in profile_checker(server, args.config):
                        log(f"  profile: {path}")
        rounds_done = k
        round_s = time.perf_counter() - r0
        if args.repeat is not None:
            if k >= args.repeat:
                break
        elif k >= 2 or (time.perf_counter() - t0) + round_s > args.budget:
            break

    med = {store: {tool: median_of(rs) for tool, rs in per.items()} for store, per in runs.items()}
    findings = {store: findings_by_code(OUT / f"audit-{store}" / "bench.xlsx") for store in stores}
    results = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).as_posix(), *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "versions": versions(nginx_bin, wrk_bin),
        "stores": made,
        "config": str(args.config),
        "rounds": rounds_done,
        "median": med,
        "ratios": {store: ratios(m) for store, m in med.items()},
        "checker_findings_by_code": findings,
        "runs": {store: {tool: [{k: v for k, v in m.items() if k != "stdout"} | {"stdout_tail": m["stdout"][-1500:]}
                                for m in rs] for tool, rs in per.items()} for store, per in runs.items()},  # fmt: skip
        "total_seconds": round(time.perf_counter() - t0, 1),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")

    mach, ver = results["machine"], results["versions"]
    print(f"\nstore-checker crawl benchmark, {results['date']}; nginx 1 worker on 127.0.0.1")
    print(f"machine: {mach['nproc']} cores, {mach['cpu_model']}, {mach['mem_gb']} GB; "
          f"store-checker {ver['store_checker']} @ {ver['commit']}{' + uncommitted changes' if ver['uncommitted_in_checker_or_rules'] else ''} "
          f"(source {ver['source_sha1']}); Scrapy {ver['scrapy']}; config {args.config.name} (page cache on)")  # fmt: skip
    for store in stores:
        info = made[store]
        print(f"\n== {store} store: {info['pages']:,} product pages (+{info['other_pages']} other; "
              f"mean {info['mean_page_kb']} KB)\n")  # fmt: skip
        print(table(med[store], results["ratios"][store]))
        if findings[store]:
            print(f"store-checker findings by code: {findings[store]}")
    print(f"\nresults: {args.json}   (total {results['total_seconds']:.0f} s)")
    failed = [f"{store}:{tool}" for store, per in runs.items() for tool, rs in per.items()
              if any(m["returncode"] not in (0, 1) or not m.get("pages") for m in rs)]  # fmt: skip
    if failed:
        print(f"FAILED: {', '.join(failed)} (see benchmarks/out/logs/)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
