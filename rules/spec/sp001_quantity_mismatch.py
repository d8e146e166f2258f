from __future__ import annotations

from collections.abc import Iterator

from checker_rules.spec.common import (
    QuantityOptions,
    Side,
    describe,
    disagreements,
    key_form,
    quantity_rows,
    read_side,
    source_words,
    unchecked,
)
from checker_rules.spec.quantity import default_parser

from checker.catalog import CatalogIndex, catalog_index
from checker.engine import Rule, register
from checker.models import Finding, Product, Severity
from checker.text import normalise

NET_QUANTITY_LAW = ("《定量包装商品计量监督管理办法》（净含量标注）；《消费者权益保护法》第二十条 / "
                    "Measures for the Metrological Supervision of Prepackaged Commodities in Fixed Quantities "
                    "(net quantity); Consumer Rights Protection Law of the PRC art. 20")
CONSUMER_LAW = "《消费者权益保护法》第二十条 / Consumer Rights Protection Law of the PRC art. 20"


def _union(sides: list[Side], zh: str, en: str, field: str) -> Side:
    out = Side(zh, en, field)
    for side in sides:
        out.mentions += side.mentions
        out.groups += side.groups
        out.unreadable += side.unreadable
    return out


def _keys_label(rows: list[tuple[str, Side]]) -> tuple[str, str]:
    names = [name for name, _ in rows]
    return "规格表" + "".join(f"「{n}」" for n in names), "the spec table (" + ", ".join(names) + ")"


