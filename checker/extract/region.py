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

from checker.extract.values import clean_text
from checker.models import Availability, Image
from checker.prices import PriceError, currency_code, read_labelled

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
    r"(?:from|starting at|ab|à partir de|a partir de|desde|dès|vanaf|od|"
    r"shipping|delivery|postage|save|saving|you save|total|subtotal|basket|cart|was|"
    r"运费|邮费|配送|节省|立省|省|合计|小计|总计|购物车|起|每期|分期|月付|每月)\s*[:：]?\s*$",
    re.IGNORECASE,
)
#: Words right after an amount that make it something other than the product's price.
_NOT_PRICE_AFTER = re.compile(r"^\s*(?:/\s*mo\b|/\s*month|per month|a month|/月|每月|/期|起|x\s*\d|off\b|折|%)",
                              re.IGNORECASE)
_CURRENCY_MARK = re.compile(r"[$€£¥￥₩₹]|\b(?:USD|EUR|GBP|CNY|RMB|JPY|HKD|TWD|NTD)\b|元")
#: Where 元 names the local dollar, and what names the renminbi there.
_YUAN_COUNTRIES = frozenset(("TWD", "HKD", "MOP"))
_RENMINBI = re.compile(r"人民币|人民幣|RMB|CNY|[¥￥]", re.IGNORECASE)
_BARE_AMOUNT = re.compile(r"\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2})?|\d{2,7}(?:[.,]\d{1,2})?")
_NUMBERS_ONLY = re.compile(r"[\d\s.,()+\-/:#%*]*")
_PRICE_WORD = re.compile(r"价格|價格|售价|售價|\bprice\b", re.IGNORECASE)
_RANGE = re.compile(r"\d\s*(?:-|–|—|~|～|至|to)\s*[^\d\s]{0,4}\s*\d")
_AMOUNT = re.compile(r"\d[\d,.\s]*\d|\d")
_TITLE_HINT = re.compile(r"product.?title|product.?name|item.?title|goods.?name|main.?title|itemtitle|productname",
                         re.IGNORECASE)
#: A thumbnail's URL (``_SS36_``, ``50x50``).
#: How far above the title the region may reach.
MAX_LEVELS = 8
#: A text longer than this is a paragraph, not a price or a stock label.
SHORT = 60


def _names(node: Node) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _outside(node: Node, scope: Node | None = None) -> bool:
    """The node sits in page chrome or in a block of other products (or is itself one); with ``scope``,
    only its ancestors up to ``scope`` count."""
    stop = scope.mem_id if scope is not None else None
    while node is not None and node.tag not in ("body", "html", "-undef") and node.mem_id != stop:
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


def _holds_struck(node: Node) -> bool:
    """The node's text holds a struck-through or reference price (``<font><del>$420</del></font>``)."""
    for inner in node.css("del, s, strike, [class]"):
        if inner.mem_id != node.mem_id and (inner.tag in _STRUCK_TAGS or _STRUCK.search(_names(inner))) and any(
                c.isdigit() for c in inner.text()):
            return True
    return False


def _context(node: Node) -> str:
    """The node's text with its nearest ancestors' around it while that stays short (up to three levels:
    the label or currency is often a sibling's or an uncle's: ``<b>每期</b><font>$<span>98</span></font>``)."""
    text = clean_text(shown_text(node))
    parent = node.parent
    for _ in range(3):
        if parent is None or parent.tag in ("body", "html"):
            break
        wider = clean_text(shown_text(parent))
        if len(wider) > SHORT:
            break
        text, parent = wider, parent.parent
    return text


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
    if _NUMBERS_ONLY.fullmatch(text) and not _CURRENCY_MARK.search(_context(node)):
        return None  # a count, a date, a quantity: no currency anywhere near (the common case, kept cheap)
    if _RANGE.search(text):
        return RANGE if _CURRENCY_MARK.search(text) or _PRICE_WORD.search(_context(node)) else None
    reads = read_labelled(text, default_currency)
    read = next((r for r in reads if r.kind == "price" and r.amount is not None and r.currency), None)
    context = _context(node)
    if read is None and _BARE_AMOUNT.fullmatch(text) and context != text and _CURRENCY_MARK.search(context):
        # A bare amount whose currency is written beside it (<em>¥</em><span>294</span>)
        mark = _CURRENCY_MARK.search(context)
        try:
            currency = currency_code(mark.group(0), default_currency) if mark else None
        except PriceError:
            currency = None
        bare = reads[0] if reads else None
        if currency and bare is not None and bare.amount is not None:
            read = bare._replace(currency=currency)
    if read is None or read.amount <= 0 or any(r.kind == "list" for r in reads[:1]):
        return None
    if default_currency in _YUAN_COUNTRIES and read.currency == "CNY" and not _RENMINBI.search(context):
        read = read._replace(currency=default_currency)  # 元 on a Taiwan / Hong Kong / Macau shop
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


