"""The crawl's scope and address checks against real servers: the shop on 127.0.0.1 (a start
host, so allowed), forbidden targets on loopback aliases (127.0.0.2, [::1]) and on another port
of 127.0.0.1, each a :class:`ConnectionRecorder` that counts any connection reaching it.  Names
resolve through a stub resolver; nothing leaves loopback."""

from __future__ import annotations

import asyncio
import socket

import openpyxl
import pytest
from faultserver import ConnectionRecorder, routed

from checker.audit import run_audit
from checker.config import Config, ConfigError, load_config
from checker.crawl import scope as scope_module
from checker.crawl.scope import GuardedResolver, Scope, address_problem

FAST = {"read_timeout": 1, "timeout": 5, "retries": 0, "backoff_base": 0.01, "concurrency": 4,
        "respect_robots": True}
XML = "application/xml"
HTML = "text/html; charset=utf-8"


def config(**crawl):
    return Config(crawl={**FAST, **crawl})


def urlset(*urls: str) -> bytes:
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>").encode()


def sitemapindex(*urls: str) -> bytes:
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls) + "</sitemapindex>").encode()


def page(body: str) -> bytes:
    return f'<html><head><title>T</title></head><body><h1 class="product-title">Tea</h1>{body}</body></html>'.encode()


