"""The page walk: one HTML page -> what the rules need: a Product (if any), links and resources.

Order of trust for the product: schema.org JSON-LD (``jsonld.py``), then microdata
(``microdata.py``), then the configurable CSS selectors (``visible.py``).  What shoppers *see*
(visible description, banners, labels, detail images, specs table) is always read from the HTML
as well, because that is what the ad-law and spec rules must screen.  selectolax does the
parsing; BeautifulSoup is the fallback only when selectolax cannot build a tree.

This runs for every crawled page (``benchmarks/bench_extract.py`` measures it).  Every CSS query
walks the whole DOM, so the fixed elements come from one query (``_PageNodes``), sorted in Python
into what one query per element kind would find, down to lexbor's own matching rules; the
configured selectors run only when their value is used (``_Visible``), and URL joins are
remembered per origin (``resolve.py``).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from checker.config import Config
from checker.extract.jsonld import find_products, parse_block, product_from_jsonld
from checker.extract.meta import OpenGraph, add_opengraph
from checker.extract.microdata import product_from_microdata
from checker.extract.region import (
    Region,
    currency_of_site,
    find_block,
    find_region,
    find_title,
    shown_text,
)
from checker.extract.regionshow import is_product_region, product_from_region, region_availability, region_sku
from checker.extract.resolve import _base_url, _Joiner, _urljoin
from checker.extract.unread import unread_product_signal
from checker.extract.values import _tag_ids, clean_text
from checker.extract.visible import _merge, _Visible
from checker.models import Availability, Link, Product, Resource, ShownPrice


@dataclass
class ExtractedPage:
    product: Product | None = None
    title: str = ""
    canonical: str | None = None
    links: list[Link] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    structured_data_errors: list[str] = field(default_factory=list)
    #: Why the page looks like a product page although no product could be read from it ("" when it
    #: does not): then neither its price nor its wording was checked (PR007 says so).
    unread_product: str = ""


_A, _TITLE, _BASE, _META, _SCRIPT, _LINK = _tag_ids("a", "title", "base", "meta", "script", "link")


# ---------------------------------------------------------------- the fixed elements
#: Sub-resource kinds in the order they are listed.
_RESOURCE_ORDER = ("img", "script", "stylesheet", "iframe", "media")
#: Resource kind by tag id of img, iframe, video, audio and source, whose ``src`` is the whole
#: story (script and link need a closer look).
_SRC_KINDS = dict(zip(_tag_ids("img", "iframe", "video", "audio", "source"),
                      ("img", "iframe", "media", "media", "media"), strict=True))

#: Every element extract_page reads outside the configured selectors, as one selector list that
#: lexbor answers in one walk of the page.  ``_PageNodes`` sorts the matches into what these eleven
#: queries would find: title, base[href], link[rel=canonical][href], meta[name=description], the
#: JSON-LD scripts, a[href], img[src], script[src], link[rel~=stylesheet][href], iframe[src],
#: video/audio/source[src] (a query costs per part and element, so the tags are told apart in Python).
_PAGE_SELECTOR = '[href], [src], title, meta[name="description"], meta[property], script[type="application/ld+json"]'
_CSS_WHITESPACE = re.compile("[ \t\n\f\r]+")


class _PageNodes:
    """The elements of ``_PAGE_SELECTOR``, sorted by what they are for, each list in page order.

    lexbor lists an element once per part of the list it matches, and says nothing of which, so
    the checks those eleven queries would make by CSS are made here, as lexbor makes them:
    ``rel`` and ``type`` values are compared ASCII-case-insensitively (``str.lower`` agrees on
    these values), ``name`` exactly, and ``~=`` splits on CSS whitespace."""

    def __init__(self, tree: HTMLParser) -> None:
        self.title: Node | None = None
        self.base: Node | None = None
        self.canonical: Node | None = None
        self.meta_description: Node | None = None
        self.meta_properties: list[Node] = []
        self.jsonld: list[Node] = []
        self.anchors: list[Node] = []  # an <a> with src too comes twice: the link is deduplicated anyway
        self.resources: dict[str, list[Node]] = {kind: [] for kind in _RESOURCE_ORDER}
        seen: set[int] = set()
        for node in tree.css(_PAGE_SELECTOR):
            tag = node.tag_id
            if tag == _A:
                self.anchors.append(node)  # no href: its link is empty and skipped, as a[href] would not match it
            elif tag == _TITLE:
                if self.title is None:
                    self.title = node
            elif tag == _BASE:
                if self.base is None and _has_href(node, node.attributes):
                    self.base = node
            elif tag == _META:
                attrs = node.attributes
                if self.meta_description is None and attrs.get("name") == "description":
                    self.meta_description = node
                if "property" in attrs and node.mem_id not in seen:  # OpenGraph (meta.py)
                    seen.add(node.mem_id)
                    self.meta_properties.append(node)
            elif tag in _SRC_KINDS or tag in (_SCRIPT, _LINK):
                if node.mem_id in seen:
                    continue
                seen.add(node.mem_id)
                if tag == _SCRIPT:
                    attrs = node.attributes
                    if "src" in attrs:
                        self.resources["script"].append(node)
                    if (attrs.get("type") or "").lower() == "application/ld+json":
                        self.jsonld.append(node)
                elif tag == _LINK:
                    self._link(node)
                else:  # one that came by [href] alone has no src: skipped later, as [src] would not match it
                    self.resources[_SRC_KINDS[tag]].append(node)

    def _link(self, node: Node) -> None:
        attrs = node.attributes
        if not _has_href(node, attrs):
            return
        rel = attrs.get("rel") or ""
        if rel.lower() == "canonical":
            if self.canonical is None:
                self.canonical = node
        elif any(word.lower() == "stylesheet" for word in _CSS_WHITESPACE.split(rel)):
            self.resources["stylesheet"].append(node)


def _has_href(node: Node, attrs: dict[str, str | None]) -> bool:
    """Whether CSS ``[href]`` matches the element.  lexbor also counts an SVG or MathML
    ``xlink:href``, which ``attributes`` keeps under that name; a plain HTML attribute of that name
    does not count, so lexbor decides that rare case (the element, if it matches, comes first)."""
    if "href" in attrs:
        return True
    if "xlink:href" not in attrs:
        return False
    first = node.css_first("[href]")
    return first is not None and first.mem_id == node.mem_id


class _RegionOf:
    """The product's region of the page (``region.py``), found the first time it is asked for: pages
    with structured data mostly never need it.  ``block()`` is the cheaper title's block, without
    reading prices: what the selectors' price elements are held to."""

    def __init__(self, tree: HTMLParser, titles: list[str], currency: str | None = None) -> None:
        self.tree, self.titles, self.currency = tree, titles, currency
        self._title: Node | None | bool = False
        self._region: Region | None | bool = False
        self._block: Region | None | bool = False

    def title(self) -> Node | None:
        if self._title is False:
            self._title = find_title(self.tree, self.titles)
        return self._title

    def __call__(self) -> Region | None:
        if self._region is False:
            title = self.title()
            self._region = (find_region(self.tree, self.titles, self.currency, title=title)
                            if title is not None else None)
        return self._region

    def block(self) -> Region | None:
        if self._block is False:
            title = self.title()
            self._block = find_block(self.tree, self.titles, title=title) if title is not None else None
        return self._block


