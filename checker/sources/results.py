"""What reading a source produced: its records and errors, and how each file was understood."""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.lots import LotTable
from checker.models import ErrorRecord
from checker.sources.build import Record
from checker.sources.fields import Column
from checker.sources.location import Secrets


@dataclass
class FileUnderstanding:
    """How one file (or one sheet of a workbook) was read: what ``checker inspect`` prints."""

    source: str
    format: str = ""
    encoding: str | None = None
    encoding_how: str = ""  # bom | declared | detected | charset-normalizer
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    date_system: str | None = None  # "1900" | "1904" for workbooks
    records_at: str | None = None  # JSON: where the records array is
    kind: str | None = None
    header_row: int | None = None
    columns: list[Column] = field(default_factory=list)
    rows_read: int = 0  # data rows below the header, blank rows not counted
    rows_ok: int = 0
    rows_error: int = 0
    rows_skipped: int = 0  # totals rows, repeated header rows
    notes: list[str] = field(default_factory=list)
    failed: str | None = None  # the file-level error, if the file could not be read
    first_records: list[Record] = field(default_factory=list)

    @property
    def mapping(self) -> dict[str, str]:
        """column header -> field."""
        return {c.header: c.field for c in self.columns if c.field}


@dataclass
class SourceResult:
    source: str  # the configured path, or the URL with secrets masked
    kind: str | None
    records: list[Record] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    warnings: list[ErrorRecord] = field(default_factory=list)  # reason starts with "warning: "
    understanding: list[FileUnderstanding] = field(default_factory=list)

    def lot_table(self) -> LotTable | None:
        """The table an audit's inventory rows go into (columns, not a model a row: issue 21's memory);
        None when this source already holds records of another kind (``checker inspect`` of a folder)."""
        if not isinstance(self.records, LotTable) and not self.records:
            self.records = LotTable()  # type: ignore[assignment]
        return self.records if isinstance(self.records, LotTable) else None

    @property
    def failed(self) -> bool:
        """True when some file (or the source itself) could not be read at all."""
        return not self.understanding or any(u.failed for u in self.understanding)

    def scrub(self, secrets: Secrets) -> None:
        """Mask the secrets (header values from the environment) in every message and note."""
        for rec in (*self.errors, *self.warnings):
            rec.reason = secrets.scrub(rec.reason)
            rec.location = secrets.scrub(rec.location)
            rec.source = secrets.scrub(rec.source)
        for u in self.understanding:
            u.notes = [secrets.scrub(n) for n in u.notes]
            if u.failed:
                u.failed = secrets.scrub(u.failed)
