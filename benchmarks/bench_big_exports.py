"""Benchmark big exports (issue 21): peak memory and time to inspect or load a multi-million-row GBK CSV.

    .venv/bin/python benchmarks/bench_big_exports.py [--rows 1000000] [--xlsx-rows N] [--out DIR] [--keep]
                                                     [--root DIR] [--only inspect|load]

Generates a GBK inventory CSV (bench_sources.py's columns: a title row, 9 columns, ~77 bytes a row; 4.9 M
rows make a 375 MB file, the issue's was 500 MB) and optionally an XLSX, in a temp dir (never committed; use
``--out DIR --keep`` to reuse them), then measures, each in a fresh process so that its peak RSS
(``ru_maxrss``) belongs to that step alone:

* ``inspect``: ``checker inspect FILE`` (the CLI, as a user runs it; for an XLSX what it reads, with
  ``max_uncompressed_mb`` raised: the CLI refuses a million-row sheet, ~480 MB unpacked);
* ``load``: :func:`checker.sources.load_sources` into an audit context, what ``checker audit`` does before
  the rules run (every record kept for them);
* ``audit``: ``checker audit`` with the file as its one inventory source and no start URL (the default config
  otherwise): load, the ST rules, the workbook (its Stock sheet and findings) written, as a user runs it.

Each file is first read by the peer, ``floor``: the same file with nothing of ours (GBK decoding and the csv
module; python-calamine's rows for a workbook).  Prints seconds, seconds per million rows, peak RSS, and each
step's time as a multiple of the floor's; targets (issue 21): peak RSS under 500 MB, under 10 s per million
rows.  ``--root DIR`` measures another checkout (e.g. a worktree of main) on the same file.
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
MAX_UNCOMPRESSED_MB = 2000


def child_inspect(path: str) -> None:
    """What ``checker inspect`` reads (first rows kept, every row counted), with ``max_uncompressed_mb``
    raised for a workbook; the CLI itself has no option for it and refuses a million-row sheet."""
    from checker.config import SourceConfig
    from checker.sources.reader import read

    cfg = SourceConfig(kind="inventory", path=path, max_uncompressed_mb=MAX_UNCOMPRESSED_MB)
    u = read(cfg, Path.cwd(), None, sample=3, keep=False).understanding[0]
    print(json.dumps({"rows_ok": u.rows_ok, "failed": u.failed}))


def child_floor(path: str) -> None:
    """The peer: the same file read with nothing of ours, as fast as Python reads it (a CSV: GBK decoding
    and the csv module; a workbook: python-calamine's rows, what our reader is built on)."""
    count = 0
    if path.endswith(".csv"):
        import csv

        with open(path, encoding="gbk", newline="") as fh:
            for _ in csv.reader(fh):
                count += 1
    else:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(path)
        for _ in book.get_sheet_by_name(book.sheet_names[0]).iter_rows():
            count += 1
    print(json.dumps({"rows": count}))


def rows(n: int, as_text: bool):
    """bench_sources.py's columns and values, with an expiry date that agrees with production + shelf life
    (or none): its rows would make a warning every second row, and this measures rows, not warnings."""
    from datetime import date, timedelta

    start = date(2025, 1, 1)
    for i in range(n):
        made = start + timedelta(days=(i * 7) % 650)
        shelf = SHELF[i % len(SHELF)]
        expiry = made + timedelta(days=540) if shelf == "540" else None
        quantity: object = (i * 37) % 5000
        if as_text:
            made = f"{made.year}/{made.month}/{made.day}" if i % 2 else made.strftime("%Y年%m月%d日")
            expiry, quantity = expiry.isoformat() if expiry else "", f"{quantity:,}"
        yield [f"CN-{['TEA', 'SNK', 'FOOD', 'BABY'][i % 4]}-{i % 5000:04d}", NAMES[i % len(NAMES)], f"L{i:07d}",
               WAREHOUSES[i % len(WAREHOUSES)], quantity, STATUSES[i % len(STATUSES)], made, shelf, expiry]  # fmt: skip


def make_csv(path: Path, n: int) -> None:
    import csv

    with path.open("w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["商品库存导出 2026-11-20"])
        w.writerow(HEADER)
        w.writerows(rows(n, as_text=True))


def make_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("库存明细")
    ws.append(["商品库存导出 2026-11-20"])
    ws.append(HEADER)
    for row in rows(n, as_text=False):
        ws.append(row)
    wb.save(path)


def child_load(path: str) -> None:
    """Load one file as an inventory source into an AuditContext, as ``checker audit`` does (a workbook with
    ``max_uncompressed_mb`` raised: a million-row sheet unpacks to ~480 MB, over the 200 MB default)."""
    from checker.config import Config, SourceConfig
    from checker.engine.context import AuditContext
    from checker.sources import load_sources

    config = Config(sources=[SourceConfig(kind="inventory", path=path, max_uncompressed_mb=MAX_UNCOMPRESSED_MB)])
    ctx = AuditContext(config=config)
    load_sources(config, ctx, Path.cwd())
    print(json.dumps({"records": len(ctx.lots), "errors": len(ctx.errors)}))


def audit_config(path: Path, out: Path) -> Path:
    """A checker.toml with ``path`` as the one inventory source (a workbook's unpacked-size cap raised)."""
    config = out / f"checker-{path.stem}.toml"
    config.write_text(f'[[sources]]\nkind = "inventory"\npath = "{path}"\nmax_uncompressed_mb = {MAX_UNCOMPRESSED_MB}\n',
                      encoding="utf-8")
    return config


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
    return {
        "s": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "status": os.waitstatus_to_exitcode(status),
        "out": text,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="CSV rows")
    ap.add_argument(
        "--xlsx-rows", type=int, default=0, help="also an XLSX of this many rows (openpyxl writes ~20 s each 100k)"
    )
    ap.add_argument("--out", type=Path, help="where to write the file (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    ap.add_argument("--root", type=Path, default=HERE.parent, help="checkout to measure (default: this one)")
    ap.add_argument("--only", choices=["floor", "inspect", "load", "audit"], help="one step only")
    ap.add_argument("--child-floor", help=argparse.SUPPRESS)
    ap.add_argument("--child-load", help=argparse.SUPPRESS)
    ap.add_argument("--child-inspect", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_floor:
        child_floor(args.child_floor)
        return
    if args.child_load:
        child_load(args.child_load)
        return
    if args.child_inspect:
        child_inspect(args.child_inspect)
        return
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_big_"))
    out.mkdir(parents=True, exist_ok=True)
    files = [(out / f"inventory_{args.rows}_gbk.csv", args.rows, make_csv)]
    if args.xlsx_rows:
        files.append((out / f"inventory_{args.xlsx_rows}.xlsx", args.xlsx_rows, make_xlsx))
    for path, n, make in files:
        if not path.exists():
            t = time.perf_counter()
            make(path, n)
            print(
                f"generated {path.name}: {n:,} rows, {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.0f} s"
            )
    root = args.root.resolve()
    python = str(root / ".venv/bin/python") if (root / ".venv/bin/python").exists() else sys.executable
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    print(f"checkout {root} ({head.stdout.strip()})")
    failed = False
    for path, n, _ in files:
        steps = {
            "floor": [python, str(HERE / "bench_big_exports.py"), "--child-floor", str(path)],
            "inspect": [python, "-m", "checker", "inspect", str(path), "--rows", "3"]
            if path.suffix == ".csv"
            else [python, str(HERE / "bench_big_exports.py"), "--child-inspect", str(path)],
            "load": [python, str(HERE / "bench_big_exports.py"), "--child-load", str(path)],
            "audit": [python, "-m", "checker", "audit", "--config", str(audit_config(path, out)), "-q",
                      "--today", "2026-11-23", "--fail-on", "never", "-o", str(out / f"audit-{path.stem}.xlsx")],
        }
        floor = None
        for name, argv in steps.items():
            if args.only and name not in (args.only, "floor"):
                continue
            m = run(argv, root)
            per_m = m["s"] / (n / 1e6)
            if name == "floor":
                floor = m["s"]
                print(f"{path.suffix[1:]:<4} {'floor':<8} {n:>10,} rows  {m['s']:6.1f} s (CPU {m['cpu']:5.1f} s)  "
                      f"({per_m:4.1f} s per million rows)  peak RSS {m['rss_mb']:6.0f} MB  (the peer: no code of ours)")
                continue
            ok = m["status"] in (0, 2) and m["rss_mb"] < TARGET_MB and per_m < TARGET_S_PER_M
            failed |= not ok
            tail = (
                m["out"].strip().splitlines()[-1:] if "--child" in " ".join(argv) or m["status"] not in (0, 2) else []
            )
            print(
                f"{path.suffix[1:]:<4} {name:<8} {n:>10,} rows  {m['s']:6.1f} s (CPU {m['cpu']:5.1f} s)  "
                f"({per_m:4.1f} s per million rows)  peak RSS {m['rss_mb']:6.0f} MB  exit {m['status']}  "
                f"{m['s'] / floor:4.1f}x floor  {'OK' if ok else 'OVER TARGET'}  {' '.join(tail)[:200]}"
            )
    if args.out is None and not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
