"""The product's own region of a page without structured data, and what it shows (issue 26).

A page from a large marketplace or an old theme names its product only in what shoppers read.  A
price found anywhere on such a page is as likely a carousel's, the basket's or a shipping fee, and a
wrong price is worse than none, so every value here comes from the product's *region*: the title
(the heading whose text the page's ``<title>`` / ``og:title`` repeats), and the smallest block around
it, a few levels up at most, that shows a price, never crossing into a header, footer, nav, sidebar or
a block of other products.  Prices must name a currency, a single amount (ranges, instalments,
"from", shipping, totals and struck-through prices are not the price); availability comes from short
texts in the region (有货 / 缺货 / In stock / Sold out) or a disabled add-to-cart button; the main
image is the region's first image that is not an icon (rating stars, logos, sprites).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from checker.extract.resolve import _urljoin
from checker.extract.values import AVAILABILITY_WORDS, clean_text
from checker.models import Availability, Image, Product, ShownPrice
from checker.prices import read_labelled

#: Class or id words of blocks that are not this product's: other products, page chrome.
OTHER_BLOCKS = re.compile(
    r"related|recommend|similar|carousel|upsell|cross-?sell|also|sponsor|recs\b|recs-|tuijian|sidebar|"
    r"\btabs?\b|mediatab|swatch|bulk|\bolp\b|offer-?listing|other-?sellers|"
    r"猜你喜欢|相关|相關|推荐|推薦|看了又看|买了又买",
    re.IGNORECASE,
)
_CHROME_TAGS = frozenset(("header", "footer", "nav", "aside"))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "iframe", "select", "option", "svg"))
#: Class / id words of a struck-through or reference price.
_STRUCK = re.compile(r"old|was|original|list-?price|regular|strike|compare|rrp|msrp|crossed|\bdel\b|before|origin",
                     re.IGNORECASE)
_STRUCK_TAGS = frozenset(("del", "s", "strike"))
#: Words right before an amount that make it something other than the product's price.
_NOT_PRICE_BEFORE = re.compile(
    r"(?:from|starting at|shipping|delivery|postage|save|saving|you save|total|subtotal|basket|cart|was|"
    r"运费|邮费|配送|节省|立省|省|合计|小计|总计|购物车|起)\s*[:：]?\s*$",
    re.IGNORECASE,
)
#: Words right after an amount that make it something other than the product's price.
_NOT_PRICE_AFTER = re.compile(r"^\s*(?:/\s*mo\b|/\s*month|per month|a month|/月|每月|/期|起|x\s*\d|off\b)",
                              re.IGNORECASE)
_CURRENCY_MARK = re.compile(r"[$€£¥￥₩₹]|\b(?:USD|EUR|GBP|CNY|RMB|JPY|HKD|TWD|NTD)\b|元")
_PRICE_WORD = re.compile(r"价格|價格|售价|售價|\bprice\b", re.IGNORECASE)
_RANGE = re.compile(r"\d\s*(?:-|–|—|~|～|至|to)\s*[^\d\s]{0,4}\s*\d")
_AMOUNT = re.compile(r"\d[\d,.\s]*\d|\d")
_TITLE_HINT = re.compile(r"product.?title|product.?name|item.?title|goods.?name|main.?title|itemtitle|productname",
                         re.IGNORECASE)
_ICON = re.compile(r"star|rating|icon|logo|sprite|badge|spinner|loading|pixel|spacer|blank|transparent|avatar|"
                   r"flag|arrow|button|btn|banner|placeholder|grey-pixel|\.svg\b",
                   re.IGNORECASE)
_CART = re.compile(r"add.{0,3}to.{0,3}(?:cart|basket|bag)|buy.?now|加入购物车|加入購物車|立即购买|立即購買|购买|購買",
                   re.IGNORECASE)
#: An image marked as the main one (by class, id or attribute name).
_MAIN_IMAGE = re.compile(r"main|landing|primary|hero|zoom|hires|large|booth|big", re.IGNORECASE)
#: A thumbnail's URL (``_SS36_``, ``50x50``).
_THUMBNAIL = re.compile(r"_S[SXYL][1-9]\d_|(?<!\d)[1-9]\dx[1-9]\d(?!\d)")
#: Availability words that name it in a shopper's sentence ("in stock", 有货; not the schema.org "instock").
_STOCK_WORDS = [(a, tuple(w for w in words if " " in w or not w.isascii())) for a, words in AVAILABILITY_WORDS]
#: How far above the title the region may reach.
MAX_LEVELS = 8
#: A text longer than this is a paragraph, not a price or a stock label.
SHORT = 60


def _names(node: Node) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _outside(node: Node) -> bool:
    """The node sits in page chrome or in a block of other products (or is itself one)."""
    while node is not None and node.tag not in ("body", "html", "-undef"):
        if node.tag in _CHROME_TAGS or node.tag in _SKIP_TAGS:
            return True
        names = _names(node)
        if names.strip() and OTHER_BLOCKS.search(names):
            return True
        node = node.parent
    return False


def shown_text(node: Node, separator: str = " ") -> str:
    """The text a shopper sees in ``node``: without ``<script>``, ``<style>``, ``<noscript>``,
    ``<template>`` and ``<iframe>`` contents (``node.text()`` includes them: CSS once raised an AD
    finding; lexbor keeps an iframe's fallback markup as text)."""
    if node.css_first("script, style, noscript, template, iframe") is None:
        return node.text(separator=separator)
    parts = []
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            parent, hidden = child.parent, False
            while parent is not None and parent.mem_id != node.mem_id:
                if parent.tag in ("script", "style", "noscript", "template", "iframe"):
                    hidden = True
                    break
                parent = parent.parent
            if not hidden:
                parts.append(child.text_content or "")
    return separator.join(parts)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_title(tree: HTMLParser, page_titles: list[str]) -> Node | None:
    """The product's title element: the first heading (or product-title element) whose text the page's
    ``<title>`` or ``og:title`` repeats, else the first ``<h1>`` outside the page chrome."""
    wanted = [_fold(t) for t in page_titles if t]
    first_h1 = None
    for node in tree.css("h1, h2, h3, [itemprop=name], [id*=itle], [class*=itle], [id*=roductName], [class*=roduct-name]"):
        if node.tag in _SKIP_TAGS or node.tag in ("title", "meta", "body", "html", "head", "a"):
            continue
        text = _fold(shown_text(node))
        if not 4 <= len(text) <= 300:
            continue
        hinted = node.tag == "h1" or bool(_TITLE_HINT.search(_names(node)))
        if any(text in title for title in wanted) and (len(text) >= 12 or hinted) and not _outside(node):
            return _innermost(node, text)
        if first_h1 is None and node.tag == "h1" and not _outside(node):
            first_h1 = node
    return first_h1


def _innermost(node: Node, text: str) -> Node:
    """The deepest element inside ``node`` with the same text (``<div class=title><h1><span>``): the
    region then grows from the title itself."""
    while True:
        child = next((c for c in node.iter() if _fold(shown_text(c)) == text), None)
        if child is None:
            return node
        node = child


def _struck(node: Node, stop: Node) -> bool:
    while node is not None and node.mem_id != stop.mem_id:
        if node.tag in _STRUCK_TAGS or _STRUCK.search(_names(node)):
            return True
        node = node.parent
    return False


def _context(node: Node) -> str:
    """The node's text with its parent's around it when that is short (the label is often a sibling)."""
    parent = node.parent
    if parent is not None:
        text = clean_text(shown_text(parent))
        if len(text) <= SHORT:
            return text
    return clean_text(shown_text(node))


#: What ``_price_in`` answers for a price range (``¥149.00 - 159.00``): the product's price block, but no one price.
RANGE = (Decimal(0), "", "")


def _short_with_digit(node: Node) -> bool:
    """A cheap first look (lexbor's own text, no Python walk): short enough to be a price, with a digit."""
    text = node.text()
    return len(text) <= 4 * SHORT and any(c.isdigit() for c in text)


def _price_in(node: Node, default_currency: str | None) -> tuple[Decimal, str, str] | None:
    """(amount, currency, text) when the node's short text is one price of the product, ``RANGE``
    when it is a range of prices, else None."""
    text = clean_text(shown_text(node))
    if not text or len(text) > SHORT or not any(c.isdigit() for c in text):
        return None
    if _RANGE.search(text):
        return RANGE if _CURRENCY_MARK.search(text) or _PRICE_WORD.search(_context(node)) else None
    reads = read_labelled(text, default_currency)
    read = next((r for r in reads if r.kind == "price" and r.amount is not None and r.currency), None)
    if read is None or read.amount <= 0 or any(r.kind == "list" for r in reads[:1]):
        return None
    context = _context(node)
    if _RANGE.search(context):
        return None
    number = _AMOUNT.search(read.text)
    at = context.find(number.group(0)) if number else -1
    if at >= 0:
        before = context[:at].rstrip(" $€£¥￥").rstrip()
        before = re.sub(r"(?:US|NT|HK|A|C|S)?\s*$", "", before) if before.endswith(("US", "NT", "HK")) else before
        if _NOT_PRICE_BEFORE.search(before) or _NOT_PRICE_AFTER.match(context[at + len(number.group(0)):]):
            return None
    return read.amount, read.currency, read.text


@dataclass
class Region:
    """The product's block of the page and what it shows."""

    title_node: Node
    node: Node
    price: tuple[Decimal, str, str] | None = None
    images: list[Image] = field(default_factory=list)
    availability: Availability = Availability.UNKNOWN

    def contains(self, node: Node) -> bool:
        region_id = self.node.mem_id
        while node is not None:
            if node.mem_id == region_id:
                return True
            node = node.parent
        return False


def _prices_after(scope: Node, title: Node, default_currency: str | None) -> tuple[Decimal, str, str] | None:
    """The first price in ``scope`` after the title (in page order), else the last one before it."""
    before, after_title = None, False
    for node in scope.traverse():
        if node.mem_id == title.mem_id:
            after_title = True
            continue
        if node.tag in _SKIP_TAGS or not _short_with_digit(node):
            continue
        found = _price_in(node, default_currency)
        if found is not None and (_outside_within(node, scope) or _struck(node, scope)):
            continue
        if found is RANGE and after_title:
            return RANGE
        if found is not None and found is not RANGE:
            if after_title:
                return found
            before = found
    return before


def _outside_within(node: Node, scope: Node) -> bool:
    """Like ``_outside`` but only for the ancestors up to ``scope``."""
    while node is not None and node.mem_id != scope.mem_id:
        if node.tag in _CHROME_TAGS or node.tag in _SKIP_TAGS:
            return True
        names = _names(node)
        if names.strip() and OTHER_BLOCKS.search(names):
            return True
        node = node.parent
    return False


def _climb(title: Node, default_currency: str | None, with_price: bool) -> tuple[Node, tuple | None]:
    """From the title up to ``MAX_LEVELS`` levels, never into page chrome, a block of other products or
    (but on a flat page) ``<body>``; with ``with_price``, stopping at the first level that shows a price."""
    node, price = title, None
    for level in range(MAX_LEVELS):
        parent = node.parent
        # The whole <body> is the region only of a flat page (the title at most two levels below it).
        if parent is None or parent.tag == "html" or (parent.tag == "body" and level > 1) or _outside(parent):
            break
        node = parent
        if with_price:
            price = _prices_after(node, title, default_currency)
            if price is not None:
                break
    return node, price


def find_region(tree: HTMLParser, page_titles: list[str], default_currency: str | None = None,
                title: Node | None = None) -> Region | None:
    """The title and the smallest block around it (``MAX_LEVELS`` up at most) that shows a price; the
    title's block ``MAX_LEVELS`` up when none does."""
    title = title or find_title(tree, page_titles)
    if title is None:
        return None
    node, price = _climb(title, default_currency, with_price=True)
    return Region(title_node=title, node=node, price=None if price is RANGE else price)


def find_block(tree: HTMLParser, page_titles: list[str], title: Node | None = None) -> Region | None:
    """The title's block ``MAX_LEVELS`` up (no price read): where a price element may be this product's."""
    title = title or find_title(tree, page_titles)
    if title is None:
        return None
    return Region(title_node=title, node=_climb(title, None, with_price=False)[0])


def _image_url(node: Node) -> str:
    attrs = node.attributes
    for name in ("data-old-hires", "data-zoom-image", "data-large", "data-src", "src"):
        value = (attrs.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return ""


def is_icon(node: Node, url: str) -> bool:
    """An image that is page furniture, not the product: rating stars, icons, logos, sprites, pixels."""
    attrs = node.attributes
    if _ICON.search(url) or _ICON.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('alt') or ''}"):
        return True
    for size in ("width", "height"):
        value = (attrs.get(size) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < 60:
            return True
    return False


def region_images(region: Region, base: str) -> list[Image]:
    """The region's main product image (one marked main / landing / zoom, else the first that is not an
    icon or a thumbnail), looking a few levels further up when it has none."""
    node = region.node
    for _ in range(MAX_LEVELS):
        images = [img for img in node.css("img") if not _outside_within(img, node)]
        usable = [(img, url) for img in images if (url := _image_url(img)) and not is_icon(img, url)
                  and not _THUMBNAIL.search(url)]
        main = next(((img, url) for img, url in usable if _MAIN_IMAGE.search(
            f"{_names(img)} {' '.join(img.attributes)}")), usable[0] if usable else None)
        if main is not None:
            img, url = main
            return [Image(url=_urljoin(base, url), alt=clean_text(img.attributes.get("alt")), role="main")]
        parent = node.parent
        if parent is None or parent.tag in ("body", "html") or _outside(parent):
            break
        node = parent
    return []


def region_availability(region: Region) -> Availability:
    """Availability from the region's short texts (有货, 售罄, In stock, Sold out) or its add-to-cart
    button (disabled: out of stock; there and enabled: in stock), looking up to ``MAX_LEVELS`` above
    the title when the region says nothing."""
    node, levels = region.node, 0
    while True:
        found = _availability_in(node)
        parent = node.parent
        levels += 1
        if found != Availability.UNKNOWN or levels >= MAX_LEVELS or parent is None or parent.tag in (
                "body", "html") or _outside(parent):
            return found
        node = parent


def _control_label(text: str, attrs: dict) -> str:
    """What a button says: its text, value, alt and title (``<input type=image alt="Add to Cart">``), id."""
    return " ".join([text, *(attrs.get(name) or "" for name in ("value", "alt", "title", "id"))])


def _availability_in(scope: Node) -> Availability:
    """The first stock word of a short text in ``scope``, else what its add-to-cart button says (each
    outside chrome and other products' blocks; that check is made only for a match)."""
    cart = None
    for node in scope.traverse():
        tag = node.tag
        if tag in _SKIP_TAGS:
            continue
        raw = node.text()
        if tag in ("button", "input", "a"):
            attrs = node.attributes
            if _CART.search(_control_label(raw, attrs)) and not _outside_within(
                    node, scope):
                disabled = "disabled" in attrs or "disabled" in (attrs.get("class") or "")
                cart = Availability.OUT_OF_STOCK if disabled else cart or Availability.IN_STOCK
            continue
        if not raw or len(raw) > 160:
            continue
        text = clean_text(shown_text(node)).lower()
        if not text or len(text) > 40:
            continue
        for availability, words in _STOCK_WORDS:
            if any(w in text for w in words) and not _outside_within(node, scope):
                return availability
    return cart or Availability.UNKNOWN


def is_product_region(region: Region) -> bool:
    """The region shows a product: a price, an add-to-cart button, or a title marked as a product's."""
    return (region.price is not None or bool(_TITLE_HINT.search(_names(region.title_node)))
            or region_availability(region) != Availability.UNKNOWN)


def product_from_region(region: Region, url: str, base: str) -> Product:
    """The product a page without structured data shows in its region (``extracted_from="text"``)."""
    price = currency = None
    shown = []
    if region.price is not None:
        price, currency, text = region.price
        shown.append(ShownPrice(source="visible", amount=price, currency=currency, text=text[:60]))
    return Product(
        url=url,
        title=clean_text(shown_text(region.title_node)),
        price=price,
        currency=currency,
        images=region_images(region, base),
        availability=region_availability(region),
        extracted_from="text",
        shown_prices=shown,
    )

