"""schema.org microdata -> Product: the itemprops of the page's first Product item."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from checker.extract.jsonld import structured_prices
from checker.extract.resolve import _urljoin
from checker.extract.values import clean_text, parse_availability, parse_price
from checker.models import Availability, Image, Product


def _itemprop_value(node: Node, attrs: dict[str, str | None], base: str) -> str:
    if "content" in attrs and attrs["content"] is not None:
        return clean_text(attrs["content"])
    tag = node.tag
    if tag in ("a", "link", "area"):
        return _urljoin(base, attrs.get("href") or "")
    if tag in ("img", "audio", "video", "source", "iframe", "embed"):
        return _urljoin(base, attrs.get("src") or "")
    if tag == "time" and attrs.get("datetime"):
        return attrs["datetime"] or ""
    if tag in ("data", "meter") and attrs.get("value"):
        return attrs["value"] or ""
    return clean_text(node.text(separator=" "))


def _unstruck_text(node: Node) -> str:
    """The element's visible text without its struck-through or old-price parts: what is left of a price
    box that shows the sale price and the list price together."""
    parts = []
    for child in node.traverse(include_text=True):
        if child.tag != "-text":
            continue
        parent, struck = child.parent, False
        while parent is not None and parent.mem_id != node.mem_id:
            names = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
            if parent.tag in ("del", "s", "strike", "script", "style") or _OLD_PRICE.search(names):
                struck = True
                break
            parent = parent.parent
        if not struck:
            parts.append(child.text_content or "")
    return clean_text(" ".join(parts))


_OLD_PRICE = re.compile(r"old|was|regular|strike|compare|rrp|msrp|list-?price|before|original", re.IGNORECASE)


def _referenced(scope: Node) -> list[Node]:
    """The elements the item's ``itemref`` names by id (their itemprops belong to the item too)."""
    refs = [ref for ref in (scope.attributes.get("itemref") or "").split() if '"' not in ref and "\\" not in ref]
    if not refs:
        return []
    root = scope
    while root.parent is not None:
        root = root.parent
    return [node for node in (root.css_first(f'[id="{ref}"]') for ref in refs) if node is not None]


def _referenced_props(scope: Node) -> list[Node]:
    """The itemprop elements of the ``itemref`` targets that belong to the item: not inside an
    itemscope of their own below the target."""
    found = []
    for ref in _referenced(scope):
        if "itemscope" in ref.attributes:  # an item of its own: only its itemprop (if any) is the item's
            if "itemprop" in ref.attributes:
                found.append(ref)
            continue
        inner_scopes = {n.mem_id for n in ref.css("[itemscope]")} - {ref.mem_id}
        for node in ref.css("[itemprop]"):  # the target itself comes first when it has itemprop
            owner = node.parent if node.mem_id != ref.mem_id else None
            while owner is not None and owner.mem_id != ref.mem_id and owner.mem_id not in inner_scopes:
                owner = owner.parent
            if owner is None or owner.mem_id not in inner_scopes:
                found.append(node)
    return found


def _props(scope: Node, base: str) -> dict[str, list[tuple[str, Node]]]:
    """itemprop name -> values that belong to *this* itemscope (not to nested items), those of the
    elements its ``itemref`` names included."""
    out: dict[str, list[tuple[str, Node]]] = {}
    scope_id = scope.mem_id
    # An itemprop belongs to the nearest itemscope above it; these are the candidates below
    # ``scope`` (a set lookup per step up, cheaper than reading each ancestor's attributes).
    scopes = {n.mem_id for n in scope.css("[itemscope]")}
    if scope_id not in scopes:  # not an item itself: nothing can belong to it
        return out
    referenced = _referenced_props(scope)
    ref_ids = {n.mem_id for n in referenced}
    for node in [*scope.css("[itemprop]"), *referenced]:
        if node.mem_id == scope_id:  # the item's own itemprop belongs to the item around it
            continue
        if node.mem_id not in ref_ids:
            owner = node.parent
            while owner.mem_id not in scopes:
                owner = owner.parent
            if owner.mem_id != scope_id:
                continue
        attrs = node.attributes  # a new dict on every access: read once
        names = (attrs.get("itemprop") or "").split()
        if names:
            value = "" if "itemscope" in attrs else _itemprop_value(node, attrs, base)
            for name in names:
                out.setdefault(name, []).append((value, node))
    return out


def product_from_microdata(tree: HTMLParser, url: str) -> Product | None:
    scope = next(
        (n for n in tree.css("[itemscope][itemtype]") if re.search(r"schema\.org/Product\b", n.attributes.get("itemtype") or "", re.IGNORECASE)),
        None,
    )
    if scope is None:
        return None
    props = _props(scope, url)

    def one(name: str) -> str:
        return props.get(name, [("", None)])[0][0]

    price = list_price = raw_price = None
    currency = None
    availability = Availability.UNKNOWN
    for _, offer_node in props.get("offers", []):
        offer = _props(offer_node, url)
        raw, raw_node = (offer.get("price") or offer.get("lowPrice") or [("", None)])[0]
        amount, symbol = parse_price(raw)
        if amount is None and raw_node is not None:  # Magento: content="71,91 € 79,90 €" around its price box
            amount, symbol = parse_price(_unstruck_text(raw_node))
        if price is None:
            price, raw_price = amount, raw
            currency = (offer.get("priceCurrency") or [("", None)])[0][0] or symbol
            availability = parse_availability((offer.get("availability") or [("", None)])[0][0])
        for _, spec_node in offer.get("priceSpecification", []):
            spec = _props(spec_node, url)
            if "ListPrice" in (spec.get("priceType") or [("", None)])[0][0]:
                list_price = parse_price((spec.get("price") or [("", None)])[0][0])[0]
    if price is None and not props.get("offers"):  # itemprop="price" on the Product itself, no Offer scope
        raw_price = one("price") or one("lowPrice") or None
        if raw_price:
            price, symbol = parse_price(raw_price)
            if price is None:
                price, symbol = parse_price(_unstruck_text(props["price"][0][1]))
            currency = one("priceCurrency") or symbol
        availability = parse_availability(one("availability"))
    brand_values = props.get("brand", [])
    brand = ""
    if brand_values:
        value, node = brand_values[0]
        brand = value or clean_text(node.text(separator=" "))
    images = [Image(url=v, alt=clean_text(n.attributes.get("alt"))) for v, n in props.get("image", []) if v]
    return Product(
        url=url,
        sku=one("sku") or one("productID") or None,  # mpn is the maker's part number, not a SKU
        title=one("name"),
        description=one("description"),
        brand=brand,
        images=images,
        price=price,
        list_price=list_price,
        currency=currency or None,
        availability=availability,
        extracted_from="microdata",
        shown_prices=structured_prices("microdata", raw_price, price, list_price, currency or None),
    )
