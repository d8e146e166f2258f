"""Each source's own price on the Product (``Product.shown_prices``), for PR001: the structured data's
and the visible one, kept apart because they may disagree; a related-products carousel never gives
the page its price; and the rest of the extraction is what it was."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from checker.extract import extract_page

STORE = Path(__file__).resolve().parent.parent / "fixtures" / "store"
URL = "https://shop.example.com/p/x.html"


def shown(html: str) -> list[tuple[str, str, str | None, str | None]]:
    product = extract_page(html, URL).product
    assert product is not None
    return [(p.source, p.kind, None if p.amount is None else str(p.amount), p.currency) for p in product.shown_prices]


def test_jsonld_and_visible_prices_are_kept_apart():
    html = ('<script type="application/ld+json">{"@type": "Product", "name": "茶", "sku": "T1", "offers": '
            '{"@type": "Offer", "price": "880", "priceCurrency": "TWD", "priceSpecification": {"@type": '
            '"UnitPriceSpecification", "priceType": "https://schema.org/ListPrice", "price": "1050"}}}</script>'
            '<span data-price="820">NT$820</span><s data-list-price="1050">NT$1,050</s>')
    assert shown(html) == [("jsonld", "price", "880", "TWD"), ("jsonld", "list", "1050", "TWD"),
                           ("visible", "price", "820", "TWD"), ("visible", "list", "1050", "TWD")]
    product = extract_page(html, URL).product
    assert product.price == Decimal("880")  # structured data still wins for Product.price


def test_microdata_prices():
    html = ('<div itemscope itemtype="https://schema.org/Product"><span itemprop="sku">S1</span>'
            '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
            '<meta itemprop="priceCurrency" content="CNY"><span class="price" itemprop="price" content="299.00">'
            '¥299.00</span></div></div>')
    assert shown(html) == [("microdata", "price", "299.00", "CNY"), ("visible", "price", "299.00", "CNY")]


def test_visible_labels_are_read():
    html = '<div data-sku="S1"><span class="price-current">原价¥299 现价¥199</span></div>'
    assert shown(html) == [("visible", "list", "299", "CNY"), ("visible", "price", "199", "CNY")]
    html = '<div data-sku="S1" data-currency="CNY"><span class="price-current">到手价 89</span></div>'
    assert shown(html) == [("visible", "conditional", "89", "CNY")]


def test_unreadable_prices_keep_their_text():
    for text in ("面议", "¥--", "TBD"):
        product = extract_page(f'<div data-sku="S1"><span class="price-current">{text}</span></div>', URL).product
        assert product.price is None
        (price,) = product.shown_prices
        assert price.amount is None and price.text == text
    html = ('<script type="application/ld+json">{"@type": "Product", "sku": "S1", "offers": '
            '{"@type": "Offer", "price": "TBD"}}</script>')
    assert [(p.source, p.text) for p in extract_page(html, URL).product.shown_prices] == [("jsonld", "TBD")]


def test_a_related_products_carousel_never_gives_the_price():
    html = ('<div data-sku="S1"><h1 class="product-title">杯</h1></div>'
            '<section class="related-products"><ul><li class="card"><span class="price">¥59.00</span>'
            '<del class="list-price">¥99.00</del></li></ul></section>'
            '<div id="recommend"><span data-price="19">¥19</span></div>')
    product = extract_page(html, URL).product
    assert product.price is None and product.list_price is None and product.shown_prices == []
    html = ('<div class="recommend-carousel"><span class="price">¥59.00</span></div>'
            '<div data-sku="S1"><span class="price">¥129.00</span></div>')
    product = extract_page(html, URL).product
    assert product.price == Decimal("129.00")
    assert [(p.source, str(p.amount)) for p in product.shown_prices] == [("visible", "129.00")]


def test_every_fixture_product_page_has_its_visible_price():
    """The fixture store's three themes: each product page's visible price is the page's price (the
    seeded PR001 page excepted, where the structured data says another)."""
    for page in sorted((STORE / "p").glob("*.html")):
        product = extract_page(page.read_bytes(), URL).product
        visible = [p for p in product.shown_prices if p.source == "visible" and p.kind == "price"]
        assert len(visible) <= 1, page.name
        if product.price is not None and visible and product.extracted_from != "jsonld":
            assert visible[0].amount == product.price, page.name
