"""Fetching one URL, honestly: every outcome is a :class:`FetchResult`, nothing raises.

* aiohttp is the client (the fastest measured here: benchmarks/README.md).
* Redirects are followed by hand, so chains and loops are seen, and a redirect to another
  host (or to a private address: no SSRF through redirects) is refused unless allowed.
* Retryable failures (connection errors, timeouts, 429, 500, 502, 503, 504) are retried with
  exponential backoff and jitter; ``Retry-After`` is honoured up to a cap.
* Bodies are streamed and cut at ``max_body_bytes`` *after* decompression, so a huge page or a
  gzip bomb costs at most that much memory.  Decoding them is :mod:`checker.decoding`'s job.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import aiohttp

from checker.crawl.urls import URL_CACHE_SIZE
from checker.models import FetchResult

REDIRECT_CODES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class FetchPolicy:
    max_redirects: int = 10
    max_body_bytes: int = 10_000_000
    retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 10.0
    max_retry_after: float = 30.0
    allow_other_hosts: bool = False


@dataclass
class Body:
    data: bytes
    truncated: bool
    headers: dict[str, str]


@lru_cache(maxsize=URL_CACHE_SIZE)
def host_of(url: str) -> str:
    """The URL's host, lower-cased; "" when it has none or it does not parse."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def same_host(a: str, b: str) -> bool:
    return host_of(a) == host_of(b)


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local or reserved address literals (and ``localhost``)."""
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


def redirect_refusal(start: str, target: str, allow_other_hosts: bool) -> str | None:
    """Why a redirect from ``start`` to ``target`` must not be followed, or None."""
    if urlsplit(target).scheme not in ("http", "https"):
        return f"redirect to a non-web URL refused: {target}"
    if same_host(start, target):
        return None
    if not allow_other_hosts:
        return f"redirect to another host refused: {target}"
    if is_private_host(host_of(target)) and not is_private_host(host_of(start)):
        return f"redirect to a private address refused: {target}"
    return None


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return f"timeout ({type(exc).__name__})"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"connection failed: {exc.os_error.strerror or exc}" if exc.os_error else "connection failed"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | ConnectionResetError):
        return f"connection reset or bad response: {type(exc).__name__}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"bad response: {exc.message}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def backoff_delay(attempt: int, policy: FetchPolicy, retry_after: float | None = None) -> float:
    if retry_after is not None:
        return retry_after
    return min(policy.backoff_max, policy.backoff_base * (2**attempt)) * random.uniform(0.5, 1.5)


async def _one_request(session: aiohttp.ClientSession, method: str, url: str, headers: dict[str, str] | None,
                       policy: FetchPolicy):
    """One HTTP exchange without redirects: (status, headers, body-or-None, truncated)."""
    async with session.request(method, url, allow_redirects=False, headers=headers) as response:
        status = response.status
        resp_headers = {k.lower(): v for k, v in response.headers.items()}
        if method != "GET" or status in REDIRECT_CODES or status == 304:
            return status, resp_headers, None, False
        chunks: list[bytes] = []
        size = 0
        truncated = False
        async for chunk in response.content.iter_chunked(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > policy.max_body_bytes:
                truncated = True
                break
        data = b"".join(chunks)
        return status, resp_headers, data[: policy.max_body_bytes], truncated


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    policy: FetchPolicy,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    before_request=None,
) -> tuple[FetchResult, Body | None]:
    """Fetch ``url``: redirects by hand, retries for retryable failures, capped body.

    ``before_request(url)`` is awaited before every request (politeness: rate limits).
    """
    started = time.perf_counter()
    visited: list[str] = []
    current = url
    result = FetchResult(url=url)
    attempt = 0
    while True:
        if current in visited or len(visited) > policy.max_redirects:
            result.redirects, result.redirect_loop = visited, True
            result.error = "redirect loop" if current in visited else f"more than {policy.max_redirects} redirects"
            break
        if before_request is not None:
            await before_request(current)
        try:
            status, resp_headers, data, truncated = await _one_request(session, method, current, headers, policy)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            if attempt < policy.retries:
                await asyncio.sleep(backoff_delay(attempt, policy))
                attempt += 1
                continue
            result.redirects, result.final_url = visited, current
            result.error = _reason(exc) + (f" (after {attempt + 1} attempts)" if attempt else "")
            break
        if status in REDIRECT_CODES and "location" in resp_headers:
            target = urljoin(current, resp_headers["location"])
            visited.append(current)
            refusal = redirect_refusal(url, target, policy.allow_other_hosts)
            if refusal:
                result.redirects, result.status, result.error = visited, status, refusal
                break
            current = target
            continue
        if status in RETRY_STATUSES and attempt < policy.retries:
            wait = parse_retry_after(resp_headers.get("retry-after")) if status in (429, 503) else None
            if wait is not None and wait > policy.max_retry_after:
                result.final_url, result.redirects, result.status = current, visited, status
                result.error = f"HTTP {status}: Retry-After {wait:.0f}s is longer than {policy.max_retry_after:.0f}s"
                break
            await asyncio.sleep(backoff_delay(attempt, policy, wait))
            attempt += 1
            continue
        result.final_url, result.redirects, result.status = current, visited, status
        result.content_type = resp_headers.get("content-type", "").split(";")[0].strip().lower()
        length = resp_headers.get("content-length")
        result.content_length = int(length) if length and length.isdigit() else None
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        if truncated:
            result.error = f"body larger than {policy.max_body_bytes} bytes, cut off"
        if status == 304:  # not modified: the caller reuses what it cached
            return result, Body(b"", False, resp_headers)
        return result, (Body(data, truncated, resp_headers) if data is not None else None)
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result, None

