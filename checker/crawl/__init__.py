"""Crawl stage: discover and fetch pages, hand each to the extractor, check images and links.

The entry point is :func:`checker.crawl.crawler.crawl`.  This package imports none of its
modules itself, so a module that needs a URL helper (:mod:`checker.crawl.urls`) does not load
the crawler, and with it the extractor and the rule engine.
"""
