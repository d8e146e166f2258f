"""The peer for the crawl benchmark: a Scrapy spider over the same sitemap (see crawl.py)."""
