"""What the PR rules share: how a page's prices are told apart, tolerances, money as text, and
the audit-wide views (the products, the catalog by SKU) that site rules build once."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from checker.catalog import CatalogIndex, catalog_index
from checker.engine.context import SITE_PRODUCT_KEYS, no_gc
from checker.models import Product, ShownPrice, SourceRef

if TYPE_CHECKING:
    from checker.engine.context import AuditContext

SOURCE_NAMES = {"jsonld": "JSON-LD", "microdata": "microdata", "visible": "页面显示 / shown on the page",
                "page": "页面 / page"}

#: Legal basis of the price-fraud rules (PR002, PR003).
PRICE_LAW = ("《价格法》第十四条第（四）项；《明码标价和禁止价格欺诈规定》第十九条 / Price Law of the PRC "
             "art. 14(4); Provisions on Clearly Marked Prices and Prohibition of Price Fraud (2022) art. 19")
#: 明码标价: a price must be shown (PR006).
MARKED_PRICE_LAW = ("《价格法》第十三条；《明码标价和禁止价格欺诈规定》第五条 / Price Law of the PRC art. 13; "
                    "Provisions on Clearly Marked Prices and Prohibition of Price Fraud (2022) art. 5")


def dec(value: float | Decimal | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(amount: Decimal | None, currency: str | None = None) -> str:
    """``268.00 CNY``; the amount as read (two decimals at least), the currency when known."""
    if amount is None:
        return "?"
    text = f"{amount:.2f}" if amount == amount.quantize(Decimal("0.01")) else f"{amount.normalize():f}"
    return f"{text} {currency}" if currency else text


def close(a: Decimal, b: Decimal, abs_tol: Decimal, pct: Decimal = Decimal(0)) -> bool:
    """Equal within ``abs_tol`` or ``pct`` percent of ``b`` (whichever is larger)."""
    return abs(a - b) <= max(abs_tol, abs(b) * pct / 100)


def same_currency(a: str | None, b: str | None) -> bool:
    """Unknown on either side is not a difference."""
    return a is None or b is None or a.upper() == b.upper()


def where(source: SourceRef | None) -> str:
    return str(source) if source else "?"


@dataclass
class PagePrices:
    """A product's prices by role.  ``price`` is what the shopper pays (the visible price if it reads,
    else the structured data's, else ``Product.price``); ``reference`` the struck-through price."""

    price: ShownPrice | None = None
    reference: ShownPrice | None = None
    structured: ShownPrice | None = None
    visible: ShownPrice | None = None
    conditional: list[ShownPrice] = field(default_factory=list)
    unreadable: list[ShownPrice] = field(default_factory=list)


def page_prices(product: Product) -> PagePrices:
    view = PagePrices()
    currency = product.currency or None
    structured_list = visible_list = None
    for shown in product.shown_prices:
        if shown.amount is None:
            view.unreadable.append(shown)
        elif shown.kind == "conditional":
            view.conditional.append(shown)
        elif shown.kind == "range" or (shown.kind == "list" and shown.amount <= 0):
            continue  # an AggregateOffer's low..high is not one price; a list price of 0 is no list price
        elif shown.source == "visible":
            if shown.kind == "price" and view.visible is None:
                view.visible = shown
            elif shown.kind == "list" and visible_list is None:
                visible_list = shown
        elif shown.kind == "price" and view.structured is None:
            view.structured = shown
        elif shown.kind == "list" and structured_list is None:
            structured_list = shown
    view.price = view.visible or view.structured
    if view.price is None and product.price is not None and not product.shown_prices:
        view.price = ShownPrice(source="page", amount=product.price, currency=currency)
    view.reference = visible_list or structured_list
    if view.reference is None and list_price(product.list_price) is not None and not product.shown_prices:
        view.reference = ShownPrice(source="page", kind="list", amount=product.list_price, currency=currency)
    return view


def list_price(amount: Decimal | None) -> Decimal | None:
    """A list (reference) price, or None: one of 0 or below is no list price (a backend's empty 划线价)."""
    return amount if amount is not None and amount > 0 else None


def shown(price: ShownPrice) -> str:
    """``¥268.00 (shown on the page)``: the text as written when there is one, and its source."""
    text = price.text or money(price.amount, price.currency)
    return f"{text}（{SOURCE_NAMES.get(price.source, price.source)}）"


def products(ctx: AuditContext) -> list[Product]:
    """Every product of the audit, read back once for all site rules of every pack."""
    return ctx.site_products()


PRICED = "price.priced"  # the memo key of priced_products (holds every product: let go after the rules)
SITE_PRODUCT_KEYS.add(PRICED)


def priced_products(ctx: AuditContext) -> list[tuple[Product, PagePrices]]:
    """Every product with its :func:`page_prices`, worked out once for the site rules."""

    def build() -> list[tuple[Product, PagePrices]]:
        with no_gc():
            return [(product, page_prices(product)) for product in products(ctx)]

    return ctx.memo.get(ctx, PRICED, build)


def prices_of(product: Product, ctx: AuditContext) -> PagePrices:
    """:func:`page_prices` of a product, once for the product rules that run on it."""
    return ctx.memo.get(product, "price.view", lambda: page_prices(product))


def catalog_by_sku(ctx: AuditContext) -> CatalogIndex:
    """The backend's record of each SKU: the audit's one catalog index (:mod:`checker.catalog`)."""
    return catalog_index(ctx)
