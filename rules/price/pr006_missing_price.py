from checker_rules.price._common import MARKED_PRICE_LAW, prices_of

from checker.engine import Rule, register
from checker.extract import is_off_shelf
from checker.models import Availability, Severity


@register
class MissingPrice(Rule):
    """A live, in-stock product page shows no price.

    What it checks:
        Each product page that is in stock (schema.org ``InStock``, 有货 / 現貨) and not off the
        shelf: it has no price in its structured data, none in the visible price element and none
        on any variant.  A price element whose text cannot be read as a price (``¥--``, ``面议``,
        ``TBD``) is an info finding instead: the price could not be checked.

    Why it matters:
        A product for sale must show its price (明码标价); during a promotion a missing price
        (usually a theme or backend field left empty) loses the sale or lets the cart show a price
        the page never did.

    How to fix:
        Fill in the price in the backend, or the theme's price element.
    """

    code = "PR006"
    name = "price.missing"
    summary = "在售商品页面没有价格 / Live product page without a price"
    severity = Severity.ERROR
    scope = "product"
    legal_basis = MARKED_PRICE_LAW

    def check(self, product, ctx):
        if product.availability != Availability.IN_STOCK or is_off_shelf(product):
            return
        view = prices_of(product, ctx)
        if view.price is not None or view.conditional or product.price is not None:
            return
        if any(v.price is not None for v in product.variants):
            return
        if view.unreadable:
            text = view.unreadable[0].text
            yield self.finding(
                f"页面价格「{text}」无法读取为价格，未能核对 / Could not check: the page's price {text!r} is not a "
                "price that can be read",
                sku=product.sku, url=product.url, field="price", evidence=text, severity=Severity.INFO,
                suggestion="人工核对；在售商品应标明价格 / Check by hand: a product for sale shows its price",
                reason="unreadable",
            )
            return
        yield self.finding(
            "在售商品页面没有显示价格 / The product is in stock but its page shows no price",
            sku=product.sku, url=product.url, field="price",
            suggestion="在后台或主题中补上价格 / Fill in the price in the backend or the theme",
        )
