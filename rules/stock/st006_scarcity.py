from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checker_rules.stock._common import sellable_stock, words
from pydantic import BaseModel, ConfigDict, Field

from checker.catalog import sku_key
from checker.engine import Rule, register
from checker.models import Finding, Product, Severity
from checker.text import normalise, normalise_for_matching

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "piece": 1, "item": 1, "unit": 1}
#: How far before a claim a variant's name is looked for (L码仅剩最后一件, 红色 only 2 left).
_VARIANT_WINDOW = 12
_URGENCY_BASIS = ("《反不正当竞争法》第八条（对商品销售状况作虚假宣传）；《规范促销行为暂行规定》第五条 / Anti-Unfair "
                  "Competition Law art. 8 (false claims about sales status); SAMR promotion provisions art. 5")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    low_stock_units: int = Field(
        10, ge=0, description="a claim without a number (即将售罄, low stock) is true at or below this many "
                              "sellable units, false above it",
    )


def _units(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in _EN_NUMBERS:
        return _EN_NUMBERS[word]
    if word == "十":
        return 10
    if len(word) == 1:
        return _CN_DIGITS.get(word)
    if word.startswith("十"):  # 十二
        return 10 + _CN_DIGITS.get(word[1:], 0)
    head, _, tail = word.partition("十")  # 二十, 二十五
    return _CN_DIGITS.get(head, 0) * 10 + (_CN_DIGITS.get(tail, 0) if tail else 0) or None


@dataclass(frozen=True)
class Claim:
    """A scarcity claim in one text: the units it says are left (None: "few"), as written, and the
    normalised text just before it (where a variant is named)."""

    units: int | None
    text: str
    start: int  # in the normalised text
    end: int
    before: str


def find_claims(text: str) -> list[Claim]:
    """The scarcity claims of ``text``, numbered ones first, none overlapping."""
    form, offsets = normalise_for_matching(text)
    found: list[Claim] = []

    def add(start: int, end: int, units: int | None) -> None:
        if any(start < c.end and c.start < end for c in found):
            return
        a, b = offsets.span(start, end)
        found.append(Claim(units, text[a:b], start, end, form[max(0, start - _VARIANT_WINDOW):start]))

    for pattern in words().scarcity_numbered:
        for match in pattern.finditer(form):
            units = _units(match.group("n"))
            if units is not None:
                add(match.start(), match.end(), units)
    for phrase in words().scarcity_vague:
        at = form.find(phrase)
        while at >= 0:
            add(at, at + len(phrase), None)
            at = form.find(phrase, at + 1)
    return sorted(found, key=lambda c: c.start)


def _named_in(value: str, before: str) -> bool:
    """``value`` (a variant's option, normalised) appears in ``before`` not inside a longer Latin word
    (L in "L码", not in "XL")."""
    if not value:
        return False
    at = before.find(value)
    while at >= 0:
        left = before[at - 1] if at else " "
        right = before[at + len(value)] if at + len(value) < len(before) else " "
        if not (left.isascii() and left.isalnum()) and not (right.isascii() and right.isalnum()):
            return True
        at = before.find(value, at + 1)
    return False


def claim_skus(product: Product, claim: Claim) -> tuple[list[str], str]:
    """The SKUs a claim is about: the variant it names, else the product's own SKU and its variants'.
    Second: the variant's name as the page gives it ("" for the whole product)."""
    named = []
    for variant in product.variants:
        if not variant.sku:
            continue
        values = [normalise(v) for v in (*variant.specs.values(), variant.name) if v and v.strip()]
        if any(_named_in(v, claim.before) for v in values):
            named.append(variant)
    if len(named) == 1:
        return [sku_key(named[0].sku)], named[0].name or named[0].sku
    skus = [sku_key(s) for s in (product.sku, *(v.sku for v in product.variants)) if s]
    return list(dict.fromkeys(skus)), ""


def _texts(product: Product) -> Iterator[tuple[str, str]]:
    """(field, text) of the product's copy (of a crawled page's description, the sentences the pack keeps:
    ``keeps_sentence``)."""
    for field, value in (("title", product.title), ("subtitle", product.subtitle),
                         ("description", product.description)):
        if value:
            yield field, value
    for field, values in (("label", product.labels), ("banner", product.banners)):
        for value in values:
            if value:
                yield field, value
    for value in product.specs.values():
        if value:
            yield "specs", value
    for line in product.image_texts:  # read in the page's images after the crawl (checker/ocr)
        if line.text:
            yield f"image:{line.role}", line.text


@register
class ScarcityAgainstStock(Rule):
    """A scarcity claim on the page (仅剩3件, 最后一件, 即将售罄, only 2 left) held against the stock.

    What it checks:
        Every scarcity claim in a product's title, subtitle, description, labels, banners and spec
        values (what AD005 flagged there, and what no lexicon term flags), against the sellable stock of the
        SKU it is about: the variant the copy names just before the claim (L码仅剩最后一件, 红色
        only 2 left), else the product and all its variants.  Sellable stock is ST005's: lots with a
        normal status, not expired and not expiring before the promotion ends.  A claim with a number
        is true at or below that number, one without a number at or below ``low_stock_units``.
        False (plenty left): the AD005 finding is raised to error with the stock figure, and a claim
        AD005 did not flag is an ST006 error.  True: the AD005 finding is lowered to info, "confirmed
        by stock", so CI does not fail on a true statement.  A SKU no export lists is not judged.

    Why it matters:
        "Only 2 left" with 800 in the warehouse is a false claim about sales status (虚假宣传):
        regulators fine it, and platforms treat it as pressure selling.  A true "last one" is
        information the shopper is owed, and should not be flagged as if it were false.

    How to fix:
        Remove the claim, or make it follow the real stock (a live stock counter, not fixed copy).

    Options:
        ``low_stock_units`` (claims without a number).
    """

    code = "ST006"
    name = "stock.scarcity-claim"
    summary = "稀缺宣传与库存不符 / Scarcity claim the stock contradicts"
    severity = Severity.ERROR
    scope = "post"
    needs_promotion = True
    legal_basis = _URGENCY_BASIS
    Options = Options

    def revise(self, findings: list[Finding], ctx) -> list[Finding]:
        sellable = sellable_stock(ctx)
        if not sellable:
            return findings
        products = {p.url: p for p in ctx.site_products()}
        judged: set[tuple[str, str]] = set()  # (url, claim text) already decided (AD005 lists every place)
        out: list[Finding] = []
        for finding in findings:
            product = products.get(finding.url or "") if finding.code == "AD005" else None
            claim = self._claim_of(finding) if product is not None else None
            if claim is None:
                out.append(finding)
                continue
            judged.add((product.url, normalise(claim.text)))
            out.append(self._revised(finding, product, claim, sellable))
        for product in products.values():
            for field, text in _texts(product):
                for claim in find_claims(text):
                    key = (product.url, normalise(claim.text))
                    if key in judged:
                        continue
                    judged.add(key)
                    verdict = self._judge(product, claim, sellable)
                    if verdict is not None and not verdict[0]:
                        out.append(self._own_finding(product, field, text, claim, verdict))
        return out

    # -- the judgement ------------------------------------------------------------------------
    def _judge(self, product: Product, claim: Claim, sellable: dict[str, int]) -> tuple[bool, int, str, list[str]] | None:
        """(true?, sellable units, variant name, SKUs), or None when no export lists the SKUs."""
        skus, variant = claim_skus(product, claim)
        known = [s for s in skus if s in sellable]
        if not known:
            return None
        stock = sum(sellable[s] for s in known)
        limit = claim.units if claim.units is not None else self.options.low_stock_units
        return stock <= limit, stock, variant, known

    @staticmethod
    def _claim_of(finding: Finding) -> Claim | None:
        """The scarcity claim an AD005 finding flagged: one in its evidence that overlaps its term."""
        term = normalise(str(finding.extra.get("term") or finding.extra.get("canonical") or ""))
        for claim in find_claims(finding.evidence):
            if term and (term in normalise(claim.text) or normalise(claim.text) in term):
                return claim
        return None

    def _revised(self, finding: Finding, product: Product, claim: Claim, sellable: dict[str, int]) -> Finding:
        verdict = self._judge(product, claim, sellable)
        if verdict is None:
            return finding
        true, stock, variant, skus = verdict
        facts = {**finding.extra, "sellable": stock, "claimed_units": claim.units, "stock_skus": skus,
                 "revised_by": self.code}
        who, who_en = (f"{variant} ", f" ({variant})") if variant else ("", "")
        if true:
            return finding.model_copy(update={
                "severity": Severity.INFO, "extra": facts,
                "message": f"{finding.message} — 库存证实：{who}可售 {stock} 件，属实 / confirmed by stock: "
                           f"{stock} sellable{who_en}",
            })
        return finding.model_copy(update={
            "severity": Severity.ERROR, "escalated_by": self.code, "extra": facts,
            "message": f"{finding.message} — 虚假稀缺：{who}可售库存 {stock} 件 / false scarcity: {stock} "
                       f"sellable in stock{who_en}",
            "suggestion": "删除稀缺宣传，或改为随库存实时变化的显示 / Remove the claim, or show the live stock",
        })

    def _own_finding(self, product: Product, field: str, text: str, claim: Claim,
                     verdict: tuple[bool, int, str, list[str]]) -> Finding:
        _, stock, variant, skus = verdict
        who, who_en = (f"{variant} ", f" of {variant}") if variant else ("", "")
        return self.finding(
            f"页面称「{claim.text}」，但{who}可售库存有 {stock} 件：虚假稀缺 / the page says \"{claim.text}\", "
            f"but {stock}{who_en} are sellable: false scarcity",
            sku=product.sku, url=product.url, field=field, evidence=text[:120],
            suggestion="删除稀缺宣传，或改为随库存实时变化的显示 / Remove the claim, or show the live stock",
            term=claim.text, claimed_units=claim.units, sellable=stock, stock_skus=skus, variant=variant,
        )
