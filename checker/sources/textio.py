"""Text sources: bytes to text, CSV rows with the line numbers a text editor shows, HTML tables.

The encoding is worked out by :mod:`checker.decoding`, the decoder pages use too (BOM, strict UTF-8, GB18030
or Big5 settled by a sanity check, the header words we know from aliases.toml and everyday characters, a few
damaged lines read as row errors, Windows-1252, then charset-normalizer); its errors become
:class:`SourceError`.  A declared ``encoding`` skips detection; if the bytes do not fit it, the file is one
clear error naming the line and what the bytes look like instead (or, for a handful of bad lines, row errors).

A CSV file over :data:`STREAM_ABOVE` is never held whole (issue 21: a 500 MB GBK export took 9.9 GB): its
encoding is worked out on its first :data:`PREFIX_BYTES` and the file is decoded a chunk at a time
(:class:`TextStream`); bytes past the prefix that do not decode become row errors, as in a small file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.aliases import cjk_aliases
from checker.decoding import SAMPLE_CHARS, Decoded, DecodeError, decode_file, detect_file
from checker.decoding.charsets import bom
from checker.sources.errors import SourceError

__all__ = [
    "SAMPLE_CHARS", "Decoded", "TextStream", "csv_rows", "decode", "detect", "html_rows", "open_stream",
    "sniff_delimiter",
]  # fmt: skip

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


def csv_rows(text: str | TextStream, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number of the record's first line, cells)``; blank lines are yielded as empty lists.
    ``text``: the whole text, or a :class:`TextStream` (a big file, read a chunk at a time)."""
    if isinstance(text, TextStream):
        lines: Iterable[str] = text.lines()
    else:
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
    quotes = text.quotes if isinstance(text, TextStream) else text.count('"')
    if line > pending[0] and quotes % 2:
        raise SourceError(
            f"unbalanced quote: the record starting at line {pending[0]} runs to the end of the file (a cell "
            'opened with " was never closed), so it and the lines below it were not read'
        )
    yield pending


# --------------------------------------------------------------------------------------------- big files

STREAM_ABOVE = 32 * 1024 * 1024  # CSV files larger than this are decoded a chunk at a time (issue 21)
PREFIX_BYTES = 4 * 1024 * 1024  # what the encoding, delimiter and line ends are told from
CHUNK_BYTES = 1024 * 1024
_REPLACED = [0]  # bytes replaced by the "checker-mark" error handler: damage found past the prefix


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _REPLACED[0] += 1
    return "\ufffd", exc.end


codecs.register_error("checker-mark", _mark)


def read_prefix(path: Path) -> bytes:
    """The first :data:`PREFIX_BYTES` of a file, cut after its last whole line (or whole UTF-16/32 unit)."""
    with path.open("rb") as fh:
        head = fh.read(PREFIX_BYTES)
        more = bool(fh.read(1))
    if not more:
        return head
    codec = bom(head)
    if codec and codec.startswith(("utf-16", "utf-32")):
        head = head[: len(head) - len(head) % 4]
        high = head[-1] if head.startswith(codecs.BOM_UTF16_LE) else head[-2]
        return head[:-2] if codec == "utf-16" and 0xD8 <= high <= 0xDB else head  # not half a surrogate pair
    cut = head.rfind(b"\n")
    return head[: cut + 1] if cut > 0 else head


@dataclass
class TextStream:
    """A big text file decoded a chunk at a time with the encoding its prefix was read in: the whole text
    (and the whole file's bytes) is never held.  Bytes that do not decode past the prefix are replaced
    (U+FFFD) and ``damaged`` says so, so their rows become row errors, as in a damaged small file."""

    path: Path
    decoded: Decoded  # the prefix, decoded: encoding, how, notes
    sample: str = ""  # the prefix's first characters: the delimiter is told from them
    mac_line_ends: bool = False
    damaged: bool = False
    nul_removed: bool = False
    quotes: int = 0  # '"' characters seen: an odd count at the end is an unclosed cell
    settled: bool = True  # False: the prefix was all ASCII, the encoding is told from the first other bytes

    def pieces(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.decoded.encoding)(errors="checker-mark")
        before = _REPLACED[0]
        with self.path.open("rb") as fh:
            while True:
                chunk = fh.read(CHUNK_BYTES)
                if not self.settled and not chunk.isascii():  # all before was ASCII, which every candidate reads alike
                    self.settled = True
                    chunk += fh.read(PREFIX_BYTES)
                    self._settle(chunk)
                    decoder = codecs.getincrementaldecoder(self.decoded.encoding)(errors="checker-mark")
                text = decoder.decode(chunk, final=not chunk)
                if _REPLACED[0] != before:
                    self.damaged = True
                if "\x00" in text:
                    text = text.replace("\x00", "")
                    self.nul_removed = True
                if self.mac_line_ends:
                    text = text.replace("\r", "\n")
                self.quotes += text.count('"')
                yield text
                if not chunk:
                    return

    def _settle(self, data: bytes) -> None:
        """The encoding told from the first non-ASCII bytes (cut after their last whole line)."""
        cut = data.rfind(b"\n") + 1
        try:
            found = detect(data[:cut] or data)
        except SourceError:
            return  # nothing fits: read on as UTF-8, the lines that are not become row errors
        note = "the file starts with ASCII only: its encoding was told from its first lines that are not"
        self.decoded = Decoded("", found.encoding, found.how, notes=[*self.decoded.notes, note])

    def lines(self) -> Iterator[str]:
        """The text's lines, each with its line end; the last may have none."""
        rest = ""
        for text in self.pieces():
            text = rest + text
            cut = text.rfind("\n") + 1
            if cut:
                yield from (m.group() for m in _LINE.finditer(text, 0, cut))
            rest = text[cut:]
        if rest:
            yield rest


def open_stream(path: Path, declared: str | None = None, prefix: bytes | None = None) -> TextStream:
    """A big text file as a :class:`TextStream`; its encoding is told (or checked) on ``prefix``
    (:func:`read_prefix`).  :class:`SourceError` when the prefix cannot be decoded."""
    prefix = read_prefix(path) if prefix is None else prefix
    decoded = decode(prefix, declared)
    text, decoded.text = decoded.text, ""  # the prefix's text is read again with the rest
    settled = declared is not None or decoded.how != "detected" or not text.isascii()
    stream = TextStream(path, decoded, text[:SAMPLE_CHARS], "\r" in text and "\n" not in text, decoded.damaged)
    stream.settled = settled
    return stream


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
