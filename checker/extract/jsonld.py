"""JSON-LD: lenient parsing, each block on its own so one broken block never loses the page,
and the Product a schema.org Product node describes (``product_from_jsonld``).

Real themes ship CDATA wrappers, comments, trailing commas, raw tabs and HTML-escaped JSON.
The chain is: ``json.loads(strict=False)`` -> strip CDATA / HTML-unescape and retry -> ``json5``
(comments, trailing commas, single quotes).  A block that still fails is returned as an error
(reported by LN006), never raised.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import json5

from checker.extract.resolve import _urljoin
from checker.extract.values import _first, _text_of, clean_text, parse_availability, parse_price
from checker.models import Availability, Image, Product, ShownPrice, Variant

#: ``json.loads(text, strict=False)`` builds a new decoder on every call; this one is built once.
#: (``json.loads`` also refuses a leading BOM up front; ``decode`` refuses it too, as no value.)
_LENIENT_JSON = json.JSONDecoder(strict=False)
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", re.MULTILINE)
_HTML_COMMENT = re.compile(r"^\s*<!--|-->\s*$")


def _cleanup(text: str) -> str:
    text = _CDATA.sub("", text)
    text = _HTML_COMMENT.sub("", text.strip())
    if "&quot;" in text or "&#34;" in text:
        text = html.unescape(text)
    return text.strip()


def parse_block(text: str) -> tuple[Any | None, str | None]:
    """Return ``(data, None)`` or ``(None, reason)`` for one ``<script type=application/ld+json>``."""
    if not text or not text.strip():
        return None, "empty JSON-LD block"
    try:
        return _LENIENT_JSON.decode(text), None
    except ValueError:
        pass
    cleaned = _cleanup(text)
    try:
        return _LENIENT_JSON.decode(cleaned), None
    except ValueError:
        pass
    try:
        # json5 rejects raw control characters inside strings; JSON-LD in the wild has tabs there.
        return json5.loads(cleaned.replace("\t", " ")), None
    except Exception as exc:  # json5 raises ValueError subclasses, but be safe with odd input
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"{first_line}; starts {cleaned[:60]!r}"


def _types(node: dict) -> set[str]:
    """The node's types as bare lower-case names: ``Product``, ``"product"``, ``schema:Product``,
    ``http://schema.org/Product`` and ``["Product", "Thing"]`` all name ``product``."""
    t = node.get("@type", ())
    values = t if isinstance(t, list) else [t]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit("#", 1)[-1].strip().lower() for v in values}


_PRODUCT_TYPES = {"product", "productgroup", "productmodel", "individualproduct", "someproducts"}


