from checker.engine import Rule, register
from checker.models import Severity


@register
class MalformedStructuredData(Rule):
    """A JSON-LD block on the page cannot be parsed, even leniently.

    What it checks:
        Every ``<script type="application/ld+json">`` block is parsed on its own, first strictly,
        then with CDATA wrappers, comments, trailing commas and HTML escapes forgiven.  A block
        that still fails is reported; the rest of the page is still audited.

    Why it matters:
        Search engines and marketplaces read price and stock from this block; a broken block
        means the product shows without price or rich result, and the audit itself must fall back
        to less reliable page text.

    How to fix:
        A block that ``JSON.parse`` accepts.
    """

    code = "LN006"
    name = "links.malformed-structured-data"
    summary = "结构化数据(JSON-LD)无法解析 / Malformed JSON-LD structured data"
    severity = Severity.WARNING
    scope = "page"

    def check(self, page, ctx):
        for reason in page.structured_data_errors:
            yield self.finding(
                f"JSON-LD 结构化数据无法解析 / Malformed JSON-LD: {reason}",
                url=page.url,
                sku=page.product.sku if page.product else None,
                field="structured-data",
                evidence=reason[:200],
                suggestion="修正页面模板中的 JSON-LD / Fix the theme's JSON-LD",
            )
