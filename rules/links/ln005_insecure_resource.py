from checker.crawl.urls import origin_of
from checker.engine import Rule, register
from checker.models import Severity

ACTIVE = {"script", "stylesheet", "iframe"}



@register
class InsecureResource(Rule):
    """An https page loads a resource over plain http (mixed content).

    What it checks:
        Pages served over https, or whose canonical URL is https: every ``<img>``, ``<script>``,
        stylesheet, ``<iframe>``, ``<video>``/``<audio>``/``<source>`` URL that starts with
        ``http://``.  Scripts, stylesheets and frames are errors (browsers block them); images and
        media are warnings (browsers show "不安全").

    Why it matters:
        Blocked scripts break the cart; mixed images make the browser mark the shop as not
        secure, which shoppers read as a fake shop.

    How to fix:
        ``<img src="https://cdn.example.com/a.jpg">`` or a relative URL.
    """

    code = "LN005"
    name = "links.insecure-resource"
    summary = "https 页面引用 http 资源 / Insecure (http) resource on an https page"
    severity = Severity.WARNING
    scope = "page"

    def check(self, page, ctx):
        if not page.fetch.ok or not page.is_https:
            return
        served = page.fetch.final_url or page.fetch.url
        # Served over http but public over https (canonical): relative and same-origin URLs
        # inherit the public scheme, so only other origins named with http:// are insecure.
        own_origin = origin_of(served) if served.startswith("http://") else None
        seen = set()
        for res in page.resources:
            if not res.url.startswith("http://") or res.url in seen or origin_of(res.url) == own_origin:
                continue
            seen.add(res.url)
            yield self.finding(
                f"https 页面引用了不安全的 http 资源（{res.kind}）/ Insecure {res.kind} on an https page",
                url=page.url,
                sku=page.product.sku if page.product else None,
                field=f"resource:{res.kind}",
                evidence=res.url,
                severity=Severity.ERROR if res.kind in ACTIVE else None,
                suggestion="改用 https:// 地址 / Serve the resource over https",
            )
