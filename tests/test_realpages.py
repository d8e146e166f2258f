"""Extraction on real saved product pages (``tests/realpages``, sources in its MANIFEST.toml).

Each test names the page and what a shopper sees there; a value taken from outside the product's
own region of the page (a carousel, a sidebar, another format's tab, the basket) is a failure."""

from __future__ import annotations

import gzip
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from checker.extract import extract_page
from checker.extract.region import shown_text
from checker.models import Availability

HERE = Path(__file__).parent / "realpages"


def page(name: str) -> str:
    return gzip.decompress((HERE / f"{name}.html.gz").read_bytes()).decode("utf-8")


def product(name: str, html: str | None = None, url: str = "https://shop.example/p/1"):
    found = extract_page(html if html is not None else page(name), url).product
    assert found is not None, f"no product found on {name}"
    return found


@pytest.mark.parametrize("name", ["amazon-co-uk", "amazon-com", "amazon-es", "ogs-taobao", "ogs-tmall"])
def test_a_page_that_shows_no_single_price_of_its_product_gives_none(name):
    """Only carousels (£10.89 is another book), a series' bulk-buy box ($17.01), a sidebar (799.00) or
    other items of the shop (￥4499.00) show one price; the product's own is a range or absent."""
    assert product(name).price is None


@pytest.mark.parametrize(("name", "price", "currency"), [
    ("scrapely-samples_scraper_loadstore_0", "340.00", "GBP"),  # not "Basket Total: £0.00", not £235.00 below
    ("scrapely-samples_scraper_loadstore_1", "229.00", "GBP"),
    ("scrapely-samples_htmlpage_1", "579.99", "GBP"),  # not "RRP: £749.99", not the other TVs
    ("ms-amazon-gorilla", "12.48", "USD"),
    ("ms-amazon", "29.99", "USD"),  # not the struck $49.99
    ("ogs-smile", "15.98", "USD"),  # the selected format's, not the Kindle tab's $14.99
    ("ogs-etsy", "2.99", "USD"),
])
def test_a_page_without_structured_data_gives_the_price_of_its_product_region(name, price, currency):
    found = product(name)
    assert (found.price, found.currency) == (Decimal(price), currency)
    assert found.extracted_from == "text"


def test_the_main_image_is_the_product_not_a_thumbnail_or_a_rating_star():
    found = product("ms-amazon-gorilla")
    assert "91WVWYPWe5L" in found.images[0].url
    assert not any(re.search(r"star|sprite|_SS\d\d_", image.url) for image in found.images)


def test_availability_from_the_words_of_the_product_region():
    assert product("ms-amazon-gorilla").availability is Availability.IN_STOCK  # "In Stock."
    assert product("scrapely-samples_htmlpage_1").availability is Availability.IN_STOCK  # "In stock | Usually ..."


def test_opengraph_price_fills_what_microdata_lacks():
    found = product("ms-costco")  # microdata without a price; product:price:amount 329.99
    assert (found.price, found.currency, found.sku) == (Decimal("329.99"), "USD", "1275464")
    assert [(p.source, p.amount) for p in found.shown_prices] == [("opengraph", Decimal("329.99"))]


def test_a_disagreement_between_sources_is_kept():
    found = product("ms-etsy")  # JSON-LD 43.90 EUR, og 48,00 USD
    assert found.price == Decimal("43.90")
    assert {(p.source, p.amount, p.currency) for p in found.shown_prices} == {
        ("jsonld", Decimal("43.90"), "EUR"), ("opengraph", Decimal("48.00"), "USD")}


def test_opengraph_sale_price_when_the_structured_price_is_the_standard_one():
    found = product("ms-rejuvenation")  # JSON-LD 150.00 = og:price:standard_amount; product:price:amount 120.00
    assert (found.price, found.list_price) == (Decimal("120.00"), Decimal("150.00"))
    assert ("jsonld", Decimal("150.00")) in {(p.source, p.amount) for p in found.shown_prices}


def test_mpn_is_not_the_sku():
    assert product("ms-rejuvenation").sku is None  # its JSON-LD has "mpn": "A1686" and no sku


def test_an_opengraph_product_is_named_by_the_page_heading_not_its_share_text():
    found = product("ogs-aliexpress")  # og:title "€97.39 40% OFF|מקורי Apple iPhone SE ..."
    assert found.title.startswith("מקורי Apple iPhone SE")


