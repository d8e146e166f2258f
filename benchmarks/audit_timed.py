"""``checker audit ...`` as the CLI runs it, with the wall time of each phase written to a JSON file
(for benchmarks/run.py; store-checker itself is not changed for it).

    .venv/bin/python benchmarks/audit_timed.py PHASES.json audit URL -o OUT.xlsx -q ...

Phases: ``start`` (interpreter, imports, config, rules, sources), ``discovery`` (sitemaps,
robots.txt), ``pages`` (fetch, parse and page rules, in the crawl workers), ``targets`` (the image
and link checks, in the main process), ``rules`` (site rules), ``workbook``, ``exit``.  Each is
timed by wrapping the function that runs it; the marks are taken in the main process.  Also
written: ``cache_hits``, the pages revalidated (304) and reused from the page cache.
"""

from __future__ import annotations

import functools
import json
import sys
import time

STARTED = time.perf_counter()
marks: list[tuple[str, float]] = []
facts: dict[str, int] = {}


def mark(name: str) -> None:
    marks.append((name, time.perf_counter() - STARTED))


def timed(module, name: str, before: str, after: str, *, is_async: bool = False) -> None:
    original = getattr(module, name)
    if is_async:
        @functools.wraps(original)
        async def wrapper(*args, **kwargs):
            mark(before)
            try:
                return await original(*args, **kwargs)
            finally:
                mark(after)
    else:
        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            mark(before)
            try:
                return original(*args, **kwargs)
            finally:
                mark(after)
    setattr(module, name, wrapper)


def phases() -> dict[str, float]:
    """Seconds per phase from the marks (a phase that did not run is absent)."""
    at = dict(marks)
    end = marks[-1][1] if marks else 0.0
    spans = {
        "start": (None, "discovery_start"), "discovery": ("discovery_start", "discovery_end"),
        "pages": ("discovery_end", "targets_start"), "targets": ("targets_start", "targets_end"),
        "rules": ("rules_start", "rules_end"), "workbook": ("workbook_start", "workbook_end"),
        "exit": ("workbook_end", "exit"),
    }  # fmt: skip
    out = {}
    for phase, (first, last) in spans.items():
        if (first is None or first in at) and last in at:
            out[phase] = round(at[last] - (at[first] if first else 0.0), 3)
    out["total"] = round(end, 3)
    return out


def main() -> None:
    target = sys.argv[1]
    sys.argv = ["checker", *sys.argv[2:]]
    from checker import audit, cli
    from checker.crawl import crawler

    timed(crawler.Crawler, "_discover", "discovery_start", "discovery_end", is_async=True)
    timed(crawler.Crawler, "_check_targets", "targets_start", "targets_end", is_async=True)
    timed(audit, "run_rules", "rules_start", "rules_end")
    run_rules = audit.run_rules

    def counting(engine, ctx):  # the pages answered from the page cache (304s), for the re-run's row
        facts["cache_hits"] = ctx.cache_hits
        return run_rules(engine, ctx)

    audit.run_rules = counting
    timed(audit, "write_reports", "workbook_start", "workbook_end")  # the workbook and any other report
    try:
        cli.main()
    finally:
        mark("exit")
        with open(target, "w", encoding="utf-8") as fh:
            json.dump({**phases(), **facts}, fh)


if __name__ == "__main__":
    main()
