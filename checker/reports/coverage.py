"""What the audit looked at, per area, so that "0 findings" can be told apart from "not looked at":
checked, partly checked or not checked, and why (no rule selected, no source configured, N pages
without a product, N products without a price).  Each pack declares what its area reads
(:attr:`checker.engine.pack.RulePack.needs`); the console and the Summary sheet show the same block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from checker.engine.registry import load_packs
from checker.engine.rule import Rule
from checker.messages import (
    CHECKED,
    EXPORT_NAME,
    NO_PAGE_READ,
    NO_PRODUCT_ON_PAGES,
    NO_RULE_SELECTED,
    NO_SOURCE,
    NO_SOURCE_ROWS,
    NOT_CHECKED,
    PAGES_WITHOUT_PRODUCT,
    PARTLY,
    PRODUCTS_WITHOUT_PRICE,
    SOURCE_KINDS,
    SOURCE_UNUSED,
)

__all__ = ["CHECKED", "NOT_CHECKED", "PARTLY", "AreaCoverage", "coverage", "coverage_rows"]


@dataclass(frozen=True)
class AreaCoverage:
    area: str  # the pack's prefix, or source:<kind> for an export no selected rule reads
    name: str  # 广告用语 Ad wording
    status: str  # CHECKED / PARTLY / NOT_CHECKED
    why: str  # "" when checked in full
    codes: tuple[str, ...]  # the rules of the area that ran


class _Facts:
    """Counts read once per audit, only when an area needs them."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    @property
    def pages_ok(self) -> int:
        return self.ctx.pages.ok_count

    @property
    def products(self) -> int:
        return self.ctx.product_count

    @cached_property
    def _productless(self) -> list[str]:
        """Paths of the pages read without a product; a page redirected to another (audited as itself) is
        not one of them."""
        paths = []
        for url in self.ctx.pages:
            entry = self.ctx.pages.entry(url)
            if entry.ok and not entry.has_product and entry.final_url in (None, url):
                paths.append(urlsplit(url).path or "/")
        return paths

    @property
    def pages_without_product(self) -> int:
        return len(self._productless)

    def pages_without_product_shown(self, limit: int = 3) -> str:
        """The first few of those pages, so "fine: the home page" is a glance away."""
        return ", ".join(self._productless[:limit]) + (", …" if len(self._productless) > limit else "")

    @cached_property
    def products_without_price(self) -> int:
        """Counted as the products are read back one by one: the site rules' list of them all is gone
        by the time the reports are written (see :func:`checker.audit.run_rules`)."""
        return (sum(p.price is None for p in self.ctx.pages.products())
                + sum(p.price is None for p in self.ctx.api_products))

    def rows(self, kind: str) -> int:
        return len({"inventory": self.ctx.lots, "catalog": self.ctx.catalog, "prices": self.ctx.prices,
                    "complaints": self.ctx.complaints}.get(kind, ()))


def _gap(need: str, facts: _Facts, ctx) -> tuple[bool, str]:
    """``(missing entirely, why)`` for one need; ``(False, "")`` when it is met in full."""
    if need == "pages":
        if facts.pages_ok == 0:
            return True, NO_PAGE_READ + ("" if ctx.start_urls else " (no start URL)")
    elif need == "products":
        if facts.products == 0:
            return True, NO_PRODUCT_ON_PAGES.format(n=facts.pages_ok) if facts.pages_ok else NO_PAGE_READ
        if facts.pages_without_product:
            shown = facts.pages_without_product_shown()
            return False, PAGES_WITHOUT_PRODUCT.format(n=facts.pages_without_product) + (f" ({shown})" if shown else "")
    elif need == "prices":
        unpriced = facts.products_without_price if facts.products else 0
        if unpriced:
            return unpriced >= facts.products, PRODUCTS_WITHOUT_PRICE.format(n=unpriced)
    elif need.startswith("source:"):
        kind = need.removeprefix("source:")
        zh, en = SOURCE_KINDS.get(kind, (kind, kind))
        if not any(s.kind == kind for s in ctx.config.sources):
            return True, NO_SOURCE.format(zh=zh, en=en)
        if facts.rows(kind) == 0:
            return True, NO_SOURCE_ROWS.format(zh=zh, en=en)
    return False, ""


def coverage(ctx, rules: list[Rule]) -> list[AreaCoverage]:
    """One line per loaded pack, in prefix order; then one per export read that no selected rule reads.
    Worked out once for the workbook and the console (shared through the memo)."""
    return ctx.memo.get(ctx, ("reports.coverage", tuple(r.code for r in rules)), lambda: _coverage(ctx, rules))


def _coverage(ctx, rules: list[Rule]) -> list[AreaCoverage]:
    facts = _Facts(ctx)
    ran: dict[str, list[str]] = {}
    for rule in rules:
        ran.setdefault(rule.area(), []).append(rule.code)
    out = []
    for prefix, pack in load_packs().items():
        codes = tuple(ran.get(prefix, ()))
        if not codes:
            out.append(AreaCoverage(prefix, pack.area_name, NOT_CHECKED, NO_RULE_SELECTED, codes))
            continue
        status, reasons = CHECKED, []
        for n, need in enumerate(pack.needs):
            missing, why = _gap(need, facts, ctx)
            if not why:
                continue
            reasons.append(why)
            if missing and n == 0:
                status = NOT_CHECKED
            elif status == CHECKED:
                status = PARTLY
        out.append(AreaCoverage(prefix, pack.area_name, status, "; ".join(reasons), codes))
    return out + _unused_sources(ctx, facts, [p for p in load_packs().values() if p.prefix in ran])


def _unused_sources(ctx, facts: _Facts, selected: list) -> list[AreaCoverage]:
    """An export that was read while no selected rule reads it (counted on the Summary, checked by
    nothing).  Unknown when a selected pack does not declare what it reads: then nothing is claimed."""
    if any(not pack.needs for pack in selected):
        return []
    used = {need.removeprefix("source:") for pack in selected for need in pack.needs}
    out = []
    for kind in dict.fromkeys(s.kind for s in ctx.config.sources):
        if kind not in used:
            zh, en = SOURCE_KINDS.get(kind, (kind, kind))
            out.append(AreaCoverage(f"source:{kind}", EXPORT_NAME.format(zh=zh, en=en), NOT_CHECKED,
                                    SOURCE_UNUSED.format(n=facts.rows(kind)), ()))
    return out


def coverage_rows(ctx, rules: list[Rule]) -> Iterator[list]:
    """The Summary sheet's coverage block: area, status, why, the rules that ran."""
    from checker.reports.sheetwriter import HEADER, WRAP, Cell

    yield []
    yield [Cell(h, HEADER) for h in ("覆盖范围 Coverage", "状态 Status", "原因 Why", "运行的规则 Rules run")]
    for area in coverage(ctx, rules):
        yield [area.name, area.status, Cell(area.why, WRAP), Cell(", ".join(area.codes), WRAP)]
