"""Politeness towards a live shop: robots.txt, per-host concurrency and requests per second."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from protego import Protego


@dataclass
class HostGate:
    """Per-host limits: at most ``concurrency`` requests in flight, at most ``rps`` started per second."""

    concurrency: int
    rps: float = 0.0
    semaphore: asyncio.Semaphore = field(init=False)
    _next_start: float = field(default=0.0, init=False)
    _lock: asyncio.Lock = field(init=False)

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(self.concurrency)
        self._lock = asyncio.Lock()

    async def pace(self) -> None:
        """Wait for this host's next request slot (a no-op without a rate limit)."""
        if self.rps <= 0:
            return
        async with self._lock:
            now = time.monotonic()
            wait = self._next_start - now
            self._next_start = max(now, self._next_start) + 1.0 / self.rps
        if wait > 0:
            await asyncio.sleep(wait)


class Robots:
    """robots.txt rules per host (Protego, which follows Google's conventions)."""

    def __init__(self, user_agent: str) -> None:
        self.user_agent = user_agent
        self._parsers: dict[str, Protego | None] = {}
        self._closed: dict[str, str] = {}  # origin -> why the whole site is disallowed

    def add(self, origin: str, text: str | None) -> None:
        self._parsers[origin] = Protego.parse(text) if text else None

    def disallow_all(self, origin: str, why: str) -> None:
        """Nothing on ``origin`` may be fetched (its robots.txt answered a server error: RFC 9309)."""
        self._parsers[origin] = None
        self._closed[origin] = why

    def known(self, origin: str) -> bool:
        return origin in self._parsers

    def refusal(self, origin: str, url: str) -> str | None:
        """Why robots.txt forbids ``url``, or None."""
        if origin in self._closed:
            return f"disallowed: {self._closed[origin]} (RFC 9309)"
        return None if self.allowed(origin, url) else "disallowed by robots.txt"

    def allowed(self, origin: str, url: str) -> bool:
        if origin in self._closed:
            return False
        parser = self._parsers.get(origin)
        return True if parser is None else parser.can_fetch(url, self.user_agent)

    def sitemaps(self, origin: str) -> list[str]:
        parser = self._parsers.get(origin)
        return list(parser.sitemaps) if parser is not None else []

    def crawl_delay(self, origin: str) -> float | None:
        parser = self._parsers.get(origin)
        delay = parser.crawl_delay(self.user_agent) if parser is not None else None
        return float(delay) if delay else None
