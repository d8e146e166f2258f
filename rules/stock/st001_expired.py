from __future__ import annotations

from collections.abc import Iterator

from checker_rules.stock._common import (
    FOOD_SAFETY_LAW,
    CategoryOptions,
    abnormal_kind,
    category_of,
    category_patterns,
    evidence,
    lot_facts,
    lot_name,
    one_per_cause,
    stock_view,
    where,
    words,
)

from checker.engine import Rule, register
from checker.models import Finding, InventoryLot, Severity


@register
class ExpiredLot(Rule):
    """A lot past its expiry date is still sellable or its page is on sale.

    What it checks:
        Every inventory lot with a quantity above 0 whose expiry date (the export's, else the
        production date plus the shelf life) is before the audit date (``--today``; the expiry day
        itself is still good).  It is an error when the lot still counts as sellable (its status is
        normal) or when the SKU's product page offers it in stock; an expired lot already held
        (冻结, 破损...) whose page is not on sale is an info finding: stock to dispose of.  A lot of a
        category that needs dates (``words.toml``: food, cosmetics, medicine, baby; the SKU's category
        from option ``categories``, else ``[rules.SP003] categories``) without a production or expiry
        date is a warning: whether it has expired cannot be told.

    Why it matters:
        Selling food past its shelf life is forbidden (食品安全法 第三十四条) and is the classic
        promotion-season complaint: shoppers receive it, professional complainants claim ten times the
        price.  An expired lot left counted as sellable will be picked and shipped.

    How to fix:
        Freeze the lot in the ERP and take it off sale; dispose of it (报损) and correct the stock.

    Options:
        ``categories`` (category -> SKU patterns) and ``dated_categories`` (which need a date).
    """

    code = "ST001"
    name = "stock.expired"
    summary = "过期批次仍可售或在售 / Expired lot still sellable or on sale"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = FOOD_SAFETY_LAW
    Options = CategoryOptions

    def check(self, _site, ctx) -> Iterator[Finding]:
        return one_per_cause(self._flagged(ctx), lambda lot, reason: self._describe(lot, reason, ctx))

    def _flagged(self, ctx) -> Iterator[tuple[InventoryLot, tuple]]:
        """Each lot to report, with why: ("undated", category), ("sellable", on sale) or ("held", False)."""
        today = ctx.today
        view = stock_view(ctx)
        patterns = category_patterns(self.options, ctx)
        dated = set(self.options.dated_categories) if self.options.dated_categories is not None else words().dated
        for lot in ctx.lots.with_expiry(lambda day: day < today if day is not None else bool(patterns)):
            expiry = lot.expiry_date
            if expiry is None:
                if lot.production_date is None and patterns and (lot.quantity or 0) > 0:
                    category = category_of(lot.sku, patterns)
                    if category in dated:
                        yield lot, ("undated", category)
                continue
            if expiry >= today or not lot.quantity or lot.quantity <= 0:
                continue
            offer = view.offer(lot.sku)
            on_sale = offer is not None and offer.in_stock
            if on_sale or abnormal_kind(lot.status) is None:
                yield lot, ("sellable", on_sale)
            else:
                yield lot, ("held", False)

    def _describe(self, lot: InventoryLot, reason: tuple, ctx) -> Finding:
        case, detail = reason
        today = ctx.today
        zh, en = lot_name(lot)
        if case == "undated":
            return self.finding(
                f"{zh} 属于需标注日期的类目「{detail}」，但没有生产日期或到期日，无法判断是否过期 / {en} is {detail}, "
                f"which needs dates, but has no production or expiry date: whether it has expired cannot be told"
                f"{where(lot)}",
                sku=lot.sku, field="expiry_date", evidence=evidence(lot), source=lot.source, severity=Severity.WARNING,
                suggestion="在导出中补充生产日期与保质期 / Add the production date and shelf life to the export",
                **lot_facts(lot, today, category=detail),
            )
        expiry = lot.expiry_date
        offer = stock_view(ctx).offer(lot.sku)
        days = (today - expiry).days
        url = offer.product.url if offer is not None else None
        if case == "sellable":
            on_sale = detail
            why_zh = "页面仍在售" if on_sale else "仍计入可售库存"
            why_en = "its page is still on sale" if on_sale else "it still counts as sellable stock"
            return self.finding(
                f"{zh} 已过期：到期日 {expiry}（生产日期 {lot.production_date or '—'}），已过期 {days} 天，"
                f"库存 {lot.quantity}，{why_zh} / {en} expired on {expiry} (produced "
                f"{lot.production_date or '—'}), {days} days ago, {lot.quantity} in stock, and {why_en}{where(lot)}",
                sku=lot.sku, url=url, field="expiry_date", evidence=evidence(lot), source=lot.source,
                suggestion="冻结该批次、下架并报损 / Freeze the lot, take it off sale and write it off",
                **lot_facts(lot, today, on_sale=on_sale),
            )
        return self.finding(
            f"{zh} 已过期 {days} 天（到期日 {expiry}），状态「{lot.status}」，库存 {lot.quantity} 待处理 / "
            f"{en} expired {days} days ago ({expiry}), status \"{lot.status}\", {lot.quantity} to dispose of"
            f"{where(lot)}",
            sku=lot.sku, url=url, field="expiry_date", evidence=evidence(lot), source=lot.source,
            severity=Severity.INFO,
            suggestion="报损处理并从库存中扣除 / Write the lot off and remove it from stock",
            **lot_facts(lot, today, on_sale=False),
        )
