"""The fixture store (fixtures/store/p/*.html) with its exports audited as an audit files them, without
HTTP: each page extracted, its page rules run, the page slimmed as the crawl slims it, then the site and
post rules.  Shared by the store oracle tests of the rule families."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from checker.config import Config
from checker.crawl.pages import slim_page
from checker.decoding import decode_html
from checker.engine import AuditContext, Engine, build_rules
from checker.extract import extract_page
from checker.models import FetchResult, Finding, Page
from checker.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "store"
CONFIG = ROOT / "fixtures" / "checker.toml"
ORIGIN = "http://store.test"


def audit_store(config: Config, today: date | None = None, origin: str = ORIGIN) -> tuple[list[Finding], AuditContext]:
    engine = Engine(build_rules(config))
    ctx = AuditContext(config=config, today=today or date.today())
    load_sources(config, ctx, CONFIG.parent)
    findings: list[Finding] = []
    for file in sorted((STORE / "p").glob("*.html")):
        url = f"{origin}/p/{file.name}"
        extracted = extract_page(decode_html(file.read_bytes(), None)[0], url, config)
        page = Page(fetch=FetchResult(url=url, final_url=url, status=200, content_type="text/html"),
                    product=extracted.product, title=extracted.title, canonical=extracted.canonical)
        findings += engine.check_page(page, ctx)
        ctx.add_page_targets(slim_page(page, engine.sentence_keepers), {}, {})
    findings += engine.check_site(ctx)
    return engine.revise(findings, ctx), ctx


def csv_rows(path: Path, prefix: str = "") -> list[dict[str, str]]:
    """The rows of a fixture CSV (``_defects.csv``, ``_planted.csv``); with ``prefix``, those whose code has it."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row.get("code", prefix).startswith(prefix)]


def defect_key(f: Finding, origin: str = ORIGIN) -> tuple[str, str, str, str, str]:
    """A finding as ``_defects.csv`` writes a seeded defect: code, SKU, page path, field, evidence."""
    return (f.code, f.sku or "", (f.url or "").removeprefix(origin), f.field or "", f.evidence)
