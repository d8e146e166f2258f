"""Fetching one URL, honestly: every outcome is a :class:`FetchResult`, nothing raises.

* aiohttp is the client (the fastest measured here: benchmarks/README.md).
* Every URL, the first and each redirect target, passes the crawl's scope check
  (:mod:`checker.crawl.scope`) before a connection is opened.
* Redirects are followed by hand, so chains and loops are seen.
* Retryable failures (connection errors, timeouts, 429, 500, 502, 503, 504) are retried with
  exponential backoff and jitter; ``Retry-After`` is honoured up to a cap.  A retry waits without
  its host's concurrency slot, and ``deadline`` bounds one URL's attempts and waits together.
* Bodies are streamed and cut at ``max_body_bytes`` *after* decompression, so a huge page or a
  gzip bomb costs at most that much memory.  Decoding them is :mod:`checker.decoding`'s job.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import random
import time
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import aiohttp

from checker.crawl.scope import AddressRefused, Scope
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
    deadline: float = 0.0  # seconds for one URL, all attempts and waits; 0 = none
    scope: Scope | None = field(default=None, repr=False)  # None: the first URL's own origin


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


_NO_SLOT = contextlib.nullcontext()


def _refused(exc: BaseException) -> AddressRefused | None:
    """The address check's refusal inside an aiohttp connection error, if that is what it is."""
    inner = getattr(exc, "os_error", exc)
    return inner if isinstance(inner, AddressRefused) else None


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    policy: FetchPolicy,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    slot=None,
    external: bool = False,
) -> tuple[FetchResult, Body | None]:
    """Fetch ``url``: scope check, redirects by hand, retries for retryable failures, capped body.

    ``slot(url)``: an async context manager held around each attempt, never around a retry's wait
    (politeness: the host's concurrency slot and rate limit).  ``external``: an off-scope target
    check the config asked for (see :meth:`Scope.refusal`).
    """
    started = time.perf_counter()
    scope = policy.scope or Scope.around(url)
    visited: list[str] = []
    current = url
    result = FetchResult(url=url)
    attempt = 0
    spent = 0.0  # in attempts and retry waits, not waiting for a slot
    refusal = scope.refusal(url, external=external)
    while refusal is None:
        if current in visited or len(visited) > policy.max_redirects:
            result.redirects, result.redirect_loop = visited, True
            result.error = "redirect loop" if current in visited else f"more than {policy.max_redirects} redirects"
            break
        remaining = policy.deadline - spent if policy.deadline else None
        try:
            async with slot(current) if slot is not None else _NO_SLOT:
                began = time.perf_counter()
                try:
                    async with asyncio.timeout(remaining):
                        status, resp_headers, data, truncated = await _one_request(session, method, current,
                                                                                   headers, policy)
                finally:
                    spent += time.perf_counter() - began
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            result.redirects, result.final_url = visited, current
            if _refused(exc):
                result.error = _refused(exc).strerror
                break
            delay = backoff_delay(attempt, policy)
            if attempt < policy.retries and not _past_deadline(policy, spent + delay):
                await asyncio.sleep(delay)
                spent += delay
                attempt += 1
                continue
            result.error = _reason(exc) + (f" (after {attempt + 1} attempts)" if attempt else "")
            if _past_deadline(policy, spent + delay) and attempt < policy.retries:
                result.error += _deadline_note(policy)
            break
        if status in REDIRECT_CODES and "location" in resp_headers:
            target = urljoin(current, resp_headers["location"])
            visited.append(current)
            refusal = scope.refusal(target, first=url, external=external, follow_offhost=policy.allow_other_hosts)
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
            delay = backoff_delay(attempt, policy, wait)
            if not _past_deadline(policy, spent + delay):
                await asyncio.sleep(delay)
                spent += delay
                attempt += 1
                continue
            result.final_url, result.redirects, result.status = current, visited, status
            result.error = f"HTTP {status} (after {attempt + 1} attempts)" + _deadline_note(policy)
            break
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
    if refusal is not None and result.error is None:
        result.error = refusal
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result, None


def _past_deadline(policy: FetchPolicy, seconds: float) -> bool:
    return bool(policy.deadline) and seconds >= policy.deadline


def _deadline_note(policy: FetchPolicy) -> str:
    return f"; gave up at crawl.url_deadline = {policy.deadline:g}s / 超过单个链接总时限"
