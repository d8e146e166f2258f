"""What a shopper sees, by the configured CSS selectors (``_Visible``), merged with the
structured data into the page's Product (``_merge``).

A price is never taken from a related-products block (a carousel, 猜你喜欢): an element inside one
(by its class or id, :data:`_OTHER_PRODUCTS`) is passed over.  The price and list price the shopper
sees are also kept apart from the structured data's (``Product.shown_prices``), labels read
(``原价¥299 现价¥199``, ``到手价 ¥89``), since the two may disagree."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from checker.config import SelectorConfig
from checker.extract.region import OTHER_BLOCKS, Region, shown_text
from checker.extract.regionshow import is_icon
from checker.extract.resolve import _urljoin
from checker.extract.values import _tag_ids, clean_text, parse_availability
from checker.models import Availability, Image, Product, ShownPrice
from checker.prices import PriceError, currency_code, currency_table, parse_page_price, read_labelled

_TH, _TD = _tag_ids("th", "td")

#: Class or id words of blocks that show other products (or the sidebar): their prices are never this product's.
_OTHER_PRODUCTS = OTHER_BLOCKS


def _in_other_products(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html", "-undef"):
        attrs = parent.attributes
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if names.strip() and _OTHER_PRODUCTS.search(names):
            return True
        parent = parent.parent
    return False


def _elsewhere(node: Node, region: Region | None) -> bool:
    """A price element that is not this product's: in a block of other products, or outside the
    product's region of the page when that is known (a wrong price is worse than none)."""
    return _in_other_products(node) or (region is not None and not region.contains(node))


#: Selectors lexbor has parsed once in this process (see ``_check_selectors``).
_PARSED_SELECTORS: set[str] = set()


def _check_selectors(tree: HTMLParser, sel: SelectorConfig) -> None:
    """Raise for a configured selector lexbor cannot parse, on every page and in field order,
    whether or not its field is read: the selectors run on demand (``_Visible``), and a bad one
    must not fail only on the pages that need it."""
    for selector in (sel.title, sel.subtitle, sel.sku, sel.price, sel.list_price, sel.currency, sel.description,
                     sel.availability, sel.images, sel.detail_images, sel.specs, sel.labels, sel.banners):
        if selector and selector not in _PARSED_SELECTORS:
            tree.css_first(selector)  # SelectolaxError if it does not parse
            _PARSED_SELECTORS.add(selector)


class _Visible:
    """Everything a shopper sees, by the configured CSS selectors.

    A field's selector runs the first time ``_merge`` reads the field: each one is a walk of the
    whole page, and on pages with structured data the identity fields (sku, title, price,
    currency, availability) mostly come from it, so their selectors need not run at all."""

    def __init__(self, tree: HTMLParser, sel: SelectorConfig, base: str, meta_description: str,
                 region: Callable[[], Region | None] = lambda: None) -> None:
        _check_selectors(tree, sel)
        self.region = region
        self.tree = tree
        self.sel = sel
        self.base = base
        self.meta_description = meta_description
        #: The page's currency (its structured data's, else its currency element's): what a bare ``$`` or
        #: ``¥`` in the visible prices means, as a source's ``currency`` setting does for an export.
        #: ``_merge`` sets it before any price is read.
        self.default_currency: str | None = None

    def _first(self, selector: str) -> Node | None:
        return self.tree.css_first(selector) if selector else None

    def _all(self, selector: str) -> list[Node]:
        return self.tree.css(selector) if selector else []

    def _text(self, selector: str) -> str:
        node = self._first(selector)
        return clean_text(shown_text(node)) if node is not None else ""

    @cached_property
    def title(self) -> str:
        return self._text(self.sel.title)

    @cached_property
    def subtitle(self) -> str:
        return self._text(self.sel.subtitle)

    @cached_property
    def sku(self) -> str | None:
        node = self._first(self.sel.sku)
        return clean_text(node.attributes.get("data-sku") or node.text()) if node is not None else None

    @cached_property
    def _price_nodes(self) -> tuple[Node | None, Node | None]:
        """The first element of the price selector and of the list-price selector outside
        related-products blocks, from one walk of the page (both are read on every page)."""
        price_sel, list_sel = self.sel.price, self.sel.list_price
        price = listed = None
        region = self.region()
        if not (price_sel and list_sel):
            for node in self._all(price_sel or list_sel):
                if not _elsewhere(node, region):
                    return (node, None) if price_sel else (None, node)
            return None, None
        for node in self.tree.css(f"{price_sel}, {list_sel}"):
            if price is None and node.css_matches(price_sel) and not _elsewhere(node, region):
                price = node
            if listed is None and node.css_matches(list_sel) and not _elsewhere(node, region):
                listed = node
            if price is not None and listed is not None:
                break
        return price, listed

    @property
    def _price_node(self) -> Node | None:
        return self._price_nodes[0]

    @property
    def _list_price_node(self) -> Node | None:
        return self._price_nodes[1]

    def _amount(self, node: Node | None, attr: str) -> tuple[Decimal | None, str | None]:
        """(amount, the currency its text names) of a price element; a bare ``$`` / ``¥`` is the page's currency."""
        if node is None:
            return None, None
        return parse_page_price(node.attributes.get(attr) or node.text(separator=" "), self.default_currency)

    @cached_property
    def _price(self) -> tuple[Decimal | None, str | None]:
        return self._amount(self._price_node, "data-price")

    @cached_property
    def _list_price(self) -> tuple[Decimal | None, str | None]:
        """Apart from the price: structured data often gives the price and not the list price."""
        return self._amount(self._list_price_node, "data-list-price")

    @property
    def price(self) -> Decimal | None:
        return self._price[0]

    @property
    def list_price(self) -> Decimal | None:
        return self._list_price[0]

    @cached_property
    def currency(self) -> str | None:
        """The currency element's text if there is one (even empty), else the currency the price
        names, else the one the list price names."""
        node = self._first(self.sel.currency)
        if node is not None:
            return clean_text(node.attributes.get("data-currency") or node.text())
        return self._price[1] or self._list_price[1]

    @cached_property
    def shown_prices(self) -> list[ShownPrice]:
        """The price and list price as the shopper reads them (the element's text, labels read), or
        the element's data attribute when it has no text."""
        shown: list[ShownPrice] = []
        seen = None
        for kind, node, attr in (("price", self._price_node, "data-price"),
                                 ("list", self._list_price_node, "data-list-price")):
            if node is None or node.mem_id == seen:
                continue
            seen = node.mem_id
            text = clean_text(node.text(separator=" ")) or clean_text(node.attributes.get(attr))
            for read in read_labelled(text, self.default_currency):
                shown.append(ShownPrice(source="visible", kind=kind if read.kind == "price" else read.kind,
                                        amount=read.amount, currency=read.currency,
                                        text=(read.text if read.amount is not None else text)[:60]))
        return shown

    @cached_property
    def description(self) -> str:
        node = self._first(self.sel.description)
        return clean_text(shown_text(node, "\n")) if node is not None else ""

    @cached_property
    def availability(self) -> Availability | None:
        node = self._first(self.sel.availability)
        if node is None:
            return None
        return parse_availability(node.attributes.get("data-availability") or shown_text(node))

    @cached_property
    def images(self) -> list[Image]:
        images = []
        for role, selector in (("main", self.sel.images), ("detail", self.sel.detail_images)):
            for node in self._all(selector):
                attrs = node.attributes
                src = attrs.get("src") or attrs.get("data-src")
                if src and not (role == "main" and is_icon(node, src)):  # rating stars are no product image
                    images.append(Image(url=_urljoin(self.base, src), alt=clean_text(attrs.get("alt")),
                                        title=clean_text(attrs.get("title")), role=role))
        return images

    @cached_property
    def specs(self) -> dict[str, str]:
        specs: dict[str, str] = {}
        for row in self._all(self.sel.specs):
            cells = _first_cells(row)
            if len(cells) == 2:
                specs[clean_text(cells[0].text())] = clean_text(cells[1].text(separator=" "))
        return specs

    @cached_property
    def labels(self) -> list[str]:
        return [t for t in (clean_text(shown_text(n)) for n in self._all(self.sel.labels)) if t]

    @cached_property
    def banners(self) -> list[str]:
        return [t for t in (clean_text(shown_text(n)) for n in self._all(self.sel.banners)) if t]


