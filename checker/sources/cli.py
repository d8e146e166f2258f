"""``checker inspect SOURCE``: show how a file is understood, before an audit relies on it.

Registered by the main CLI with ``main.add_command(inspect_command, "inspect")``.  Exit code 2 when the file
cannot be read or its kind cannot be told, 0 otherwise (row errors are listed, they do not fail inspect).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from checker.aliases import KINDS
from checker.config import SourceConfig
from checker.messages import reason_label
from checker.sources.reader import read
from checker.sources.results import FileUnderstanding, SourceResult

MAX_LISTED = 50


def _parse_header(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` or ``NAME: VALUE``, split at whichever separator comes first."""
    cut = min((i for i in (text.find("="), text.find(":")) if i > 0), default=-1)
    if cut > 0:
        return text[:cut].strip(), text[cut + 1 :].strip()
    raise click.BadParameter(f"{text!r}: expected NAME=VALUE or NAME=env:VARIABLE", param_hint="--header")


@click.command("inspect")
@click.argument("source")
@click.option("--kind", type=click.Choice(KINDS), help="What the file holds; guessed from the columns if omitted.")
@click.option("--encoding", help="Text encoding (CSV/JSON), e.g. gb18030, big5; detected if omitted.")
@click.option("--sheet", help="Workbook sheet name or 1-based number; the first sheet with a header if omitted.")
@click.option("--rows", "nrows", type=click.IntRange(min=0), default=5, show_default=True, help="Parsed rows to show.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json", "jsonl", "html"]), help="Skip detection.")
@click.option(
    "--header",
    "headers",
    multiple=True,
    help="HTTP header for a URL source, NAME=VALUE; use NAME=env:VARIABLE to keep a token out of the shell history.",
)
@click.option("--page", is_flag=True, help="SOURCE is a shop page (URL or saved .html / .html.gz): show what is extracted.")
def inspect_command(
    source: str,
    kind: str | None,
    encoding: str | None,
    sheet: str | None,
    nrows: int,
    fmt: str | None,
    headers: tuple[str, ...],
    page: bool = False,
) -> None:
    """Show how SOURCE (a file, glob or http(s) URL) is understood: format, encoding, header row, column
    mapping, row counts, the first parsed rows and every error.  A shop page (an http(s) URL that answers
    HTML, or SOURCE with --page): what was extracted, field by field, and where each value came from;
    --format json prints it as JSON."""
    looks_like_page = kind is None and fmt in (None, "json") and not headers and _page_url(source)
    if (page or looks_like_page) and _inspect_page(source, fmt, forced=page):
        return
    sheet_value: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet
    try:
        cfg = SourceConfig(
            kind=kind or "inventory",  # placeholder when guessing; read() is told the real kind (None)
            path=source,
            encoding=encoding,
            sheet=sheet_value,
            format=fmt,
            headers=dict(_parse_header(h) for h in headers),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise click.BadParameter(err["msg"], param_hint="--" + str(err["loc"][0])) from None
    result = read(cfg, Path.cwd(), kind, sample=max(nrows, 1), keep=False)
    _print(result, nrows, guessed=kind is None)
    if result.failed or result.kind is None and not result.records:
        raise SystemExit(2)


def _page_url(source: str) -> bool:
    from checker.inspect_page import looks_like_page

    return looks_like_page(source)


def _inspect_page(source: str, fmt: str | None, forced: bool) -> bool:
    """Print what a page gives; False when the URL answers something else than HTML (an export: the
    caller reads it as one).  Exit code 2 when the page cannot be fetched or read."""
    from checker.config import Config
    from checker.inspect_page import load, show

    config = Config()
    try:
        url, html, content_type = load(source, config)
    except (OSError, ValueError) as exc:
        click.echo(click.style(f"{source}: cannot read the page / 无法读取页面: {exc}", fg="red"), err=True)
        raise SystemExit(2) from None
    if not forced and "html" not in content_type.lower():
        return False
    click.echo(show(url, html, "json" if fmt == "json" else "text", config))
    return True


def _print(result: SourceResult, nrows: int, guessed: bool) -> None:
    echo = click.echo
    for fu in result.understanding:
        _print_file(fu, nrows, guessed)
    problems = result.errors
    if problems:
        echo(click.style(f"错误 Errors ({len(problems)}):", fg="red", bold=True))
        for err in problems[:MAX_LISTED]:
            where = ", ".join(p for p in (err.source, err.location) if p)
            echo(f"  {where}: {reason_label(err.reason)}")
        if len(problems) > MAX_LISTED:
            echo(f"  ... and {len(problems) - MAX_LISTED} more")
    if result.warnings:
        echo(click.style(f"警告 Warnings ({len(result.warnings)}):", fg="yellow", bold=True))
        for w in result.warnings[:MAX_LISTED]:
            where = ", ".join(p for p in (w.source, w.location) if p)
            echo(f"  {where}: {reason_label(w.reason.removeprefix('warning: '))}")
        if len(result.warnings) > MAX_LISTED:
            echo(f"  ... and {len(result.warnings) - MAX_LISTED} more")
    if not problems and not result.warnings:
        echo("没有错误 / No errors.")


def _print_file(fu: FileUnderstanding, nrows: int, guessed: bool) -> None:
    echo = click.echo
    title = fu.source + (f"  [sheet {fu.sheet}]" if fu.sheet else "")
    echo(click.style(title, bold=True))
    if fu.failed:
        echo(click.style(f"  cannot read: {fu.failed}", fg="red"))
    facts = [("format", fu.format)]
    if fu.encoding:
        facts.append(("encoding", f"{fu.encoding} ({fu.encoding_how})"))
    if fu.delimiter:
        facts.append(("delimiter", {"\t": "tab", " ": "space"}.get(fu.delimiter, fu.delimiter)))
    if fu.sheets:
        facts.append(("sheets", ", ".join(fu.sheets)))
    if fu.date_system:
        facts.append(("date system", fu.date_system))
    if fu.records_at:
        facts.append(("records at", fu.records_at))
    if fu.kind:
        facts.append(("kind", fu.kind + (" (guessed from the columns)" if guessed else "")))
    if fu.header_row:
        facts.append(("header row", str(fu.header_row)))
    for name, value in facts:
        if value:
            echo(f"  {name + ':':<13}{value}")
    if fu.columns:
        echo("  columns:")
        width = max(len(c.header) for c in fu.columns) if fu.columns else 0
        for col in fu.columns:
            if not col.header and not col.field:
                continue
            target = col.field or "(not used)"
            note = f"  [{col.note}]" if col.note else ""
            letter = "" if fu.records_at else f"{col.letter:>3}  "
            echo(f"    {letter}{col.header:<{width}}  -> {target}{note}")
    if not fu.failed and fu.kind:
        echo(
            f"  rows:        read {fu.rows_read}, ok {fu.rows_ok}, errors {fu.rows_error}"
            + (f", skipped {fu.rows_skipped}" if fu.rows_skipped else "")
        )
    for note in fu.notes:
        echo(f"  note:        {note}")
    if nrows and fu.first_records:
        echo(f"  first {min(nrows, len(fu.first_records))} parsed row(s):")
        for rec in fu.first_records[:nrows]:
            row = rec.source.row if rec.source else "?"
            echo(f"    row {row}: {_fields(rec)}")
    echo("")


def _fields(record: Any) -> str:
    parts = []
    for name, value in record:
        if name == "source" or value in (None, "", {}):
            continue
        if isinstance(value, (date, Decimal)):
            value = str(value)
        elif isinstance(value, dict):
            value = ";".join(f"{k}:{v}" for k, v in value.items())
        parts.append(f"{name}={value}")
    return "  ".join(parts)
