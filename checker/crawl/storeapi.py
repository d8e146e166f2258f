"""Store APIs, where a shop exposes one: Shopify ``/products.json`` and the WooCommerce Store
API.  Both are turned into the same :class:`Product` the page extractor produces."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from checker.extract.values import clean_text
from checker.models import Availability, Image, Product, Variant

SHOPIFY_PATH = "/products.json"
WOOCOMMERCE_PATH = "/wp-json/wc/store/v1/products"
PAGE_SIZE = {"shopify": 250, "woocommerce": 100}


def page_url(kind: str, origin: str, page: int) -> str:
    if kind == "shopify":
        return f"{origin}{SHOPIFY_PATH}?limit={PAGE_SIZE[kind]}&page={page}"
    return f"{origin}{WOOCOMMERCE_PATH}?per_page={PAGE_SIZE[kind]}&page={page}"


def _html_text(html: str | None) -> str:
    if not html:
        return ""
    tree = LexborHTMLParser(html)
    return clean_text(tree.body.text(separator="\n") if tree.body is not None else html)


def _decimal(value: Any, minor_unit: int = 0) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount.scaleb(-minor_unit) if minor_unit else amount


def products_in(kind: str, data: Any) -> list[dict]:
    """The product dicts of one API page (empty when the paging is done)."""
    if kind == "shopify":
        return list(data.get("products") or []) if isinstance(data, dict) else []
    return [p for p in data if isinstance(p, dict)] if isinstance(data, list) else []


def from_shopify(item: dict, origin: str) -> Product:
    variants = [
        Variant(
            sku=v.get("sku") or None,
            name=str(v.get("title") or ""),
            price=_decimal(v.get("price")),
            availability=Availability.IN_STOCK if v.get("available", True) else Availability.OUT_OF_STOCK,
            specs={f"option{i}": str(v[f"option{i}"]) for i in (1, 2, 3) if v.get(f"option{i}")},
        )
        for v in item.get("variants") or []
    ]
    first = (item.get("variants") or [{}])[0]
    available = any(v.availability == Availability.IN_STOCK for v in variants) if variants else True
    return Product(
        url=f"{origin}/products/{item.get('handle', item.get('id'))}",
        sku=first.get("sku") or None,
        title=str(item.get("title") or ""),
        description=_html_text(item.get("body_html")),
        brand=str(item.get("vendor") or ""),
        images=[Image(url=str(i["src"]), alt=str(i.get("alt") or "")) for i in item.get("images") or [] if i.get("src")],
        price=_decimal(first.get("price")),
        list_price=_decimal(first.get("compare_at_price")),
        availability=Availability.IN_STOCK if available else Availability.OUT_OF_STOCK,
        variants=variants if len(variants) > 1 else [],
        labels=[str(t) for t in item.get("tags") or []] if isinstance(item.get("tags"), list) else [],
        extracted_from="api:shopify",
    )


def from_woocommerce(item: dict, origin: str) -> Product:
    prices = item.get("prices") or {}
    minor = int(prices.get("currency_minor_unit") or 0)
    price = _decimal(prices.get("price"), minor)
    regular = _decimal(prices.get("regular_price"), minor)
    return Product(
        url=str(item.get("permalink") or f"{origin}/?p={item.get('id')}"),
        sku=item.get("sku") or None,
        title=clean_text(str(item.get("name") or "")),
        subtitle=_html_text(item.get("short_description")),
        description=_html_text(item.get("description")),
        images=[Image(url=str(i["src"]), alt=str(i.get("alt") or "")) for i in item.get("images") or [] if i.get("src")],
        price=price,
        list_price=regular if regular is not None and regular != price else None,
        currency=prices.get("currency_code") or None,
        availability=Availability.IN_STOCK if item.get("is_in_stock", True) else Availability.OUT_OF_STOCK,
        extracted_from="api:woocommerce",
    )


CONVERTERS = {"shopify": from_shopify, "woocommerce": from_woocommerce}
