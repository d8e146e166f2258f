from checker.engine import Rule, register
from checker.models import Severity


@register
class PageUnreachable(Rule):
    """A product or promotion page that the audit was asked to check cannot be opened.

    What it checks:
        Every start page and every URL in the sitemap: HTTP status 4xx/5xx, a timeout or a
        connection error.  Redirect loops are left to LN004; pages skipped on
        purpose (robots.txt) are not reported.

    Why it matters:
        During a promotion, traffic lands on these URLs from ads, the sitemap and search.  A dead
        page loses the order and earns "商品链接打不开" complaints.

    How to fix:
        Every URL in the sitemap answers ``200``; retired products are removed from the sitemap or
        redirected (once) to a live replacement.
    """

    code = "LN001"
    name = "links.page-unreachable"
    summary = "页面无法访问 / Product or promotion page unreachable"
    severity = Severity.ERROR
    scope = "page"

    def check(self, page, ctx):
        fetch = page.fetch
        if not page.seed or fetch.ok or fetch.redirect_loop or fetch.skipped:
            return
        reason = fetch.failure
        sku = page.product.sku if page.product else None
        yield self.finding(
            f"页面无法访问（{reason}）/ Page unreachable ({reason})",
            url=page.url,
            sku=sku,
            field="page",
            evidence=reason,
            suggestion="修复或下线该链接，并从站点地图/活动页移除 / Fix the page or remove it from the sitemap and promotions",
        )
