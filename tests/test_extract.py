"""Extraction: lenient JSON-LD chain, microdata scoping, CSS-selector fallback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checker.extract import extract_page, parse_price
from checker.extract.jsonld import parse_block
from checker.models import Availability

PRODUCT = '{"@context": "https://schema.org", "@type": "Product", "name": "乌龙茶", "sku": "TW-1"}'


@pytest.mark.parametrize(
    "block",
    [
        PRODUCT,
        f"//<![CDATA[\n{PRODUCT}\n//]]>",
        PRODUCT.replace('"sku"', '/* theme v2 */ "sku"'),
        PRODUCT.replace('"TW-1"}', '"TW-1",}'),
        PRODUCT.replace("乌龙茶", "乌龙\t茶"),
        PRODUCT.replace('"', "&quot;"),
        f"<!--\n{PRODUCT}\n-->",
    ],
    ids=["plain", "cdata", "comment", "trailing-comma", "raw-tab", "html-escaped", "html-comment"],
)
def test_messy_but_recoverable_blocks_parse(block):
    data, error = parse_block(block)
    assert error is None
    assert data["sku"] == "TW-1"


def test_broken_block_is_an_error_and_the_page_survives():
    html = f"""<html><head>
    <script type="application/ld+json">{{"@type": "Product" "name": }}}}</script>
    <script type="application/ld+json">{PRODUCT}</script></head>
    <body><h1>乌龙茶</h1></body></html>"""
    page = extract_page(html, "http://h/p/a.html")
    assert len(page.structured_data_errors) == 1 and page.structured_data_errors[0].startswith("block 1:")
    assert page.product is not None and page.product.sku == "TW-1"


def test_jsonld_offer_list_price_and_availability():
    html = """<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},
    {"@type":["Product"],"name":"Kettle","sku":"EN-9","brand":{"@type":"Brand","name":"Acme"},
     "image":[{"@type":"ImageObject","url":"/img/k.png","caption":"steel kettle"}],
     "offers":{"@type":"Offer","price":19.99,"priceCurrency":"USD","availability":"https://schema.org/PreOrder",
       "priceSpecification":[{"@type":"UnitPriceSpecification","priceType":"https://schema.org/ListPrice","price":"29.99"}]}}]}
    </script>"""
    p = extract_page(html, "http://h/p/k.html").product
    assert (p.sku, p.title, p.brand, p.price, p.list_price, p.currency) == (
        "EN-9", "Kettle", "Acme", Decimal("19.99"), Decimal("29.99"), "USD")
    assert p.availability is Availability.PRE_ORDER
    assert [(i.url, i.alt) for i in p.images] == [("http://h/img/k.png", "steel kettle")]


def test_microdata_nested_items_do_not_leak_into_product():
    html = """<div itemscope itemtype="https://schema.org/Product">
      <h1 itemprop="name">保溫瓶</h1><meta itemprop="sku" content="TW-BOT-1">
      <div itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">象印</span></div>
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <span itemprop="price" content="990">NT$990</span><meta itemprop="priceCurrency" content="TWD">
        <link itemprop="availability" href="https://schema.org/InStock"></div>
      <div itemprop="review" itemscope itemtype="https://schema.org/Review"><span itemprop="name">好用</span></div>
    </div>"""
    p = extract_page(html, "http://h/p/b.html").product
    assert (p.title, p.sku, p.brand, p.price, p.currency, p.availability) == (
        "保溫瓶", "TW-BOT-1", "象印", Decimal("990"), "TWD", Availability.IN_STOCK)


def test_selector_fallback_reads_visible_page():
    html = """<h1 class="product-title">云南普洱茶饼</h1><div data-sku="CN-TEA-9"></div>
    <span class="price-current">¥1,299.00</span><del class="price-original">¥1,599.00</del>
    <div class="stock-status">缺货</div><div class="notice">临期商品：到期日 2026-12-20</div>
    <table class="specs"><tr><td>净含量</td><td>357g</td></tr></table>
    <div class="product-gallery"><img src="/img/tea.png" alt="普洱茶饼"></div>"""
    p = extract_page(html, "http://h/p/t.html").product
    assert (p.title, p.sku, p.price, p.list_price, p.currency) == (
        "云南普洱茶饼", "CN-TEA-9", Decimal("1299.00"), Decimal("1599.00"), "CNY")
    assert p.availability is Availability.OUT_OF_STOCK
    assert p.specs == {"净含量": "357g"} and p.labels == ["临期商品：到期日 2026-12-20"]
    assert p.extracted_from == "selectors"


def test_page_without_product_has_links_and_resources():
    html = """<base href="http://h/shop/"><a href="p/a.html#reviews">A</a><a href="mailto:x@y">m</a>
    <img src="img/x.png"><script src="http://cdn.example.com/t.js"></script>
    <link rel="stylesheet" href="/s.css"><img src="data:image/png;base64,AAAA">"""
    page = extract_page(html, "http://h/index.html")
    assert page.product is None
    assert [link.url for link in page.links] == ["http://h/shop/p/a.html"]
    assert [(r.kind, r.url) for r in page.resources] == [
        ("img", "http://h/shop/img/x.png"), ("script", "http://cdn.example.com/t.js"), ("stylesheet", "http://h/s.css")]


@pytest.mark.parametrize("text,amount,currency", [
    ("¥1,299.00", "1299.00", "CNY"), ("1299元", "1299", "CNY"), ("NT$990", "990", "TWD"),
    ("$19.99", "19.99", "USD"), ("129.00", "129.00", None), (42, "42", None),
])
def test_parse_price(text, amount, currency):
    assert parse_price(text) == (Decimal(amount), currency)


def test_image_repeated_in_gallery_and_jsonld_is_merged_once():
    html = """<script type="application/ld+json">{"@type": "Product", "name": "A", "sku": "A-1", "image": ["/a.png"]}
    </script><div class="product-gallery"><img src="/a.png" alt="front"><img src="/a.png" alt="front again"></div>"""
    p = extract_page(html, "http://h/p/a.html").product
    assert [(i.url, i.alt) for i in p.images] == [("http://h/a.png", "front")]


# ---------------------------------------------------------------- markup that used to lose the page
@pytest.mark.parametrize(
    "html, check",
    [
        # an SVG <link> matches [href] by its xlink:href: that is its canonical
        ('<svg><link rel="canonical" xlink:href="/c.html"/></svg>', lambda p: p.canonical == "http://h/c.html"),
        # JSON-LD captions that are objects or lists, and a number as an image URL
        ('<script type="application/ld+json">{"@type": "Product", "sku": "A", "image": [{"url": "/a.png", '
         '"caption": {"@value": "正面"}}, {"url": "/b.png", "caption": ["背面"]}, {"url": 5}]}</script>',
         lambda p: [(i.url, i.alt) for i in p.product.images]
         == [("http://h/a.png", "正面"), ("http://h/b.png", "背面"), ("http://h/p/5", "")]),
        # an image URL that does not parse is kept as written, so checking it reports it broken
        ('<div class="product-gallery"><img src="http://[bad/a.png"></div><span data-sku="S1"></span>',
         lambda p: p.product.sku == "S1" and [i.url for i in p.product.images] == ["http://[bad/a.png"]
         and p.resources == [("http://[bad/a.png", "img")]),
        # a link whose host or port does not parse leads nowhere; the good one is kept
        ('<a href="http://[bad/">x</a><a href="http://h:port/">y</a><a href="//[v6/">z</a><a href="/ok">ok</a>',
         lambda p: [link.url for link in p.links] == ["http://h/ok"]),
        # a <base href> that does not parse is ignored
        ('<base href="http://[bad/"><a href="x.html">x</a>', lambda p: [link.url for link in p.links] == ["http://h/p/x.html"]),
        # a <base href> whose port does not parse: its root-relative links lead nowhere either
        ('<base href="http://h:99999/"><a href="/ok">ok</a><a href="http://h/fine">f</a>',
         lambda p: [link.url for link in p.links] == ["http://h/fine"]),
    ],
    ids=["svg-canonical", "caption-objects", "bad-image-url", "bad-link-urls", "bad-base", "bad-base-port"],
)
def test_malformed_markup_keeps_the_page(html, check):
    page = extract_page(f"<html><head></head><body>{html}</body></html>", "http://h/p/a.html")
    assert check(page)


def test_labelled_links_skip_their_text():
    html = '<html><body><a href="/p/b.html">乙</a><a href="/p/c.html">丙</a></body></html>'
    assert [tuple(link) for link in extract_page(html, "http://h/p/a.html").links] == [
        ("http://h/p/b.html", "乙"), ("http://h/p/c.html", "丙")]
    page = extract_page(html, "http://h/p/a.html", labelled={"http://h/p/b.html"})
    assert [tuple(link) for link in page.links] == [("http://h/p/b.html", ""), ("http://h/p/c.html", "丙")]


def test_utf8_bytes_parse_as_the_decoded_text():
    html = ('<html><head><title>頂級 乌龙茶</title></head><body><h1 class="product-title">頂級 乌龙茶</h1>'
            '<span data-sku="TW-1"></span><span class="price-current">¥99</span><a href="/p/b.html">乙</a></body></html>')
    as_text, as_bytes = extract_page(html, "http://h/p/a.html"), extract_page(html.encode(), "http://h/p/a.html")
    assert as_bytes.product.title == "頂級 乌龙茶" and as_bytes == as_text
