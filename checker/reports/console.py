"""What ops and CI read on the terminal: progress on stderr, a one-screen summary on stdout."""

from __future__ import annotations

import os
import shutil
import sys
import time
import unicodedata
from urllib.parse import urlsplit

import click

from checker.messages import CHECKED, NOT_AUDITED, PARTLY
from checker.models import Finding, Severity
from checker.reports.coverage import coverage
from checker.reports.summary import area_name, counts_by_area

PHASES = {"pages": "抓取页面 pages", "links": "检查图片和链接 images & links", "ocr": "读取图片文字 image text"}
#: Shorter, for the bar: its rate and ETA must fit a narrow terminal.
BAR_LABELS = {"pages": "抓取 pages", "links": "链接 links", "ocr": "图片文字 OCR"}


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
    """A progress bar on a terminal (tqdm: pages/s and ETA, fitted to the terminal's width with Chinese
    labels counted as two columns, one line per phase redrawn in place); plain, sparse lines in CI or
    when piped, as ``label: done/total``."""

    UNITS = {"pages": "页", "links": "项", "ocr": "张"}

    def __init__(self, stream=None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.quiet = quiet
        self._last_line = 0.0
        self._last_phase = ""
        self._bar = None
        self._bar_phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet:
            return
        label = PHASES.get(phase, phase)
        now = time.monotonic()
        finished = done >= total
        if self.tty:
            self._draw(phase, label, done, total)
        elif finished and phase != self._last_phase or now - self._last_line >= 2.0:
            self.stream.write(f"{label}: {done}/{total}\n")
            self._last_line = now
        if finished:
            self._last_phase = phase

    def _draw(self, phase: str, label: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if self._bar is None or phase != self._bar_phase:
            self.close()
            columns, lines = self._terminal_size()
            self._bar = tqdm(total=total, desc=BAR_LABELS.get(phase, label), unit=self.UNITS.get(phase, ""),
                             file=self.stream, ncols=columns, nrows=lines, mininterval=0.2, leave=True)
            self._bar_phase = phase
        bar = self._bar
        if bar.total != total:  # the crawl queues pages as it finds them
            bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            self.close()

    def _terminal_size(self) -> tuple[int, int]:
        """The width and height of the terminal the bar is drawn on (stderr's, not stdout's); a size
        of 0 (a terminal that does not say) is taken as 80 x 24, or tqdm would hide the bar."""
        try:
            size = os.get_terminal_size(self.stream.fileno())
        except (AttributeError, OSError, ValueError):
            size = shutil.get_terminal_size((80, 24))
        columns = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else size.columns
        return columns or 80, size.lines or 24

    def close(self) -> None:
        """End the bar of the phase that is running (at its end, or when the audit stops)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def print_summary(findings: list[Finding], ctx, workbook, fail_on: Severity | str, *, incomplete: bool = False,
                  rules=None) -> None:
    """``incomplete``: the audit could not look at the shop (exit 4): never "complete".  ``rules``: the
    rules that ran, for the coverage block (what was and was not looked at)."""
    pages_ok = ctx.pages.ok_count
    status = click.style("PARTIAL 未完成", fg="yellow", bold=True) if ctx.partial else "complete 完成"
    if incomplete and not ctx.partial:
        status = click.style(NOT_AUDITED, fg="red", bold=True)
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
    if rules is not None:
        click.echo("")
        click.echo("  coverage 覆盖范围:")
        for area in coverage(ctx, rules):
            colour = {CHECKED: None, PARTLY: "yellow"}.get(area.status, "red")
            why = f": {area.why}" if area.why else ""
            click.echo(f"  {pad(area.name, 27)} {click.style(area.status, fg=colour)}{why}")
    repeats = [f for f in findings if f.repeat_of]
    if repeats:
        click.echo(f"  重犯历史投诉 repeats of past complaints: {len(repeats)} findings raised a level (CP002)")
    shown = Severity.ERROR if fail_on == "never" else Severity(fail_on)
    top = [f for f in findings if f.severity.rank >= shown.rank][:10]
    if top:
        click.echo("")
        click.echo(f"  first {len(top)} at or above '{shown.value}'"
                   f"{' (--fail-on never: they do not fail the run)' if fail_on == 'never' else ''}:")
        for f in top:
            where = f.sku or (urlsplit(f.url).path if f.url else "")
            mark = " 重犯 repeat of " + ", ".join(f.repeat_of[:3]) if f.repeat_of else ""
            click.echo(f"    {f.code} {f.severity.value:<7} {pad(where, 40)} {pad(f.message.split(chr(10), 1)[0], 60).rstrip()}{mark}")
    click.echo("")
    if workbook is not None:  # --format without xlsx: the other reports are named by the CLI
        click.echo(f"workbook: {workbook}")
