"""ST001-ST004 make one finding per cause (a SKU's lots in one warehouse, for one reason): its fingerprint
must not depend on which lots the group holds, or a baseline would call a still-open problem fixed and the
same problem new (its status, owner and note lost)."""

from __future__ import annotations

from datetime import date

from checker.config import Config
from checker.engine import Engine, build_rules
from checker.engine.context import AuditContext
from checker.lots import LotTable
from checker.models import InventoryLot, SourceRef

TODAY = date(2026, 11, 23)


def lot(name: str, expiry: date | None, row: int, warehouse: str = "W1", status: str = "正常") -> InventoryLot:
    return InventoryLot(sku="CN-SNK-1", lot=name, warehouse=warehouse, quantity=10, status=status,
                        expiry_date=expiry, source=SourceRef(file="inv.csv", row=row))  # fmt: skip


def findings(*lots: InventoryLot, code: str = "ST001", options: dict | None = None):
    config = Config.model_validate({"select": [code], "rules": {code: options or {}}})
    ctx = AuditContext(config=config, today=TODAY)
    ctx.lots = LotTable(lots)
    return [f for f in Engine(build_rules(config)).check_site(ctx) if f.code == code]


def test_a_group_keeps_its_fingerprint_as_its_lots_change():
    (one,) = findings(lot("L1", date(2026, 9, 1), 2))
    (two,) = findings(lot("L1", date(2026, 9, 1), 2), lot("L2", date(2026, 9, 5), 3))
    (earlier,) = findings(lot("L2", date(2026, 9, 5), 9), lot("L0", date(2026, 8, 1), 4), lot("L1", date(2026, 9, 1), 7))
    assert one.fingerprint == two.fingerprint == earlier.fingerprint
    assert (one.evidence, two.evidence, earlier.evidence) == ("L1", "L1", "L0")  # described by its first to expire
    assert earlier.extra["lots"] == 3 and earlier.extra["lot_sample"] == ["L2", "L0", "L1"]
    assert earlier.extra["cause"] == "w1/sellable/False"


def test_other_warehouses_and_reasons_are_other_findings():
    found = findings(lot("L1", date(2026, 9, 1), 2), lot("L2", date(2026, 9, 1), 3, warehouse="W2"),
                     lot("L3", date(2026, 9, 1), 4, status="冻结"), lot("L4", date(2026, 9, 2), 5, status="冻结"))
    assert sorted((f.evidence, f.severity.value, f.extra.get("lots", 1)) for f in found) == [
        ("L1", "error", 1), ("L2", "error", 1), ("L3", "info", 2)]
    assert len({f.fingerprint for f in found}) == 3


def test_a_lot_without_a_date_never_stands_for_a_dated_group():
    held = dict(status="破损")
    found = findings(
        InventoryLot(sku="CN-SNK-1", lot="NODATE", warehouse="W1", quantity=5, **held),
        InventoryLot(sku="CN-SNK-1", lot="DATED", warehouse="W1", quantity=5, expiry_date=date(2027, 1, 1), **held),
        code="ST004", options={"quantity_is_sellable": True},
    )
    assert [(f.evidence, f.extra["lots"]) for f in found] == [("DATED", 2)]
