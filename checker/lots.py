"""Inventory lots held in columns (issue 21: exports of millions of rows).

A pydantic :class:`~checker.models.InventoryLot` with its SourceRef costs ~500 bytes; a 4.9-million-row
export held that way took 2.4 GB.  :class:`LotTable` keeps each field in a column instead: the values that
repeat (SKU, name, warehouse, status, dates, file) once each with a 1-4 byte index a row, numbers in 4-byte
arrays, lot numbers packed in one bytes blob: ~40 bytes a lot.  Rows are added in batches, a column at a
time.  Iterating it yields :class:`Lot`, a small slotted object with InventoryLot's attribute names, built on
the fly and dropped after use, so the rules read it as they read a model; ``Lot.model()`` gives the
validated-equivalent model where one is needed.

``ctx.lots`` is always a LotTable; the reader adds each row's values (:meth:`LotTable.add`), and tests and
rule cases add models (:meth:`LotTable.add_lot`).
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import accumulate, compress
from operator import or_
from typing import Any

from checker.models import InventoryLot, SourceRef
from checker.trusted import LOT_TYPES, READ_SOURCE_FIELDS

_NONE, _INT_TOP = -(2**31), 2**31 - 1  # the int columns' "no value", and the largest they hold
_BATCH = 4096  # rows added before they are moved into the columns
FIELDS = tuple(LOT_TYPES)
_FIELDS_SETS: dict[tuple[str, ...], frozenset[str]] = {}  # the few sets of given fields exports have, shared


class _Interned:
    """A column of repeating values: each distinct value stored once, an index per row in the narrowest
    array that holds it (1 byte for a few statuses, 2 for thousands of SKUs or dates).  The index is a dict
    whose missing keys number themselves (``default_factory`` is its own ``len``), so a batch of rows is
    indexed by ``map`` at C speed."""

    __slots__ = ("index", "rows", "_values")

    def __init__(self) -> None:
        self.index: defaultdict[Any, int] = defaultdict()
        self.index.default_factory = self.index.__len__
        self.index[None]  # 0 is "no value"
        self.rows = array("B")
        self._values: list[Any] = []

    def extend(self, column: list[Any]) -> None:
        most = len(self.index) + len(column)  # the largest index this batch can make
        if most > _WIDEST[self.rows.typecode]:
            self.rows = array(next(code for code, top in _WIDEST.items() if most <= top), self.rows)
        self.rows.extend(map(self.index.__getitem__, column))

    @property
    def values(self) -> list[Any]:
        """The distinct values, by index."""
        if len(self._values) != len(self.index):
            self._values = list(self.index)
        return self._values


_WIDEST = {"B": 2**8 - 1, "H": 2**16 - 1, "I": 2**32 - 1, "Q": 2**64 - 1}


class _Ints:
    """A column of whole numbers or None in 4 bytes a row; a number beyond 32 bits (a huge stock count, an
    ERP's typo) is kept aside, not lost."""

    __slots__ = ("rows", "big")

    def __init__(self) -> None:
        self.rows = array("i")
        self.big: dict[int, int] = {}

    def extend(self, column: list[int | None]) -> None:
        try:
            if _NONE in column:  # the "no value" number itself, as a value: kept aside like a big one
                raise OverflowError
            self.rows.extend(array("i", [_NONE if v is None else v for v in column]))  # all or nothing
        except OverflowError:
            for v in column:
                if v is not None and not _NONE < v <= _INT_TOP:
                    self.big[len(self.rows)] = v
                    v = None
                self.rows.append(_NONE if v is None else v)

    def get(self, i: int) -> int | None:
        v = self.rows[i]
        return (self.big.get(i) if self.big else None) if v == _NONE else v


class _Texts:
    """A column of mostly distinct short texts (lot numbers): UTF-8 in one blob, an end offset per row."""

    __slots__ = ("blob", "ends", "nones")

    def __init__(self) -> None:
        self.blob = bytearray()
        self.ends = array("I")
        self.nones: set[int] = set()

    def extend(self, column: list[str | None]) -> None:
        if None in column:
            self.nones.update(len(self.ends) + i for i, v in enumerate(column) if v is None)
        encoded = [v.encode("utf-8", "surrogatepass") if v is not None else b"" for v in column]
        if len(self.blob) + sum(map(len, encoded)) > _WIDEST[self.ends.typecode]:
            self.ends = array("Q", self.ends)  # past 4 GB of lot numbers
        ends = accumulate(map(len, encoded), initial=len(self.blob))
        next(ends)  # the initial: the previous row's end
        self.ends.extend(ends)
        self.blob += b"".join(encoded)

    def get(self, i: int) -> str | None:
        if i in self.nones:
            return None
        start = self.ends[i - 1] if i else 0
        return self.blob[start : self.ends[i]].decode("utf-8", "surrogatepass")


class Lot:
    """One lot read from a :class:`LotTable`: InventoryLot's attributes, without pydantic's cost.  The lot
    number, the name and the source are read from the table only when asked for (messages, sheets)."""

    __slots__ = ("sku", "quantity", "status", "warehouse", "production_date", "shelf_life_days", "expiry_date",
                 "_table", "_i")  # fmt: skip

    @property
    def lot(self) -> str | None:
        return self._table._lot.get(self._i)

    @property
    def name(self) -> str:
        return self._table._name.values[self._table._name.rows[self._i]] or ""

    @property
    def source(self) -> SourceRef | None:
        return self._table.source(self._i)

    @property
    def model_fields_set(self) -> frozenset[str]:
        return self._table._given.values[self._table._given.rows[self._i]]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(field, value) pairs, as a model iterates (``checker inspect`` prints them)."""
        for name in FIELDS:
            yield name, getattr(self, name)
        yield "source", self.source

    def model(self) -> InventoryLot:
        """The validated-equivalent model: the same values and the same fields set."""
        return InventoryLot.model_construct(set(self.model_fields_set), **dict(self))

    def __eq__(self, other: object) -> bool:
        """Equal to the model it stands for (and to another lot holding the same)."""
        if isinstance(other, Lot):
            other = other.model()
        return self.model() == other if isinstance(other, InventoryLot) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a model: equal by value, so not hashable

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        return self.model().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        return self.model().model_dump_json(**kwargs)

    def __repr__(self) -> str:
        return f"Lot({self.sku!r}, lot={self.lot!r}, quantity={self.quantity!r}, expiry={self.expiry_date})"


class LotTable:
    """Every inventory lot of the audit, in columns (see the module docstring).  List-like: ``len``,
    iteration in read order, ``table[i]`` and ``table[a:b]`` (lists of :class:`Lot`), ``extend``."""

    def __init__(self, lots: Iterable[Any] = ()) -> None:
        self._sku, self._name, self._warehouse, self._status = _Interned(), _Interned(), _Interned(), _Interned()
        self._made, self._expiry, self._where, self._given = _Interned(), _Interned(), _Interned(), _Interned()
        self._lot, self._quantity, self._shelf, self._row = _Texts(), _Ints(), _Ints(), _Ints()
        self._refs: dict[int, SourceRef | None] = {}  # sources that are not (file, sheet, row): models added
        self._pending: list[tuple[dict[str, Any], frozenset[str], tuple | None, int | None]] = []
        self.extend(lots)

    # ------------------------------------------------------------------ adding

    def add(self, values: dict[str, Any], file: str, sheet: str | None, row: int) -> bool:
        """Append a lot from the values an export reader converted itself (each of its field's exact type).
        False, and nothing appended, when a value is not: the caller validates it (a converter's slip)."""
        for name, value in values.items():
            if LOT_TYPES.get(name) is not value.__class__:
                return False
        names = tuple(values)
        given = _FIELDS_SETS.get(names) or _FIELDS_SETS.setdefault(names, frozenset((*names, "source")))
        self._queue(values, given, (file, sheet), row)
        return True

    def add_lot(self, lot: InventoryLot | Lot) -> None:
        """Append a model (rule cases, tests, a validated row) or a lot of another table."""
        values = {name: getattr(lot, name) for name in FIELDS}
        if isinstance(lot, Lot):  # another table's row: its columns' values, no model between
            table, i = lot._table, lot._i
            where = table._where.values[table._where.rows[i]]
            if where is not None:
                return self._queue(values, lot.model_fields_set, where, table._row.get(i))
            lot = lot.model()
        given = frozenset(lot.model_fields_set)
        ref = lot.source
        if ref is not None and ref.model_fields_set <= READ_SOURCE_FIELDS and ref.url is None and ref.column is None:
            self._queue(values, given, (ref.file, ref.sheet), ref.row)
        else:
            self._refs[len(self)] = ref
            self._queue(values, given, None, None)

    def _queue(self, values: dict[str, Any], given: frozenset[str], where: tuple | None, row: int | None) -> None:
        self._pending.append((values, given, where, row))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        """Move the pending rows into the columns, a column at a time."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        gets = [v.get for v, _, _, _ in pending]
        for column, name in ((self._sku, "sku"), (self._warehouse, "warehouse"), (self._status, "status"),
                             (self._made, "production_date"), (self._expiry, "expiry_date")):  # fmt: skip
            column.extend([get(name) for get in gets])
        self._name.extend([get("name") or None for get in gets])
        self._lot.extend([get("lot") for get in gets])
        self._quantity.extend([get("quantity") for get in gets])
        self._shelf.extend([get("shelf_life_days") for get in gets])
        self._where.extend([w for _, _, w, _ in pending])
        self._given.extend([g for _, g, _, _ in pending])
        self._row.extend([r for _, _, _, r in pending])

    def extend(self, lots: Iterable[Any]) -> None:
        """Append lots (models, or the lots of another table: copied, the other table is unchanged)."""
        for lot in lots:
            self.add_lot(lot)

    def absorb(self, other: LotTable) -> None:
        """Move ``other``'s rows to the end of this table and leave ``other`` empty: an audit's inventory
        source read into a table of its own becomes ``ctx.lots`` without a copy (millions of rows)."""
        if self or self._pending:
            self.extend(other)
        else:
            other._flush()
            self.__dict__.update(other.__dict__)
        other.__init__()

    append = add_lot

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self._sku.rows) + len(self._pending)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[Lot]:
        return self.lots(range(len(self)))

    def lots(self, indices: Iterable[int]) -> Iterator[Lot]:
        """The lots at these row indices, in that order."""
        self._flush()
        skus, ware, stat = self._sku.values, self._warehouse.values, self._status.values
        made, expiry = self._made.values, self._expiry.values
        sku_r, ware_r, stat_r = self._sku.rows, self._warehouse.rows, self._status.rows
        made_r, exp_r = self._made.rows, self._expiry.rows
        qty, qty_big, shelf = self._quantity.rows, self._quantity.big, self._shelf
        new = Lot.__new__
        for i in indices:
            lot = new(Lot)
            lot.sku = skus[sku_r[i]]
            q = qty[i]
            lot.quantity = q if q != _NONE else (qty_big.get(i) if qty_big else None)
            lot.status = stat[stat_r[i]]
            lot.warehouse = ware[ware_r[i]]
            lot.production_date = made[made_r[i]]
            lot.expiry_date = expiry[exp_r[i]]
            lot.shelf_life_days = shelf.get(i)
            lot._table = self
            lot._i = i
            yield lot

    def with_expiry(self, keep: Callable[[date | None], bool]) -> Iterator[Lot]:
        """The lots whose expiry date ``keep`` accepts, in read order.  ``keep`` is asked once per distinct
        date and the rows are picked in C (``compress``): a rule that wants the expired lots of millions does
        not build a Lot for each of the rest."""
        return self.any_of(expiry=keep)

    def any_of(
        self,
        expiry: Callable[[date | None], bool] | None = None,
        status: Callable[[str | None], bool] | None = None,
        negative: bool = False,
    ) -> Iterator[Lot]:
        """The lots, in read order, whose expiry date ``expiry`` accepts, or whose status ``status`` accepts,
        or (``negative``) whose quantity is below 0 or unknown.  Each predicate is asked once per distinct
        value; the rows are picked in C."""
        self._flush()
        masks: list[Iterator[bool]] = []
        for keep, column in ((expiry, self._expiry), (status, self._status)):
            if keep is not None:
                wanted = [keep(value) for value in column.values]
                masks.append(map(wanted.__getitem__, column.rows))
        if negative:
            masks.append(map((0).__gt__, self._quantity.rows))  # the no-value number is below 0 too
        if not masks:
            return iter(())
        mask = masks[0]
        for more in masks[1:]:
            mask = map(or_, mask, more)
        return self.lots(compress(range(len(self)), mask))

    def skus(self) -> list[str]:
        """The distinct SKUs, as written."""
        self._flush()
        return self._sku.values[1:]

    def lots_per_sku(self) -> Counter[str]:
        """SKU as written -> how many lots."""
        self._flush()
        values = self._sku.values
        return Counter({values[i]: n for i, n in Counter(self._sku.rows).items()})

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            return list(self.lots(range(len(self))[key]))
        index = range(len(self))[key]
        return next(self.lots((index,)))

    def source(self, i: int) -> SourceRef | None:
        """Where row ``i`` was read (built when asked for: only findings and sheets need it)."""
        self._flush()
        where = self._where.values[self._where.rows[i]]
        if where is None:
            return self._refs.get(i)
        file, sheet = where
        return SourceRef.model_construct(READ_SOURCE_FIELDS, file=file, sheet=sheet, row=self._row.get(i))
