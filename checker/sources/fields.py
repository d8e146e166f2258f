"""Header recognition: which column holds which field, using the alias table (:mod:`checker.aliases`).

The table is data (ops extend it); this module only normalises header text, finds the header row and
maps columns to fields.  Matching is exact after normalisation, never by substring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.aliases import KINDS, alias_table, canonical_field, normalise_header

HEADER_SEARCH_ROWS = 20


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Column:
    index: int
    header: str  # as written
    field: str | None = None
    unit: str = ""  # bracketed unit from the header, e.g. "月" in "保质期(月)"
    note: str = ""  # why it is unmapped when it could have been mapped (duplicate, lower priority)

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    def label(self) -> str:
        return f"{self.header} ({self.letter})" if self.header else self.letter


@dataclass
class HeaderMatch:
    kind: str
    columns: list[Column]
    mapping: dict[str, Column] = field(default_factory=dict)  # field -> column
    duplicates: list[str] = field(default_factory=list)  # warnings about duplicate columns

    @property
    def missing(self) -> list[str]:
        return [f for f in alias_table().kinds[self.kind].required if f not in self.mapping]

    @property
    def ok(self) -> bool:
        spec = alias_table().kinds[self.kind]
        return not self.missing and len(self.mapping) >= min(spec.min_fields, len(spec.fields))


def match_header(cells: list[Any], kind: str, explicit: dict[str, str] | None = None) -> HeaderMatch:
    """Map one candidate header row for ``kind``.  ``explicit`` is ``columns = {field: header}`` from config."""
    spec = alias_table().kinds[kind]
    columns = [Column(i, cell_text(c)) for i, c in enumerate(cells)]
    result = HeaderMatch(kind, columns)
    taken: dict[str, tuple[int, Column]] = {}  # field -> (priority, column)
    explicit_by_key: dict[str, str] = {}
    for fname, header in (explicit or {}).items():
        target = canonical_field(kind, fname) or fname
        explicit_by_key[normalise_header(header)[0]] = target
    for col in columns:
        if not col.header:
            continue
        key, col.unit = normalise_header(col.header)
        if key in explicit_by_key:
            fname, priority = explicit_by_key[key], -1
        elif key in spec.lookup:
            fname, priority = spec.lookup[key]
        else:
            continue
        current = taken.get(fname)
        if current is None or priority < current[0]:
            if current is not None:
                current[1].field = None
                current[1].note = f"also matches {fname!r}, but {col.label()} is preferred"
            col.field = fname
            taken[fname] = (priority, col)
        elif priority == current[0]:
            col.note = f"duplicate of {current[1].label()} for {fname!r}; ignored"
            result.duplicates.append(
                f"duplicate column: {col.label()} also maps to field {fname!r}; using the first one, "
                f"{current[1].label()}, and ignoring this one"
            )
        else:
            col.note = f"also matches {fname!r}, but {current[1].label()} is preferred"
    result.mapping = {f: c for f, (_, c) in taken.items()}
    return result


def find_header(
    rows: list[tuple[int, list[Any]]], kind: str, explicit: dict[str, str] | None = None
) -> tuple[int, HeaderMatch] | None:
    """``(index into rows, match)`` of the first row (within the first rows given) that maps enough fields,
    including the required ones."""
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(cell_text(c) for c in cells):
            continue
        match = match_header(cells, kind, explicit)
        if match.ok:
            return i, match
    return None


def best_candidate(rows: list[tuple[int, list[Any]]], kind: str, explicit: dict[str, str] | None = None) -> int:
    """Index into ``rows`` of the row that looks most like a header (for error messages), -1 if all blank."""
    best, best_score = -1, -1
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [cell_text(c) for c in cells]
        filled = sum(1 for t in texts if t)
        if not filled:
            continue
        score = len(match_header(cells, kind, explicit).mapping) * 100 + filled
        if score > best_score:
            best, best_score = i, score
    return best


def guess_kind(rows: list[tuple[int, list[Any]]], explicit: dict[str, str] | None = None) -> str | None:
    """The kind whose header row maps the most fields (ties: inventory, catalog, prices, complaints)."""
    best: tuple[int, str] | None = None
    for kind in KINDS:
        found = find_header(rows, kind, explicit)
        if found is None:
            continue
        score = len(found[1].mapping)
        if best is None or score > best[0]:
            best = (score, kind)
    return best[1] if best else None


def expected_names(kind: str, fields: list[str] | None = None, limit: int = 6) -> str:
    """``sku (SKU / 商品编码 / 货号 ...)`` for error messages."""
    spec = alias_table().kinds[kind]
    parts = []
    for fname in fields or list(spec.required):
        names = spec.expected.get(fname, ())
        shown = " / ".join(names[:limit]) + (" ..." if len(names) > limit else "")
        parts.append(f"{fname} ({shown})")
    return "; ".join(parts)


def missing_columns(kind: str, match: HeaderMatch, cells: list[Any], rowno: int | None) -> str:
    """Why ``cells`` (row ``rowno``, the best candidate) are not a header for ``kind``: for a file-level error."""
    found = [cell_text(c) for c in cells if cell_text(c)]
    shown = ", ".join(found[:30]) + (" ..." if len(found) > 30 else "") if found else "(none)"
    where = f" (best candidate: row {rowno})" if rowno else ""
    missing = match.missing
    if missing:
        return (
            f"missing required column(s) for this {kind} source: {expected_names(kind, missing)}. "
            f'Columns found{where}: {shown}. Name them with columns = {{ {missing[0]} = "..." }} in the source config'
        )
    return (
        f"header row not recognised for this {kind} source: only {', '.join(match.mapping) or 'nothing'} matched. "
        f"Columns found{where}: {shown}"
    )


def unknown_kind(cells: list[Any]) -> str:
    """The error for a file whose columns fit no kind of source."""
    found = ", ".join(cell_text(c) for c in cells if cell_text(c)) or "(none)"
    return f"cannot tell what this file is (inventory, catalog, prices or complaints); columns found: {found}"


def location(sheet: str | None, row: int, columns: list[Column] | None = None, label: str = "row") -> str:
    """``sheet X, row 5, column 到期日 (I)``; ``label`` is "line" or "record" for JSON sources."""
    parts = [f"sheet {sheet}"] if sheet else []
    parts.append(f"{label} {row}")
    if columns:
        names = ", ".join(c.label() for c in columns)
        parts.append(f"column{'s' if len(columns) > 1 else ''} {names}")
    return ", ".join(parts)


def row_of(where: str) -> int:
    """The row (line, record) number in a :func:`location`, 0 when it names none."""
    for part in where.split(", "):
        label, _, number = part.partition(" ")
        if label in ("row", "line", "record") and number.isdigit():
            return int(number)
    return 0
