"""SKU cells: one SKU, an order line naming several, or a totals row (合计 / Total) that is no record at all."""

from __future__ import annotations

import re
from typing import Any

from checker.aliases import normalise_header
from checker.sources.values import code

SUMMARY_WORDS = frozenset(
    normalise_header(w)[0]
    for w in ("合计", "总计", "小计", "合計", "總計", "小計", "total", "grand total", "subtotal", "sum")
)


class TotalsRow(Exception):
    """Raised by the SKU converter for 合计/总计/Total: the row is a summary line, not a record."""


_SUMMARY_FIRST = frozenset("合总小總TtSsGg*＊ ")


def sku_cell(value: Any) -> str:
    result = code(value)
    if result[:1] in _SUMMARY_FIRST and len(result) <= 12 and normalise_header(result)[0] in SUMMARY_WORDS:
        raise TotalsRow
    return result


_SKU_SEPARATORS = re.compile(r"[\s,;，；、|]+")


def skus_cell(value: Any) -> tuple[str, ...]:
    """A complaint's SKU cell: one SKU, or an order line naming several (``A001, A002`` / ``A001；A002``)."""
    cells = value if isinstance(value, list) else [value]  # a JSON export may give a list
    first, *rest = [p for cell in cells for p in _SKU_SEPARATORS.split(code(cell)) if p] or [""]
    return (sku_cell(first), *(code(p) for p in rest)) if first else ()
