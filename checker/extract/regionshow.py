"""What the product's region of a page shows (``region.py`` finds it): its main image (not an icon,
a rating star or a thumbnail), its availability (short texts such as 有货 / 缺货 / In stock / Sold out, or
its add-to-cart button), and the Product a page without structured data gives (``extracted_from="text"``)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode as Node

from checker.extract.region import (
    _SKIP_TAGS,
    _TITLE_HINT,
    MAX_LEVELS,
    Region,
    _names,
    _outside,
    _outside_within,
    shown_text,
)
from checker.extract.resolve import _urljoin
from checker.extract.values import AVAILABILITY_WORDS, clean_text
from checker.models import Availability, Image, Product, ShownPrice

_ICON = re.compile(r"star|rating|icon|logo|sprite|badge|spinner|loading|pixel|spacer|blank|transparent|avatar|"
                   r"flag|arrow|button|btn|banner|placeholder|grey-pixel|\.svg\b",
                   re.IGNORECASE)
_CART = re.compile(
    r"add.{0,3}to.{0,3}(?:cart|basket|bag)|buy.?now|buy[_-]?(?:button|process)|btn[_-]?(?:buy|cart)|cart[_-]?button|"
    r"加入购物车|加入購物車|立即购买|立即購買|购买|購買|放入購物車|"
    r"in den (?:warenkorb|einkaufswagen)|ajouter au panier|añadir al carrito|agregar al carrito|aggiungi al carrello|"
    r"adicionar ao carrinho|dodaj do koszyka|do košíka|do košíku|в корзину|カートに入れる|장바구니|sepete ekle|"
    r"in winkelwagen|lisää ostoskoriin|lägg i varukorgen|læg i kurv|legg i handlekurven|kosárba",
    re.IGNORECASE,
)
#: An image marked as the main one (by class, id or attribute name).
_MAIN_IMAGE = re.compile(r"main|landing|primary|hero|zoom|hires|large|booth|big", re.IGNORECASE)
#: A thumbnail's URL (``_SS36_``, ``50x50``).
_THUMBNAIL = re.compile(r"_S[SXYL][1-9]\d_|(?<!\d)[1-9]\dx[1-9]\d(?!\d)")
#: Availability words that name it in a shopper's sentence ("in stock", 有货; not the schema.org "instock").
_STOCK_WORDS = [(a, re.compile("|".join(re.escape(w) for w in words if " " in w or not w.isascii())))
                for a, words in AVAILABILITY_WORDS]


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
    """What a button says: its text, value, alt and title (``<input type=image alt="Add to Cart">``), id,
    class (``<a class="buy_button">``) and a script link's call (``href="javascript:buy_process(...)"``)."""
    href = attrs.get("href") or ""
    return " ".join([text, *(attrs.get(name) or "" for name in ("value", "alt", "title", "id", "class")),
                     href if href.startswith("javascript:") else ""])


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
            if words.search(text) and not _outside_within(node, scope):
                return availability
    return cart or Availability.UNKNOWN


def is_product_region(region: Region, og_type: str = "") -> bool:
    """The region is a product's: its title is marked as one (``productTitle``), the page's OpenGraph type
    says so, or it has an add-to-cart button; never on a page whose OpenGraph type is an article's.  A price near a heading is not enough: articles quote
    prices ("$1 IoT boards") under their headline."""
    og = og_type.lower()
    if og in ("article", "blog", "profile") or og.startswith(("video.", "music.")):
        return False  # the page says what it is
    return bool(_TITLE_HINT.search(_names(region.title_node))) or "product" in og or og.endswith(":item") or (
        _has_cart(region))


def _has_cart(region: Region) -> bool:
    """An add-to-cart / buy-now control in the region or up to ``MAX_LEVELS`` above the title."""
    node, levels = region.node, 0
    while True:
        for control in node.css("button, input, a"):
            if _CART.search(_control_label(control.text(), control.attributes)) and not _outside_within(control, node):
                return True
        parent = node.parent
        levels += 1
        if levels >= MAX_LEVELS or parent is None or parent.tag in ("body", "html") or _outside(parent):
            return False
        node = parent


def product_from_region(region: Region, url: str, base: str) -> Product:
    """The product a page without structured data shows in its region (``extracted_from="text"``)."""
    price = currency = None
    shown = []
    if region.price is not None:
        price, currency, text = region.price
        shown.append(ShownPrice(source="visible", amount=price, currency=currency, text=text[:60]))
    return Product(
        url=url,
        sku=region_sku(region),
        title=clean_text(shown_text(region.title_node)),
        price=price,
        currency=currency,
        images=region_images(region, base),
        availability=region_availability(region),
        extracted_from="text",
        shown_prices=shown,
    )



#: A labelled item number in the product's region: "SKU: X", "Item #: X", "Art.-Nr. X", "货号：X".  A model
#: or part number (型号, MPN, a French "Référence" in a spec table) is the maker's, not the shop's: left out.
_SKU_LABELLED = re.compile(
    r"^(?:sku|item\s*(?:#|no\.?|number)|product\s*(?:code|no\.?|number)|art(?:ikel)?\.?\s*-?\s*nr\.?|artikelnummer|"
    r"货号|貨號|商品编号|商品編號|商品编码|商品編碼|商品货号|商品貨號|品號)"
    r"\s*[:：#.]?\s*([A-Za-z0-9][\w\-./]{2,40})$",
    re.IGNORECASE,
)


def region_sku(region: Region) -> str | None:
    """The item number the region labels as such (short texts only, nearest the title first)."""
    node, levels = region.node, 0
    while True:
        for inner in node.traverse():
            raw = inner.text()
            if inner.tag in _SKIP_TAGS or len(raw) > 80 or not _SKU_LABELLED.match(clean_text(raw)):
                continue  # lexbor's text first; the shopper's text (no script / style) only for a match
            match = _SKU_LABELLED.match(clean_text(shown_text(inner)))
            if match and not _outside_within(inner, node):
                return match.group(1)
        parent = node.parent
        levels += 1
        if levels >= MAX_LEVELS or parent is None or parent.tag in ("body", "html") or _outside(parent):
            return None
        node = parent
