from __future__ import annotations

import re
from collections.abc import Iterator

from checker_rules.spec.common import source_words
from checker_rules.spec.quantity import default_parser, parse
from pydantic import BaseModel, ConfigDict, Field

from checker.catalog import CatalogIndex, catalog_index
from checker.engine import Rule, register
from checker.models import CatalogItem, Finding, Product, Severity, Variant
from checker.text import normalise

#: How a variant's name separates its options: 黑色 / 42, Black, 42, 红色｜L.
_SPLIT = re.compile(r"\s*(?:[/|,，、;；｜·]|\s-\s)\s*")
#: Words around an option value that do not change it: 黑色 = 黑, 42码 = 42, Size 42 = 42.
_SUFFIX = re.compile(r"(?:色|码|号|尺码|款|size|colou?r)$")
_PREFIX = re.compile(r"^(?:size|colou?r|尺码|颜色)\s*[:：]?\s*")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: list[str] = Field(
        default_factory=lambda: ["size", "colour", "color", "eu", "us", "uk", "cn", "jp", "尺码", "颜色", "码数", "尺寸"],
        description="words of a variant's name that label the option after them and are not a value "
                    "(Size M, 黑色 EU 42)",
    )
    off_shelf: list[str] = Field(
        default_factory=lambda: ["下架", "已下架", "停售", "删除", "off shelf", "off-shelf", "discontinued", "inactive",
                                 "archived", "draft", "deleted"],
        description="backend status words of a variant that is meant to be off the page",
    )


def _form(text: str) -> str:
    text = _PREFIX.sub("", normalise(text).strip())
    return _SUFFIX.sub("", text).strip()


def _same(option: str, value: str) -> bool:
    a, b = _form(option), _form(value)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if short.isascii() and short.isalnum():  # L is not in XL; 42 is in 42/43 only as a whole token
        return re.search(rf"(?<![a-z0-9]){re.escape(short)}(?![a-z0-9])", long_) is not None
    return short in long_


def _options(variant: Variant, product: Product, labels: frozenset[str] = frozenset()) -> list[str]:
    """The option values a variant shows: its specs' values, else the words of its name that are not
    words of the product's title (``轻跑运动鞋 男款 黑白 / 42`` -> ``黑白``, ``42``), nor a label of
    the word after it (``Size M`` -> ``M``, ``黑色 EU 42`` -> ``黑色``, ``42``)."""
    if variant.specs:
        return [v for v in variant.specs.values() if v.strip()]
    title = normalise(product.title)
    out = []
    for part in _SPLIT.split(variant.name.strip()):
        words = [w for w in part.split() if w.strip(" -:：")]
        out += [w for i, w in enumerate(words)
                if not (i + 1 < len(words) and normalise(w).strip(" -:：") in labels)]
    return [w for w in out if normalise(w) not in title]


def _value_part(name: str, labels: frozenset[str]) -> str:
    """A variant's name without its label words: ``Size M`` -> ``M``."""
    return " ".join(w for w in name.split() if normalise(w).strip(" -:：") not in labels)


