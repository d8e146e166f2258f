"""What the CP rules and the complaint sheets share: every complaint classified once per audit, the
SKUs the audit knows (pages, store APIs, catalog, inventory; case and spaces ignored, as the other
packs match SKUs), the findings CP002 escalated, and how a finding names complaints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from checker_rules.complaints.causes import Classification, Taxonomy, taxonomy

from checker.catalog import sku_key
from checker.models import Complaint, Product

CONSUMER_LAW = ("《消费者权益保护法》第二十三条、第二十四条（质量保证、退换货义务）；《产品质量法》第二十六条 / "
                "Consumer Rights Protection Law of the PRC arts. 23-24 (quality guarantee, returns); "
                "Product Quality Law of the PRC art. 26")
AD_LAW = ("《广告法》第四条、第二十八条（虚假广告）；《消费者权益保护法》第二十条 / Advertising Law of the PRC "
          "arts. 4 and 28 (false advertising); Consumer Rights Protection Law of the PRC art. 20")


@dataclass(frozen=True)
class Entry:
    """One complaint as the rules read it: its cause and whether it was closed."""

    complaint: Complaint
    cause: Classification
    resolved: bool

    @property
    def id(self) -> str:
        """The ticket id, else where it came from (file, row)."""
        c = self.complaint
        return c.id or (str(c.source) if c.source else "?")

    def within(self, today: date, days: int) -> bool:
        """Received in the ``days`` before the audit date (the audit date included); undated: no."""
        received = self.complaint.received
        return received is not None and today - timedelta(days=days) <= received <= today


@dataclass
class ComplaintView:
    """Every complaint classified, and the audit's products by SKU (variants included); SKUs are
    :func:`~checker.catalog.sku_key` forms throughout."""

    entries: list[Entry]
    products: dict[str, Product]  # SKU -> the product that sells it
    known: frozenset[str]  # SKUs of pages, store APIs, the catalog and inventory
    taxonomy: Taxonomy
    by_sku: dict[str, list[Entry]] = field(default_factory=dict)
    escalated: dict[str, list[str]] = field(default_factory=dict)  # complaint id -> findings CP002 raised

    def __post_init__(self) -> None:
        for entry in self.entries:
            for sku in dict.fromkeys(sku_key(s) for s in entry.complaint.all_skus):
                self.by_sku.setdefault(sku, []).append(entry)

    def unknown_skus(self) -> dict[str, list[Entry]]:
        """SKUs complained about that the audit does not know (discontinued, mistyped)."""
        return {sku: entries for sku, entries in self.by_sku.items() if sku not in self.known}

    def product_causes(self, sku: str, today: date, days: int, *, count_resolved: bool = True) -> dict[str, list[Entry]]:
        """Cause -> the SKU's complaints of that product cause within the window, oldest first."""
        out: dict[str, list[Entry]] = {}
        for entry in self.by_sku.get(sku, ()):
            cause = entry.cause.cause
            if cause is None or not self.taxonomy.causes[cause].product or not entry.within(today, days):
                continue
            if entry.resolved and not count_resolved:
                continue
            out.setdefault(cause, []).append(entry)
        for entries in out.values():
            entries.sort(key=lambda e: (e.complaint.received or date.min, e.id))
        return out


def products_by_sku(products: Iterable[Product]) -> dict[str, Product]:
    """SKU -> product, the variants' SKUs included (the first page that sells a SKU wins)."""
    out: dict[str, Product] = {}
    for product in products:
        for variant in product.variants:
            if variant.sku:
                out.setdefault(sku_key(variant.sku), product)
        if product.sku:
            out.setdefault(sku_key(product.sku), product)
    return out


def complaint_view(ctx) -> ComplaintView:
    """The audit's complaints classified once, shared by the CP rules and the complaint sheets (through
    the context's memo, which keeps it from the site rules to the workbook)."""

    def build() -> ComplaintView:
        tax = taxonomy()
        products = products_by_sku(ctx.site_products()) if ctx.complaints else {}
        known = frozenset(products) | {sku_key(c.sku) for c in ctx.catalog} | {sku_key(lot.sku) for lot in ctx.lots}
        entries = [Entry(c, tax.classify(c), tax.is_resolved(c)) for c in ctx.complaints]
        return ComplaintView(entries, products, known, tax)

    return ctx.memo.get(ctx, ("complaints.view", id(ctx.complaints), len(ctx.complaints)), build)


def ids_text(entries: Iterable[Entry], limit: int = 8) -> str:
    ids = [e.id for e in entries]
    return ", ".join(ids[:limit]) + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


def sample(entry: Entry, limit: int = 60) -> str:
    text = " ".join((entry.complaint.detail or entry.complaint.reason or entry.complaint.category or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