def iter_nodes(data: Any) -> Iterator[dict]:
    """Every dict in a JSON-LD document, including inside ``@graph`` and nested values."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))  # a tuple: faster than dict | list
        elif isinstance(item, list):
            stack.extend(reversed(item))


def find_products(data: Any) -> list[dict]:
    """Product / ProductGroup nodes wherever they sit (top level, ``@graph``, ``mainEntity``,
    ``itemReviewed``, an Offer's ``itemOffered``), the outermost first; variants inside ``hasVariant``
    stay with their group."""
    found: list[dict] = []
    variant_ids: set[int] = set()
    offered: dict[int, dict] = {}  # id(product) -> the Offer whose itemOffered it is
    for node in iter_nodes(data):
        types = _types(node)
        item = node.get("itemOffered")
        if isinstance(item, dict) and types & {"offer", "aggregateoffer"} and not item.get("offers"):
            offered[id(item)] = {k: v for k, v in node.items() if k != "itemOffered"}
        if types & _PRODUCT_TYPES:
            if id(node) in variant_ids or "creativework" in types:  # a news site's paywall "product"
                continue
            for v in node.get("hasVariant", []) or []:
                variant_ids.add(id(v))
            found.append(node)
    # A Product written as an Offer's itemOffered (the Offer outside, the Product inside) has that offer.
    return [{**node, "offers": offered[id(node)]} if id(node) in offered else node for node in found]


# ---------------------------------------------------------------- JSON-LD -> Product
def _offers(node: dict) -> list[dict]:
    offers = node.get("offers") or []
    offers = offers if isinstance(offers, list) else [offers]
    out: list[dict] = []
    for offer in offers:
        if not isinstance(offer, dict):
            continue
        nested = offer.get("offers")
        if nested:  # AggregateOffer with its offers listed
            out.extend(o for o in (nested if isinstance(nested, list) else [nested]) if isinstance(o, dict))
        out.append(offer)
    return out


def _list_price(offer: dict) -> Decimal | None:
    specs = offer.get("priceSpecification") or []
    for spec in specs if isinstance(specs, list) else [specs]:
        if isinstance(spec, dict) and re.search(r"ListPrice|StrikethroughPrice|SRP|MSRP", str(spec.get("priceType", ""))):
            return parse_price(spec.get("price"))[0]
    return None


def _images_from(value: Any, base: str) -> list[Image]:
    items = value if isinstance(value, list) else [value] if value else []
    images = []
    for item in items:
        if isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl")
            if url:
                images.append(Image(url=_urljoin(base, str(url)), alt=_text_of(item.get("caption") or item.get("name"))))
        elif isinstance(item, str) and item.strip():
            images.append(Image(url=_urljoin(base, item.strip())))
    return images


def _variant_images(node: dict, base: str) -> list[Image]:
    """A ProductGroup that names no image of its own shows its variants' images (each once)."""
    images: list[Image] = []
    seen: set[str] = set()
    for variant in node.get("hasVariant") or []:
        if isinstance(variant, dict):
            for image in _images_from(variant.get("image"), base):
                if image.url not in seen:
                    seen.add(image.url)
                    images.append(image)
    return images


def _main_offer(offers: list[dict]) -> dict:
    """The offer that is the product's price: the first priced one in stock, else the first priced one not out
    of stock, else the first priced one (an OutOfStock offer listed first is not what the page sells at)."""
    priced = [o for o in offers if "price" in o or "lowPrice" in o]
    if not priced:
        return offers[0] if offers else {}
    stock = [parse_availability(o.get("availability")) for o in priced]
    return next((o for o, a in zip(priced, stock, strict=True) if a == Availability.IN_STOCK),
                next((o for o, a in zip(priced, stock, strict=True) if a != Availability.OUT_OF_STOCK), priced[0]))


def product_from_jsonld(node: dict, url: str) -> Product:
    offers = _offers(node)
    main = _main_offer(offers)
    raw_price = main.get("price", main.get("lowPrice"))
    price, currency = parse_price(raw_price)
    # An AggregateOffer's lowPrice..highPrice is a range, not the price (PR001 does not compare it).
    high = parse_price(main.get("highPrice"))[0] if "price" not in main and "lowPrice" in main else None
    price_range = (price, high) if price is not None and high is not None and high != price else None
    specs: dict[str, str] = {}
    props = node.get("additionalProperty") or []
    for prop in props if isinstance(props, list) else [props]:
        if isinstance(prop, dict) and prop.get("name"):
            specs[clean_text(str(prop["name"]))] = _text_of(prop.get("value"))
    variants = []
    for v in node.get("hasVariant", []) or []:
        if isinstance(v, dict):
            v_offer = (_offers(v) or [{}])[0]
            variants.append(
                Variant(
                    sku=_text_of(v.get("sku")) or None,
                    name=_text_of(v.get("name")),
                    price=parse_price(v_offer.get("price"))[0],
                    availability=parse_availability(v_offer.get("availability")),
                )
            )
    if not variants and len(offers) > 1:
        for o in offers:
            if o.get("sku"):
                variants.append(
                    Variant(sku=_text_of(o.get("sku")), name=_text_of(o.get("name")),
                            price=parse_price(o.get("price"))[0], availability=parse_availability(o.get("availability")))
                )
    list_price = next((lp for lp in map(_list_price, offers) if lp is not None), None)
    currency = _text_of(main.get("priceCurrency")) or currency
    return Product(
        url=url,
        sku=_text_of(node.get("sku") or node.get("productID")) or None,  # mpn is the maker's part number, not a SKU
        title=_text_of(node.get("name")),
        description=clean_text(str(_first(node.get("description")) or "")),
        brand=_text_of(node.get("brand")),
        images=_images_from(node.get("image"), url) or _variant_images(node, url),
        price=price,
        list_price=list_price,
        currency=currency,
        specs=specs,
        availability=parse_availability(main.get("availability")),
        variants=variants,
        extracted_from="jsonld",
        shown_prices=structured_prices("jsonld", raw_price, price, list_price, currency, price_range),
    )


def structured_prices(source: str, raw: Any, price: Decimal | None, list_price: Decimal | None,
                      currency: str | None, price_range: tuple[Decimal, Decimal] | None = None) -> list[ShownPrice]:
    """The structured data's own price and list price (PR001 holds them against what the page shows);
    a price given but unreadable keeps its text; an AggregateOffer's low..high is kind ``range`` (its
    amount the low end), never the price."""
    shown = []
    if price_range is not None:
        low, high = price_range
        shown.append(ShownPrice(source=source, kind="range", amount=low, currency=currency, text=f"{low}–{high}"))
    elif price is not None or (raw is not None and str(raw).strip()):
        shown.append(ShownPrice(source=source, amount=price, currency=currency,
                                text="" if price is not None else clean_text(str(raw))[:60]))
    if list_price is not None:
        shown.append(ShownPrice(source=source, kind="list", amount=list_price, currency=currency))
    return shown
