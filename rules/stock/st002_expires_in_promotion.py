from __future__ import annotations

from collections.abc import Iterator

from checker_rules.stock._common import (
    FOOD_SAFETY_LAW,
    abnormal_kind,
    evidence,
    lot_facts,
    lot_name,
    one_per_cause,
    stock_view,
    where,
)

from checker.engine import Rule, register
from checker.models import Finding, InventoryLot, Severity


@register
class ExpiresDuringPromotion(Rule):
    """A sellable lot expires before the promotion ends: it would be sold expired.

    What it checks:
        Every lot with a quantity above 0 that still counts as sellable (a normal status) or whose
        product page offers the SKU in stock, and that is not expired on the audit date but whose
        expiry date is before the promotion's last day (``[promotion] end``; the expiry day itself is
        still good, so a lot expiring on the last day, or the day after, is not flagged).  Without a
        promotion the audit date stands in for it and ST001 covers what has already expired.

    Why it matters:
        Promotion orders are picked and shipped for days after the audit; a lot that expires in the
        middle of the promotion reaches shoppers expired (食品安全法 第三十四条), in the week when most
        orders and most complaints come in.

    How to fix:
        Take the lot out of the promotion's sellable stock (freeze it, or sell it before with a
        near-expiry notice) and make sure the promotion volume is covered by longer-dated lots.
    """

    code = "ST002"
    name = "stock.expires-during-promotion"
    summary = "批次在促销期内到期 / Lot expires during the promotion"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = FOOD_SAFETY_LAW
    needs_promotion = True

    def check(self, _site, ctx) -> Iterator[Finding]:
        return one_per_cause(self._flagged(ctx), lambda lot, on_sale: self._describe(lot, on_sale, ctx))

    def _flagged(self, ctx) -> Iterator[tuple[InventoryLot, bool]]:
        """Each lot that expires before the promotion ends, and whether its page is on sale."""
        today, end = ctx.today, ctx.promotion.end
        if end <= today:
            return
        view = stock_view(ctx)
        for lot in ctx.lots.with_expiry(lambda day: day is not None and today <= day < end):
            expiry = lot.expiry_date
            if expiry is None or not (today <= expiry < end) or not lot.quantity or lot.quantity <= 0:
                continue
            offer = view.offer(lot.sku)
            on_sale = offer is not None and offer.in_stock
            if abnormal_kind(lot.status) is not None and not on_sale:
                continue
            yield lot, on_sale

    def _describe(self, lot: InventoryLot, on_sale: bool, ctx) -> Finding:
        today, end = ctx.today, ctx.promotion.end
        offer = stock_view(ctx).offer(lot.sku)
        expiry = lot.expiry_date
        zh, en = lot_name(lot)
        left, short, quantity = (expiry - today).days, (end - expiry).days, lot.quantity
        return self.finding(
            f"{zh} 到期日 {expiry}，早于促销结束日 {end}（剩 {left} 天，促销最后 {short} 天将售出过期品），库存 "
            f"{quantity} / {en} expires on {expiry}, before the promotion ends on {end} ({left} days left; "
            f"the last {short} days of the promotion would sell it expired), {quantity} in stock{where(lot)}",
            sku=lot.sku, url=offer.product.url if offer is not None else None, field="expiry_date",
            evidence=evidence(lot), source=lot.source,
            suggestion="将该批次移出促销可售库存 / Take the lot out of the promotion's sellable stock",
            **lot_facts(lot, today, promotion_end=str(end), on_sale=on_sale),
        )
