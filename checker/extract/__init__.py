"""Extraction stage: HTML page -> Product, links and resources.

``page.py`` walks the page (``extract_page``); ``jsonld.py`` and ``microdata.py`` turn structured
data into a Product; ``visible.py`` reads what shoppers see by the configured CSS selectors and
merges it in; ``resolve.py`` joins URLs against the page's base; ``values.py`` holds the small
helpers they share (text, availability, prices).
"""

from checker.extract.page import ExtractedPage, extract_page
from checker.extract.values import DISCONTINUED_WORDS, parse_availability, parse_price
from checker.models import Availability, Product

__all__ = ["ExtractedPage", "extract_page", "is_off_shelf", "parse_availability", "parse_price"]


def is_off_shelf(product: Product | None) -> bool:
    """Taken off the shelf (下架): schema.org ``Discontinued``, or a page label that says so."""
    if product is None:
        return False
    if product.availability == Availability.DISCONTINUED:
        return True
    labels = " ".join(product.labels).lower()
    return any(word in labels for word in DISCONTINUED_WORDS)
