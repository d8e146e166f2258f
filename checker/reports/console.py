"""What ops and CI read on the terminal: progress on stderr, a one-screen summary on stdout."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections import Counter
from urllib.parse import urlsplit

import click

from checker.models import Finding, Severity
from checker.reports.summary import area_name, counts_by_area

PHASES = {"pages": "抓取页面 pages", "links": "检查图片和链接 images & links"}


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Cut or pad ``text`` to ``width`` terminal columns."""
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


class ProgressPrinter:
    """A one-line progress bar on a terminal; plain, sparse lines in CI or when piped."""

    def __init__(self, stream=None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.quiet = quiet
        self._last_line = 0.0
        self._last_phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet:
            return
        label = PHASES.get(phase, phase)
        now = time.monotonic()
        finished = done >= total
        if self.tty:
            width = 30
            filled = int(width * done / total) if total else width
            self.stream.write(f"\r{label:<32} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if finished:
                self.stream.write("\n")
            self.stream.flush()
        elif finished and phase != self._last_phase or now - self._last_line >= 2.0:
            self.stream.write(f"{label}: {done}/{total}\n")
            self._last_line = now
        if finished:
            self._last_phase = phase


def print_summary(findings: list[Finding], ctx, workbook, fail_on: Severity) -> None:
    pages_ok = ctx.pages.ok_count
    status = click.style("PARTIAL 未完成", fg="yellow", bold=True) if ctx.partial else "complete 完成"
    click.echo(f"store-checker audit: {status}")
    click.echo(f"  pages {len(ctx.pages)} (ok {pages_ok}), products {ctx.product_count}, "
               f"images/links checked {len(ctx.checked)}, input errors {len(ctx.errors)}")
    window = ctx.promotion
    if window.configured:
        click.echo(f"  promotion 促销期 {window.label}")
    if ctx.lots or ctx.catalog or ctx.prices or ctx.complaints:
        click.echo(f"  rows: inventory {len(ctx.lots)}, catalog {len(ctx.catalog)}, prices {len(ctx.prices)}, "
                   f"complaints {len(ctx.complaints)}")
    click.echo("")
    click.echo(f"  {pad('area 领域', 26)}{'error':>7}{'warning':>9}{'info':>6}")
    rows, total = counts_by_area(findings)
    for area, (e, w, i) in rows:
        click.echo(f"  {pad(area_name(area), 26)}{e:>7}{w:>9}{i:>6}")
    click.echo(f"  {pad('total 合计', 26)}{total[0]:>7}{total[1]:>9}{total[2]:>6}")
    repeats = [f for f in findings if f.repeat_of]
    if repeats:
        click.echo(f"  重犯历史投诉 repeats of past complaints: {len(repeats)} findings raised a level (CP002)")
    top = [f for f in findings if f.severity.rank >= fail_on.rank][:10]
    if top:
        click.echo("")
        click.echo(f"  first {len(top)} at or above '{fail_on.value}':")
        for f in top:
            where = f.sku or (urlsplit(f.url).path if f.url else "")
            mark = " 重犯 repeat of " + ", ".join(f.repeat_of[:3]) if f.repeat_of else ""
            click.echo(f"    {f.code} {f.severity.value:<7} {pad(where, 40)} {pad(f.message.split(chr(10), 1)[0], 60).rstrip()}{mark}")
    click.echo("")
    click.echo(f"workbook: {workbook}")