def _first_cells(row: Node) -> list[Node]:
    """``row.css("th, td")[:2]`` (the row itself first, then its descendants in page order)
    without a selector query per row."""
    cells = []
    for node in row.traverse():
        if node.tag_id in (_TH, _TD):
            cells.append(node)
            if len(cells) == 2:
                break
    return cells


def _page_currency(structured: Product | None, visible: _Visible) -> str | None:
    """The currency the page names itself: its structured data's, else its currency element's (a code or an
    unambiguous word; a bare ``$`` / ``¥`` there settles nothing)."""
    if structured is not None and structured.currency:
        try:
            return currency_code(structured.currency)
        except PriceError:
            return None
    node = visible._first(visible.sel.currency)
    text = clean_text(node.attributes.get("data-currency") or node.text()) if node is not None else ""
    if not text or unicodedata.normalize("NFKC", text).strip().lower() in currency_table().ambiguous:
        return None
    try:
        return currency_code(text)
    except PriceError:
        return None


def _merge(structured: Product | None, visible: _Visible, url: str) -> Product | None:
    """Structured data wins for identity and price; the visible page fills gaps and adds what
    only shoppers see (banners, labels, detail images, alt texts).  The Product is validated
    once, from the structured one's fields."""
    visible.default_currency = _page_currency(structured, visible)
    if structured is None and not (visible.sku or visible.price is not None):
        return None
    data: dict[str, Any] = dict(structured) if structured else {"url": url, "extracted_from": "selectors"}
    for key in ("sku", "title", "price", "list_price", "currency"):
        if not data.get(key):
            value = getattr(visible, key)
            if value not in (None, ""):
                data[key] = value
    # What shoppers read is the visible copy; structured text is the fallback.
    for key in ("description", "subtitle", "meta_description"):
        value = getattr(visible, key)
        if value:
            data[key] = value
    if data.get("availability", Availability.UNKNOWN) == Availability.UNKNOWN and visible.availability:
        data["availability"] = visible.availability
    specs = dict(visible.specs)
    specs.update(data.get("specs") or {})
    data["specs"] = specs
    data["labels"] = visible.labels
    data["banners"] = visible.banners
    images = list(data.get("images") or [])
    by_url = {img.url: img for img in images}
    for img in visible.images:
        known = by_url.get(img.url)
        if known is None:
            images.append(img)
            by_url[img.url] = img
        elif not known.alt and (img.alt or img.title):
            updated = known.model_copy(update={"alt": img.alt, "title": img.title})
            images[images.index(known)] = updated
            by_url[img.url] = updated  # the same image may appear again further down the page
    data["images"] = images
    currency = data.get("currency") or None
    data["shown_prices"] = [*data.get("shown_prices", ()), *(
        p if p.currency or not currency else p.model_copy(update={"currency": currency}) for p in visible.shown_prices)]
    return Product.model_validate(data)
