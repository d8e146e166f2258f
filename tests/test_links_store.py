"""The LN rules over the real fixture store, served over HTTP: every seeded defect is found and
nothing else is flagged."""

from __future__ import annotations

from conftest import seeded_defects, url_path


def _key(code, path, sku):
    return (code, path, sku or "")


def test_every_seeded_link_defect_is_found_and_nothing_else(store_audit, store_origin):
    expected = {_key(d["code"], d["path"], d["sku"]) for d in seeded_defects("LN")}
    found = {
        _key(f.code, url_path(f.url, store_origin), f.sku)
        for f in store_audit.findings
        if f.code.startswith("LN")
    }
    assert expected, "the fixture store lists no LN defects"
    assert found - expected == set(), "flagged but not seeded"
    assert expected - found == set(), "seeded but not found"


def test_one_finding_per_broken_target(store_audit):
    """A broken image or dead link is one finding however many pages point at it, with their count
    and the first few (issue 22); on the fixture store each seeded target is on one page."""
    for code in ("LN002", "LN003"):
        findings = [f for f in store_audit.findings if f.code == code]
        targets = [f.extra["target"] for f in findings]
        assert findings and len(targets) == len(set(targets))
        assert all(f.extra["pages"] == 1 and f.extra["sample"] == [f.url] for f in findings)


def test_evidence_names_the_broken_target(store_audit, store_origin):
    for d in seeded_defects("LN"):
        if not d["evidence"]:
            continue
        matches = [
            f for f in store_audit.findings
            if f.code == d["code"] and url_path(f.url, store_origin) == d["path"] and d["evidence"] in f.evidence
        ]
        assert matches, f"no {d['code']} finding on {d['path']} quoting {d['evidence']}"


def test_every_sitemap_url_ends_as_page_or_error(store_audit):
    ctx = store_audit.ctx
    failed = [p.url for p in ctx.pages.values() if not p.fetch.ok]
    error_sources = {e.source for e in ctx.errors}
    assert all(url in error_sources for url in failed)
    assert sum(1 for p in ctx.pages.values() if p.fetch.ok) >= 45
    assert len(ctx.products) >= 45


def test_all_three_extraction_paths_are_used(store_audit):
    kinds = {p.extracted_from for p in store_audit.ctx.products}
    assert {"jsonld", "microdata", "selectors"} <= kinds
