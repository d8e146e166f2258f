"""checker.lots.LotTable: an audit's inventory lots in columns (issue 21), read back as the models they stand for."""

from __future__ import annotations

import tracemalloc
from datetime import date

from checker.lots import LotTable
from checker.models import InventoryLot, SourceRef


def values(i: int) -> dict:
    return {"sku": f"CN-SNK-{i % 50:04d}", "name": "海苔卷", "lot": f"L{i:07d}", "warehouse": "华东仓",
            "quantity": i % 300, "status": "正常", "production_date": date(2026, 1, 1 + i % 28),
            "shelf_life_days": 365, "expiry_date": date(2027, 1, 1 + i % 28)}  # fmt: skip


def test_a_lot_reads_back_as_the_validated_model():
    table = LotTable()
    given = {"sku": "TW-FOOD-1", "lot": "批號PB-2025/10", "quantity": 36, "expiry_date": date(2026, 10, 1)}
    assert table.add(given, "庫存.csv", None, 7)
    lot = table[0]
    want = InventoryLot.model_validate({**given, "source": {"file": "庫存.csv", "row": 7}})
    assert lot == want and lot.model().model_fields_set == want.model_fields_set
    assert (lot.sku, lot.lot, lot.quantity, lot.name, lot.status, lot.shelf_life_days) == (
        "TW-FOOD-1", "批號PB-2025/10", 36, "", None, None)  # fmt: skip
    assert str(lot.source) == str(want.source) and lot.source.row == 7
    assert dict(lot)["expiry_date"] == date(2026, 10, 1)


def test_a_value_of_another_type_is_refused_and_nothing_is_added():
    table = LotTable()
    assert not table.add({"sku": "A", "quantity": 1.5}, "x.csv", None, 2)
    assert not table.add({"sku": "A", "expiry_date": "2026-01-01"}, "x.csv", None, 3)
    assert len(table) == 0 and not table


def test_numbers_beyond_32_bits_and_missing_values_are_kept():
    table = LotTable()
    huge = 10**30
    table.add({"sku": "A", "quantity": huge, "shelf_life_days": -(10**20)}, "x.csv", "Sheet1", 2)
    table.add({"sku": "B"}, "x.csv", "Sheet1", 3)
    table.add({"sku": "C", "quantity": -(2**31), "lot": ""}, "x.csv", "Sheet1", 4)
    table.add({"sku": "D", "quantity": 2**31 - 1, "shelf_life_days": 2**31}, "x.csv", "Sheet1", 5)
    a, b, c, d = table
    assert (a.quantity, a.shelf_life_days) == (huge, -(10**20))
    assert (b.quantity, b.lot, b.expiry_date, b.warehouse) == (None, None, None, None)
    assert (c.quantity, c.lot) == (-(2**31), "")
    assert (d.quantity, d.shelf_life_days) == (2**31 - 1, 2**31)
    assert a.source.sheet == "Sheet1" and c.source.row == 4


def test_the_no_value_number_itself_is_a_value():
    table = LotTable()
    table.add({"sku": "A", "quantity": -(2**31), "shelf_life_days": 7}, "x.csv", None, 2)
    assert (table[0].quantity, table[0].shelf_life_days) == (-(2**31), 7)


def test_extend_copies_and_absorb_moves():
    src = LotTable()
    for i in range(3):
        src.add(values(i), "inv.csv", None, i + 2)
    copy = LotTable()
    copy.extend(src)
    copy.add({"sku": "NEW"}, "inv.csv", None, 9)
    assert [lot.sku for lot in src] == ["CN-SNK-0000", "CN-SNK-0001", "CN-SNK-0002"] and len(copy) == 4
    moved = LotTable()
    moved.absorb(src)
    assert len(src) == 0 and [lot.lot for lot in moved] == ["L0000000", "L0000001", "L0000002"]
    src.add({"sku": "LATER"}, "inv.csv", None, 5)
    assert len(moved) == 3 and [lot.sku for lot in src] == ["LATER"]
    moved.absorb(copy)  # into a table that has rows: appended
    assert len(moved) == 7 and moved[-1].sku == "NEW" and len(copy) == 0


def test_a_model_comes_back_whole():
    partial = InventoryLot.model_construct({"sku"}, sku="A", expiry_date=date(2026, 1, 1))
    (lot,) = LotTable([partial])
    assert lot.model() == partial and lot.expiry_date == date(2026, 1, 1)
    assert lot.model_dump_json(exclude={"source"}) == partial.model_dump_json(exclude={"source"})


