"""Benchmark of ``checker.extract.page.extract_page`` over real pages of the bench store.

    .venv/bin/python benchmarks/bench_extract.py                  # 1,000 product pages, 3 rounds
    .venv/bin/python benchmarks/bench_extract.py -n 2000 --save out/extract-ref.pkl
    .venv/bin/python benchmarks/bench_extract.py -n 2000 --compare out/extract-ref.pkl
    .venv/bin/python benchmarks/bench_extract.py --fixtures --save out/extract-fixtures.pkl
    .venv/bin/python benchmarks/bench_extract.py --profile         # + cProfile of one round

Pages are the first N (by name) of ``benchmarks/out/store-10000/site/p`` (made by ``make bench``;
the script says so and exits 0 if it is absent), or with ``--fixtures`` every page of the small
fixture store (``fixtures/store/**/*.html``, messy edge cases).  They are read and decoded
beforehand, so only extraction is timed: each round times every page; the median round is
reported as ms/page and pages/s (one process, one core).

``--save`` pickles what the rules consume from every page (product, title, canonical, links,
resources, JSON-LD errors); ``--compare`` checks a run against such a file, so a faster extractor
can be shown to give the same output.  Exit status 1 if the outputs differ.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STORE_PAGES = HERE / "out" / "store-10000" / "site" / "p"
STORE_ORIGIN = "http://127.0.0.1:8080/p/"
FIXTURE_STORE = ROOT / "fixtures" / "store"
FIXTURE_ORIGIN = "http://shop.local/"
CONFIG = HERE / "bench_checker.toml"

sys.path.insert(0, str(ROOT))

from checker.config import load_config  # noqa: E402
from checker.extract.page import ExtractedPage, extract_page  # noqa: E402


def load_pages(n: int, fixtures: bool) -> list[tuple[str, str]]:
    """(html, url) pairs, decoded as UTF-8 (the bench and fixture stores are UTF-8)."""
    if fixtures:
        files = sorted(FIXTURE_STORE.glob("**/*.html"))
        return [
            (f.read_bytes().decode("utf-8", "replace"), FIXTURE_ORIGIN + f.relative_to(FIXTURE_STORE).as_posix())
            for f in files
        ]
    files = sorted(STORE_PAGES.glob("*.html"))[:n]
    return [(f.read_bytes().decode("utf-8", "replace"), STORE_ORIGIN + f.name) for f in files]


def summary(page: ExtractedPage) -> tuple:
    """What the rules read from a page, in a form that pickles and compares by value."""
    product = page.product.model_dump() if page.product else None
    return (product, page.title, page.canonical, list(page.links), list(page.resources), page.structured_data_errors)


def time_round(pages: list[tuple[str, str]], config) -> tuple[float, list[ExtractedPage]]:
    results = []
    clock = time.perf_counter
    start = clock()
    for html, url in pages:
        results.append(extract_page(html, url, config))
    return clock() - start, results


def compare(reference: list[tuple], current: list[tuple], pages: list[tuple[str, str]]) -> int:
    """Number of pages whose output differs; the first few differences are printed field by field."""
    if len(reference) != len(current):
        print(f"DIFFERENT: reference has {len(reference)} pages, this run {len(current)}")
        return max(len(reference), len(current))
    names = ("product", "title", "canonical", "links", "resources", "structured_data_errors")
    bad = 0
    for (_, url), ref, cur in zip(pages, reference, current, strict=True):
        if ref == cur:
            continue
        bad += 1
        if bad <= 5:
            for name, a, b in zip(names, ref, cur, strict=True):
                if a != b:
                    print(f"DIFFERENT {url} {name}:\n  reference {str(a)[:300]}\n  this run  {str(b)[:300]}")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1000, help="pages of the bench store (default 1000)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--fixtures", action="store_true", help="the fixture store's pages instead of the bench store")
    ap.add_argument("--save", type=Path, help="pickle the extracted output here")
    ap.add_argument("--compare", type=Path, help="compare the extracted output with this pickle")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one more round")
    args = ap.parse_args()

    if not args.fixtures and not STORE_PAGES.is_dir():
        print(f"{STORE_PAGES} is missing: run `make bench` (or benchmarks/make_store.py --pages 10000) first")
        return 0
    config = load_config(CONFIG)
    pages = load_pages(args.n, args.fixtures)
    size = sum(len(html.encode()) for html, _ in pages) / len(pages) / 1024
    print(f"{len(pages)} pages, mean {size:.1f} KB")

    times, results = [], []
    for _ in range(max(1, args.rounds)):
        seconds, results = time_round(pages, config)
        times.append(seconds)
    median = statistics.median(times)
    rounds = ", ".join(f"{t / len(pages) * 1000:.3f}" for t in times)
    print(
        f"extract_page: {median / len(pages) * 1000:.3f} ms/page, {len(pages) / median:,.0f} pages/s "
        f"(median of {len(times)} rounds: {rounds} ms/page)"
    )

    status = 0
    current = [summary(page) for page in results]
    if args.compare:
        reference = pickle.loads(args.compare.read_bytes())
        bad = compare(reference, current, pages)
        print(f"output: {'IDENTICAL to' if not bad else f'{bad} pages DIFFERENT from'} {args.compare}")
        status = 1 if bad else 0
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_bytes(pickle.dumps(current, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"output saved to {args.save}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(time_round, pages, config)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return status


if __name__ == "__main__":
    sys.exit(main())
