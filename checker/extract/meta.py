"""OpenGraph product tags (``og:type=product``, ``product:price:amount``, ``og:price:amount``,
``product:availability``, ``product:retailer_item_id``) as a source of the product.

Large marketplaces ship no schema.org data but do ship these for link previews.  They come after
JSON-LD and microdata in trust: they fill what the structured data lacks, their price is kept
beside the structured one (``ShownPrice`` source ``opengraph``) so a disagreement stays visible, and
on a page with neither they are the product."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.extract.jsonld import structured_prices
from checker.extract.resolve import _urljoin
from checker.extract.values import clean_text, parse_availability, parse_price
from checker.models import Availability, Image, Product

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode as Node

#: property -> field; the first property of a field present on the page wins.
_FIELDS = {
    "og:type": "type",
    "og:title": "title",
    "og:image": "image", "og:image:url": "image", "og:image:secure_url": "image",
    "product:price:amount": "price", "og:price:amount": "price",
    "product:sale_price:amount": "sale_price",
    "product:price:currency": "currency", "og:price:currency": "currency",
    "product:availability": "availability", "og:availability": "availability",
    "product:retailer_item_id": "sku", "product:sku": "sku",
    "og:price:standard_amount": "list_price", "product:original_price:amount": "list_price",
}  # fmt: skip


class OpenGraph:
    """The page's OpenGraph / product meta tags, by field."""

    def __init__(self, metas: list[Node]) -> None:
        self.values: dict[str, str] = {}
        for node in metas:
            attrs = node.attributes
            field = _FIELDS.get((attrs.get("property") or "").strip().lower())
            content = clean_text(attrs.get("content"))
            if field and content and field not in self.values:
                self.values[field] = content

    @property
    def is_product(self) -> bool:
        """The tags describe a product: ``og:type`` says so, or a price is given."""
        return "product" in self.values.get("type", "").lower() or "price" in self.values

    def product(self, url: str, base: str) -> Product | None:
        """The product the tags describe, or None when they describe none."""
        if not self.is_product:
            return None
        v = self.values
        raw = v.get("sale_price") or v.get("price")
        price, symbol = parse_price(raw)
        list_price = parse_price(v.get("list_price"))[0] if "list_price" in v else None
        if list_price is not None and price is not None and list_price <= price:
            list_price = None
        currency = v.get("currency") or symbol
        return Product(
            url=url,
            sku=v.get("sku") or None,
            title=v.get("title", ""),
            images=[Image(url=_urljoin(base, v["image"]))] if "image" in v else [],
            price=price,
            list_price=list_price,
            currency=currency,
            availability=parse_availability(v.get("availability")) if "availability" in v else Availability.UNKNOWN,
            extracted_from="opengraph",
            shown_prices=structured_prices("opengraph", raw, price, list_price, currency),
        )


def add_opengraph(structured: Product | None, graph: OpenGraph, url: str, base: str) -> Product | None:
    """The structured product with the gaps OpenGraph fills (price, currency, availability, images,
    title) and its price kept beside the structured one; or the OpenGraph product alone."""
    og = graph.product(url, base)
    if og is None:
        return structured
    if structured is None:
        return og
    update: dict = {}
    if (og.list_price is not None and og.price is not None and structured.price == og.list_price
            and structured.list_price is None):
        # The structured price is what og:price:standard_amount calls the standard price: the page sells
        # at the OpenGraph sale price, and the structured one is the list price (both stay in shown_prices).
        update.update(price=og.price, list_price=structured.price)
    elif structured.price is None and og.price is not None:
        update.update(price=og.price, currency=structured.currency or og.currency)
    if not structured.currency and og.currency and (structured.price is None or "price" in update):
        update["currency"] = og.currency
    if structured.availability == Availability.UNKNOWN and og.availability != Availability.UNKNOWN:
        update["availability"] = og.availability
    if not structured.images and og.images:
        update["images"] = og.images
    if not structured.title and og.title:
        update["title"] = og.title
    if og.price is not None and og.price != structured.price:  # a disagreement is kept, not resolved
        update["shown_prices"] = [*structured.shown_prices, *og.shown_prices]
    return structured.model_copy(update=update) if update else structured
