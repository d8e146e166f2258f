"""Extraction stage: HTML page -> Product, links and resources.

``page.py`` walks the page (``extract_page``); ``jsonld.py`` and ``microdata.py`` turn structured
data into a Product; ``meta.py`` reads OpenGraph product tags; ``visible.py`` reads what shoppers
see by the configured CSS selectors and merges it in; ``region.py`` finds the product's own region
of a page without structured data (its title and price; never a carousel's or the basket's) and
``regionshow.py`` what it shows (stock, main image, the Product); ``unread.py`` says why a page
where no product was read looks like a product page (PR007); ``resolve.py`` joins URLs against the page's base; ``values.py`` holds the small helpers
they share (text, availability, prices).  ``checker/inspect_page.py`` shows it all for one page.
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