def test_visible_description_leaves_out_script_and_style():
    html = page("ogs-aliexpress")
    node = LexborHTMLParser(html).css_first(".product-description, #description, .description")
    hidden = [" ".join(n.text().split())[:40] for n in node.css("script, style")]
    assert any(hidden)  # the page does carry code inside its description element
    description = product("ogs-aliexpress", html).description
    assert description.startswith("דגם:")
    assert not any(text and text in description for text in hidden)


def _jsonld_page(name: str, rewrite) -> str:
    """The real page with its Product JSON-LD block rewritten by ``rewrite`` (a dict -> JSON-LD data)."""
    html = page(name)
    match = re.search(r'(<script type="application/ld\+json">)(\{"@context":"http://schema.org","@type":"Product".*?)'
                      r"(</script>)", html, re.S)
    node = json.loads(match.group(2))
    return html[:match.start(2)] + json.dumps(rewrite(node)) + html[match.end(2):]


def _typed(node, new_type):
    return {**node, "@type": new_type}


@pytest.mark.parametrize("rewrite", [
    lambda n: _typed(n, "product"),
    lambda n: _typed(n, "schema:Product"),
    lambda n: _typed(n, "http://schema.org/Product"),
    lambda n: _typed(n, ["Product", "Thing"]),
    lambda n: {"@context": "http://schema.org", "@graph": [{"@type": "WebPage"}, n]},
    lambda n: {"@context": "http://schema.org", "@type": "ItemPage", "mainEntity": n},
    lambda n: {"@context": "http://schema.org", "@type": "AggregateRating", "ratingValue": 4.5, "itemReviewed": n},
    lambda n: {**n["offers"], "@context": "http://schema.org", "itemOffered": {k: v for k, v in n.items() if k != "offers"}},
], ids=["lower-case", "prefixed", "full-iri", "type-list", "graph", "main-entity", "item-reviewed", "item-offered"])
def test_jsonld_product_however_typed_or_nested(rewrite):
    """Wayfair's real Product block, written the ways other real sites write it."""
    found = product("ms-wayfair", _jsonld_page("ms-wayfair", rewrite))
    assert found.extracted_from == "jsonld"
    assert (found.sku, found.price, found.currency) == ("W005759888", Decimal("111.99"), "USD")
    assert "penhook-2047-wide-armchair" in found.images[0].url


def test_product_group_without_images_shows_its_variants_images():
    def group(n):
        variant = {**n, "@type": "Product"}
        return {"@context": "http://schema.org", "@type": "ProductGroup", "name": n["name"],
                "productGroupID": n["sku"], "hasVariant": [variant]}
    found = product("ms-wayfair", _jsonld_page("ms-wayfair", group))
    assert found.title == "Penhook 20.47'' Wide Armchair"
    assert found.images and "penhook-2047-wide-armchair" in found.images[0].url


def test_microdata_price_on_the_product_itself():
    """FYE's real microdata with the Offer's own itemscope removed, as themes write it."""
    html = page("extruct-og-product").replace(
        '<div itemprop="offers" itemscope itemtype="http://schema.org/Offer">', "<div>", 1)
    html = re.sub(r'<meta property="(?:og|product):[^"]*"[^>]*>', "", html)  # no OpenGraph to fall back on
    found = product("extruct-og-product", html)
    assert found.extracted_from == "microdata"
    assert (found.price, found.currency, found.availability) == (Decimal("17.99"), "USD", Availability.IN_STOCK)


def test_microdata_itemref_is_followed_but_not_into_other_items():
    found = product("extruct-product-ref")
    assert found.title == "Executive Anvil"  # not "REFERENCED PRODUCT" (an item of its own)
    assert (found.price, found.currency, found.sku) == (Decimal("119.99"), "USD", None)  # mpn 925872 is no SKU


def test_an_image_add_to_cart_button_makes_a_product_page_without_a_single_price():
    found = product("scrapely-samples_pageparsing_0")  # <input type=image alt="Add to Cart">; sizes "From £1,049.00"
    assert found.title.startswith("TEMPUR Deluxe-HD")
    assert found.price is None  # "From £1,049.00" is the cheapest size, not the price


def test_iframe_fallback_markup_is_not_visible_text():
    html = page("amazon-com-ansi")
    found = product("amazon-com-ansi", html)
    assert (found.title, found.price) == ("SainSmart 4-Channel Relay Module", Decimal("8.99"))
    iframe = LexborHTMLParser(html).css_first("iframe")
    assert "<script" in iframe.text()  # lexbor keeps the iframe's fallback markup as text
    assert "<script" not in shown_text(iframe.parent)


