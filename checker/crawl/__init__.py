"""Crawl stage: discover and fetch pages, hand each to the extractor, check images and links."""

from checker.crawl.crawler import Crawler, crawl
from checker.crawl.serve import serve_directory

__all__ = ["Crawler", "crawl", "serve_directory"]
