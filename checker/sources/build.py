"""Rows -> models.  The hot path of every source: keep it lean.

Each mapped column gets a converter (from :mod:`checker.sources.values`) wrapped in a small memo, because
exports repeat values endlessly (the same dates, statuses, warehouses, names).  A row whose cells all convert
becomes a model through pydantic-core's validator, fed the already-typed values, except inventory lots: an
audit's go straight into a :class:`~checker.lots.LotTable`'s columns, ``checker inspect``'s are built by
:func:`checker.trusted.trusted_lot` (exports of millions of rows, issue 21).  The cyclic garbage collector is
paused while a table is read.  A row with bad cells becomes one :class:`ErrorRecord` naming every bad cell.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from checker import trusted
from checker.aliases import normalise_header
from checker.config import SourceConfig
from checker.lots import LotTable
from checker.models import CatalogItem, Complaint, ErrorRecord, InventoryLot, PriceRecord
from checker.sources.fields import Column, HeaderMatch, cell_text, location
from checker.sources.skus import SUMMARY_WORDS, TotalsRow, sku_cell, skus_cell
from checker.sources.values import (
    CellError,
    ShelfLife,
    code,
    currency_code,
    header_unit,
    is_empty,
    parse_date,
    parse_datetime,
    parse_price,
    parse_price_kind,
    parse_quantity,
    parse_shelf_life,
    parse_specs,
    text,
)

EMPTY = object()
_set = object.__setattr__
MISS = object()
MEMO_LIMIT = 20_000  # distinct values remembered per column (a lot-number column fills it and then just misses)
Record = InventoryLot | CatalogItem | PriceRecord | Complaint
Bad = list[tuple[Column, str]]
_LABELS = {"sku": "SKU", "at": "date", "reason": "complaint reason"}
MODELS = {"inventory": InventoryLot, "catalog": CatalogItem, "prices": PriceRecord, "complaints": Complaint}


ADDED = object()  # build()'s answer when the row went into the builder's LotTable (counted, no record)


class RowBuilder:
    """Turns the data rows of one table (a CSV file, a sheet, a JSON array) into models of one kind."""

    def __init__(
        self,
        kind: str,
        match: HeaderMatch,
        cfg: SourceConfig,
        *,
        file: str,
        sheet: str | None = None,
        date1904: bool = False,
        hidden_cells: dict[tuple[int, int], str] | None = None,
        row_label: str = "row",
        lots: LotTable | None = None,
    ) -> None:
        self.row_label = row_label
        self.kind = kind
        self.lots = lots  # inventory rows go straight into this table's columns (no model a row)
        self.file = file
        self.sheet = sheet
        self.cfg = cfg
        self.date1904 = date1904
        self.hidden = hidden_cells or {}  # cells that look empty but hold an error or an uncalculated formula
        self.max_chars = cfg.max_cell_chars
        self.errors: list[ErrorRecord] = []
        self.warnings: list[ErrorRecord] = []
        self.skipped = 0  # totals and repeated header rows
        self.mapping = match.mapping
        # (field, column index, memo of raw cell -> value, converter, column)
        self.plan: list[tuple[str, int, dict[Any, Any], Callable[[Any], Any], Column]] = [
            (fname, col.index, {}, self._converter(fname, col), col) for fname, col in match.mapping.items()
        ]
        for name in cfg.spec_columns if kind == "catalog" else ():
            key = normalise_header(name)[0]
            col = next((c for c in match.columns if normalise_header(c.header)[0] == key), None)
            if col is None:
                self.warnings.append(self._file_warning(f"spec column {name!r} not found in the header"))
                continue
            col.field = col.field or f"specs[{col.header}]"
            self.plan.append((f"spec:{col.header}", col.index, {}, text, col))
        self.finish = getattr(self, f"_{kind}")
        self.fields_sets: dict[frozenset[str], set[str]] = {}
        self.where = (file, sheet)
        self.validate = MODELS[kind].__pydantic_validator__.validate_python

    # ------------------------------------------------------------------ converters

    def _converter(self, fname: str, col: Column) -> Callable[[Any], Any]:
        cfg = self.cfg
        if fname == "sku":
            fn: Callable[[Any], Any] = skus_cell if self.kind == "complaints" else sku_cell
        elif fname in ("lot", "id", "order"):
            fn = code
        elif fname in ("production_date", "expiry_date", "received"):
            d1904, fmt = self.date1904, cfg.date_format

            def fn(v: Any) -> Any:
                return parse_date(v, date1904=d1904, date_format=fmt)
        elif fname == "at":  # a price's time: its UTC offset, if written, says which day it was where
            d1904, fmt = self.date1904, cfg.date_format

            def fn(v: Any) -> Any:
                return parse_datetime(v, date1904=d1904, date_format=fmt, keep_offset=True)
        elif fname == "quantity":
            fn = parse_quantity
        elif fname == "shelf_life":
            unit = header_unit(col.unit)
            fn = _shelf_life_with_hint(unit, self.date1904, cfg.date_format)
        elif fname in ("price", "list_price"):
            default = cfg.currency

            def fn(v: Any) -> Any:
                return parse_price(v, default)
        elif fname == "currency":

            def fn(v: Any) -> Any:
                return currency_code(text(v))
        elif fname == "specs":
            header = col.header or "规格"

            def fn(v: Any) -> Any:
                return parse_specs(v, header)
        elif fname == "kind":
            fn = parse_price_kind
        else:
            fn = text
        return fn

    # ------------------------------------------------------------------ rows

    def build(self, rowno: int, cells: list[Any]) -> Record | None:
        """The model for one data row, or None (an error was recorded, or the row was skipped)."""
        values: dict[str, Any] = {}
        bad: Bad | None = None
        n = len(cells)
        for fname, index, memo, convert, col in self.plan:
            if index >= n:
                continue
            raw = cells[index]
            try:
                value = memo.get(raw, MISS)
            except TypeError:  # unhashable: a JSON object or list
                value = MISS
            if value is MISS:
                if raw is None:
                    continue
                try:
                    value = self._convert(rowno, raw, memo, convert, col)
                except CellError as exc:
                    if bad is None:
                        bad = []
                    bad.append((col, str(exc)))
                    continue
                except TotalsRow:
                    self.skipped += 1
                    return None
            if value is EMPTY:
                if self.hidden and (rowno, index) in self.hidden:
                    if bad is None:
                        bad = []
                    bad.append((col, self.hidden[(rowno, index)]))
                continue
            values[fname] = value
        result = self.finish(rowno, values, bad)
        if result.__class__ is list:
            why = self._skippable(cells)
            if why is None:
                self._row_error(rowno, result)
            elif why != "blank":  # blank rows are not counted at all
                self.skipped += 1
            return None
        if self.lots is not None and self.lots.add(result, *self.where, rowno):
            return ADDED
        if self.kind == "inventory" and (lot := trusted.trusted_lot(result, self.fields_sets, *self.where, rowno)):
            return lot  # checker inspect: the first rows as models, the rest only counted
        result["source"] = {"file": self.file, "sheet": self.sheet, "row": rowno}
        try:
            model = self.validate(result)
        except ValidationError as exc:  # a converter let through a value the model refuses: still a row error
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err["loc"] else ""
            col = self.mapping.get("shelf_life" if field == "shelf_life_days" else field)
            self._row_error(rowno, [(col or next(iter(self.mapping.values())), f"{field}: {err['msg']}")])
            return None
        fields = model.__pydantic_fields_set__
        _set(model, "__pydantic_fields_set__", self.fields_sets.setdefault(frozenset(fields), fields))
        _set(model.source, "__pydantic_fields_set__", trusted.READ_SOURCE_FIELDS)
        if self.lots is not None:
            self.lots.add_lot(model)
            return ADDED
        return model

    def _convert(self, rowno: int, raw: Any, memo: dict[Any, Any], convert: Callable[[Any], Any], col: Column) -> Any:
        """A cell not in the column's memo: convert it and remember the result (memo hits are the fast path:
        exports repeat dates, statuses, warehouses and names endlessly)."""
        cls = raw.__class__
        if cls is str and len(raw) > self.max_chars:
            return convert(self._truncate(rowno, col, raw))  # not memoised: rare and large
        value = EMPTY if is_empty(raw) else convert(raw)
        # 1 == 1.0 == True share a dict slot: keep booleans and 0/1 numbers out so text("true") stays distinct
        memoisable = cls is str or (cls is not bool and cls is not dict and cls is not list and raw != 0 and raw != 1)
        if memoisable and len(memo) < MEMO_LIMIT:
            memo[raw] = value
        return value

    def _truncate(self, rowno: int, col: Column, raw: str) -> str:
        self.warnings.append(
            ErrorRecord(
                stage="read",
                source=self.file,
                location=location(self.sheet, rowno, [col], self.row_label),
                reason=f"warning: cell of {len(raw):,} characters truncated to {self.max_chars:,} (max_cell_chars)",
            )
        )
        return raw[: self.max_chars]

    def _skippable(self, cells: list[Any]) -> str | None:
        """Blank rows, totals rows (合计 ...) and repeated header rows are skipped, not errors."""
        texts = [cell_text(c) for c in cells if not is_empty(c)]
        if not texts:
            return "blank"
        if normalise_header(texts[0])[0] in SUMMARY_WORDS:
            return "totals"
        mapped = [c for c in self.mapping.values() if c.index < len(cells)]
        if mapped and all(cell_text(cells[c.index]) == c.header for c in mapped):
            return "header"
        return None

    def _row_error(self, rowno: int, bad: Bad) -> None:
        reason = bad[0][1] if len(bad) == 1 else "; ".join(f"{col.label()}: {why}" for col, why in bad)
        where = location(self.sheet, rowno, [c for c, _ in bad], self.row_label)
        self.errors.append(ErrorRecord(stage="read", source=self.file, location=where, reason=reason))

    def _row_warning(self, rowno: int, col: Column, reason: str) -> None:
        """A row that is read, with something the operator should know (a warning on the Errors sheet)."""
        where = location(self.sheet, rowno, [col], self.row_label)
        self.warnings.append(ErrorRecord(stage="read", source=self.file, location=where, reason=f"warning: {reason}"))

    def _file_warning(self, reason: str) -> ErrorRecord:
        where = f"sheet {self.sheet}" if self.sheet else ""
        return ErrorRecord(stage="read", source=self.file, location=where, reason=f"warning: {reason}")

    def _require(self, values: dict[str, Any], bad: Bad | None, *fields: str) -> Bad | None:
        """``bad`` plus an "is empty" entry for every required field without a value (and no other error)."""
        for fname in fields:
            if fname not in values:
                col = self.mapping[fname]
                if bad is None or all(c is not col for c, _ in bad):
                    bad = [*(bad or ()), (col, f"{_LABELS.get(fname, fname)} is empty")]
        return bad

    # ------------------------------------------------------------------ one finisher per kind

    def _inventory(self, rowno: int, v: dict[str, Any], bad: Bad | None) -> dict[str, Any] | Bad:
        """The converted values already carry the model's field names: complete them in place (hot path)."""
        if bad or "sku" not in v:
            bad = self._require(v, bad, "sku")
            if bad:
                return bad
        production = v.get("production_date")
        shelf: ShelfLife | None = v.pop("shelf_life", None)
        if shelf is not None:
            days = v["shelf_life_days"] = shelf.to_days(production)
            if production is not None:
                derived = production + timedelta(days=days)
                if "expiry_date" not in v:
                    v["expiry_date"] = derived
                elif abs((v["expiry_date"] - derived).days) > 1:  # the export's own expiry date is used
                    self._row_warning(
                        rowno,
                        self.mapping["expiry_date"],
                        f"expiry date {v['expiry_date']} disagrees with production date {production} "
                        f"+ shelf life ({derived}); the expiry date is used",
                    )
        expiry = v.get("expiry_date")
        if expiry is not None and production is not None and expiry < production:
            col = self.mapping.get("expiry_date") or self.mapping["production_date"]
            return [(col, f"expiry date {expiry} is before production date {production}")]
        return v

    def _currency(self, v: dict[str, Any], *price_fields: str) -> tuple[str | None, str | None]:
        """(currency, conflict message)."""
        named = {}
        if "currency" in v:
            named["currency"] = v["currency"]
        for f in price_fields:
            if f in v and v[f][1]:
                named[f] = v[f][1]
        if len(set(named.values())) > 1:
            return None, "currencies disagree: " + ", ".join(f"{k} {c}" for k, c in named.items())
        return (next(iter(named.values())) if named else self.cfg.currency), None

    def _catalog(self, rowno: int, v: dict[str, Any], bad: Bad | None) -> dict[str, Any] | Bad:
        bad = self._require(v, bad, "sku")
        currency, conflict = self._currency(v, "price", "list_price")
        if conflict:
            bad = [*(bad or ()), (self.mapping.get("currency") or self.mapping["price"], conflict)]
        if bad:
            return bad
        specs = dict(v.get("specs", {}))
        for key, value in v.items():
            if key.startswith("spec:"):
                specs[key[5:]] = value
        return {
            "sku": v["sku"],
            "name": v.get("name", ""),
            "price": v["price"][0] if "price" in v else None,
            "list_price": v["list_price"][0] if "list_price" in v else None,
            "currency": currency,
            "specs": specs,
            "status": v.get("status"),
            "url": v.get("url"),
        }

    def _prices(self, rowno: int, v: dict[str, Any], bad: Bad | None) -> dict[str, Any] | Bad:
        bad = self._require(v, bad, "sku", "price", "at")
        currency, conflict = self._currency(v, "price")
        if conflict:
            bad = [*(bad or ()), (self.mapping.get("currency") or self.mapping["price"], conflict)]
        if bad:
            return bad
        return {
            "sku": v["sku"],
            "price": v["price"][0],
            "currency": currency,
            "at": v["at"],
            "kind": v.get("kind", self.cfg.price_kind),
        }

    def _complaints(self, rowno: int, v: dict[str, Any], bad: Bad | None) -> dict[str, Any] | Bad:
        """A complaint needs a SKU or some text; its cause is worked out later (the CP rules' taxonomy)."""
        if bad:
            return bad
        skus = v.get("sku", ())
        if not skus and not any(v.get(f) for f in ("category", "reason", "detail")):
            col = self.mapping.get("sku") or next(iter(self.mapping.values()))
            return [(col, "投诉既无 SKU 也无内容 / complaint has neither a SKU nor any text")]
        return {
            "id": v.get("id"),
            "sku": skus[0] if skus else None,
            "skus": list(dict.fromkeys(skus)),
            "order": v.get("order"),
            "received": v.get("received"),
            "category": v.get("category"),
            "reason": v.get("reason"),
            "detail": v.get("detail", ""),
            "outcome": v.get("outcome"),
        }


def _shelf_life_with_hint(unit: str, date1904: bool, date_format: str | None) -> Callable[[Any], Any]:
    def convert(value: Any) -> ShelfLife | None:
        try:
            return parse_shelf_life(value, unit)
        except CellError as exc:
            try:
                parse_date(value, date1904=date1904, date_format=date_format)
            except CellError:
                raise exc from None
            raise CellError(
                f"{exc}; it looks like a date: if this column holds expiry dates, map it with "
                'columns = { expiry_date = "..." }'
            ) from None

    return convert
