"""Readers for real-world shop exports: inventory lots, the backend catalog, price history, complaints.

Public API::

    load_sources(config, ctx, base_dir)   # every [[sources]] entry -> ctx.lots/catalog/prices/complaints/errors
    read_source(source, base_dir)         # one entry -> SourceResult (records, errors, warnings, understanding)

What is read: CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030, Big5; detected, or ``encoding =``), XLSX
(and XLS/ODS) through python-calamine behind our own zip checks, JSON and JSON Lines, and HTML tables saved
as ``.xls`` by some backends; from a local path, a glob, or an http(s) URL (headers such as
``Authorization = "env:SHOP_TOKEN"`` come from the environment and never reach a message).

How it is understood:

* title and blank rows above the header are skipped; the header is the first of the first 20 rows where the
  required columns and enough others match ``aliases.toml`` (or ``columns = {...}`` in the source config);
* every data row becomes a model or one :class:`~checker.models.ErrorRecord` naming file, sheet, row (as
  Excel or an editor shows it, title rows counted) and the bad column(s) with the reason; blank rows,
  totals rows (合计/总计/Total) and repeated header rows are skipped; the audit always goes on;
* a file that cannot be read at all (not found, not the format it claims, no header, zip bomb ...) is one
  clear error for the file;
* expiry is derived from production date + shelf life when absent (months by the calendar: 12个月 from
  2026-03-01 expires 2027-03-01); when both are written and disagree by more than a day, the export's
  expiry date is used and a warning row says so.

Decisions (tested in tests/test_sources_bad.py):

* duplicate headers: the first (leftmost) column wins and a warning names the ignored duplicate; stopping
  the whole file for a repeated column would lose every good row over a cosmetic problem, and the warning
  says how to pick the other one (``columns = {...}``);
* cells longer than ``max_cell_chars`` (default 4,000) are truncated with a warning; the row is kept;
* formula cells are read through their cached value; a formula without one is a row error;
* warnings are :class:`ErrorRecord` too (their reason starts with ``"warning: "``) so they reach the report.
"""

from __future__ import annotations

from pathlib import Path

from checker.config import Config, SourceConfig
from checker.engine.context import AuditContext
from checker.lots import LotTable
from checker.sources.errors import SourceError
from checker.sources.reader import read
from checker.sources.results import FileUnderstanding, SourceResult

__all__ = ["FileUnderstanding", "SourceError", "SourceResult", "load_sources", "read_source"]


def read_source(source: SourceConfig, base_dir: Path) -> SourceResult:
    """Read one source; never raises for bad data (problems are in ``result.errors``)."""
    return read(source, Path(base_dir), source.kind)


def load_sources(config: Config, ctx: AuditContext, base_dir: Path) -> None:
    """Read every ``config.sources`` entry into the audit context (records, then errors and warnings)."""
    for source in config.sources:
        result = read_source(source, base_dir)
        if isinstance(result.records, LotTable):
            ctx.lots.absorb(result.records)  # moved, not copied: an export of millions of lots
        else:
            target = {"inventory": ctx.lots, "catalog": ctx.catalog, "prices": ctx.prices, "complaints": ctx.complaints}
            target[source.kind].extend(result.records)  # type: ignore[attr-defined]
        ctx.errors.extend(result.errors)
        ctx.errors.extend(result.warnings)
