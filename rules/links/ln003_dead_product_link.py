from checker.engine import Rule, register
from checker.extract.page import DISCONTINUED_WORDS
from checker.models import Availability, Severity


def is_off_shelf(product) -> bool:
    if product is None:
        return False
    if product.availability == Availability.DISCONTINUED:
        return True
    labels = " ".join(product.labels).lower()
    return any(word in labels for word in DISCONTINUED_WORDS)


@register
class DeadProductLink(Rule):
    """A page links to a product that is missing or off the shelf.

    What it checks:
        Every same-host link on every crawled page (promotion landing pages above all): the target
        answers 4xx/5xx, or the target product is off-shelf (schema.org ``Discontinued``, or a
        page label such as 已下架).  Targets in a redirect loop are left to LN004.

    Why it matters:
        A promotion page that sends shoppers to a dead or off-shelf product wastes the traffic the
        promotion paid for and is a classic "活动商品买不了" complaint.

    Bad:
        The 双11 landing page links to ``/p/old-kettle.html``, which answers ``404``; or to a
        product whose page says 已下架.

    Good:
        Every product on a promotion page is live, in the sitemap and for sale.
    """

    code = "LN003"
    name = "links.dead-product-link"
    summary = "链接指向不存在或已下架的商品 / Link to a missing or off-shelf product"
    severity = Severity.ERROR
    scope = "site"

    def check(self, site, ctx):
        dead: dict[str, tuple[str, str, object]] = {}  # target -> (reason, message, its page if crawled)
        for url in ctx.links:
            target = ctx.page_for(url)
            fetch = target.fetch if target else ctx.checked.get(url)
            if fetch is None or fetch.redirect_loop or fetch.skipped:
                continue
            if not fetch.ok:
                reason = fetch.failure
                dead[url] = (reason, f"链接指向的页面不存在（{reason}）/ Link to a missing page ({reason})", target)
            elif target is not None and is_off_shelf(target.product):
                dead[url] = ("off-shelf", "链接指向已下架商品 / Link to an off-shelf product", target)
        for url, page in ctx.pages_pointing_at(ctx.links, dead):
            reason, message, target = dead[url]
            yield self.finding(
                message,
                url=page.url,
                sku=target.product.sku if target and target.product else None,
                field="link",
                evidence=f"{ctx.links.label(url)} -> {url}".strip(),
                suggestion="从页面移除该链接或换成在售商品 / Remove the link or point it to a live product",
                target=url,
                reason=reason,
            )
