from pydantic import BaseModel, ConfigDict, Field

from checker.engine import Rule, register
from checker.models import Severity


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_hops: int = Field(1, ge=0, description="redirects allowed before a chain is reported")


@register
class Redirects(Rule):
    """A page is reached only through a chain of redirects, or never, through a loop.

    What it checks:
        Every crawled page: more than ``max_hops`` redirects before the final page (warning), or a
        redirect loop / too many redirects (error, the page can never open).

    Why it matters:
        Each hop costs the shopper time on mobile networks and loses tracking parameters; a loop
        is a dead page that the browser reports as "重定向次数过多".

    How to fix:
        Links and the sitemap point at the final URL; a retired URL redirects once.

    Options:
        max_hops (default 1): redirects tolerated before a chain is reported.
    """

    code = "LN004"
    name = "links.redirects"
    summary = "重定向链过长或循环 / Redirect chain or loop"
    severity = Severity.WARNING
    scope = "page"
    Options = Options

    def check(self, page, ctx):
        fetch = page.fetch
        chain = " -> ".join([*fetch.redirects, fetch.final_url or ""]).rstrip(" ->")
        if fetch.redirect_loop:
            yield self.finding(
                "重定向循环，页面无法打开 / Redirect loop: the page never loads",
                url=page.url,
                field="redirect",
                evidence=chain,
                severity=Severity.ERROR,
                suggestion="修正重定向配置，让链接直接指向最终地址 / Fix the redirect rules; link to the final URL",
            )
        elif len(fetch.redirects) > self.options.max_hops:
            yield self.finding(
                f"重定向 {len(fetch.redirects)} 次才到达页面 / Redirect chain of {len(fetch.redirects)} hops",
                url=page.url,
                sku=page.product.sku if page.product else None,
                field="redirect",
                evidence=chain,
                suggestion="把链接和站点地图改为最终地址 / Point links and the sitemap at the final URL",
            )