@register
class VariantVsBackend(Rule):
    """A variant on the page that the backend does not have, or a backend variant missing from the page.

    What it checks:
        For every product the backend catalog knows: each variant on the page with a SKU must be a
        SKU of the backend, and its option values (size, colour, spec: the variant's specs, or the
        words of its name after the product's title and label words such as Size, EU, 尺码: option
        ``labels``; or the whole name or its value part) must be among the backend's spec values for
        that SKU (``黑色`` = ``黑``, ``42码`` = ``42``; quantities are SP001's).  Each backend row that
        is a variant of the product (the same product page URL, or a SKU that is the product's SKU
        followed by ``-``, ``_``, ``/`` or ``.``, such as ``CN-SPT-7001-42``, whose URL, if it has one,
        is this page: ``CN-TEA-1001-GIFT`` at ``/p/gift.html`` is another product) must be on the page,
        unless its status says it is off the shelf (option ``off_shelf``).  A product the backend
        does not know at all, a variant without a SKU and a backend row without specs are not judged.

    Why it matters:
        A size or colour a shopper can choose but the warehouse does not have becomes an order that
        cannot ship; a backend variant missing from the page is stock the promotion cannot sell.
        Both are found by shoppers first, during the promotion.

    How to fix:
        Make the page's options and the backend's variant SKUs the same set: add or remove the
        variant, or correct the SKU or the option value on whichever side is wrong.
    """

    code = "SP002"
    name = "spec.variant-vs-backend"
    summary = "页面规格选项与后台不一致 / Page variants differ from the backend's"
    severity = Severity.ERROR
    scope = "site"
    legal_basis = "《消费者权益保护法》第二十条 / Consumer Rights Protection Law of the PRC art. 20"
    Options = Options

    def __init__(self, options=None, severity=None) -> None:
        super().__init__(options, severity)
        default_parser()  # the units table is checked now: a broken units.toml stops the audit before it starts

    def check(self, site, ctx) -> Iterator[Finding]:
        if not ctx.catalog:
            return
        catalog = catalog_index(ctx)
        off = {normalise(w) for w in self.options.off_shelf}
        for product in ctx.site_products():
            yield from self._product(product, catalog, off)

    def _product(self, p: Product, catalog: CatalogIndex, off: set[str]) -> Iterator[Finding]:
        backend_variants = catalog.variants_of(p)
        if catalog.get(p.sku) is None and not backend_variants:
            return  # a product the backend does not know: not a variant question
        page_skus = {v.sku.strip().upper() for v in p.variants if v.sku}
        for v in p.variants:
            if not v.sku or v.sku.strip().upper() == (p.sku or "").strip().upper():
                continue
            item = catalog.get(v.sku)
            label = v.name or v.sku
            if item is None:
                yield self.finding(
                    f"页面选项「{label}」的 SKU {v.sku} 在后台不存在 / Variant \"{label}\" (SKU {v.sku}) is not in "
                    "the backend",
                    sku=v.sku, url=p.url, field=f"variants[{v.sku}]", evidence=f"{label} ({v.sku})",
                    suggestion="在后台建立该 SKU，或从页面删除该选项 / Create the SKU in the backend or remove the option",
                    reason="not-in-backend", product_sku=p.sku,
                )
                continue
            yield from self._options(p, v, item)
        for item in backend_variants:
            if item.sku.strip().upper() in page_skus or normalise(item.status or "").strip() in off:
                continue
            szh, sen = source_words(item)
            shown = "；".join(f"{k}:{val}" for k, val in item.specs.items()) or item.name
            yield self.finding(
                f"{szh}的规格 {item.sku}（{shown}）未在页面上 / {sen}: variant {item.sku} ({shown}) is missing "
                "from the page",
                sku=p.sku, url=p.url, field="variants", evidence=f"{item.sku} {shown}".strip(), source=item.source,
                suggestion="在页面上架该规格，或在后台将其下架 / Offer the variant on the page or take it off the "
                           "shelf in the backend",
                reason="missing-on-page", variant_sku=item.sku,
            )

    def _options(self, p: Product, v: Variant, item: CatalogItem) -> Iterator[Finding]:
        values = [val for val in item.specs.values() if val.strip()]
        if not values:
            return
        szh, sen = source_words(item)
        labels = frozenset(normalise(w) for w in self.options.labels)
        whole = {_form(v.name), _form(_value_part(v.name, labels))} - {""}
        if any(_form(value) in whole for value in values):
            return  # the whole name, or its value part, is a backend value
        for option in _options(v, p, labels):
            if any(m.readable for m in parse(option)):
                continue  # a quantity: SP001 compares it with the backend
            if any(_same(option, value) for value in values):
                continue
            shown = "；".join(f"{k}:{val}" for k, val in item.specs.items())
            yield self.finding(
                f"页面选项「{option}」与{szh}不符（{v.sku}：{shown}）/ Variant option \"{option}\" is not what {sen} "
                f"has for {v.sku} ({shown})",
                sku=v.sku, url=p.url, field=f"variants[{v.sku}]", evidence=f"{option} ≠ {shown}", source=item.source,
                suggestion="统一页面选项与后台该 SKU 的规格 / Make the page option and the backend's spec of this SKU agree",
                reason="option-differs", option=option, product_sku=p.sku,
            )
