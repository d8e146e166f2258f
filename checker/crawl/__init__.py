"""The crawl stage: discover and fetch pages, hand each to the extractor, check images and links.

Its modules, in the order a crawl uses them:

- ``crawler.py``: :func:`~checker.crawl.crawler.crawl` and the ``Crawler``, which schedules the
  phases below and files what comes back in the audit's context;
- ``discovery.py``: start URLs, sitemaps, robots.txt ``Sitemap:`` lines, store APIs;
- ``worker.py``: a ``Worker`` fetches pages politely and processes them; on large crawls one
  ``WorkerProcess`` is forked per core;
- ``fetch.py``: one URL -> a ``FetchResult`` (redirects, retries, size limits);
  ``politeness.py``: robots.txt, per-host concurrency and rate;
- ``pages.py``: one fetched page -> its slim page, the findings of its own rules, its links and
  images; ``outcome.py``: what the crawler and the workers hand each other (``PageTask``,
  ``PageOutcome``); ``numbers.py``: links and images as numbers between processes;
- ``targets.py``: after the pages, the status of every image and link target (HEAD first; in the
  crawl workers on a large crawl);
- ``journal.py``: the journal ``--resume`` reads, and its record codec; ``cache.py``: the page
  cache (ETag / Last-Modified revalidation);
- ``urls.py``: URL normalisation; ``storeapi.py``: Shopify / WooCommerce products;
  ``serve.py``: the fixture server (``--serve``).

This package imports none of its modules itself, so a module that needs a URL helper
(:mod:`checker.crawl.urls`) does not load the crawler, and with it the extractor and the rules.
"""
