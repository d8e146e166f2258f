"""Image and link target checks against a real shop on 127.0.0.1: HEAD first, GET where the
server does not do HEAD or lies with it, each target once, and on a large crawl in the crawl
workers (issue 22), with the same results as in one process."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from faultserver import routed

from checker.audit import run_audit
from checker.config import Config
from checker.crawl.worker import HEAD_CONFIRMATIONS, Worker

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
PAGES = 240  # above the crawler's WORKER_THRESHOLD: worker processes are forked


def page(i: int, body: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>P{i}</title></head><body><h1 class="product-title">P{i}</h1>'
            f'<span data-sku="SKU-{i}"></span><span class="price-current">10元</span>{body}</body></html>').encode()


def sitemap(origin: str, n: int) -> bytes:
    urls = "".join(f"<url><loc>{origin}/p/{i}.html</loc></url>" for i in range(n))
    return f"<urlset>{urls}</urlset>".encode()


def shop(server, origin: str, n: int, head=None):
    """``n`` pages, each with two images (one shared and missing) and three links to /x/ pages,
    a fifth of which are missing.  ``head(path)``: what a HEAD gets instead of the GET's answer
    (None: the same).  Every request is logged in ``server.requests`` as (method, path)."""
    server.requests = []
    lock_free = server.requests.append  # list.append is atomic: the server's threads share it

    def answer(handler):
        path = handler.path.split("?")[0]
        lock_free((handler.command, path))
        if handler.command == "HEAD" and head is not None:
            special = head(path)
            if special is not None:
                return special
        if path == "/sitemap.xml":
            return 200, "application/xml", sitemap(origin, n)
        if path.startswith("/p/"):
            i = int(path[3:].split(".")[0])
            links = "".join(f'<a href="/x/{(i * 3 + k) % 60}.html">x</a>' for k in range(3))
            return 200, "text/html; charset=utf-8", page(i, f'<img src="/img/{i % 7}.png"><img src="/img/gone.png">{links}')
        if path.startswith("/img/") and path != "/img/gone.png":
            return 200, "image/png", PNG
        if path.startswith("/x/") and int(path[3:].split(".")[0]) % 5:
            return 200, "text/html; charset=utf-8", b"<html><body><p>x</p></body></html>"
        return 404, "text/plain", b"no such page"

    server.routes = {"*": answer}


def audit(tmp_path, origin, name, **crawl):
    crawl = {"retries": 0, "timeout": 10, **crawl}
    result = run_audit(Config(crawl=crawl), [f"{origin}/sitemap.xml"], output=tmp_path / f"{name}.xlsx")
    assert result.exception is None
    return result


def dead(result, code):
    return sorted((f.extra["target"].rsplit("/", 2)[-2:][-1], f.extra["pages"]) for f in result.findings if f.code == code)


def test_targets_are_checked_in_the_crawl_workers_with_the_same_results(tmp_path, monkeypatch):
    """Both crawl workers check targets (none in the main process), each target once with a
    HEAD, and the findings and check results are those of a crawl in one process."""
    checkers = tmp_path / "checkers.txt"
    check = Worker.check

    async def recording(self, session, task):
        with open(checkers, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return await check(self, session, task)

    monkeypatch.setattr(Worker, "check", recording)
    with routed() as (server, origin):
        shop(server, origin, PAGES)
        workers = audit(tmp_path, origin, "workers", workers=2, max_depth=0)
        in_workers = list(server.requests)
        shop(server, origin, PAGES)
        alone = audit(tmp_path, origin, "alone", workers=0, max_depth=0)
    pids = Counter(checkers.read_text().split())
    assert workers.ctx.workers == 2 and str(os.getpid()) in pids  # the second audit checked here
    assert len([p for p in pids if p != str(os.getpid())]) == 2, "both workers checked targets"
    assert pids[str(os.getpid())] == len(alone.ctx.checked)
    heads = Counter(p for m, p in in_workers if m == "HEAD")
    assert set(heads.values()) == {1} and len(heads) == 7 + 1 + 60  # each target once
    confirmed = {p for m, p in in_workers if m == "GET" and not p.startswith(("/p/", "/sitemap", "/robots"))}
    assert confirmed <= {"/img/gone.png"} | {f"/x/{k}.html" for k in range(0, 60, 5)}  # GET: a failed HEAD's
    assert dead(workers, "LN002") == dead(alone, "LN002") == [("gone.png", PAGES)]
    assert dead(workers, "LN003") == dead(alone, "LN003") == [(f"{k}.html", 12) for k in sorted(range(0, 60, 5), key=str)]
    assert {u: (r.status, r.ok) for u, r in workers.ctx.checked.items()} == \
           {u: (r.status, r.ok) for u, r in alone.ctx.checked.items()}


def test_a_target_also_linked_as_a_page_is_fetched_once(tmp_path):
    """A link followed as a page (one hop) is not checked again: the dead ones are one GET each."""
    with routed() as (server, origin):
        shop(server, origin, PAGES)
        result = audit(tmp_path, origin, "a", workers=2, max_depth=1)
    requests = Counter(server.requests)
    assert result.ctx.workers == 2
    assert {(m, p): c for (m, p), c in requests.items() if p.startswith("/x/")} == \
           {("GET", f"/x/{k}.html"): 1 for k in range(60)}
    assert len(dead(result, "LN003")) == 12


@pytest.mark.parametrize("workers", [0, 2])
def test_a_server_without_head_is_asked_with_get(tmp_path, workers):
    """405 to a HEAD: that target and the host's others are checked with GET, one HEAD in all
    (per process)."""
    with routed() as (server, origin):
        shop(server, origin, PAGES, head=lambda path: (405, "text/plain", b"", {"Allow": "GET"}))
        result = audit(tmp_path, origin, "a", workers=workers, max_depth=0, per_host_concurrency=2)
    heads = [p for m, p in server.requests if m == "HEAD"]
    assert len(heads) == max(workers, 1)
    assert dead(result, "LN002") == [("gone.png", PAGES)] and len(dead(result, "LN003")) == 12


def test_a_server_lying_to_head_is_believed_on_get(tmp_path):
    """404 to every HEAD, the truth to a GET (a shop whose HEAD route is missing): the GET that
    confirms the first failure contradicts it, and the host is checked with GET from then on."""
    with routed() as (server, origin):
        shop(server, origin, PAGES, head=lambda path: (404, "text/plain", b""))
        result = audit(tmp_path, origin, "a", workers=0, max_depth=0, per_host_concurrency=1)
    assert dead(result, "LN002") == [("gone.png", PAGES)]
    assert [k for k, _ in dead(result, "LN003")] == sorted(f"{k}.html" for k in range(0, 60, 5))
    assert len([p for m, p in server.requests if m == "HEAD"]) == 1


def test_failed_heads_are_believed_once_confirmed(tmp_path):
    """An honest server: the first failed HEADs of a host are confirmed by a GET, later ones not."""
    with routed() as (server, origin):
        shop(server, origin, PAGES)
        audit(tmp_path, origin, "a", workers=0, max_depth=0, concurrency=1)
    gets = [p for m, p in server.requests if m == "GET" and not p.startswith(("/p/", "/sitemap", "/robots"))]
    assert len(gets) == HEAD_CONFIRMATIONS


def test_per_host_limit_holds_across_workers(tmp_path):
    """per_host_concurrency is the shop's limit, not each worker's: with two workers checking
    targets, never more than that many requests are in flight at the shop."""
    import threading
    import time

    with routed() as (server, origin):
        shop(server, origin, PAGES)
        answer = server.routes["*"]
        lock, state = threading.Lock(), {"now": 0, "most": 0}

        def slow_targets(handler):
            if not handler.path.startswith(("/img/", "/x/")):
                return answer(handler)
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            try:
                time.sleep(0.02)
                return answer(handler)
            finally:
                with lock:
                    state["now"] -= 1

        server.routes["*"] = slow_targets
        result = audit(tmp_path, origin, "a", workers=2, max_depth=0, per_host_concurrency=2)
    assert result.ctx.workers == 2 and len(dead(result, "LN003")) == 12
    assert 1 <= state["most"] <= 2


def test_an_image_also_linked_is_checked_by_its_fetch_as_a_page(tmp_path):
    """<a href="big.png"><img src="big.png"></a>: the link is crawled as a page (one GET), and that
    fetch is the image's check: a missing image is LN002, a good one is no broken image.  Before,
    the image was checked by nobody and never reported."""
    with routed() as (server, origin):
        body = ('<a href="/img/big.png"><img src="/img/big.png"></a>'
                '<a href="/img/gone.png"><img src="/img/gone.png"></a>')
        server.routes = {
            "/sitemap.xml": (200, "application/xml", sitemap(origin, 1)),
            "/p/0.html": (200, "text/html; charset=utf-8", page(0, body)),
            "/img/big.png": (200, "image/png", PNG),
        }
        result = audit(tmp_path, origin, "a")
    assert server.hits["/img/big.png"] == server.hits["/img/gone.png"] == 1
    assert dead(result, "LN002") == [("gone.png", 1)]
    assert result.ctx.checked[f"{origin}/img/big.png"].ok