@register
class QuantityMismatch(Rule):
    """The quantity in the title disagrees with the spec table, the variants or the backend's specs.

    What it checks:
        Every quantity the page states (``500ml``, ``1.5L``, ``2kg``, ``10斤装``, ``3两``, ``12片装``,
        ``60粒``, ``250ml×12盒``, ``16 oz``, ``32cm``), in the title, in the spec rows that state the
        quantity sold (净含量, 内容量, 容量, 规格, Net weight, Capacity, Size ...: option ``keys``),
        in each variant, and in the backend catalog's specs for the product's SKU and for each variant
        SKU.  Amounts are compared in one base unit per dimension (g, ml, mm, pieces), read from the
        units table ``rules/spec/units.toml``: 10斤 = 5kg and 1 L = 1000 ml agree, 500ml and 250ml do
        not; 斤 and 两 follow the product's currency (a TWD shop's 斤 is the 台斤 of 600 g).  Two
        sides disagree in a dimension both state when no amount of one is an amount of the other
        (``750g`` agrees with ``25g×30袋``).  A backend row is compared with the page's row of the
        same name, otherwise with the title and the whole spec table.  尺寸 / Dimensions and
        重量 / Weight rows (the box, the item's own weight) are not compared, nor are ranges
        (``15–17cm``), sizes of several sides (``200×230cm``), model numbers, years and shelf lives.
        A quantity that cannot be read where one is compared (``约500g``, ``TBD``, a number without a
        unit) is an info finding: it could not be checked.

    Why it matters:
        The quantity in the title is what the shopper pays for.  A title of 225g over a backend of
        250g (or a page of 1.8m床 when the warehouse ships 1.5m) is a "货不对板" complaint, a
        refund and, for prepackaged goods, a net-quantity labelling offence; found after a promotion
        goes live it costs every order placed meanwhile.

    How to fix:
        Correct whichever side is wrong (title, spec row, variant or backend) so all state the same
        quantity; write approximate quantities as the labelled net quantity.

    Options:
        ``keys`` (spec names compared); ``jin_grams = { default = 500, TWD = 600, HKD = 604.79 }`` and
        ``liang_grams = { default = 50, TWD = 37.5, HKD = 37.8 }``: grams per 斤 and 两 by the
        product's currency (a plain number for every currency); ``tolerance_pct = 1`` (conversions
        round: 16 oz is 453.6 g).
    """

    code = "SP001"
    name = "spec.quantity-mismatch"
    summary = "标题、规格、选项与后台的数量不一致 / Quantity differs between title, specs, variants and backend"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = NET_QUANTITY_LAW
    Options = QuantityOptions

    def __init__(self, options=None, severity=None) -> None:
        super().__init__(options, severity)
        default_parser()  # the units table is checked now: a broken units.toml stops the audit before it starts

    def check(self, site, ctx) -> Iterator[Finding]:
        catalog = catalog_index(ctx)
        keys = self.options.key_forms()
        for product in ctx.site_products():
            yield from self._product(product, catalog, keys)

    # ------------------------------------------------------------------------------------------
    def _product(self, p: Product, catalog: CatalogIndex, keys: frozenset[str]) -> Iterator[Finding]:
        item = catalog.get(p.sku)
        factors = self.options.factors(p.currency or (item.currency if item else None))
        title = read_side("标题", "the title", "title", [p.title], factors, strict=False)
        rows = [(name, read_side(f"规格表「{name}」", f"spec row {name}", f"specs[{name}]", [value], factors))
                for name, value in quantity_rows(p.specs, keys)]
        seen: set[tuple[str, str]] = set()

        # 1. the title against the spec table (all its quantity rows together)
        if rows:
            zh, en = _keys_label(rows)
            table = _union([s for _, s in rows], zh, en, "specs")
            yield from self._compare(p, title, table, seen, field="title")
            yield from self._unreadable(p, [s for _, s in rows], title, seen)
        # 2. the title against the variants: a quantity no variant has
        variants = [read_side(f"选项「{v.name or v.sku}」", f"variant {v.name or v.sku!r}", "variants",
                              [v.name, *v.specs.values()], factors, strict=False) for v in p.variants]
        if variants:
            yield from self._compare(p, title, _union(variants, "各选项", "the variants", "variants"), seen,
                                     field="variants")
        # 3. the page against the backend's row of the product's SKU
        if item is not None:
            szh, sen = source_words(item)
            by_key = {key_form(name): (name, side) for name, side in rows}
            page_all = _union([title, *(s for _, s in rows)], "页面（标题/规格表）", "the page (title and specs)",
                              "specs" if rows else "title")
            for name, value in quantity_rows(item.specs, keys):
                backend = read_side(f"{szh}「{name}」", f"{sen} {name}", "backend", [value], factors,
                                    source=item.source)
                mine = by_key.get(key_form(name))
                if mine is not None and normalise(p.specs[mine[0]]) == normalise(value):
                    continue
                page_side = mine[1] if mine is not None else page_all
                yield from self._compare(p, page_side, backend, seen, item=item)
                yield from self._unreadable(p, [backend], page_side, seen, item=item, page_field=page_side.field)
                if mine is not None:  # the page's own row unreadable where the backend's is not
                    yield from self._unreadable(p, [page_side], backend, seen)
        # 4. each variant against the backend's row of the variant's SKU
        for v, side in zip(p.variants, variants, strict=True):
            v_item = catalog.get(v.sku) if v.sku and v.sku != p.sku else None
            if v_item is None or not side.mentions:
                continue
            szh, sen = source_words(v_item)
            backend = _union([read_side("", "", "backend", [value], factors)
                              for _, value in quantity_rows(v_item.specs, keys)],
                             f"{szh}（{v.sku}）", f"{sen} ({v.sku})", "backend")
            backend.source = v_item.source
            side.field = f"variants[{v.sku}]"
            yield from self._compare(p, side, backend, seen, item=v_item, sku=v.sku)

    def _compare(self, p: Product, a: Side, b: Side, seen: set[tuple[str, str]], *, item=None,
                 sku: str | None = None, field: str | None = None) -> Iterator[Finding]:
        found = disagreements(a, b, self.options.tolerance_pct)
        if not found:
            return
        dim, left, right = found[0]
        field = field or a.field
        key = (field, b.zh)
        if key in seen:
            return
        seen.add(key)
        message, evidence = describe(a, b, dim, left, right)
        yield self.finding(
            message,
            sku=sku or p.sku,
            url=p.url,
            field=field,
            evidence=evidence,
            suggestion="核对实物与标签，统一标题、规格表、选项和后台的数量 / Check the label and make the title, "
                       "specs, variants and backend state the same quantity",
            legal_basis=NET_QUANTITY_LAW if dim != "length" else CONSUMER_LAW,
            source=b.source or (item.source if item is not None else None),
            dimension=dim,
            dimensions=[d for d, _, _ in found],
            page=a.quote(dim),
            other=b.quote(dim),
            other_where=b.en,
        )

    def _unreadable(self, p: Product, sides: list[Side], other: Side, seen: set[tuple[str, str]], *, item=None,
                    page_field: str | None = None) -> Iterator[Finding]:
        for side in sides:
            for text in unchecked(side, other, self.options.tolerance_pct):
                field = page_field if item is not None else side.field
                key = (field or "", "unreadable:" + text)
                if key in seen:
                    continue
                seen.add(key)
                yield self.finding(
                    f"{side.zh}的数量「{text}」无法读取，未能核对 / Could not read the quantity \"{text}\" "
                    f"({side.en}): not checked",
                    sku=p.sku,
                    url=p.url,
                    field=field,
                    evidence=text,
                    suggestion="写明确切的净含量和单位，如 500g / State the exact quantity with its unit, e.g. 500 g",
                    severity=Severity.INFO,
                    source=item.source if item is not None else None,
                    unreadable=text,
                )
