"""Benchmark big exports (issue 21): peak memory and time to inspect or load a multi-million-row GBK CSV.

    .venv/bin/python benchmarks/bench_big_exports.py [--rows 1000000] [--out DIR] [--keep] [--root DIR]

Generates a GBK inventory CSV (bench_sources.py's rows: a title row, 9 columns, ~82 bytes a row; 4.9 M rows
make the issue's ~400-500 MB file) in a temp dir (never committed), then measures, each in a fresh process
so that its peak RSS (``ru_maxrss``) belongs to that step alone:

* ``inspect``: ``checker inspect FILE`` (the CLI, as a user runs it);
* ``load``: :func:`checker.sources.load_sources` into an audit context, what ``checker audit`` does before
  the rules run (every record kept for them).

Prints seconds, seconds per million rows and peak RSS; targets (issue 21): peak RSS under 500 MB, under
10 s per million rows.  ``--root DIR`` measures another checkout (e.g. a worktree of main) on the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_sources import HEADER, NAMES, SHELF, STATUSES, WAREHOUSES  # noqa: E402

TARGET_MB, TARGET_S_PER_M = 500, 10.0


def make_csv(path: Path, n: int) -> None:
    """bench_sources.py's columns and values, with an expiry date that agrees with production + shelf life
    (or none): its rows would make a warning every second row, and this measures rows, not warnings."""
    import csv
    from datetime import date, timedelta

    start = date(2025, 1, 1)
    with path.open("w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["商品库存导出 2026-11-20"])
        w.writerow(HEADER)
        for i in range(n):
            made = start + timedelta(days=(i * 7) % 650)
            shelf = SHELF[i % len(SHELF)]
            expiry = (made + timedelta(days=540)).isoformat() if shelf == "540" else ""
            made_text = f"{made.year}/{made.month}/{made.day}" if i % 2 else made.strftime("%Y年%m月%d日")
            w.writerow([f"CN-{['TEA', 'SNK', 'FOOD', 'BABY'][i % 4]}-{i % 5000:04d}", NAMES[i % len(NAMES)],
                        f"L{i:07d}", WAREHOUSES[i % len(WAREHOUSES)], f"{(i * 37) % 5000:,}",
                        STATUSES[i % len(STATUSES)], made_text, shelf, expiry])  # fmt: skip


def child_load(path: str) -> None:
    """Load one file as an inventory source into an AuditContext, as ``checker audit`` does."""
    from checker.config import Config, SourceConfig
    from checker.engine.context import AuditContext
    from checker.sources import load_sources

    config = Config(sources=[SourceConfig(kind="inventory", path=path)])
    ctx = AuditContext(config=config)
    load_sources(config, ctx, Path.cwd())
    print(json.dumps({"records": len(ctx.lots), "errors": len(ctx.errors)}))


def run(argv: list[str], root: Path) -> dict:
    """Run a command; its wall seconds and peak RSS (os.wait4 gives the child's own rusage)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return {"s": seconds, "rss_mb": usage.ru_maxrss / 1024, "status": os.waitstatus_to_exitcode(status), "out": text}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, help="where to write the file (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    ap.add_argument("--root", type=Path, default=HERE.parent, help="checkout to measure (default: this one)")
    ap.add_argument("--only", choices=["inspect", "load"], help="one step only")
    ap.add_argument("--child-load", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_load:
        child_load(args.child_load)
        return
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_big_"))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"inventory_{args.rows}_gbk.csv"
    if not path.exists():
        t = time.perf_counter()
        make_csv(path, args.rows)
        print(f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB GBK in {time.perf_counter() - t:.0f} s")
    root = args.root.resolve()
    python = str(root / ".venv/bin/python") if (root / ".venv/bin/python").exists() else sys.executable
    steps = {
        "inspect": [python, "-m", "checker", "inspect", str(path), "--rows", "3"],
        "load": [python, str(HERE / "bench_big_exports.py"), "--child-load", str(path)],
    }
    print(f"checkout {root} ({subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=root, capture_output=True, text=True).stdout.strip()})")
    failed = False
    for name, argv in steps.items():
        if args.only and name != args.only:
            continue
        m = run(argv, root)
        per_m = m["s"] / (args.rows / 1e6)
        ok = m["status"] in (0, 2) and m["rss_mb"] < TARGET_MB and per_m < TARGET_S_PER_M
        failed |= not ok
        tail = m["out"].strip().splitlines()[-1:] if name == "load" or m["status"] not in (0, 2) else []
        print(
            f"{name:<8} {args.rows:>10,} rows  {m['s']:6.1f} s  ({per_m:4.1f} s per million rows)  "
            f"peak RSS {m['rss_mb']:7.0f} MB  exit {m['status']}  {'OK' if ok else 'OVER TARGET'}  {' '.join(tail)[:200]}"
        )
    if args.out is None and not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
