"""The workbook's stock sheet (库存 Stock): every lot of the inventory exports, SKU by SKU, first to
expire first (FEFO), with its days left, status and whether it counts as sellable, so the warehouse
can act on it line by line.  A SKU no page and no catalog row knows is listed too, not dropped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from checker_rules.stock._common import KINDS_ZH, abnormal_kind, stock_view

from checker.catalog import catalog_index, sku_key
from checker.engine.pack import PackSheet
from checker.models import Availability, InventoryLot

COLUMNS: list[tuple[str, int]] = [
    ("SKU", 18), ("批次 Lot", 16), ("仓库 Warehouse", 12), ("数量 Quantity", 10), ("状态 Status", 12),
    ("生产日期 Produced", 12), ("到期日 Expiry", 12), ("剩余天数 Days left", 10), ("可售 Sellable", 30),
    ("页面 Page", 40), ("来源 Source", 30),
]
_AVAILABILITY_ZH = {Availability.IN_STOCK: "有货 in stock", Availability.OUT_OF_STOCK: "缺货 out of stock",
                    Availability.PRE_ORDER: "预售 pre-order", Availability.DISCONTINUED: "下架 discontinued"}


def sellability(lot: InventoryLot, today: date, last: date) -> str:
    """是 yes, or 否 no with why (the first reason that applies), as ST005 counts a lot."""
    kind = abnormal_kind(lot.status)
    if (lot.quantity or 0) <= 0:
        return "否 no: 数量为 0 或负数 / no stock" if (lot.quantity or 0) == 0 else "否 no: 数量为负 / negative count"
    if kind is not None:
        return f"否 no: 状态异常（{KINDS_ZH.get(kind, kind)}）/ {kind}"
    if lot.expiry_date is not None and lot.expiry_date < today:
        return "否 no: 已过期 / expired"
    if lot.expiry_date is not None and lot.expiry_date < last:
        return "否 no: 促销结束前到期 / expires before the promotion ends"
    return "是 yes"


def _fefo(lot: InventoryLot) -> tuple[Any, ...]:
    return (sku_key(lot.sku), lot.expiry_date is None, lot.expiry_date or date.max, lot.lot or "")


def stock_rows(ctx) -> Iterator[list[Any]]:
    today, last = ctx.today, max(ctx.today, ctx.promotion.end)
    view = stock_view(ctx)
    catalog = catalog_index(ctx)
    for lot in sorted(ctx.lots, key=_fefo):
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
    return [PackSheet("库存 Stock", COLUMNS, stock_rows(ctx))] if ctx.lots else []
