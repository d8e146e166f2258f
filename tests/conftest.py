"""Shared test fixtures: a real HTTP server on 127.0.0.1 serving fixtures/store, and one audit
of it shared by the tests that only read its results."""

from __future__ import annotations

import csv
import importlib.util
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from checker.audit import run_audit
from checker.config import load_config
from checker.crawl.serve import serve_directory

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "store"
STORE_CONFIG = ROOT / "fixtures" / "checker.toml"
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session")
def store_origin():
    with serve_directory(STORE) as origin:
        yield origin


@pytest.fixture(scope="session")
def store_audit(store_origin, tmp_path_factory):
    """The full audit of the fixture store, as `make audit` runs it."""
    out = tmp_path_factory.mktemp("reports") / "store.xlsx"
    return run_audit(load_config(STORE_CONFIG), [f"{store_origin}/sitemap.xml"], output=out, today=TODAY)


def write_one_page_store(root):
    """A shop of one product page and its sitemap in ``root`` (for ``checker audit --serve``)."""
    (root / "p").mkdir(parents=True)
    (root / "p" / "ok.html").write_text(
        '<h1 class="product-title">OK</h1><span data-sku="OK-1"></span><span class="price-current">¥9</span>',
        encoding="utf-8")
    (root / "sitemap.xml").write_text('<urlset><url><loc>http://shop.local/p/ok.html</loc></url></urlset>',
                                      encoding="utf-8")
    return root


@pytest.fixture
def one_page_store(tmp_path):
    return write_one_page_store(tmp_path / "store")


@cache
def export_generator():
    """fixtures/make_exports.py as a module: its CATALOG_ROWS and API_ITEMS are the exports' rows (each
    rule family adds its own), so row counts are read from it rather than written into tests."""
    spec = importlib.util.spec_from_file_location("make_exports", ROOT / "fixtures" / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seeded_defects(prefix: str) -> list[dict[str, str]]:
    with (STORE / "_defects.csv").open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["code"].startswith(prefix)]


def url_path(url: str | None, origin: str) -> str:
    return (url or "").removeprefix(origin)
