"""Fetching one URL: redirects followed by hand (so chains and loops are seen), body size capped
while streaming, charset decided from the header, the page and the bytes themselves.

Every outcome is a :class:`FetchResult`; nothing here raises for a network problem.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin, urlsplit

import httpx
from charset_normalizer import from_bytes

from checker.models import FetchResult

REDIRECT_CODES = {301, 302, 303, 307, 308}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


class Body:
    """A fetched body, possibly cut at the size limit."""

    __slots__ = ("data", "truncated")

    def __init__(self, data: bytes, truncated: bool) -> None:
        self.data = data
        self.truncated = truncated


def same_host(a: str, b: str) -> bool:
    return urlsplit(a).hostname == urlsplit(b).hostname


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {exc}" if str(exc) else "connection failed"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection reset or bad response: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    method: str = "GET",
    max_redirects: int = 10,
    max_body_bytes: int = 10_000_000,
    allow_other_hosts: bool = False,
) -> tuple[FetchResult, Body | None]:
    """Fetch ``url`` following redirects by hand.  Returns the result and (for GET) the body."""
    started = time.perf_counter()
    visited: list[str] = []
    current = url
    result = FetchResult(url=url)
    while True:
        if current in visited:
            result.redirects = visited
            result.redirect_loop = True
            result.error = "redirect loop"
            break
        if len(visited) > max_redirects:
            result.redirects = visited
            result.redirect_loop = True
            result.error = f"more than {max_redirects} redirects"
            break
        try:
            async with client.stream(method, current) as response:
                if response.status_code in REDIRECT_CODES and "location" in response.headers:
                    target = urljoin(current, response.headers["location"])
                    visited.append(current)
                    if not allow_other_hosts and not same_host(target, url):
                        result.redirects = visited
                        result.status = response.status_code
                        result.error = f"redirect to another host refused: {target}"
                        break
                    current = target
                    continue
                result.final_url = current
                result.redirects = visited
                result.status = response.status_code
                result.content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                length = response.headers.get("content-length")
                result.content_length = int(length) if length and length.isdigit() else None
                body = None
                if method == "GET":
                    chunks: list[bytes] = []
                    size = 0
                    truncated = False
                    async for chunk in response.aiter_bytes():
                        chunks.append(chunk)
                        size += len(chunk)
                        if size > max_body_bytes:
                            truncated = True
                            break
                    body = Body(b"".join(chunks)[:max_body_bytes], truncated)
                    if truncated:
                        result.error = f"body larger than {max_body_bytes} bytes, cut off"
                result.elapsed_ms = (time.perf_counter() - started) * 1000
                return result, body
        except (httpx.HTTPError, OSError) as exc:
            result.redirects = visited
            result.final_url = current
            result.error = _reason(exc)
            break
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result, None


def decode_html(data: bytes, header_content_type: str | None) -> tuple[str, str]:
    """Decode a page: declared charset (header, then <meta>) if the bytes agree, else detected.

    Shops lie about their encoding (GBK pages labelled UTF-8), so a declared charset that fails
    to decode cleanly is not trusted.
    """
    declared: list[str] = []
    if header_content_type:
        m = re.search(r"charset=([A-Za-z0-9_\-]+)", header_content_type, re.IGNORECASE)
        if m:
            declared.append(m.group(1))
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared.append(m.group(1).decode("ascii", "ignore"))
    declared.append("utf-8")
    for name in declared:
        name = {"gb2312": "gb18030", "gbk": "gb18030"}.get(name.lower(), name)
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None:
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"
