"""The workbook's stock sheet (库存 Stock): every lot of the inventory exports (past ``STOCK_SHEET_LOTS``,
those to act on), SKU by SKU, first to expire first (FEFO), with its days left, status and whether it counts
as sellable, so the warehouse can act on it line by line.  A SKU no page and no catalog row knows is listed
too, not dropped."""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator
from datetime import date
from typing import Any

from checker_rules.stock._common import KINDS_ZH, abnormal_kind, not_sellable, stock_view

from checker.catalog import catalog_index, sku_key
from checker.engine.pack import PackSheet
from checker.models import Availability, InventoryLot

COLUMNS: list[tuple[str, int]] = [
    ("SKU", 18), ("批次 Lot", 16), ("仓库 Warehouse", 12), ("数量 Quantity", 10), ("状态 Status", 12),
    ("生产日期 Produced", 12), ("到期日 Expiry", 12), ("剩余天数 Days left", 10), ("可售 Sellable", 30),
    ("页面 Page", 40), ("来源 Source", 30),
]
YES = "是 yes"
_AVAILABILITY_ZH = {Availability.IN_STOCK: "有货 in stock", Availability.OUT_OF_STOCK: "缺货 out of stock",
                    Availability.PRE_ORDER: "预售 pre-order", Availability.DISCONTINUED: "下架 discontinued"}


_WHY_ZH = {"empty": "否 no: 数量为 0 或负数 / no stock", "negative": "否 no: 数量为负 / negative count",
           "expired": "否 no: 已过期 / expired", "ends": "否 no: 促销结束前到期 / expires before the promotion ends"}
#: The lots to act on, most urgent first (an empty lot is nothing to act on).
_URGENCY = {"expired": 0, "held": 1, "negative": 2, "ends": 3}
_NO_EXPIRY = date.max.toordinal()  # < 2**22: an ordinal fits in 24 bits of a packed key


def sellability(lot: InventoryLot, today: date, last: date) -> str:
    """是 yes, or 否 no with why."""
    why = not_sellable(lot, today, last)
    if why is None:
        return YES
    if why == "held":
        kind = abnormal_kind(lot.status)
        return f"否 no: 状态异常（{KINDS_ZH.get(kind, kind)}）/ {kind}"
    return _WHY_ZH[why]


def _fefo(lot: InventoryLot) -> tuple[Any, ...]:
    return (sku_key(lot.sku), lot.expiry_date is None, lot.expiry_date or date.max, lot.lot or "")


#: Lots listed one by one at most.  Past it (an export of millions of lots) the sheet lists the lots to act
#: on, the most urgent first (expired with stock, held, negative counts, expiring before the promotion ends;
#: then the first to expire), and the Summary says how many were left out: a million-row sheet is neither
#: read nor written in reasonable time (issue 21).
STOCK_SHEET_LOTS = 100_000


def listed_lots(ctx, limit: int | None = None) -> tuple[list[InventoryLot], str]:
    """The lots the sheet lists, first to expire first, and a note when some are left out."""
    lots, limit = ctx.lots, STOCK_SHEET_LOTS if limit is None else limit
    if len(lots) <= limit:
        return sorted(lots, key=_fefo), ""
    today, last = ctx.today, max(ctx.today, ctx.promotion.end)
    keys = array("Q")  # urgency, expiry day and row of each lot to act on, packed: millions fit in 8 bytes each
    for lot in lots.any_of(expiry=lambda day: day is not None and day < last,
                           status=lambda status: abnormal_kind(status) is not None, negative=True):  # fmt: skip
        why = not_sellable(lot, today, last)
        if why is not None and why != "empty":
            expiry = lot.expiry_date.toordinal() if lot.expiry_date is not None else _NO_EXPIRY
            keys.append(_URGENCY[why] << 56 | expiry << 32 | lot._i)
    act = len(keys)
    shown = [key & 0xFFFF_FFFF for key in heapq.nsmallest(limit, keys)]
    note = (f"库存表只列出 {len(shown):,} 个需处理的批次（已过期、状态异常、数量为负或促销结束前到期，共 {act:,} 个，最紧急的优先），"
            f"其余 {len(lots) - len(shown):,} 个批次未逐行列出（共 {len(lots):,} 个批次）/ the Stock sheet lists "
            f"{len(shown):,} lots to act on (expired, held, negative or expiring before the promotion ends; "
            f"{act:,} in all, the most urgent first); {len(lots) - len(shown):,} of the {len(lots):,} lots are not "
            f"listed row by row")
    return sorted(lots.lots(shown), key=_fefo), note


def stock_rows(ctx, listed: list[InventoryLot]) -> Iterator[list[Any]]:
    today, last = ctx.today, max(ctx.today, ctx.promotion.end)
    view = stock_view(ctx)
    catalog = catalog_index(ctx)
    for lot in listed:
        sku = sku_key(lot.sku)
        offer = view.offer(sku)
        if offer is not None:
            page = f"{_AVAILABILITY_ZH.get(offer.availability, '未知 unknown')} · {offer.product.url}"
        elif catalog.get(sku) is not None:
            page = "无页面（后台有）/ no page crawled (in the catalog)"
        else:
            page = "未知 SKU：无页面、无后台记录 / unknown SKU: no page, no catalog row"
        days = (lot.expiry_date - today).days if lot.expiry_date is not None else None
        yield [
            lot.sku, lot.lot or "", lot.warehouse or "", lot.quantity, lot.status or "",
            str(lot.production_date or ""), str(lot.expiry_date or ""), days, sellability(lot, today, last), page,
            str(lot.source) if lot.source else "",
        ]


def stock_sheets(ctx, ran: frozenset[str]) -> list[PackSheet]:
    """The stock sheet, when the audit read inventory lots."""
    if not ctx.lots:
        return []
    listed, note = listed_lots(ctx)
    return [PackSheet("库存 Stock", COLUMNS, stock_rows(ctx, listed), note)]