def _prices_after(scope: Node, title: Node, default_currency: str | None,
                  seen: dict[int, tuple | None] | None = None) -> tuple[Decimal, str, str] | None:
    """The first price in ``scope`` after the title (in page order), else the last one before it.
    ``seen``: what ``_price_in`` said of each node already (each level up walks the levels below again)."""
    before, after_title, struck_after = None, False, False
    seen = {} if seen is None else seen
    for node in scope.traverse():
        if node.mem_id == title.mem_id:
            after_title = True
            continue
        key = node.mem_id
        if key in seen:
            found = seen[key]
        else:
            # a price inside a link names the linked product: passed over before it is read
            found = seen[key] = (None if node.tag in _SKIP_TAGS or not _short_with_digit(node) or _in_link(node, scope)
                                 else _price_in(node, default_currency))
        if found is None:
            continue
        if _outside_within(node, scope) or _in_tile(node, scope):
            continue
        if found is not None and (_struck(node, scope) or _holds_struck(node)):
            struck_after = struck_after or after_title
            continue
        if found is RANGE and after_title:
            return RANGE
        if found is not None and found is not RANGE:
            if after_title:
                return found
            before = found
    # A struck-through price after the title and no other: the product's price block, unread (a wrong
    # price from further up is worse than none).
    return RANGE if struck_after else before


def _in_tile(node: Node, scope: Node) -> bool:
    """In one of three or more alike siblings (same tag and class) that each show a picture, a link and a
    price: a tile of a product grid or list (a home, category or promotion page), not this product's price."""
    child, parent = node, node.parent
    while parent is not None and child.mem_id != scope.mem_id:
        tag, cls = child.tag, child.attributes.get("class")
        alike = 0
        for sibling in parent.iter():
            if (sibling.tag == tag and sibling.attributes.get("class") == cls and _CURRENCY_MARK.search(sibling.text())
                    and sibling.css_first("a[href]") is not None and sibling.css_first("img") is not None):
                alike += 1
                if alike >= 3:
                    return True
        child, parent = parent, parent.parent
    return False


def _in_link(node: Node, scope: Node) -> bool:
    """Inside a link (below ``scope``): a product tile's price names the linked product, not this one."""
    while node is not None and node.mem_id != scope.mem_id:
        if node.tag == "a" and "href" in node.attributes:
            return True
        node = node.parent
    return False


def _outside_within(node: Node, scope: Node) -> bool:
    """Like ``_outside`` but only for the ancestors up to ``scope``."""
    return _outside(node, scope)


def _climb(title: Node, default_currency: str | None, with_price: bool) -> tuple[Node, tuple | None, dict]:
    """From the title up to ``MAX_LEVELS`` levels, never into page chrome, a block of other products or
    (but on a flat page) ``<body>``; with ``with_price``, stopping at the first level that shows a price."""
    node, price, seen = title, None, {}
    for level in range(MAX_LEVELS):
        parent = node.parent
        # The whole <body> is the region only of a flat page (the title at most two levels below it).
        if parent is None or parent.tag == "html" or (parent.tag == "body" and level > 1) or _outside(parent):
            break
        node = parent
        if with_price:
            price = _prices_after(node, title, default_currency, seen)
            if price is not None:
                break
    return node, price, seen


#: What a bare ``$`` / ``¥`` / ``kr`` means on a shop of this country (the address's top-level domain).
_TLD_CURRENCY = {"tw": "TWD", "hk": "HKD", "sg": "SGD", "ca": "CAD", "au": "AUD", "nz": "NZD", "mx": "MXN",
                 "cl": "CLP", "ar": "ARS", "co": "COP", "uy": "UYU", "jp": "JPY", "cn": "CNY", "se": "SEK",
                 "dk": "DKK", "no": "NOK", "is": "ISK"}


def currency_of_site(url: str) -> str | None:
    """The currency a bare ``$`` / ``¥`` means on the shop at ``url``, from its country domain (``.tw``: TWD)."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    return _TLD_CURRENCY.get(host.rsplit(".", 1)[-1])


def find_region(tree: HTMLParser, page_titles: list[str], default_currency: str | None = None,
                title: Node | None = None) -> Region | None:
    """The title and the smallest block around it (``MAX_LEVELS`` up at most) that shows a price; the
    title's block ``MAX_LEVELS`` up when none does."""
    title = title or find_title(tree, page_titles)
    if title is None:
        return None
    node, price, _ = _climb(title, default_currency, with_price=True)
    return Region(title_node=title, node=node, price=None if price is RANGE else price)


def find_block(tree: HTMLParser, page_titles: list[str], title: Node | None = None) -> Region | None:
    """The title's block ``MAX_LEVELS`` up (no price read): where a price element may be this product's."""
    title = title or find_title(tree, page_titles)
    if title is None:
        return None
    return Region(title_node=title, node=_climb(title, None, with_price=False)[0])
