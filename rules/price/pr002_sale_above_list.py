from checker_rules.price._common import PRICE_LAW, list_price, money, priced_products, same_currency, shown, where

from checker.engine import Rule, register
from checker.models import Severity


@register
class SaleAboveList(Rule):
    """The selling price is above the struck-through (划线价 / 原价 / list) price, on the page or in the backend.

    What it checks:
        Each product page's price against its own reference price (the visible struck-through
        price, else the structured data's ``ListPrice``), and each catalog export row's price
        against its list price (划线价, compare-at price).  Prices in different currencies are not
        compared; a conditional price (到手价, 券后价) is not the selling price.

    Why it matters:
        A struck-through price below the price turns the "discount" into a mark-up: a misleading
        price comparison (虚假的价格比较), and usually a sign that one of the two was typed into
        the wrong field or not updated after a price change.

    How to fix:
        Correct the price or the list price; remove the list price if there is no honest one.
    """

    code = "PR002"
    name = "price.sale-above-list"
    summary = "售价高于划线价 / Selling price above the list price"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = PRICE_LAW

    def check(self, site, ctx):
        for product, view in priced_products(ctx):
            price, ref = view.price, view.reference
            if price is None or ref is None or not same_currency(price.currency, ref.currency):
                continue
            if price.amount > ref.amount:
                yield self.finding(
                    f"售价 {shown(price)} 高于划线价 {shown(ref)} / The price {money(price.amount, price.currency)} "
                    f"is above the struck-through price {money(ref.amount, ref.currency)}",
                    sku=product.sku, url=product.url, field="price",
                    evidence=f"price {price.text or money(price.amount)} > list {ref.text or money(ref.amount)}",
                    suggestion="修正售价或划线价，没有真实原价就不标划线价 / Fix the price or the list price; show "
                               "none if there is no honest one",
                    price=str(price.amount), list_price=str(ref.amount), where="page",
                )
        for item in ctx.catalog:
            if item.price is None or list_price(item.list_price) is None or item.price <= item.list_price:
                continue
            yield self.finding(
                f"后台售价 {money(item.price, item.currency)} 高于划线价 {money(item.list_price, item.currency)}"
                f"（{where(item.source)}）/ The backend's price {money(item.price, item.currency)} is above its list "
                f"price {money(item.list_price, item.currency)} ({where(item.source)})",
                sku=item.sku, url=item.url, field="price", source=item.source,
                evidence=f"price {money(item.price)} > list {money(item.list_price)}",
                suggestion="修正后台的售价或划线价 / Fix the backend's price or list price",
                price=str(item.price), list_price=str(item.list_price), where="backend",
            )
