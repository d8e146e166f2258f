"""Micro-benchmark: 100,000 findings to xlsx + json + sarif (issue 24 target: under 15 s).

    .venv/bin/python benchmarks/bench_reports.py              # 100,000 findings, 2 rounds
    .venv/bin/python benchmarks/bench_reports.py -n 20000 --repeat 3 --formats json,sarif

Times ``checker.reports.outputs.write_reports`` (what ``checker audit --format ...`` runs after the
rules) on the findings of bench_workbook.py (built beforehand, not timed), into
benchmarks/out/bench_reports.*; each format's share is timed separately in a last round.
SARIF keeps the 25,000 most severe (the code hosts' limit), so its time includes the gzip size check.
Prints seconds and file sizes.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench_workbook import build

from checker.reports.outputs import parse_formats, report_path, write_reports

OUT = Path(__file__).resolve().parent / "out"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write N findings as xlsx + json + sarif")
    ap.add_argument("-n", type=int, default=100_000, help="findings (default 100,000)")
    ap.add_argument("--repeat", type=int, default=2, help="rounds; the median is reported (default 2)")
    ap.add_argument("--formats", default="xlsx,json,sarif")
    args = ap.parse_args(argv)
    formats = parse_formats(args.formats)

    ctx, findings, rules = build(args.n)
    path = OUT / "bench_reports.xlsx"
    times = []
    for k in range(1, args.repeat + 1):
        t0 = time.perf_counter()
        write_reports(path, formats, ctx, findings, rules)
        times.append(time.perf_counter() - t0)
        print(f"round {k}: {times[-1]:.2f} s")
    shares = []
    for fmt in formats:
        t0 = time.perf_counter()
        write_reports(path, (fmt,), ctx, findings, rules)
        size = report_path(path, fmt).stat().st_size / 2**20
        shares.append(f"{fmt} {time.perf_counter() - t0:.2f} s ({size:.1f} MB)")
    median = statistics.median(times)
    print(f"write_reports {','.join(formats)}, {len(findings):,} findings: median {median:.2f} s "
          f"({'under' if median < 15 else 'OVER'} the 15 s target); alone: {', '.join(shares)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