class StubResolver:
    """Maps names to addresses, counting lookups; an unknown name fails like NXDOMAIN."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.calls: list[str] = []

    async def resolve(self, host, port=0, family=socket.AF_INET):
        self.calls.append(host)
        if host not in self.names:
            raise OSError(f"stub: no such name {host}")
        return [{"hostname": host, "host": a, "port": port, "family": socket.AF_INET6 if ":" in a else socket.AF_INET,
                 "proto": 0, "flags": 0} for a in self.names[host]]

    async def close(self):
        pass


@pytest.fixture
def forbidden():
    """Recorders on 127.0.0.2, [::1] and another port of 127.0.0.1 (the shop's own address)."""
    recorders = {"alias": ConnectionRecorder("127.0.0.2"), "v6": ConnectionRecorder("::1"),
                 "port": ConnectionRecorder("127.0.0.1")}
    yield recorders
    for recorder in recorders.values():
        recorder.close()


@pytest.fixture
def stub(monkeypatch):
    resolver = StubResolver({})
    monkeypatch.setattr(scope_module, "make_base_resolver", lambda: resolver)
    return resolver


def error_rows(workbook) -> list[tuple]:
    return list(openpyxl.load_workbook(workbook)["Errors"].iter_rows(min_row=2, values_only=True))


def test_urls_from_sitemaps_robots_links_and_redirects_stay_in_scope(tmp_path, forbidden, stub):
    alias, v6, port = forbidden["alias"].origin, forbidden["v6"].origin, forbidden["port"].origin
    with routed() as (server, shop):
        server.routes.update({
            "/robots.txt": (200, "text/plain", f"Sitemap: {alias}/robots-map.xml\nSitemap: {shop}/index.xml\n".encode()),
            "/index.xml": (200, XML, sitemapindex(f"{shop}/pages.xml", f"{alias}/child.xml", f"{v6}/child.xml",
                                                  f"{port}/child.xml")),
            "/pages.xml": (200, XML, urlset(f"{shop}/p/a.html", f"{alias}/p/evil.html", f"{port}/p/evil.html",
                                            f"{shop}/p/port-redirect.html")),
            "/p/a.html": (200, HTML, page(f'<a href="{alias}/p/linked.html">x</a><a href="{port}/p/x.html">y</a>'
                                          f'<img src="{alias}/img.png"><img src="{v6}/img.png">')),
            "/p/port-redirect.html": (302, HTML, b"", {"Location": f"{port}/p/x.html"}),
        })
        out = tmp_path / "a.xlsx"
        result = run_audit(config(check_external=True), [shop + "/"], output=out)
    assert {name: r.connections for name, r in forbidden.items()} == {"alias": 0, "v6": 0, "port": 0}
    ctx = result.ctx
    assert server.hits["/p/a.html"] == 1 and server.hits["/pages.xml"] == 1
    assert all(url.startswith(shop) for url in ctx.pages)  # no off-scope URL was audited as the shop's
    scope_rows = [r for r in error_rows(out) if r[0] == "范围外 scope"]
    sources = " ".join(f"{r[1]} {r[3]}" for r in scope_rows)
    for origin in (alias, v6, port):
        assert origin in sources
    assert all("out of scope" in r[3] for r in scope_rows)
    assert "robots.txt" in " ".join(r[2] for r in scope_rows)
    # the same IP on another port is another site: its redirect is refused
    assert "redirect to another host refused" in ctx.pages[f"{shop}/p/port-redirect.html"].fetch.error
    # off-scope images are checked (check_external), but never at a loopback address
    assert "loopback" in ctx.checked[f"{alias}/img.png"].error
    assert "loopback" in ctx.checked[f"{v6}/img.png"].error
    assert f"{alias}/p/linked.html" not in ctx.pages


def test_offhost_redirects_never_reach_private_addresses(tmp_path, forbidden, stub):
    """A staging shop on a private address (127.0.0.1) with allow_offhost_redirects: redirects to
    [::1], localhost, another alias, or a name resolving to one, are all refused."""
    stub.names["rebind.test"] = ["127.0.0.2"]
    alias, v6 = forbidden["alias"], forbidden["v6"]
    targets = {"v6": f"{v6.origin}/x", "localhost": f"http://localhost:{alias.port}/x",
               "alias": f"{alias.origin}/x", "name": f"http://rebind.test:{alias.port}/x",
               "mapped": f"http://[::ffff:127.0.0.2]:{alias.port}/x"}
    with routed() as (server, shop):
        server.routes.update({f"/r/{k}": (302, HTML, b"", {"Location": v}) for k, v in targets.items()})
        result = run_audit(config(allow_offhost_redirects=True, retries=2), [f"{shop}/r/{k}" for k in targets],
                           output=tmp_path / "a.xlsx")
    assert alias.connections == 0 and v6.connections == 0
    errors = {k: result.ctx.pages[f"{shop}/r/{k}"].fetch.error for k in targets}
    assert all(e and "address refused" in e for e in errors.values()), errors
    assert "127.0.0.2 (loopback)" in errors["name"]
    # one lookup, by the connector itself, and no retry of a refusal: the address checked is the
    # address that would have been connected (no second resolution to rebind)
    assert stub.calls == ["rebind.test"]


def test_allowed_hosts_widen_the_scope_but_not_to_private_addresses(tmp_path, forbidden, stub):
    stub.names["cdn.test"] = ["127.0.0.2"]
    alias = forbidden["alias"]
    with routed() as (cdn, cdn_origin), routed() as (server, shop):
        cdn.routes["/img.png"] = (200, "image/png", b"\x89PNG\r\n\x1a\n")
        server.routes["/p/a.html"] = (200, HTML, page(f'<img src="{cdn_origin}/img.png">'
                                                      f'<img src="http://cdn.test:{alias.port}/img.png">'))
        plain = run_audit(config(), [f"{shop}/p/a.html"], output=tmp_path / "a.xlsx")
        assert cdn.hits["/img.png"] == 0 and f"{cdn_origin}/img.png" not in plain.ctx.checked
        allowed = [cdn_origin.removeprefix("http://"), f"cdn.test:{alias.port}"]
        widened = run_audit(config(allowed_hosts=allowed), [f"{shop}/p/a.html"], output=tmp_path / "b.xlsx")
    assert cdn.hits["/img.png"] >= 1 and widened.ctx.checked[f"{cdn_origin}/img.png"].ok
    refused = widened.ctx.checked[f"http://cdn.test:{alias.port}/img.png"]
    assert "address refused" in refused.error and "loopback" in refused.error
    assert alias.connections == 0


def test_guarded_resolver_keeps_only_public_answers():
    inner = StubResolver({"mixed.test": ["93.184.216.34", "10.0.0.7", "fe80::1"], "inside.test": ["192.168.1.1"],
                          "shop.test": ["10.1.2.3"]})
    guard = GuardedResolver(Scope.around("http://shop.test/"), inner)
    answers = asyncio.run(guard.resolve("mixed.test", 80))
    assert [a["host"] for a in answers] == ["93.184.216.34"]  # no packet is sent: resolution only
    with pytest.raises(OSError, match="192.168.1.1 \\(private\\)"):
        asyncio.run(guard.resolve("inside.test", 80))
    assert [a["host"] for a in asyncio.run(guard.resolve("shop.test", 80))] == ["10.1.2.3"]  # a start host


@pytest.mark.parametrize("address,kind", [
    ("127.0.0.2", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
    ("192.168.0.1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("fd00::1", "private"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "not public"), ("::ffff:10.0.0.1", "embeds 10.0.0.1"),
    ("2002:7f00:1::", "embeds 127.0.0.1"),
])
def test_forbidden_addresses(address, kind):
    assert kind in address_problem(address)


def test_public_addresses_pass():
    assert address_problem("93.184.216.34") is None and address_problem("2606:2800:220:1::1") is None


def test_allowed_hosts_are_validated(tmp_path):
    path = tmp_path / "checker.toml"
    path.write_text('[crawl]\nallowed_hosts = ["cdn.shop.com", "https://img.shop.com:8443", "www.shop.com/p"]\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="allowed_hosts"):
        load_config(path)
    scope = Scope(["cdn.shop.com", "https://img.shop.com:8443"])
    assert scope.contains("http://cdn.shop.com/a") and scope.contains("https://cdn.shop.com/a")
    assert not scope.contains("https://cdn.shop.com:8080/a") and not scope.contains("http://img.shop.com:8443/a")
    assert scope.contains("https://img.shop.com:8443/a")


def test_an_international_start_host_is_known_to_the_resolver_by_its_wire_name():
    inner = StubResolver({"xn--bcher-kva.example": ["10.1.2.3"]})  # a staging shop on a private address
    guard = GuardedResolver(Scope.around("http://bücher.example/"), inner)
    assert [a["host"] for a in asyncio.run(guard.resolve("xn--bcher-kva.example", 80))] == ["10.1.2.3"]
