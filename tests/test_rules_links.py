"""One good and one bad case per LN rule, on hand-made pages (the store test covers them over
real HTTP)."""

from __future__ import annotations

import pytest

from checker.config import Config
from checker.crawl.pages import page_targets
from checker.engine import AuditContext, build_rules
from checker.models import Availability, FetchResult, Link, Page, Product, Resource, Severity

ORIGIN = "https://shop.example.com"


def page(path="/p/a.html", status=200, **kw) -> Page:
    fetch = kw.pop("fetch", None) or FetchResult(url=ORIGIN + path, final_url=ORIGIN + path, status=status,
                                                 content_type="text/html")
    return Page(fetch=fetch, **kw)


def run(code: str, pages: list[Page], checked: dict | None = None, **options):
    config = Config(select=[code], rules={code: options} if options else {})
    ctx = AuditContext(config=config)
    for p in pages:  # filed as the crawler files them: links and images indexed
        ctx.add_page_targets(p, *(page_targets(p) if p.fetch.ok else ({}, {})))
    ctx.checked = checked or {}
    (rule,) = build_rules(config)
    if rule.scope == "site":
        return list(rule.check(ctx, ctx))
    return [f for p in pages for f in rule.check(p, ctx)]


def ok(url, ctype="image/png"):
    return FetchResult(url=url, final_url=url, status=200, content_type=ctype)


def test_ln001_bad_404_and_timeout_good_200_and_discovered():
    bad = [page("/p/gone.html", status=404),
           page(fetch=FetchResult(url=ORIGIN + "/p/slow.html", error="timeout (ReadTimeout)"))]
    found = run("LN001", bad)
    assert [(f.code, f.url, f.evidence) for f in found] == [
        ("LN001", ORIGIN + "/p/gone.html", "HTTP 404"),
        ("LN001", ORIGIN + "/p/slow.html", "timeout (ReadTimeout)"),
    ]
    assert all(f.severity is Severity.ERROR for f in found)
    # A live page, and a dead page that was only discovered through a link (LN003's job), pass.
    assert run("LN001", [page(), page("/p/linked.html", status=404, seed=False)]) == []


def test_ln002_bad_missing_and_not_an_image_good_loaded():
    img = ORIGIN + "/img/a.png"
    html_img = ORIGIN + "/img/b.png"
    p = page(product=Product(url=ORIGIN + "/p/a.html", sku="S1"),
             resources=[Resource(url=img, kind="img"), Resource(url=html_img, kind="img")])
    checked = {img: FetchResult(url=img, status=404), html_img: ok(html_img, "text/html")}
    found = run("LN002", [p], checked)
    assert [(f.sku, f.evidence) for f in found] == [("S1", img), ("S1", html_img)]
    assert "HTTP 404" in found[0].message and "not an image" in found[1].message
    assert run("LN002", [p], {img: ok(img), html_img: ok(html_img)}) == []
    assert run("LN002", [p], checked, require_image_type=False)[0].evidence == img


def test_ln003_bad_missing_and_off_shelf_targets_good_live():
    promo = page("/promo/x.html", links=[Link(url=ORIGIN + "/p/gone.html", text="Gone"),
                                         Link(url=ORIGIN + "/p/old.html", text="Old"),
                                         Link(url=ORIGIN + "/p/live.html", text="Live")])
    old = page("/p/old.html", product=Product(url=ORIGIN + "/p/old.html", sku="OLD",
                                              availability=Availability.DISCONTINUED))
    live = page("/p/live.html", product=Product(url=ORIGIN + "/p/live.html", sku="LIVE",
                                                availability=Availability.IN_STOCK))
    checked = {ORIGIN + "/p/gone.html": FetchResult(url=ORIGIN + "/p/gone.html", status=404)}
    found = run("LN003", [promo, old, live], checked)
    assert sorted((f.url, f.sku or "", f.extra["target"]) for f in found) == [
        (ORIGIN + "/promo/x.html", "", ORIGIN + "/p/gone.html"),
        (ORIGIN + "/promo/x.html", "OLD", ORIGIN + "/p/old.html"),
    ]
    labelled = page("/p/old.html", product=Product(url=ORIGIN + "/p/old.html", sku="OLD", labels=["本商品已下架"]))
    assert len(run("LN003", [promo, labelled, live], checked)) == 2
    promo_ok = page("/promo/x.html", links=[Link(url=ORIGIN + "/p/live.html")])
    assert run("LN003", [promo_ok, live]) == []


