"""Why a page where no product could be read still looks like a product page (PR007 reports it:
its price and wording were not checked)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from checker.extract.region import _outside
from checker.extract.regionshow import _CART, _control_label
from checker.extract.values import clean_text

#: A product page's path: ``/products/<handle>``, ``/item/<id>``, ``/dp/<asin>``, ``item.htm?id=``, ``/p/<slug>.html``.
_PRODUCT_PATH = re.compile(r"/(?:products?|items?|goods|dp|gp/product)/[^/?#]+|/item\.html?\b|/p/[^/?#]+\.html?$",
                           re.IGNORECASE)


def unread_product_signal(tree: HTMLParser, url: str, og_type: str, jsonld_errors: list[str]) -> str:
    """Why a page where no product was read looks like a product page ("" when nothing says so): its
    OpenGraph type, a JSON-LD block that names a Product but cannot be parsed, its one add-to-cart
    button (a listing has many), or its address."""
    if "product" in og_type.lower() or og_type.lower().endswith(":item"):
        return f"og:type={og_type}"
    for script in tree.css('script[type="application/ld+json"]'):
        if jsonld_errors and re.search(r'"@type"\s*:\s*\[?\s*"(?:schema:|https?://schema\.org/)?product', script.text(),
                                       re.IGNORECASE):
            return "JSON-LD Product block that cannot be parsed"
    carts = [n for n in tree.css("button, input[type=submit], input[type=button], input[type=image]")
             if _CART.search(_control_label(clean_text(n.text()), n.attributes)) and not _outside(n)]
    if len(carts) == 1:
        return "add-to-cart button"
    path = url.split("://", 1)[-1]
    path = path[path.find("/"):] if "/" in path else ""
    if _PRODUCT_PATH.search(path.split("#", 1)[0].split("?", 1)[0]) or "item.htm" in path:
        return "product address"
    return ""
