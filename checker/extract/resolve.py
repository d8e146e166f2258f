"""URL resolution for the extractors: hrefs joined against a page's base, remembered per origin."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from checker.crawl.urls import url_problem

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode as Node

#: What joins against an origin resolved to, kept for the life of the process: a shop repeats the
#: same hrefs on every page (menus, footer, related products, images), so most of them cost one
#: dict lookup instead of ``urljoin``.  Only joins that depend on
#: nothing of the base but its scheme and host are kept.  origin -> (links, urljoins).
_KNOWN: dict[str, tuple[dict[str | None, str | None], dict[str, str]]] = {}
_MAX_KNOWN = 50_000  # hrefs per origin, then it starts over (bounds memory on huge shops)
_UNKNOWN: Any = object()


def _known(origin: str) -> tuple[dict[str | None, str | None], dict[str, str]]:
    known = _KNOWN.get(origin)
    if known is None or len(known[0]) + len(known[1]) > _MAX_KNOWN:
        if len(_KNOWN) > 16:
            _KNOWN.clear()
        known = _KNOWN[origin] = ({}, {})
    return known


@lru_cache(maxsize=256)  # a page's base, asked again for each of its images (and its canonical)
def _origin(base: str) -> str:
    """``scheme://host:port`` of a URL that parses (the base of a fetched page)."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def _urljoin(base: str, href: str) -> str:
    """``urljoin(base, href)``, remembered when the href has a host or an absolute path: then
    ``urljoin`` reads nothing of the base but its scheme and host.  An href that does not parse
    (``http://[bad``) is kept as written: checking it reports it broken, where raising here
    would lose the whole page."""
    if not base or not href:  # urljoin answers these without parsing the base
        return urljoin(base, href)
    known = _known(_origin(base))[1]
    joined = known.get(href)
    if joined is None:
        try:
            joined = urljoin(base, href)
            parts = urlsplit(href)
        except ValueError:
            return href.strip()
        if parts.netloc or parts.path.startswith("/"):
            known[href] = joined
    return joined


class _Joiner:
    """``urljoin`` for one base URL, with a fast path for the common absolute and root-relative
    hrefs (pages carry hundreds of links).  The fast path takes such hrefs as they are, which
    differs from ``urljoin`` on edge cases (an empty ``?``, ``//`` in the path): that is the
    extractor's output for them, and changing it changes the links and resources reported."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.origin = _origin(base)
        self._links = _known(self.origin)[0]
        # A root-relative href keeps the base's host and port: when those parse, so does the link.
        self._root_links_parse = _parsed(self.origin + "/") is not None

    def _fast(self, href: str) -> str | None:
        """The joined URL of an absolute or root-relative href (nothing of the base but its
        origin matters for those), else None."""
        if href.startswith(("http://", "https://")):
            return href
        if href.startswith("/") and not href.startswith("//") and "/." not in href:
            return self.origin + href
        return None

    def __call__(self, href: str) -> str:
        """A resource's URL; one that does not parse is kept as written (see ``_urljoin``)."""
        joined = self._fast(href)
        if joined is not None:
            return joined
        try:
            return urljoin(self.base, href)
        except ValueError:
            return href

    def link(self, raw: str | None) -> str | None:
        """Where an ``<a href>`` leads: an absolute http(s) URL without its fragment, or None
        (empty, ``javascript:``, ``mailto:``, ``tel:``, in-page hrefs, and hrefs that do not
        parse: such a link has no host to be same-site with).  Remembered per origin unless it
        depends on the page's path."""
        target = self._links.get(raw, _UNKNOWN)
        if target is not _UNKNOWN:
            return target
        href = (raw or "").strip()
        if href and not href.startswith(("javascript:", "mailto:", "tel:", "#")):
            joined = self._fast(href)
            if joined is None:
                try:
                    return _web_url(urljoin(self.base, href).split("#", 1)[0])
                except ValueError:
                    return None
            target = _web_url(joined.split("#", 1)[0])
            if not (href[0] == "/" and self._root_links_parse):
                target = _parsed(target)
        else:
            target = None
        self._links[raw] = target
        return target


def _web_url(url: str) -> str | None:
    return url if url.startswith(("http://", "https://")) else None


def _parsed(url: str | None) -> str | None:
    """The URL if its host and port parse (the crawl reads both), else None."""
    if url is not None and url_problem(url):
        return None
    return url


def _base_url(url: str, base: Node | None) -> str:
    """What relative URLs resolve against: ``<base href>`` joined to the page URL, else (no
    such element, or an href that does not parse) the page URL."""
    if base is None:
        return url
    try:
        return urljoin(url, base.attributes.get("href") or "")
    except ValueError:
        return url
