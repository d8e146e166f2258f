"""The AD rules over every product page of the fixture store (fixtures/store/p/*.html), extracted
the way the crawler extracts them: every seeded AD defect in _defects.csv is found, and nothing
else is flagged (the look-alikes listed in fixtures/README.md must stay silent)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from checker.config import load_config
from checker.engine import AuditContext, build_rules

extract = pytest.importorskip("checker.extract", reason="the extractor (checker.extract) is not available yet")

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "store"
DEFECTS = STORE / "_defects.csv"
CONFIG = ROOT / "fixtures" / "checker.toml"
ORIGIN = "http://store.test"

pytestmark = pytest.mark.skipif(not DEFECTS.is_file(), reason="fixtures/store/_defects.csv not generated yet")


def _decode(data: bytes) -> str:
    """Decode a page as the crawler does (shops label GBK pages as UTF-8 and the reverse)."""
    from checker.decoding import decode_html

    return decode_html(data, None)[0]


@cache
def _audit():
    config = load_config(CONFIG).model_copy(update={"select": ["AD"], "ignore": []})
    rules = build_rules(config)
    ctx = AuditContext(config=config)
    products, findings = {}, []
    for page in sorted((STORE / "p").glob("*.html")):
        path = "/" + page.relative_to(STORE).as_posix()
        product = extract.extract_page(_decode(page.read_bytes()), ORIGIN + path, config).product
        if product is None:
            continue
        products[path] = product
        for rule in rules:
            findings.extend(rule.check(product, ctx))
    return products, findings, ctx


def _expected() -> list[dict[str, str]]:
    with DEFECTS.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["code"].startswith("AD")]


def _found_key(f) -> tuple[str, str, str, str]:
    return (f.code, (f.url or "").removeprefix(ORIGIN), f.field or "", f.extra["term"])


def _expected_key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return (row["code"], row["path"], row["field"], row["evidence"])


def test_every_seeded_ad_defect_is_found_and_nothing_else():
    products, findings, ctx = _audit()
    expected = {_expected_key(r) for r in _expected()}
    found = {_found_key(f) for f in findings}
    assert expected, "the fixture store lists no AD defects"
    assert products, "no product extracted from fixtures/store/p/*.html"
    assert found - expected == set(), "flagged but not seeded"
    assert expected - found == set(), "seeded but not found"
    assert [e for e in ctx.errors if e.stage == "config"] == []


def test_store_findings_quote_the_page_text():
    products, findings, _ = _audit()
    for f in findings:
        assert f.extra["term"] in f.evidence
        assert f.extra["canonical"] and f.legal_basis and f.suggestion
        product = products[(f.url or "").removeprefix(ORIGIN)]
        texts = {
            "title": [product.title], "subtitle": [product.subtitle], "description": [product.description],
            "meta_description": [product.meta_description], "specs": list(product.specs.values()),
            "image_alt": [t for i in product.images for t in (i.alt, i.title)], "banner": product.banners,
            "label": product.labels,
        }[f.field]
        assert any(f.evidence in t for t in texts), f"{f.code} {f.field}: evidence not on the page: {f.evidence!r}"