def test_columns_widen_past_256_and_65536_distinct_values():
    table = LotTable()
    for i in range(70_000):
        table.add({"sku": f"SKU-{i}", "status": "正常", "lot": f"L{i}"}, "x.csv", None, i + 2)
    assert [lot.sku for lot in table[254:258]] == ["SKU-254", "SKU-255", "SKU-256", "SKU-257"]
    assert table[65_535].sku == "SKU-65535" and table[69_999].sku == "SKU-69999" and table[69_999].lot == "L69999"
    assert {lot.status for lot in table} == {"正常"}


def test_models_keep_their_own_source_and_tables_extend_and_slice():
    table = LotTable()
    odd = InventoryLot(sku="EN-1", lot="X", source=SourceRef(url="https://shop.example/api", row=3, column="qty"))
    plain = InventoryLot(sku="EN-2", quantity=4)
    table.extend([odd, plain])
    other = LotTable()
    for i in range(5):
        other.add(values(i), "inv.csv", None, i + 2)
    table.extend(other)
    assert len(table) == 7
    assert table[0] == odd and table[0].source.column == "qty" and table[1] == plain and table[1].source is None
    assert [lot.lot for lot in table[2:4]] == ["L0000000", "L0000001"] and table[-1].lot == "L0000004"
    empty = LotTable()
    empty.extend(other)  # taken whole
    assert [lot.lot for lot in empty] == [lot.lot for lot in other]
    assert LotTable(lot for lot in other if lot.quantity > 2)[0].lot == "L0000003"


def test_a_hundred_thousand_lots_take_under_a_tenth_of_their_models_memory():
    """~500 bytes a lot as models with their SourceRef (checker.trusted.trusted_lot); the table must stay
    under 50 (measured ~44): a 4.9-million-row export is the issue's case."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        table = LotTable()
        for i in range(100_000):
            table.add(values(i), "inventory.csv", None, i + 2)
        assert table[99_999].lot == "L0099999"  # the last batch moved into the columns
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(table) == 100_000 and table[99_999].lot == "L0099999"
    assert used / 100_000 < 50, f"{used / 100_000:.0f} bytes a lot"


def test_lots_picked_by_expiry_and_counted_by_sku():
    table = LotTable()
    days = [date(2026, 1, 1), None, date(2027, 1, 1), date(2026, 1, 1), date(2026, 6, 1)]
    for i, day in enumerate(days):
        table.add({"sku": "AB"[i % 2], "lot": f"L{i}", **({"expiry_date": day} if day else {})}, "x.csv", None, i + 2)
    asked: list = []

    def before_july(day):
        asked.append(day)
        return day is not None and day < date(2026, 7, 1)

    assert [lot.lot for lot in table.with_expiry(before_july)] == ["L0", "L3", "L4"]
    assert sorted(asked, key=str) == sorted([None, *{d for d in days if d}], key=str)  # once per distinct date
    assert [lot.lot for lot in table.with_expiry(lambda day: day is None)] == ["L1"]
    assert sorted(table.skus()) == ["A", "B"] and table.lots_per_sku() == {"A": 3, "B": 2}


def test_lots_picked_by_any_of_expiry_status_or_a_negative_quantity():
    table = LotTable()
    rows = [("OK", "正常", 5, date(2027, 1, 1)), ("HELD", "冻结", 5, date(2027, 1, 1)), ("OLD", "正常", 5, date(2026, 1, 1)),
            ("MINUS", "正常", -3, date(2027, 1, 1)), ("NONE", "正常", None, date(2027, 1, 1)), ("OK2", None, 1, None)]
    for i, (name, status, quantity, day) in enumerate(rows):
        given = {"sku": "A", "lot": name, "status": status, "quantity": quantity, "expiry_date": day}
        table.add({k: v for k, v in given.items() if v is not None}, "x.csv", None, i + 2)
    old = lambda day: day is not None and day < date(2026, 6, 1)  # noqa: E731
    held = lambda status: status == "冻结"  # noqa: E731
    assert [lot.lot for lot in table.any_of(expiry=old, status=held, negative=True)] == ["HELD", "OLD", "MINUS", "NONE"]
    assert [lot.lot for lot in table.any_of(status=held)] == ["HELD"]
    assert [lot.lot for lot in table.any_of(negative=True)] == ["MINUS", "NONE"]  # below 0, or unknown
    assert list(table.any_of()) == []
