"""Where the crawl may connect: one check for every URL, from any source, before a connection.

* **Scope** (:class:`Scope`): the scheme + host + port of the start URLs, plus the hosts listed in
  ``[crawl] allowed_hosts``.  http and https on their default ports count as one site (a shop's
  http -> https redirect is not another site); another port on the same host is another site.
  Pages, sitemaps, robots.txt and store APIs are fetched only in scope; an off-scope image or link
  target only when ``check_external`` asks, and a redirect out of scope only with
  ``allow_offhost_redirects``.
* **Addresses** (:class:`GuardedResolver`): for any host that is not a start host, the addresses
  it resolves to are checked, and loopback, private, link-local, multicast, reserved and
  unspecified ones (IPv4 and IPv6, IPv4 inside IPv6 too) are refused.  The check is in the
  connector's own resolver, so the address checked is the address connected (one resolution: no
  DNS rebinding between a check and a connect); an address literal is checked as written.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from checker.crawl.urls import DEFAULT_PORTS, URL_CACHE_SIZE

#: (scheme or None for both, host, port or None for the scheme's default port)
Entry = tuple[str | None, str, int | None]


class AddressRefused(OSError):
    """A connection the address check refused (never retried)."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(errno.EACCES, f"address refused / 地址被拒绝: {host} {reason}")


@lru_cache(maxsize=URL_CACHE_SIZE)
def origin_parts(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL, the port filled in; None for anything else."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host, port or DEFAULT_PORTS[scheme]


def parse_entry(text: str) -> Entry:
    """An ``allowed_hosts`` entry: ``cdn.shop.com`` (http and https, default ports),
    ``cdn.shop.com:8443`` (that port) or ``https://cdn.shop.com`` (that scheme).  Raises ValueError."""
    text = text.strip()
    scheme = None
    if "://" in text:
        scheme, _, text = text.partition("://")
        scheme = scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError(f"{scheme!r} is not http or https")
    parts = urlsplit(f"//{text.rstrip('/')}")
    if parts.path or parts.query or parts.username or not parts.hostname:
        raise ValueError(f"{text!r} is not a host or host:port")
    return scheme, parts.hostname.lower(), parts.port


def address_problem(address: str) -> str | None:
    """What kind of address the crawl must not connect to ``address`` is, or None if public."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return "is not an address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and address_problem(str(inner)):
            return f"embeds {inner} ({address_problem(str(inner))})"
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "not public"


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class Scope:
    """The crawl's scope: start origins (added as discovery meets them) and the allow-list."""

    def __init__(self, allowed_hosts: list[str] | tuple[str, ...] = ()) -> None:
        self.allowed: list[Entry] = [parse_entry(h) for h in allowed_hosts]
        self.starts: set[tuple[str, str, int]] = set()
        self.start_hosts: set[str] = set()

    @classmethod
    def around(cls, *urls: str) -> Scope:
        scope = cls()
        for url in urls:
            scope.add_start(url)
        return scope

    def add_start(self, url: str) -> None:
        parts = origin_parts(url)
        if parts is not None:
            self.starts.add(parts)
            self.start_hosts.add(parts[1])
            with contextlib.suppress(UnicodeError):  # the resolver is asked the name as the wire spells it
                self.start_hosts.add(parts[1].encode("idna").decode("ascii"))

    def contains(self, url: str) -> bool:
        """In scope: a start origin (or its other scheme, both on default ports) or allow-listed."""
        parts = origin_parts(url)
        if parts is None:
            return False
        scheme, host, port = parts
        if parts in self.starts:
            return True
        if port == DEFAULT_PORTS[scheme] and any((s, host, DEFAULT_PORTS[s]) in self.starts for s in DEFAULT_PORTS):
            return True
        for allowed_scheme, allowed_host, allowed_port in self.allowed:
            if allowed_host == host and allowed_scheme in (None, scheme) \
                    and port == (allowed_port or DEFAULT_PORTS[scheme]):
                return True
        return False

    def literal_problem(self, url: str) -> str | None:
        """An address literal (or ``localhost``) of a host that is not a start host, refused as written."""
        parts = origin_parts(url)
        if parts is None or parts[1] in self.start_hosts:
            return None
        host = parts[1]
        if host == "localhost" or host.endswith(".localhost"):
            return f"address refused / 地址被拒绝: {host} is loopback"
        if _is_literal(host):
            problem = address_problem(host)
            if problem:
                return f"address refused / 地址被拒绝: {host} is {problem}"
        return None

    def refusal(self, url: str, *, first: str | None = None, external: bool = False,
                follow_offhost: bool = False) -> str | None:
        """Why ``url`` must not be fetched, or None.  ``first``: the URL this fetch started from
        (``url`` is a redirect target); ``external``: an off-scope target check the config asked
        for; ``follow_offhost``: redirects out of scope are allowed (``allow_offhost_redirects``)."""
        if origin_parts(url) is None:
            kind = "redirect to a non-web URL" if first else "non-web URL"
            return f"{kind} refused / 非网页地址已拒绝: {url}"
        if not self.contains(url):
            if first is None and not external:
                return f"out of scope, not fetched / 超出审核范围，未抓取: {url}"
            if first is not None and not follow_offhost and not (external and _same_host(first, url)):
                return f"redirect to another host refused / 重定向到范围外已拒绝: {url}"
        return self.literal_problem(url)


def _same_host(a: str, b: str) -> bool:
    pa, pb = origin_parts(a), origin_parts(b)
    return pa is not None and pb is not None and pa[1] == pb[1]


class GuardedResolver(AbstractResolver):
    """The crawl's connector resolver: a host that is not a start host connects only to public
    addresses (see :func:`address_problem`); what it resolves to otherwise is refused."""

    def __init__(self, scope: Scope, inner: AbstractResolver | None = None) -> None:
        self.scope = scope
        self.inner = inner or make_base_resolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        answers = await self.inner.resolve(host, port, family)
        if host.lower().rstrip(".") in self.scope.start_hosts:
            return answers
        allowed = [a for a in answers if not address_problem(a["host"])]
        if not allowed:
            shown = ", ".join(sorted({f"{a['host']} ({address_problem(a['host'])})" for a in answers}))
            raise AddressRefused(host, f"resolves to {shown or 'nothing'}")
        return allowed

    async def close(self) -> None:
        await self.inner.close()


def make_base_resolver() -> AbstractResolver:
    """The resolver under the guard (tests replace it with a stub that maps names)."""
    return DefaultResolver()
