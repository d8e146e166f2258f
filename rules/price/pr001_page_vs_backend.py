from decimal import Decimal

from checker_rules.price._common import (
    catalog_by_sku,
    close,
    dec,
    money,
    priced_products,
    same_currency,
    shown,
    where,
)
from pydantic import BaseModel, ConfigDict, Field

from checker.engine import Rule, register
from checker.models import Severity


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    abs: float = Field(0.01, ge=0, description="amounts this close are equal (in the price's currency)")
    pct: float = Field(0, ge=0, description="or this many percent of the backend's price, whichever is larger")


@register
class PageVsBackend(Rule):
    """The price a shopper sees differs from the backend's, or the page's structured data and its visible price disagree.

    What it checks:
        Each product page's price against the catalog export (``kind = "catalog"``) row of the same
        SKU, and each variant's price (JSON-LD ``hasVariant`` / offers) against the row of the
        variant's SKU.  The page's price is the one the shopper sees (the visible price element;
        the structured data's when nothing visible reads).  Equal means within ``abs`` (default
        0.01) or ``pct`` percent (default 0) of the backend's price; a different currency is a
        mismatch, never converted.  A page whose structured data (JSON-LD or microdata) and
        visible price disagree is its own finding, whatever the backend says.  A conditional
        price (到手价, 券后价: after a coupon) is never compared with the backend's (PR003 checks
        its arithmetic); a page price that cannot be read (``¥--``, ``面议``) is an info finding.

    Why it matters:
        The backend's price is what the order is charged at: a page that shows another price is a
        price the shop may be held to (明码标价), and a classic "页面价和下单价不一致" complaint.
        Search engines and comparison sites read the structured data, shoppers the visible price:
        when they differ, one of them is showing a price that is not charged.

    How to fix:
        Change the page (or the theme's template of its structured data) or the backend so that
        both say the price the order will be charged at.
    """

    code = "PR001"
    name = "price.page-vs-backend"
    summary = "页面价格与后台价格不一致 / Page price differs from the backend"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = ("《价格法》第十三条；《明码标价和禁止价格欺诈规定》第十九条 / Price Law of the PRC art. 13; "
                   "Provisions on Clearly Marked Prices and Prohibition of Price Fraud (2022) art. 19")
    Options = Options

    def check(self, site, ctx):
        tol, pct = dec(self.options.abs), dec(self.options.pct)
        catalog = catalog_by_sku(ctx)
        for product, view in priced_products(ctx):
            s, v = view.structured, view.visible
            if s is not None and v is not None and not (
                    same_currency(s.currency, v.currency) and close(s.amount, v.amount, tol)):
                yield self.finding(
                    f"结构化数据价格 {shown(s)} 与页面显示价格 {shown(v)} 不一致 / "
                    f"Structured data says {money(s.amount, s.currency)}, the page shows {v.text or money(v.amount)}",
                    sku=product.sku, url=product.url, field="price",
                    evidence=f"{s.source} {money(s.amount, s.currency)} / visible {v.text or money(v.amount, v.currency)}",
                    suggestion="修正主题模板里的结构化数据或页面价格，使两者一致 / Make the theme's structured data "
                               "and the visible price the same",
                    structured=str(s.amount), visible=str(v.amount),
                )
            item = catalog.get(product.sku) if product.sku else None
            if item is not None and item.price is not None:
                price = view.price
                if price is not None:
                    yield from self._compare(product, price.amount, price.currency, shown(price), item, "price",
                                             tol, pct)
                elif view.unreadable:
                    bad = view.unreadable[0]
                    yield self.finding(
                        f"页面价格「{bad.text}」无法读取，未能与后台价格 {money(item.price, item.currency)}"
                        f"（{where(item.source)}）核对 / Could not check: the page price {bad.text!r} cannot be read",
                        sku=product.sku, url=product.url, field="price", evidence=bad.text, source=item.source,
                        severity=Severity.INFO, suggestion="人工核对该价格 / Check this price by hand",
                        reason="unreadable",
                    )
            for variant in product.variants:
                vitem = catalog.get(variant.sku) if variant.sku else None
                if vitem is None or vitem.price is None or variant.price is None or variant.sku == product.sku:
                    continue
                currency = product.currency or None
                label = f"规格「{variant.name or variant.sku}」{money(variant.price, currency)}"
                yield from self._compare(product, variant.price, currency, label, vitem, f"variant:{variant.sku}",
                                         tol, pct, sku=variant.sku)

    def _compare(self, product, amount: Decimal, currency, label: str, item, field: str, tol, pct, sku=None):
        if same_currency(currency, item.currency) and close(amount, item.price, tol, pct):
            return
        backend = money(item.price, item.currency)
        what = "币种不同 / currency differs" if not same_currency(currency, item.currency) else ""
        yield self.finding(
            f"页面价格 {label} 与后台价格 {backend}（{where(item.source)}）不一致{('：' + what) if what else ''} / "
            f"The page shows {money(amount, currency)}, the backend has {backend} ({where(item.source)})",
            sku=sku or product.sku, url=product.url, field=field,
            evidence=f"page {money(amount, currency)} / backend {backend}",
            source=item.source,
            suggestion="以后台为准修改页面价格，或修正后台 / Fix the page or the backend so both say what the order "
                       "is charged",
            page=str(amount), backend=str(item.price),
        )
