from checker.crawl.pages import NOT_HTML_PAGE
from checker.engine import Rule, register
from checker.models import Severity


@register
class DeadProductLink(Rule):
    """A page links to a product that is missing or off the shelf.

    What it checks:
        Every same-host link on every crawled page (promotion landing pages above all): the target
        answers 4xx/5xx, or the target product is off-shelf (schema.org ``Discontinued``, or a
        page label such as 已下架).  Targets in a redirect loop are left to LN004; a link to a file that
        loads (a gallery's full-size image, a PDF manual) is a working link.  One finding
        per dead target: a dead nav or footer link on many pages is one finding with the number of
        pages and the first few (by URL), on the first of them.

    Why it matters:
        A promotion page that sends shoppers to a dead or off-shelf product wastes the traffic the
        promotion paid for and is a classic "活动商品买不了" complaint.

    How to fix:
        Every product on a promotion page is live, in the sitemap and for sale.
    """

    code = "LN003"
    name = "links.dead-product-link"
    summary = "链接指向不存在或已下架的商品 / Link to a missing or off-shelf product"
    severity = Severity.ERROR
    scope = "site"

    def check(self, site, ctx):
        dead: dict[str, tuple[str, str, str, str | None]] = {}  # target -> (reason, message zh, en, its SKU if crawled)
        for url in ctx.links:
            target = ctx.pages.entry_for(url)
            if target is not None:
                ok, failure, skipped, loop, sku = target.ok, target.failure, target.skipped, target.redirect_loop, target.sku
            else:
                fetch = ctx.checked.get(url)
                if fetch is None:
                    continue
                ok, failure, skipped, loop, sku = fetch.ok, fetch.failure, fetch.skipped, fetch.redirect_loop, None
            if loop or skipped or (failure or "").startswith(NOT_HTML_PAGE):  # an image or a PDF that loads
                continue
            if not ok:
                dead[url] = (failure, f"链接指向的页面不存在（{failure}）", f"Link to a missing page ({failure})", sku)
            elif target is not None and target.off_shelf:
                dead[url] = ("off-shelf", "链接指向已下架商品", "Link to an off-shelf product", sku)
        for reach in ctx.reach(ctx.links, dead):  # one finding per dead target, however many pages link it
            url = reach.target
            reason, zh, en, sku = dead[url]
            where_zh, where_en = reach.where()
            yield self.finding(
                f"{zh}{where_zh} / {en}{where_en}",
                url=reach.sample[0].url,
                sku=sku,
                field="link",
                evidence=f"{ctx.links.label(url)} -> {url}".strip(),
                suggestion="从页面移除该链接或换成在售商品 / Remove the link or point it to a live product",
                target=url,
                reason=reason,
                pages=reach.pages,
                sample=[page.url for page in reach.sample],
            )