def _with_region_price(product: Product, region: Region | None) -> Product:
    """The product with the price its page region shows (kept as a visible price too), if any."""
    if region is None or region.price is None:
        return product
    amount, currency, text = region.price
    shown = ShownPrice(source="visible", amount=amount, currency=currency, text=text[:60])
    return product.model_copy(update={"price": amount, "currency": product.currency or currency,
                                      "shown_prices": [*product.shown_prices, shown]})


def _fill_from_region(product: Product, region: Region) -> Product:
    """What the product's region says that no other source did: its item number ("Item #: T9F432251"),
    its availability (有货 / Sold out / an add-to-cart button)."""
    update: dict = {}
    if not product.sku:
        sku = region_sku(region)
        if sku:
            update["sku"] = sku
    if product.availability == Availability.UNKNOWN:
        availability = region_availability(region)
        if availability != Availability.UNKNOWN:
            update["availability"] = availability
    return product.model_copy(update=update) if update else product


def _parse_tree(html: str | bytes) -> HTMLParser:
    tree = HTMLParser(html)
    if tree.body is None and tree.head is None:  # selectolax gave up: let the lenient parser repair it
        from bs4 import BeautifulSoup

        text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
        tree = HTMLParser(str(BeautifulSoup(text, "html.parser")))
    return tree


