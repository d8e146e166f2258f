from checker.engine import Rule, register
from checker.models import Severity


@register
class ProductUnread(Rule):
    """A product page where no product could be read: its price and wording were not checked.

    What it checks:
        Each page that looks like a product page (OpenGraph ``og:type`` product, a JSON-LD Product
        block that cannot be parsed, one add-to-cart button, a product address such as
        ``/products/<handle>`` or ``item.htm``) but from which no product could be read: no
        structured data, no OpenGraph price, nothing by the configured selectors and no price or
        title in the product's region of the page.

    Why it matters:
        A page the audit cannot read is a page no price or wording rule ran on.  Saying so is the
        difference between "no problems" and "not checked": ops check such pages by hand or give the
        theme's selectors in the config.

    How to fix:
        Add schema.org Product JSON-LD to the theme, or set ``[extract.selectors]`` in the config to
        the shop's title and price elements.
    """

    code = "PR007"
    name = "price.product-unread"
    summary = "无法读取商品：价格与文案未检查 / Could not read the product: price and wording not checked"
    severity = Severity.INFO
    scope = "page"

    def check(self, page, ctx):
        if page.product is not None or not page.unread_product or page.fetch.error:
            return
        yield self.finding(
            f"无法读取商品：价格与文案未检查（{page.unread_product}）/ Could not read the product: price and "
            f"wording not checked ({page.unread_product})",
            url=page.url, field="product", evidence=page.unread_product,
            suggestion="人工核对此页；或在主题中加入 schema.org Product 结构化数据，或在配置 [extract.selectors] 中"
                       "指定标题与价格元素 / Check the page by hand; or add schema.org Product JSON-LD to the theme, "
                       "or set the title and price elements in [extract.selectors]",
        )
