"""Turn one HTML page into what the rules need: a Product (if any), links and resources.

Order of trust for the product: schema.org JSON-LD, then microdata, then the configurable CSS
selectors.  What shoppers *see* (visible description, banners, labels, detail images, specs
table) is always read from the HTML as well, because that is what the ad-law and spec rules
must screen.  selectolax does the parsing; BeautifulSoup is the fallback only when selectolax
cannot build a tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urljoin, urlsplit

from price_parser import Price
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from checker.config import Config, SelectorConfig
from checker.extract.jsonld import find_products, parse_block
from checker.models import Availability, Image, Link, Product, Resource, Variant

_WS = re.compile(r"\s+")

#: Wording that takes a product off the shelf (下架), in stock labels and in page notices alike.
DISCONTINUED_WORDS = ("discontinued", "已下架", "下架", "停售", "off shelf", "off-shelf", "no longer available")

AVAILABILITY_WORDS: list[tuple[Availability, tuple[str, ...]]] = [
    (Availability.DISCONTINUED, DISCONTINUED_WORDS),
    (Availability.OUT_OF_STOCK, ("outofstock", "out of stock", "sold out", "soldout", "缺货", "缺貨", "售罄", "无货",
                                 "無貨", "無庫存", "无库存", "暂时缺货")),
    (Availability.PRE_ORDER, ("preorder", "pre-order", "预售", "預售", "预购", "預購")),
    (Availability.IN_STOCK, ("instock", "in stock", "有货", "有貨", "现货", "現貨", "在售", "limitedavailability",
                             "onlineonly")),
]  # fmt: skip


@dataclass
class ExtractedPage:
    product: Product | None = None
    title: str = ""
    canonical: str | None = None
    links: list[Link] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    structured_data_errors: list[str] = field(default_factory=list)


class _Joiner:
    """``urljoin`` for one base URL, with a fast path for the common absolute and root-relative
    hrefs (pages carry hundreds of links; the general ``urljoin`` was the top cost per page)."""

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}"

    def __call__(self, href: str) -> str:
        if href.startswith(("http://", "https://")):
            return href
        if href.startswith("/") and not href.startswith("//") and "/." not in href:
            return self.origin + href
        return urljoin(self.base, href)


def clean_text(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def parse_availability(value: Any) -> Availability:
    text = clean_text(str(value or "")).lower().rsplit("/", 1)[-1]
    if not text:
        return Availability.UNKNOWN
    for availability, words in AVAILABILITY_WORDS:
        if any(w in text for w in words):
            return availability
    return Availability.UNKNOWN


def parse_price(value: Any) -> tuple[Decimal | None, str | None]:
    """``129``, ``"129.00"``, ``"¥1,299.00"``, ``"NT$990"`` -> (amount, ISO currency or None)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)), None
    text = clean_text(str(value))
    try:
        return Decimal(text), None
    except InvalidOperation:
        pass
    price = Price.fromstring(text)
    currency = None
    if price.currency:
        # The currency names ops keep in checker/sources/aliases.toml serve pages and exports alike.
        from checker.sources.values import currency_code

        try:
            currency = currency_code(price.currency)
        except ValueError:
            currency = None
    if currency is None and "元" in text:
        currency = "CNY"
    return price.amount, currency


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text_of(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return clean_text(str(value)) if value is not None else ""


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
                images.append(Image(url=urljoin(base, str(url)), alt=clean_text(item.get("caption") or item.get("name"))))
        elif isinstance(item, str) and item.strip():
            images.append(Image(url=urljoin(base, item.strip())))
    return images


def product_from_jsonld(node: dict, url: str) -> Product:
    offers = _offers(node)
    main = next((o for o in offers if "price" in o or "lowPrice" in o), offers[0] if offers else {})
    price, currency = parse_price(main.get("price", main.get("lowPrice")))
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
    return Product(
        url=url,
        sku=_text_of(node.get("sku") or node.get("productID") or node.get("mpn")) or None,
        title=_text_of(node.get("name")),
        description=clean_text(str(_first(node.get("description")) or "")),
        brand=_text_of(node.get("brand")),
        images=_images_from(node.get("image"), url),
        price=price,
        list_price=next((lp for lp in map(_list_price, offers) if lp is not None), None),
        currency=_text_of(main.get("priceCurrency")) or currency,
        specs=specs,
        availability=parse_availability(main.get("availability")),
        variants=variants,
        extracted_from="jsonld",
    )


# ---------------------------------------------------------------- microdata -> Product
def _itemprop_value(node: Node, base: str) -> str:
    attrs = node.attributes
    if "content" in attrs and attrs["content"] is not None:
        return clean_text(attrs["content"])
    tag = node.tag
    if tag in ("a", "link", "area"):
        return urljoin(base, attrs.get("href") or "")
    if tag in ("img", "audio", "video", "source", "iframe", "embed"):
        return urljoin(base, attrs.get("src") or "")
    if tag == "time" and attrs.get("datetime"):
        return attrs["datetime"] or ""
    if tag in ("data", "meter") and attrs.get("value"):
        return attrs["value"] or ""
    return clean_text(node.text(separator=" "))


def _owner(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and "itemscope" not in parent.attributes:
        parent = parent.parent
    return parent


def _props(scope: Node, base: str) -> dict[str, list[tuple[str, Node]]]:
    """itemprop name -> values that belong to *this* itemscope (not to nested items)."""
    out: dict[str, list[tuple[str, Node]]] = {}
    for node in scope.css("[itemprop]"):
        if _owner(node) is None or _owner(node).mem_id != scope.mem_id:
            continue
        for name in (node.attributes.get("itemprop") or "").split():
            value = "" if "itemscope" in node.attributes else _itemprop_value(node, base)
            out.setdefault(name, []).append((value, node))
    return out


def product_from_microdata(tree: HTMLParser, url: str) -> Product | None:
    scope = next(
        (n for n in tree.css("[itemscope][itemtype]") if re.search(r"schema\.org/Product\b", n.attributes.get("itemtype") or "")),
        None,
    )
    if scope is None:
        return None
    props = _props(scope, url)

    def one(name: str) -> str:
        return props.get(name, [("", None)])[0][0]

    price = list_price = None
    currency = None
    availability = Availability.UNKNOWN
    for _, offer_node in props.get("offers", []):
        offer = _props(offer_node, url)
        amount, symbol = parse_price((offer.get("price") or offer.get("lowPrice") or [("", None)])[0][0])
        if price is None:
            price = amount
            currency = (offer.get("priceCurrency") or [("", None)])[0][0] or symbol
            availability = parse_availability((offer.get("availability") or [("", None)])[0][0])
        for _, spec_node in offer.get("priceSpecification", []):
            spec = _props(spec_node, url)
            if "ListPrice" in (spec.get("priceType") or [("", None)])[0][0]:
                list_price = parse_price((spec.get("price") or [("", None)])[0][0])[0]
    brand_values = props.get("brand", [])
    brand = ""
    if brand_values:
        value, node = brand_values[0]
        brand = value or clean_text(node.text(separator=" "))
    images = [Image(url=v, alt=clean_text(n.attributes.get("alt"))) for v, n in props.get("image", []) if v]
    return Product(
        url=url,
        sku=one("sku") or one("productID") or one("mpn") or None,
        title=one("name"),
        description=one("description"),
        brand=brand,
        images=images,
        price=price,
        list_price=list_price,
        currency=currency or None,
        availability=availability,
        extracted_from="microdata",
    )


# ---------------------------------------------------------------- visible HTML
def _select_first(tree: HTMLParser, selector: str) -> Node | None:
    return tree.css_first(selector) if selector else None


def _visible(tree: HTMLParser, sel: SelectorConfig, url: str) -> dict[str, Any]:
    """Everything a shopper sees, by the configured CSS selectors."""
    out: dict[str, Any] = {}

    def text(selector: str) -> str:
        node = _select_first(tree, selector)
        return clean_text(node.text(separator=" ")) if node is not None else ""

    out["title"] = text(sel.title)
    out["subtitle"] = text(sel.subtitle)
    sku_node = _select_first(tree, sel.sku)
    if sku_node is not None:
        out["sku"] = clean_text(sku_node.attributes.get("data-sku") or sku_node.text())
    for key, selector, attr in (("price", sel.price, "data-price"), ("list_price", sel.list_price, "data-list-price")):
        node = _select_first(tree, selector)
        if node is not None:
            amount, currency = parse_price(node.attributes.get(attr) or node.text(separator=" "))
            out[key] = amount
            if currency and "currency" not in out:
                out["currency"] = currency
    cur = _select_first(tree, sel.currency)
    if cur is not None:
        out["currency"] = clean_text(cur.attributes.get("data-currency") or cur.text())
    desc = _select_first(tree, sel.description)
    if desc is not None:
        out["description"] = clean_text(desc.text(separator="\n"))
    avail = _select_first(tree, sel.availability)
    if avail is not None:
        out["availability"] = parse_availability(avail.attributes.get("data-availability") or avail.text())
    images = []
    for role, selector in (("main", sel.images), ("detail", sel.detail_images)):
        for node in tree.css(selector) if selector else []:
            src = node.attributes.get("src") or node.attributes.get("data-src")
            if src:
                images.append(Image(url=urljoin(url, src), alt=clean_text(node.attributes.get("alt")),
                                    title=clean_text(node.attributes.get("title")), role=role))
    out["images"] = images
    specs: dict[str, str] = {}
    for row in tree.css(sel.specs) if sel.specs else []:
        cells = row.css("th, td")
        if len(cells) >= 2:
            specs[clean_text(cells[0].text())] = clean_text(cells[1].text(separator=" "))
    out["specs"] = specs
    out["labels"] = [t for t in (clean_text(n.text(separator=" ")) for n in tree.css(sel.labels)) if t] if sel.labels else []
    out["banners"] = [t for t in (clean_text(n.text(separator=" ")) for n in tree.css(sel.banners)) if t] if sel.banners else []
    meta = tree.css_first('meta[name="description"]')
    out["meta_description"] = clean_text(meta.attributes.get("content")) if meta is not None else ""
    return out


def _merge(structured: Product | None, visible: dict[str, Any], url: str) -> Product | None:
    """Structured data wins for identity and price; the visible page fills gaps and adds what
    only shoppers see (banners, labels, detail images, alt texts)."""
    has_visible_product = bool(visible.get("sku") or visible.get("price") is not None)
    if structured is None and not has_visible_product:
        return None
    data = structured.model_dump() if structured else {"url": url, "extracted_from": "selectors"}
    for key in ("sku", "title", "price", "list_price", "currency"):
        if not data.get(key) and visible.get(key) not in (None, ""):
            data[key] = visible[key]
    # What shoppers read is the visible copy; structured text is the fallback.
    for key in ("description", "subtitle", "meta_description"):
        if visible.get(key):
            data[key] = visible[key]
    if data.get("availability", Availability.UNKNOWN) == Availability.UNKNOWN and visible.get("availability"):
        data["availability"] = visible["availability"]
    specs = dict(visible.get("specs") or {})
    specs.update(data.get("specs") or {})
    data["specs"] = specs
    data["labels"] = visible.get("labels", [])
    data["banners"] = visible.get("banners", [])
    images = [Image.model_validate(i) if isinstance(i, dict) else i for i in data.get("images") or []]
    by_url = {img.url: img for img in images}
    for img in visible.get("images", []):
        known = by_url.get(img.url)
        if known is None:
            images.append(img)
            by_url[img.url] = img
        elif not known.alt and (img.alt or img.title):
            updated = known.model_copy(update={"alt": img.alt, "title": img.title})
            images[images.index(known)] = updated
            by_url[img.url] = updated  # the same image may appear again further down the page
    data["images"] = images
    return Product.model_validate(data)


RESOURCE_SELECTORS = (
    ("img", "img[src]", "src"),
    ("script", "script[src]", "src"),
    ("stylesheet", 'link[rel~="stylesheet"][href]', "href"),
    ("iframe", "iframe[src]", "src"),
    ("media", "video[src], audio[src], source[src]", "src"),
)


def _parse_tree(html: str) -> HTMLParser:
    tree = HTMLParser(html)
    if tree.body is None and tree.head is None:  # selectolax gave up: let the lenient parser repair it
        from bs4 import BeautifulSoup

        tree = HTMLParser(str(BeautifulSoup(html, "html.parser")))
    return tree


def extract_page(html: str, url: str, config: Config | None = None) -> ExtractedPage:
    """Parse one page.  Never raises for bad HTML or bad JSON-LD: problems go into the result."""
    sel = (config or Config()).extract.selectors
    tree = _parse_tree(html)
    result = ExtractedPage()
    base_node = tree.css_first("base[href]")
    base = urljoin(url, base_node.attributes.get("href") or "") if base_node is not None else url
    title_node = tree.css_first("title")
    result.title = clean_text(title_node.text()) if title_node is not None else ""
    canonical = tree.css_first('link[rel="canonical"][href]')
    result.canonical = urljoin(base, canonical.attributes["href"] or "") if canonical is not None else None

    structured: Product | None = None
    for index, script in enumerate(tree.css('script[type="application/ld+json"]'), start=1):
        data, error = parse_block(script.text(deep=True))
        if error:
            result.structured_data_errors.append(f"block {index}: {error}")
            continue
        products = find_products(data)
        if products and structured is None:
            structured = product_from_jsonld(products[0], url)
    if structured is None:
        structured = product_from_microdata(tree, url)
    result.product = _merge(structured, _visible(tree, sel, base), url)

    join = _Joiner(base)
    seen_links: set[str] = set()
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        target = join(href).split("#", 1)[0]
        if target.startswith(("http://", "https://")) and target not in seen_links:
            seen_links.add(target)
            result.links.append(Link(url=target, text=clean_text(a.text(separator=" "))[:200]))
    for kind, selector, attr in RESOURCE_SELECTORS:
        for node in tree.css(selector):
            src = (node.attributes.get(attr) or "").strip()
            if src and not src.startswith("data:"):
                result.resources.append(Resource(url=join(src), kind=kind))
    return result
