"""URL normalisation, so that no page is fetched twice under two spellings."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that only track a visit; they never change the page.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|gclid|gbraid|wbraid|fbclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|spm|scm|pvid|"
    r"ref|ref_src|igshid|share_from|trackid|from|source)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def url_problem(url: str) -> str | None:
    """Why a URL cannot be fetched as written (its host or port does not parse), else None."""
    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError as exc:
        return f"the URL does not parse: {exc}"
    return None


#: URL caches are kept small: what repeats (a shop's nav and footer links) stays cached, and a
#: stream of distinct URLs (100,000 product pages) does not pile up in every crawl process (each
#: process remembers its pages' links anyway).
URL_CACHE_SIZE = 16_384


@lru_cache(maxsize=URL_CACHE_SIZE)  # asked for every URL the crawl takes in (robots.txt rules are per origin)
def origin_of(url: str) -> str:
    """``https://shop.example.com:8443`` of any URL on that site."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=URL_CACHE_SIZE)  # pages repeat the same nav links
def normalise_url(url: str, strip_params: re.Pattern[str] = TRACKING_PARAMS) -> str:
    """Lower-case scheme and host, drop the default port, the fragment, tracking parameters and a
    trailing slash (except the root), sort the remaining query parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not strip_params.match(k))
    return urlunsplit((scheme, host, path, urlencode(query), ""))
