"""Text sources: bytes to text, CSV rows with the line numbers a text editor shows, HTML tables.

The encoding is worked out by :mod:`checker.decoding`, the decoder pages use too (BOM, strict UTF-8, GB18030
or Big5 settled by a sanity check, the header words we know from aliases.toml and everyday characters, a few
damaged lines read as row errors, Windows-1252, then charset-normalizer); its errors become
:class:`SourceError`.  A declared ``encoding`` skips detection; if the bytes do not fit it, the file is one
clear error naming the line and what the bytes look like instead (or, for a handful of bad lines, row errors).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

from checker.aliases import cjk_aliases
from checker.decoding import SAMPLE_CHARS, Decoded, DecodeError, decode_file, detect_file
from checker.sources.errors import SourceError

__all__ = ["SAMPLE_CHARS", "Decoded", "csv_rows", "decode", "detect", "html_rows", "sniff_delimiter"]

csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


def detect(data: bytes) -> Decoded:
    """The encoding of an export, detected (:func:`checker.decoding.detect_file`)."""
    try:
        return detect_file(data, cjk_aliases())
    except DecodeError as exc:
        raise SourceError(str(exc)) from None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """An export as text: ``declared`` is ``encoding =`` from the config (:func:`checker.decoding.decode_file`)."""
    try:
        return decode_file(data, declared, cjk_aliases())
    except DecodeError as exc:
        raise SourceError(str(exc)) from None


# --------------------------------------------------------------------------------------------- CSV

_DELIMITERS = (",", "\t", ";", "|")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (header and data rows agree)."""
    lines = [ln for ln in text[:SAMPLE_CHARS].splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1.0
    for d in _DELIMITERS:
        counts = [ln.count(d) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        top = max(counts)
        # lines carrying the modal count, weighted by that count: title rows (count 0) do not matter
        modal = max(set(counts), key=lambda c: (counts.count(c), c) if c else (0, 0))
        score = counts.count(modal) * modal + top * 0.01
        if score > best_score:
            best, best_score = d, score
    return best


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number of the record's first line, cells)``; blank lines are yielded as empty lists."""
    if "\r" in text and "\n" not in text:  # classic Mac line ends
        text = text.replace("\r", "\n")
    # lines are cut lazily from the text: io.StringIO would hold a second, 4-bytes-a-character copy of it
    lines = (m.group() for m in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter)
    line = 0
    pending: tuple[int, list[str]] | None = None  # held back one record: the last may swallow the file
    try:
        for cells in reader:
            if pending is not None:
                yield pending
            pending = (line + 1, cells)
            line = reader.line_num
    except csv.Error as exc:
        raise SourceError(f"CSV syntax error at line {reader.line_num}: {exc}") from None
    if pending is None:
        return
    if line > pending[0] and text.count('"') % 2:
        raise SourceError(
            f"unbalanced quote: the record starting at line {pending[0]} runs to the end of the file (a cell "
            'opened with " was never closed), so it and the lines below it were not read'
        )
    yield pending


# --------------------------------------------------------------------------------------------- HTML tables


def html_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first <table> with the most rows: many Chinese backends export an HTML table named .xls."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    tables = tree.css("table")
    if not tables:
        raise SourceError("HTML page without a <table>: not an export")
    table = max(tables, key=lambda t: len(t.css("tr")))
    for i, tr in enumerate(table.css("tr"), start=1):
        yield i, [" ".join(cell.text(deep=True).split()) for cell in tr.css("th, td")]
