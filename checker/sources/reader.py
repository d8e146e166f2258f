"""One source -> records, errors and an account of how each file was understood (the result types are in
:mod:`checker.sources.results`, telling the format in :mod:`checker.sources.formats`)."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from checker.config import SourceConfig
from checker.models import ErrorRecord
from checker.sources import excel, jsonio, textio
from checker.sources.build import ADDED, RowBuilder
from checker.sources.errors import SourceError
from checker.sources.fields import (
    HEADER_SEARCH_ROWS,
    HeaderMatch,
    best_candidate,
    cell_text,
    find_header,
    guess_kind,
    location,
    match_header,
    missing_columns,
    row_of,
    unknown_kind,
)
from checker.sources.formats import is_workbook, sniff_format
from checker.sources.location import Secrets, display_path, download, expand, is_url, redact_url, resolve_headers
from checker.sources.results import FileUnderstanding, SourceResult

SAMPLE_RECORDS = 20


@dataclass
class _Table:
    """Rows of one CSV file, sheet or JSON array, before the header is known."""

    rows: Iterator[tuple[int, list[Any]]]
    sheet: str | None = None
    date1904: bool = False
    keys: list[str] | None = None  # JSON: the header is the keys
    row_label: str = "row"  # JSON: "line" (JSON Lines, multi-line arrays) or "record" (one-line arrays)


class _Reader:
    def __init__(self, cfg: SourceConfig, kind: str | None, result: SourceResult, sample: int, keep: bool) -> None:
        self.cfg = cfg
        self.kind = kind
        self.result = result
        self.sample = sample
        self.keep = keep  # False: only the first ``sample`` records of each file are kept (checker inspect)

    # ---------------------------------------------------------------- entry points

    def read_path(self, path: Path, shown: str) -> None:
        fu = FileUnderstanding(source=shown)
        try:
            with path.open("rb") as fh:
                head = fh.read(8)
            if self.cfg.format == "xlsx" or (self.cfg.format is None and is_workbook(head)):
                self._read_workbook(path, fu)
            elif path.stat().st_size > textio.STREAM_ABOVE and self._read_big_csv(path, fu):
                pass
            else:
                self._read_any(path.read_bytes(), path.name, "", fu)
        except SourceError as exc:
            self._fail(fu, str(exc))
        except OSError as exc:
            self._fail(fu, f"cannot read file: {exc.strerror or exc}")
        except Exception as exc:  # a reader bug must not end the audit: report it against the file
            self._fail(fu, f"internal error while reading: {type(exc).__name__}: {exc}")

    def read_bytes(self, data: bytes, name: str, content_type: str, shown: str) -> None:
        fu = FileUnderstanding(source=shown)
        try:
            self._read_any(data, name, content_type, fu)
        except SourceError as exc:
            self._fail(fu, str(exc))
        except Exception as exc:
            self._fail(fu, f"internal error while reading: {type(exc).__name__}: {exc}")

    def _read_any(self, data: bytes, name: str, content_type: str, fu: FileUnderstanding) -> None:
        fmt, note = sniff_format(data, name, content_type, self.cfg.format, self.cfg.encoding)
        if note:
            fu.notes.append(note)
            self._warn(fu, note)
        if fmt == "excel":
            self._read_workbook(data, fu)
        else:
            self._read_text(data, fmt, fu)

    # ---------------------------------------------------------------- text formats

    def _read_text(self, data: bytes, fmt: str, fu: FileUnderstanding) -> None:
        fu.format = fmt
        decoded = textio.decode(data, self.cfg.encoding)
        fu.encoding, fu.encoding_how = decoded.label, decoded.how
        fu.notes.extend(decoded.notes)
        text = decoded.text
        pre_errors: list[ErrorRecord] = []
        if "\x00" in text:
            text = text.replace("\x00", "")
            self._warn(fu, "NUL characters removed from the text")
        if fmt in ("json", "jsonl"):
            recs = jsonio.read_json(text) if fmt == "json" else jsonio.read_jsonl(text)
            fu.records_at = recs.where
            label = "line"
            if len({line for line, _ in recs.rows}) < len(recs.rows):  # compact JSON: number the records
                recs.rows = [(i, rec) for i, (_, rec) in enumerate(recs.rows, start=1)]
                label = "record"
            for line, reason in recs.bad_lines:
                pre_errors.append(self._error(fu, location(None, line, label=label), reason))
            table = _Table(rows=self._json_rows(recs, fu, pre_errors, label), keys=recs.keys, row_label=label)
        elif fmt == "html":
            table = _Table(rows=textio.html_rows(text))
        else:
            fu.delimiter = self.cfg.delimiter or textio.sniff_delimiter(text)
            table = _Table(rows=textio.csv_rows(text, fu.delimiter))
        if decoded.damaged:
            table.rows = self._drop_damaged(table.rows, fu, decoded.label, pre_errors)
        self._process(table, fu, pre_errors)
        self._finish(fu)

    def _read_big_csv(self, path: Path, fu: FileUnderstanding) -> bool:
        """A big CSV file, decoded a chunk at a time (:class:`textio.TextStream`): neither its bytes nor its
        text are ever held whole.  False when the file is not CSV (JSON and HTML are read whole)."""
        prefix = textio.read_prefix(path)
        fmt, note = sniff_format(prefix, path.name, "", self.cfg.format, self.cfg.encoding)
        if fmt != "csv":
            return False
        if note:
            fu.notes.append(note)
            self._warn(fu, note)
        fu.format = fmt
        stream = textio.open_stream(path, self.cfg.encoding, prefix)
        decoded = stream.decoded
        fu.encoding, fu.encoding_how = decoded.label, decoded.how
        fu.notes.extend(decoded.notes)
        fu.delimiter = self.cfg.delimiter or textio.sniff_delimiter(stream.sample)
        pre_errors: list[ErrorRecord] = []
        rows = self._drop_damaged(textio.csv_rows(stream, fu.delimiter), fu, decoded.label, pre_errors, stream)
        self._process(_Table(rows=rows), fu, pre_errors)
        if stream.decoded is not decoded:  # told again past an all-ASCII prefix
            fu.encoding, fu.encoding_how = stream.decoded.label, stream.decoded.how
            fu.notes.append(stream.decoded.notes[-1])
        if stream.nul_removed:
            self._warn(fu, "NUL characters removed from the text")
        self._finish(fu)
        return True

    def _json_rows(
        self, recs: jsonio.JsonRecords, fu: FileUnderstanding, pre_errors: list[ErrorRecord], label: str
    ) -> Iterator[tuple[int, list[Any]]]:
        keys = recs.keys
        for number, rec in recs.rows:
            if isinstance(rec, dict):
                yield number, [rec.get(k) for k in keys]
            else:
                where = location(None, number, label=label)
                pre_errors.append(self._error(fu, where, f"record is a JSON {type(rec).__name__}, not an object"))

    def _drop_damaged(
        self,
        rows: Iterable[tuple[int, list[Any]]],
        fu: FileUnderstanding,
        enc: str,
        pre_errors: list[ErrorRecord],
        stream: textio.TextStream | None = None,
    ) -> Iterator[tuple[int, list[Any]]]:
        """Rows holding replacement characters are row errors; a stream is checked once it found damage."""
        for rowno, cells in rows:
            if (stream is None or stream.damaged) and any(isinstance(c, str) and "\ufffd" in c for c in cells):
                enc = stream.decoded.label if stream else enc
                pre_errors.append(self._error(fu, location(None, rowno), f"line holds bytes that are not valid {enc}"))
                continue
            yield rowno, cells

    # ---------------------------------------------------------------- workbooks

    def _read_workbook(self, source: Path | bytes, fu: FileUnderstanding) -> None:
        limit = int(self.cfg.max_uncompressed_mb * 1_000_000)
        book = excel.open_workbook(source, limit)
        try:
            fu.format = book.kind
            fu.sheets = [s.name for s in book.sheets]
            fu.date_system = "1904" if book.date1904 else "1900"
            fu.notes.extend(book.notes)
            if not book.sheets:
                raise SourceError("workbook has no worksheets")
            chosen = excel.choose_sheets(book, self.cfg.sheet)
            explicit = self.cfg.sheet is not None and self.cfg.sheet != "*"
            first_failure: tuple[FileUnderstanding, str] | None = None
            done = 0
            for sheet in chosen:
                sfu = FileUnderstanding(
                    source=fu.source, format=fu.format, sheet=sheet.name, sheets=fu.sheets,
                    date_system=fu.date_system, notes=list(fu.notes),
                )  # fmt: skip
                table = _Table(rows=book.rows(sheet), sheet=sheet.name, date1904=book.date1904)
                try:
                    prepared = self._header(table, sfu)
                except SourceError as exc:
                    if explicit or len(chosen) == 1:
                        fu.sheet = sheet.name
                        raise
                    first_failure = first_failure or (sfu, f"sheet {sheet.name!r}: {exc}")
                    fu.notes.append(f"sheet {sheet.name!r} skipped: {exc}")
                    continue
                self._rows(prepared, sfu, [], hidden=book.hidden_cells(sheet))
                self._finish(sfu)
                sfu.notes = fu.notes + [n for n in sfu.notes if n not in fu.notes]
                done += 1
                if self.cfg.sheet != "*":
                    break
            if not done:
                assert first_failure is not None
                raise SourceError(first_failure[1])
        finally:
            book.close()

    # ---------------------------------------------------------------- header + rows

    def _header(self, table: _Table, fu: FileUnderstanding) -> tuple[_Table, HeaderMatch, Iterator]:
        """Find the header; returns the table, the match and the data-row iterator."""
        explicit = self.cfg.columns
        if table.keys is not None:  # JSON
            if not table.keys:
                raise SourceError("no records: the JSON array is empty")
            kind = self.kind or guess_kind([(0, table.keys)], explicit)
            if kind is None:
                raise SourceError(unknown_kind(table.keys))
            match = match_header(table.keys, kind, explicit)
            if not match.ok:
                raise SourceError(missing_columns(kind, match, table.keys, None))
            fu.kind = kind
            fu.columns = match.columns
            return table, match, table.rows
        rows = table.rows
        wanted = max(HEADER_SEARCH_ROWS, self.cfg.header_row or 0)
        head: list[tuple[int, list[Any]]] = []
        try:
            head.extend(islice(rows, wanted))
        except SourceError as exc:  # damage near the top: read what came before it, report it after the rows
            rows = _raise(exc)
        if not any(cell_text(c) for _, cells in head for c in cells):
            where = f"sheet {table.sheet!r} is empty" if table.sheet else "file has no rows (empty)"
            raise SourceError(where)
        kind = self.kind
        if kind is None:
            kind = guess_kind(head, explicit)
            if kind is None:
                i = best_candidate(head, "inventory", explicit)
                raise SourceError(unknown_kind([cell_text(c) for c in head[i][1]] if i >= 0 else []))
        if self.cfg.header_row is not None:
            pos = next((i for i, (n, _) in enumerate(head) if n == self.cfg.header_row), None)
            if pos is None:
                raise SourceError(f"header_row = {self.cfg.header_row}, but the file has only {len(head)} rows")
            match = match_header(head[pos][1], kind, explicit)
            if not match.ok:
                raise SourceError(missing_columns(kind, match, head[pos][1], head[pos][0]))
        else:
            found = find_header(head, kind, explicit)
            if found is None:
                i = best_candidate(head, kind, explicit)
                cand = head[i][1] if i >= 0 else []
                raise SourceError(
                    missing_columns(kind, match_header(cand, kind, explicit), cand, head[i][0] if i >= 0 else None)
                )
            pos, match = found
        fu.kind = kind
        fu.header_row = head[pos][0]
        fu.columns = match.columns
        return table, match, chain(head[pos + 1 :], rows)

    def _process(self, table: _Table, fu: FileUnderstanding, pre_errors: list[ErrorRecord]) -> None:
        prepared = self._header(table, fu)
        self._rows(prepared, fu, pre_errors)

    def _rows(
        self,
        prepared: tuple[_Table, HeaderMatch, Iterator],
        fu: FileUnderstanding,
        pre_errors: list[ErrorRecord],
        hidden: dict[tuple[int, int], str] | None = None,
    ) -> None:
        table, match, data_rows = prepared
        assert fu.kind is not None
        lots = self.result.lot_table() if fu.kind == "inventory" and self.keep else None
        builder = RowBuilder(
            fu.kind,
            match,
            self.cfg,
            file=fu.source,
            sheet=table.sheet,
            date1904=table.date1904,
            hidden_cells=hidden,
            row_label=table.row_label,
            lots=lots,
        )
        for dup in match.duplicates:
            self._warn(fu, dup)
        records = self.result.records
        start = len(records)
        build = builder.build
        append = records.append
        stopped, ok = None, 0
        keep, sample = self.keep, self.sample  # not keep: counted, only the first kept (flat memory)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # bulk allocation of acyclic models: the cyclic collector would only rescan them (~20% time)
        try:
            for rowno, cells in data_rows:
                record = build(rowno, cells)
                if record is not None:
                    ok += 1
                    if record is not ADDED and (keep or ok <= sample):
                        append(record)
        except SourceError as exc:  # damage found part-way: keep the rows read so far
            stopped = str(exc)
        finally:
            if gc_was_enabled:
                gc.enable()
        fu.rows_ok = ok
        fu.first_records = records[start : start + self.sample]
        errors = pre_errors + builder.errors
        errors.sort(key=lambda e: row_of(e.location))
        fu.rows_error = len(errors)
        fu.rows_skipped = builder.skipped
        fu.rows_read = fu.rows_ok + fu.rows_error + fu.rows_skipped
        self.result.errors.extend(errors)
        self.result.warnings.extend(builder.warnings)
        if builder.skipped:
            fu.notes.append(f"{builder.skipped} totals/repeated-header row(s) skipped")
        if stopped:
            self.result.errors.append(self._error(fu, f"sheet {table.sheet}" if table.sheet else "", stopped))
        elif fu.rows_read == 0:
            self.result.errors.append(
                self._error(
                    fu, location(table.sheet, fu.header_row) if fu.header_row else "", "header only: no data rows"
                )
            )

    # ---------------------------------------------------------------- bookkeeping

    def _finish(self, fu: FileUnderstanding) -> None:
        self.result.understanding.append(fu)

    def _fail(self, fu: FileUnderstanding, reason: str) -> None:
        fu.failed = reason
        if fu not in self.result.understanding:
            self.result.understanding.append(fu)
        where = f"sheet {fu.sheet}" if fu.sheet else ""
        self.result.errors.append(ErrorRecord(stage="read", source=fu.source, location=where, reason=reason))

    def _error(self, fu: FileUnderstanding, where: str, reason: str) -> ErrorRecord:
        return ErrorRecord(stage="read", source=fu.source, location=where, reason=reason)

    def _warn(self, fu: FileUnderstanding, reason: str) -> None:
        where = f"sheet {fu.sheet}" if fu.sheet else ""
        self.result.warnings.append(
            ErrorRecord(stage="read", source=fu.source, location=where, reason=f"warning: {reason}")
        )


def _raise(exc: Exception) -> Iterator[tuple[int, list[Any]]]:
    raise exc
    yield  # pragma: no cover - makes this a generator


def read(
    cfg: SourceConfig, base_dir: Path, kind: str | None, sample: int = SAMPLE_RECORDS, keep: bool = True
) -> SourceResult:
    """Read one configured source.  ``kind=None`` guesses the kind from the columns (``checker inspect``);
    ``keep=False`` keeps only each file's first ``sample`` records in ``result.records`` (the counts are
    still of every row): what ``checker inspect`` shows, in flat memory."""
    secrets = Secrets()
    shown = redact_url(cfg.path) if is_url(cfg.path) else cfg.path
    result = SourceResult(source=shown, kind=kind)
    reader = _Reader(cfg, kind, result, sample, keep)
    try:
        if is_url(cfg.path):
            headers, secrets = resolve_headers(cfg.headers)
            got = download(cfg.path, headers, cfg.timeout, int(cfg.max_download_mb * 1_000_000))
            reader.read_bytes(got.data, got.filename, got.content_type, shown)
        else:
            for path in expand(cfg.path, base_dir):
                reader.read_path(path, display_path(path, base_dir))
    except SourceError as exc:
        reader._fail(FileUnderstanding(source=shown), str(exc))
    except Exception as exc:  # e.g. a URL httpx refuses: still one error for the source, never an exception
        reader._fail(FileUnderstanding(source=shown), f"cannot read source: {type(exc).__name__}: {exc}")
    if result.kind is None:
        kinds = {u.kind for u in result.understanding if u.kind}
        result.kind = kinds.pop() if len(kinds) == 1 else None
    if secrets.values:
        result.scrub(secrets)
    return result
