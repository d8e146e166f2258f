"""Micro-benchmark of price reading: the page and export parsers per form of price, and a price export read whole.

    .venv/bin/python benchmarks/bench_prices.py [--calls 50000] [--rows 100000] [--rounds 5]
    .venv/bin/python benchmarks/bench_prices.py --root /tmp/base     # the checker package of another checkout

Prices are a few calls a page (bench_extract.py cannot see them) and one column of an export (bench_sources.py
reads inventory, which has none), so they are timed here.  Each figure is the fastest of ``--rounds`` rounds of
CPU time (the machine is shared: the fastest round is the one least disturbed).  For an A/B, run it
alternately on both checkouts, e.g. with ``git archive main | tar -x -C /tmp/base``:

    for i in 1 2 3; do for r in /tmp/base .; do .venv/bin/python benchmarks/bench_prices.py --root $r; done; done

Only names both sides of such a comparison have are used: ``checker.sources.values.parse_price`` (exports) and
``checker.extract.page.parse_price`` (pages).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FORMS = {
    "plain 129.00": lambda i: f"{i % 997}.{i % 100:02d}",
    "¥129.00": lambda i: f"¥{i % 997}.{i % 100:02d}",
    "NT$1,299": lambda i: f"NT${i % 9 + 1},{i % 997:03d}",
    "1.299,00 €": lambda i: f"{i % 9 + 1}.{i % 997:03d},00 €",
    "¥1.2万": lambda i: f"¥{i % 99 + 1}.{i % 10}万",
    "￥１２９": lambda i: "￥" + str(i % 997).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
}


def best_of(rounds: int, fn, values) -> float:
    """Fastest round, in µs of CPU time per call."""
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        for v in values:
            fn(v)
        best = min(best, time.process_time() - t)
    return best / len(values) * 1e6


def write_export(path: Path, rows: int) -> None:
    """A price history: four prices in five plain, the rest with a symbol and thousands separators."""
    start = date(2026, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["SKU", "日期", "价格"])
        for i in range(rows):
            price = f"{i % 4999}.{i % 100:02d}" if i % 5 else f"¥{i % 9 + 1},{i % 997:03d}.00"
            w.writerow([f"CN-TEA-{i % 5000:04d}", (start + timedelta(days=i % 300)).isoformat(), price])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=50_000, help="calls per form and side")
    ap.add_argument("--rows", type=int, default=100_000, help="rows of the price export")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose checker package is timed")
    args = ap.parse_args()
    sys.path.insert(0, str(args.root.resolve()))

    from checker.config import SourceConfig
    from checker.extract.page import parse_price as page
    from checker.sources import read_source
    from checker.sources.values import parse_price as export

    print(f"checker from {Path(sys.modules['checker'].__file__).parent}")
    for name, make in FORMS.items():
        values = [make(i) for i in range(args.calls)]
        figures = [f"{side} {best_of(args.rounds, fn, values):6.2f} µs" for side, fn in (("page", page), ("export", export))]
        print(f"  {name:<14} {'   '.join(figures)}")
    with tempfile.TemporaryDirectory(prefix="bench_prices_") as tmp:
        path = Path(tmp) / "prices.csv"
        write_export(path, args.rows)
        best = float("inf")
        for _ in range(max(1, args.rounds // 2)):
            t = time.process_time()
            result = read_source(SourceConfig(kind="prices", path=str(path)), Path(tmp))
            best = min(best, time.process_time() - t)
        u = result.understanding[0]
        print(f"  price export, {u.rows_read:,} rows: {best:.2f} s CPU ({u.rows_ok:,} ok, {u.rows_error:,} errors)")


if __name__ == "__main__":
    main()