def test_ln004_bad_chain_and_loop_good_single_hop():
    chain = FetchResult(url=ORIGIN + "/old-1", final_url=ORIGIN + "/p/a.html", status=200,
                        redirects=[ORIGIN + "/old-1", ORIGIN + "/old-2"])
    loop = FetchResult(url=ORIGIN + "/a", redirects=[ORIGIN + "/a", ORIGIN + "/b"], redirect_loop=True,
                       error="redirect loop")
    found = run("LN004", [page(fetch=chain), page(fetch=loop)])
    assert [(f.url, f.severity) for f in found] == [(ORIGIN + "/old-1", Severity.WARNING), (ORIGIN + "/a", Severity.ERROR)]
    assert found[0].evidence == f"{ORIGIN}/old-1 -> {ORIGIN}/old-2 -> {ORIGIN}/p/a.html"
    one_hop = FetchResult(url=ORIGIN + "/old", final_url=ORIGIN + "/p/a.html", status=200, redirects=[ORIGIN + "/old"])
    assert run("LN004", [page(fetch=one_hop)]) == []
    assert len(run("LN004", [page(fetch=one_hop)], max_hops=0)) == 1


def test_ln005_bad_http_resources_on_https_page_good_https_or_http_page():
    resources = [Resource(url="http://cdn.example.com/a.jpg", kind="img"),
                 Resource(url="http://cdn.example.com/t.js", kind="script"),
                 Resource(url="https://cdn.example.com/ok.js", kind="script")]
    found = run("LN005", [page(resources=resources)])
    assert [(f.evidence, f.severity) for f in found] == [
        ("http://cdn.example.com/a.jpg", Severity.WARNING),
        ("http://cdn.example.com/t.js", Severity.ERROR),
    ]
    # Served over http but canonical https: still an https page.
    http_served = page(fetch=FetchResult(url="http://127.0.0.1:1/p/a.html", final_url="http://127.0.0.1:1/p/a.html",
                                         status=200), canonical=ORIGIN + "/p/a.html", resources=resources[:1])
    assert len(run("LN005", [http_served])) == 1
    same_origin = page(fetch=FetchResult(url="http://127.0.0.1:1/p/a.html", final_url="http://127.0.0.1:1/p/a.html",
                                         status=200), canonical=ORIGIN + "/p/a.html",
                       resources=[Resource(url="http://127.0.0.1:1/img/a.png", kind="img")])
    assert run("LN005", [same_origin]) == []  # relative on the page: https once public
    plain_http = page(fetch=FetchResult(url="http://127.0.0.1:1/p/a.html", status=200), resources=resources[:1])
    assert run("LN005", [plain_http]) == []
    assert run("LN005", [page(resources=resources[2:])]) == []


def test_ln006_bad_block_reported_good_page_clean():
    found = run("LN006", [page(structured_data_errors=["block 2: Unexpected '\"' at column 9"])])
    assert len(found) == 1 and "block 2" in found[0].message
    assert run("LN006", [page()]) == []


@pytest.mark.parametrize("code", ["LN001", "LN002", "LN003", "LN004", "LN005", "LN006"])
def test_severity_can_be_relevelled(code):
    config = Config(select=[code], severity={code: "info"})
    (rule,) = build_rules(config)
    assert rule.level is Severity.INFO
