"""Extraction stage: HTML page -> Product, links and resources (see page.py)."""

from checker.extract.page import ExtractedPage, extract_page, parse_availability, parse_price

__all__ = ["ExtractedPage", "extract_page", "parse_availability", "parse_price"]