def extract_page(html: str | bytes, url: str, config: Config | None = None, *,
                 labelled: Container[str] = ()) -> ExtractedPage:
    """Parse one page.  Never raises for bad HTML or bad JSON-LD: problems go into the result.

    ``html`` as bytes must be UTF-8: the parser reads UTF-8, so a str is encoded first.

    ``labelled``: link URLs whose text the caller already has (a crawl labels each link target
    once); their ``Link.text`` is left empty, so the text of the ~100 nav links a shop repeats on
    every page is not read again."""
    sel = (config or Config()).extract.selectors
    tree = _parse_tree(html)
    nodes = _PageNodes(tree)
    result = ExtractedPage()
    base = _base_url(url, nodes.base)
    result.title = clean_text(nodes.title.text()) if nodes.title is not None else ""
    canonical = nodes.canonical
    if canonical is not None:  # an SVG <link> may have matched [href] by its xlink:href
        attrs = canonical.attributes
        result.canonical = _urljoin(base, attrs.get("href") or attrs.get("xlink:href") or "")

    structured: Product | None = None
    for index, script in enumerate(nodes.jsonld, start=1):
        data, error = parse_block(script.text(deep=True))
        if error:
            result.structured_data_errors.append(f"block {index}: {error}")
            continue
        products = find_products(data)
        if products and structured is None:
            structured = product_from_jsonld(products[0], url)
    if structured is None:
        structured = product_from_microdata(tree, url)
    graph = OpenGraph(nodes.meta_properties)
    region = _RegionOf(tree, [result.title, graph.values.get("title", "")], currency_of_site(url))
    if structured is not None and structured.price is None:
        # Structured data without a price: what the product's region shows, before OpenGraph's
        # (often stale or before tax) and before a generic price selector.
        structured = _with_region_price(structured, region())
    og_only = None  # OpenGraph tags on a page without structured data
    if structured is not None:
        structured = add_opengraph(structured, graph, url, base)
    else:
        og_only = add_opengraph(None, graph, url, base)
        if og_only is not None and og_only.price is not None:  # a priced og product is the product
            structured, og_only = og_only, None
    meta = nodes.meta_description
    meta_description = clean_text(meta.attributes.get("content")) if meta is not None else ""
    # The selectors' price elements are held to the product's region: the one found by reading prices
    # where their price may become the product's, the cheaper title's block where it is only compared
    # with the structured data's (PR001).
    priced = structured is not None and structured.price is not None
    visible = _Visible(tree, sel, base, meta_description, region.block if priced else region)
    if structured is None and visible.sku is None and visible.price is None:
        # No structured data, nothing by the selectors: what the product's region shows, else the
        # OpenGraph tags' product without a price.
        found = region()
        if found is not None and is_product_region(found, graph.values.get("type", "")):
            structured = product_from_region(found, url, base)
        elif og_only is not None and og_only.title:
            structured = og_only
    if structured is not None and structured.extracted_from == "opengraph" and region.title() is not None:
        # og:title is a share text ("€97.39 40% OFF|..."): the page's own heading names the product
        structured = structured.model_copy(update={"title": clean_text(shown_text(region.title()))})
    result.product = _merge(structured, visible, url)
    if result.product is not None and region.title() is not None:
        # nearest the title first, growing up from its parent (no need to read prices for that)
        title = region.title()
        near = region._region or Region(title_node=title, node=title.parent or title)
        result.product = _fill_from_region(result.product, near)
    if result.product is None:
        result.unread_product = unread_product_signal(tree, url, graph.values.get("type", ""), result.structured_data_errors)

    join = _Joiner(base)
    link_to, links, seen_links = join.link, result.links, set()  # ~120 anchors a page: locals
    for a in nodes.anchors:
        target = link_to(a.attributes.get("href"))
        if target is not None and target not in seen_links:
            seen_links.add(target)
            links.append(Link(target, "" if target in labelled else clean_text(a.text(separator=" "))[:200]))
    for kind, elements in nodes.resources.items():
        attr = "href" if kind == "stylesheet" else "src"
        for node in elements:
            src = (node.attributes.get(attr) or "").strip()
            if src and not src.startswith("data:"):
                result.resources.append(Resource(join(src), kind))
    return result
