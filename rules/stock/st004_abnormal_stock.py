from __future__ import annotations

from collections.abc import Iterator

from checker_rules.stock._common import (
    FOOD_SAFETY_LAW,
    KINDS_ZH,
    abnormal_kind,
    evidence,
    lot_facts,
    lot_name,
    one_per_cause,
    stock_view,
    where,
)
from pydantic import BaseModel, ConfigDict, Field

from checker.engine import Rule, register
from checker.models import Finding, InventoryLot, Severity


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity_is_sellable: bool = Field(
        False, description="the exports' quantity column is the sellable quantity (可用库存): an abnormal lot with "
                           "a quantity is then counted as sellable even when no page offers it",
    )


@register
class AbnormalStockSellable(Rule):
    """Damaged, spoiled, frozen, quarantined or recalled stock is counted as sellable.

    What it checks:
        Every lot whose status is abnormal (``words.toml``: 破损, 变质, 冻结, 待检, 质检中, 召回, 退货待检,
        damaged, quarantine, recalled, on hold..., in any script) with a quantity above 0, while the
        SKU's product page offers it in stock (or, with ``quantity_is_sellable``, the export counts it
        in its sellable quantity).  A lot with a negative quantity is its own finding: the stock
        figures cannot be trusted (the export readers already refuse one as a row error; a lot given
        to the rules with one is flagged here).

    Why it matters:
        Orders are allocated from sellable stock: a damaged or spoiled lot counted in it is shipped to
        shoppers (食品安全法 第三十四条 forbids selling spoiled food), and a frozen or recalled lot that
        the page still sells oversells the real stock in the promotion.

    How to fix:
        Move the lot out of sellable stock in the ERP (报损, 隔离), or take the page out of stock until
        good stock arrives; correct a negative quantity with a stock count.

    Options:
        ``quantity_is_sellable`` (default false).
    """

    code = "ST004"
    name = "stock.abnormal-sellable"
    summary = "异常库存计入可售 / Abnormal stock counted as sellable"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = FOOD_SAFETY_LAW
    Options = Options

    def check(self, _site, ctx) -> Iterator[Finding]:
        return one_per_cause(self._flagged(ctx), lambda lot, reason: self._describe(lot, reason, ctx))

    def _flagged(self, ctx) -> Iterator[tuple[InventoryLot, tuple]]:
        """Each lot to report, with why: ("negative", None) or (its abnormal kind, on sale)."""
        view = stock_view(ctx)
        for lot in ctx.lots.any_of(status=lambda status: abnormal_kind(status) is not None, negative=True):
            quantity = lot.quantity
            if quantity is None or quantity == 0:
                continue
            if quantity < 0:
                yield lot, ("negative", None)
                continue
            kind = abnormal_kind(lot.status)
            if kind is None:
                continue
            offer = view.offer(lot.sku)
            on_sale = offer is not None and offer.in_stock
            if on_sale or self.options.quantity_is_sellable:
                yield lot, (kind, on_sale)

    def _describe(self, lot: InventoryLot, reason: tuple, ctx) -> Finding:
        kind, on_sale = reason
        zh, en = lot_name(lot)
        quantity = lot.quantity
        if kind == "negative":
            return self.finding(
                f"{zh} 库存为负数 {quantity} / {en} has a negative quantity {quantity}{where(lot)}",
                sku=lot.sku, field="quantity", evidence=evidence(lot), source=lot.source,
                suggestion="盘点并更正库存 / Count the stock and correct the figure",
                **lot_facts(lot, ctx.today),
            )
        offer = stock_view(ctx).offer(lot.sku)
        why_zh = "页面仍显示有货" if on_sale else "导出仍计入可用库存"
        why_en = "the page still offers it in stock" if on_sale else "the export counts it as sellable"
        return self.finding(
            f"{zh} 状态「{lot.status}」（{KINDS_ZH.get(kind, kind)}），库存 {quantity}，{why_zh} / {en} is "
            f"\"{lot.status}\" ({kind}) with {quantity} in stock, and {why_en}{where(lot)}",
            sku=lot.sku, url=offer.product.url if offer is not None else None, field="status",
            evidence=evidence(lot), source=lot.source,
            suggestion="将该批次移出可售库存 / Move the lot out of sellable stock",
            **lot_facts(lot, ctx.today, kind=kind, on_sale=on_sale),
        )
