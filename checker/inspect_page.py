"""``checker inspect URL`` for a page: what the extractor read, field by field, and where each value came
from (JSON-LD, microdata, OpenGraph, the configured selectors, the product's region of the page), with
the other sources' values where they differ.  Ops use it to see why a page was judged as it was.

The extraction is the audit's own (``extract_page``); the sources are then read one by one again only
to say which of them gave each value."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from checker.config import Config
from checker.decoding.decoder import decode_html
from checker.extract import extract_page
from checker.extract.jsonld import find_products, parse_block, product_from_jsonld
from checker.extract.meta import OpenGraph
from checker.extract.microdata import product_from_microdata
from checker.extract.page import ExtractedPage, _PageNodes, _parse_tree
from checker.extract.region import find_region
from checker.extract.regionshow import product_from_region
from checker.extract.visible import _Visible
from checker.models import Product

#: Fields shown, in order; each source's value is compared as text.
FIELDS = ("sku", "title", "brand", "price", "list_price", "currency", "availability", "image", "description")
SOURCE_NAMES = {"jsonld": "JSON-LD", "microdata": "microdata", "opengraph": "OpenGraph", "selectors": "selector",
                "text": "text (product region)"}


def _value(product: Product | Any, field: str) -> str:
    if product is None:
        return ""
    if field == "image":
        images = getattr(product, "images", None) or []
        return images[0].url if images else ""
    value = getattr(product, field, None)
    if value is None:
        return ""
    value = getattr(value, "value", value)  # Availability
    return "" if value == "Unknown" else str(value)


def _sources(html: str | bytes, url: str, config: Config) -> dict[str, Any]:
    """Each source's own reading of the page (None where it reads nothing)."""
    tree = _parse_tree(html)
    nodes = _PageNodes(tree)
    found: dict[str, Any] = {"jsonld": None, "microdata": product_from_microdata(tree, url), "opengraph": None,
                             "selectors": None, "text": None}
    for script in nodes.jsonld:
        data, _ = parse_block(script.text(deep=True))
        products = find_products(data) if data is not None else []
        if products:
            found["jsonld"] = product_from_jsonld(products[0], url)
            break
    graph = OpenGraph(nodes.meta_properties)
    found["opengraph"] = graph.product(url, url)
    title = nodes.title.text() if nodes.title is not None else ""
    titles = [title, graph.values.get("title", "")]
    found["selectors"] = _Visible(tree, config.extract.selectors, url, "")
    region = find_region(tree, titles)
    found["text"] = product_from_region(region, url, url) if region is not None else None
    return found


def describe(page: ExtractedPage, html: str | bytes, url: str, config: Config | None = None) -> dict[str, Any]:
    """The page's product field by field: ``{field: {"value", "source", "others": {source: value}}}``."""
    config = config or Config()
    product = page.product
    out: dict[str, Any] = {"url": url, "title": page.title, "product_found": product is not None,
                           "extracted_from": product.extracted_from if product else "",
                           "unread_product": page.unread_product, "structured_data_errors": page.structured_data_errors,
                           "fields": {}, "shown_prices": []}
    if product is None:
        return out
    sources = _sources(html, url, config)
    for field in FIELDS:
        value = _value(product, field)
        readings = {name: _value(src, field) for name, src in sources.items() if src is not None}
        given = [name for name, v in readings.items() if v and v == value]
        source = (product.extracted_from if product.extracted_from in given else given[0]) if given else ""
        others = {SOURCE_NAMES[n]: v for n, v in readings.items() if v and v != value}
        out["fields"][field] = {"value": value, "source": SOURCE_NAMES.get(source, source) if value else "",
                                "others": others}
    out["shown_prices"] = [{"source": p.source, "kind": p.kind, "amount": str(p.amount) if p.amount is not None else None,
                            "currency": p.currency, "text": p.text} for p in product.shown_prices]
    return out


def render(info: dict[str, Any]) -> str:
    """The description as text for a terminal."""
    lines = [info["url"], f"  page title: {info['title']}"]
    if not info["product_found"]:
        why = info["unread_product"]
        lines.append("  no product read" + (f": looks like a product page ({why}), price and wording not checked"
                                            if why else " (not a product page)"))
        lines += [f"  JSON-LD error: {e}" for e in info["structured_data_errors"]]
        return "\n".join(lines)
    lines.append(f"  product read from: {SOURCE_NAMES.get(info['extracted_from'], info['extracted_from'])}")
    width = max(len(f) for f in FIELDS)
    for field, got in info["fields"].items():
        value = got["value"] or "-"
        shown = value if len(value) <= 90 else value[:87] + "..."
        source = f"  [{got['source']}]" if got["source"] else ""
        lines.append(f"  {field:<{width}}  {shown}{source}")
        for other, v in got["others"].items():
            lines.append(f"  {'':<{width}}    {other} says: {v if len(v) <= 80 else v[:77] + '...'}")
    if info["shown_prices"]:
        lines.append("  prices by source:")
        for p in info["shown_prices"]:
            lines.append(f"    {p['source']:<10} {p['kind']:<11} {p['amount'] or '?'} {p['currency'] or ''}  {p['text']}")
    lines += [f"  JSON-LD error: {e}" for e in info["structured_data_errors"]]
    return "\n".join(lines)


async def _fetch(url: str, config: Config) -> tuple[str, bytes, str]:
    """(final URL, body, content type) of a page, fetched as the crawl fetches it."""
    import aiohttp

    from checker.crawl.fetch import FetchPolicy, fetch

    cfg = config.crawl
    policy = FetchPolicy(max_redirects=cfg.max_redirects, max_body_bytes=cfg.max_body_bytes, retries=cfg.retries,
                         allow_other_hosts=cfg.allow_offhost_redirects)
    timeout = aiohttp.ClientTimeout(total=cfg.timeout, connect=cfg.connect_timeout, sock_read=cfg.read_timeout)
    async with aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": cfg.user_agent}) as session:
        result, body = await fetch(session, url, policy)
    if result.error or body is None:
        raise OSError(result.error or f"HTTP {result.status}")
    if result.status is not None and result.status >= 400:
        raise OSError(f"HTTP {result.status}")
    return result.final_url or url, body.data, body.headers.get("content-type", "")


def load(source: str, config: Config) -> tuple[str, str | bytes, str]:
    """(URL, HTML, content type) of an http(s) URL or a saved HTML file (``.html`` / ``.html.gz``)."""
    if source.startswith(("http://", "https://")):
        url, data, content_type = asyncio.run(_fetch(source, config))
    else:
        path = Path(source)
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        url, content_type = path.resolve().as_uri(), "text/html"
    html, _charset = decode_html(data, content_type)
    return url, html, content_type


def looks_like_page(source: str) -> bool:
    """An http(s) URL that does not name an export file by its extension."""
    if not source.startswith(("http://", "https://")):
        return False
    path = source.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1].lower()
    return not path.endswith((".csv", ".tsv", ".txt", ".xlsx", ".xls", ".json", ".jsonl", ".ndjson", ".xml"))


def show(url: str, html: str | bytes, fmt: str = "text", config: Config | None = None) -> str:
    """What ``checker inspect`` prints for a page already loaded."""
    config = config or Config()
    info = describe(extract_page(html, url, config), html, url, config)
    return json.dumps(info, ensure_ascii=False, indent=2) if fmt == "json" else render(info)