def zyte_page(key: str) -> tuple[str, str]:
    """(html, url) of a page of Zyte's benchmark shipped in tests/realpages/zyte."""
    truth = json.loads((HERE / "zyte" / "zyte.json").read_text("utf-8"))
    full = next(k for k in truth if k.startswith(key))
    html = gzip.decompress((HERE / "zyte" / f"{full}.html.gz").read_bytes()).decode("utf-8")
    return html, truth[full]["url"]


def test_ebay_recommendation_carousel_price_is_not_the_product_price():
    """The issue's own case: microdata without a price, a generic price selector matched a carousel's
    2220; the listing shows £12.99 beside its title."""
    html, url = zyte_page("2d3e52568d57")
    found = extract_page(html, url).product
    assert (found.price, found.currency) == (Decimal("12.99"), "GBP")
    assert all(p.amount != Decimal("2220") for p in found.shown_prices)


def test_struck_list_price_instalment_and_discount_rate_are_not_the_price():
    """PChome: 建議售價 <del>$420</del>, 每期 $ 98 (an instalment), 一次付清特價 7 折 294 元 (30 % off: 294)."""
    html, url = zyte_page("412fe668a36c")
    found = extract_page(html, url).product
    assert (found.price, found.currency) == (Decimal("294"), "TWD")


def test_a_from_price_in_german_is_not_the_price():
    html, url = zyte_page("f17d4d9c99e7")  # amazon.de: "Ab 98,65 €" is the cheapest offer, not the price
    assert extract_page(html, url).product.price != Decimal("98.65")


def test_magento_price_box_in_a_microdata_content_attribute():
    """Almedina (Magento): itemprop=price content="71,91 € 79,90 €" around its price box (special and old
    price); og product:price:amount is 67.84 (before tax)."""
    html, url = zyte_page("16606e09f7ec")
    found = extract_page(html, url).product
    assert (found.price, found.currency) == (Decimal("71.91"), "EUR")
    assert ("opengraph", Decimal("67.8400")) in {(p.source, p.amount) for p in found.shown_prices}


def test_item_number_labelled_beside_the_title():
    assert product("ms-globalindustrial").sku == "T9F432251"  # "Item #: T9F432251"; the accessories' are not


def test_image_not_available_is_not_out_of_stock():
    html, url = zyte_page("14dc707ee184")  # amazon.it: "Immagine non disponibile" on its gallery
    assert extract_page(html, url).product.availability is not Availability.OUT_OF_STOCK


@pytest.mark.parametrize(("text", "availability"), [
    ("Auf Lager", Availability.IN_STOCK), ("Nicht auf Lager", Availability.OUT_OF_STOCK),
    ("Rupture de stock", Availability.OUT_OF_STOCK), ("En stock", Availability.IN_STOCK),
    ("Agotado", Availability.OUT_OF_STOCK), ("В наличии", Availability.IN_STOCK), ("品切れ", Availability.OUT_OF_STOCK),
    ("Immagine non disponibile", Availability.UNKNOWN),
])
def test_stock_words_in_more_languages(text, availability):
    from checker.extract import parse_availability
    assert parse_availability(text) is availability


def test_a_disabled_add_to_cart_button_says_out_of_stock():
    """Amazon's real buy box with its stock lines removed and its Add to Cart and Buy Now inputs disabled."""
    html = re.sub(r"(?i)in stock", "", page("ms-amazon-gorilla"))
    html = re.sub(r'<input (id="(?:add-to-cart|buy-now)-button")', r"<input disabled \1", html)
    found = product("ms-amazon-gorilla", html)
    assert found.availability is Availability.OUT_OF_STOCK
    assert product("ms-amazon-gorilla").availability is Availability.IN_STOCK  # the page as saved


@pytest.mark.parametrize("path", ["index.html", "promo/double11.html"])
def test_a_product_grid_under_a_banner_heading_is_no_product(path):
    """The fixture store's home and promotion pages: a heading the <title> repeats (双11 狂欢节) and a grid
    of product cards with prices below it; no card's price is the page's."""
    html = (Path(__file__).parent.parent / "fixtures" / "store" / path).read_bytes()
    assert extract_page(html, f"http://shop.local/{path}").product is None


@pytest.mark.parametrize("name", sorted(p.name for p in (HERE / "articles").glob("*.html.gz")
                                        if not p.name.startswith("art-anandtech")))
def test_a_news_or_blog_page_gives_no_product(name):
    """Headlines quote prices ("$1 IoT boards"), news sites mark their paywall as a Product: no product."""
    html = gzip.decompress((HERE / "articles" / name).read_bytes()).decode("utf-8")
    assert extract_page(html, "https://news.example/2020/01/article").product is None
