from decimal import Decimal
from typing import Literal

from checker_rules.price._claims import Claim, claims, conditional_clauses, conditional_hint, hints
from checker_rules.price._common import PRICE_LAW, dec, money, prices_of
from pydantic import BaseModel, ConfigDict, Field

from checker.engine import Rule, register
from checker.models import Severity
from checker.prices import read_labelled

Text = Literal["title", "subtitle", "banner", "label", "description", "image:main", "image:detail"]


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    abs: float = Field(0.01, ge=0, description="tolerance on the money amount a claim gives")
    fields: list[Text] = Field(["title", "subtitle", "banner", "label", "description", "image:main", "image:detail"],
                               description="product texts read for claims (image:*: text read in images, checker/ocr)")


@register
class DiscountClaim(Rule):
    """Copy or a badge claims a discount that the page's own prices do not give.

    What it checks:
        Claims in the title, subtitle, promotion banners, badges and description: ``N折`` /
        ``N.N折`` / ``八五折`` (8折 = pay 80 %), ``X% off`` / ``-X%``, ``立减N`` / ``直降N``,
        ``省N元``, ``save $N``, ``半价`` / half price.  Each is held against the page's own price
        and its reference (struck-through) price: the claim holds when the price is at most
        reference × rate (or reference − N) plus ``abs`` (default 0.01), so 8折 on 79 / 99 holds
        (79 ≤ 79.20) and a deeper cut than claimed is not reported.  A conditional price in the
        same text is never above the price (``到手价 ¥89``), and is checked for its own arithmetic
        when the text states it (``领券立减20 券后¥79``: a coupon's claim, 领券 / 会员 before it): it is
        what the claim gives from the price or the reference price (rounded down by less than one
        unit at most).  Any other claim is judged on its own (``直降20元 券后¥55``: 直降20 against
        the price and the reference price).  A claim the page gives no numbers for (no reference
        price), a cart-level offer (满300减50, 第二件半价, 3件7折, orders over $80; a 2件到手价 too),
        an up-to or from claim (低至3折, 5折起, up to 50% off) and 折叠 (folding) are not judged.

    Why it matters:
        A discount that is not there is a false price comparison (虚假折价、减价), price fraud
        under the Price Law, and the first thing a 职业打假人 checks on a promotion page.

    How to fix:
        Make the claim say what the prices give (79 / 129 is 6.1折, not 5折), or correct the
        prices; say the conditions of a coupon price next to it.
    """

    code = "PR003"
    name = "price.discount-claim"
    summary = "折扣宣传与价格不符 / Discount claim not supported by the prices"
    severity = Severity.ERROR
    scope = "product"
    legal_basis = PRICE_LAW
    Options = Options

    def check(self, product, ctx):
        view = prices_of(product, ctx)
        if view.price is None:
            return
        price, ref = view.price.amount, view.reference.amount if view.reference is not None else None
        cur = view.price.currency
        tol = dec(self.options.abs)
        for field, text, where in self._texts(product):
            if not hints(text):
                continue
            found, _cart = claims(text)
            conditional = [p for clause in conditional_clauses(text) for p in read_labelled(clause)
                           if p.kind == "conditional" and p.amount is not None] if conditional_hint(text) else []
            if conditional:
                result, result_label = conditional[0].amount, conditional[0].text
                if result > price + tol:
                    yield self._finding(product, field, text, conditional[0].text,
                                        f"条件价 {result_label} 高于售价 {money(price, cur)} / The conditional price "
                                        f"{money(result, cur)} is above the price {money(price, cur)}", **where)
                    continue
            for claim in found:
                # A coupon's claim (领券立减20) is the conditional price's arithmetic; any other claim is judged on
                # its own, the price against the reference price.
                if conditional and claim.coupon:
                    result, bases, label, exact = conditional[0].amount, [price, ref], conditional[0].text, True
                else:
                    result, bases, label, exact = price, [ref], f"售价 {money(price, cur)}", False
                bases = [b for b in bases if b is not None and b > 0]
                if not bases or any(self._holds(claim, base, result, tol, exact) for base in bases):
                    continue
                base = bases[-1]
                gives = self._gives(base, result)
                yield self._finding(
                    product, field, text, claim.text,
                    f"宣传「{claim.text}」，但 {label} 对比 {money(base, cur)} 只是 {gives} / "
                    f"Claims {claim.text!r}, but {money(result, cur)} against {money(base, cur)} is {gives}",
                    claimed=claim.text, price=str(result), reference=str(base), **where,
                )

    def _texts(self, product):
        """``(field, text, extra)``: the extra names the image and the text's box for text read in one."""
        wanted = set(self.options.fields)
        for field, values in (("title", [product.title]), ("subtitle", [product.subtitle]),
                              ("banner", product.banners), ("label", product.labels),
                              ("description", [product.description])):
            if field in wanted:
                for value in values:
                    if value:
                        yield field, value, {}
        for line in product.image_texts:
            if f"image:{line.role}" in wanted and line.text:
                yield f"image:{line.role}", line.text, {"image": line.url, "box": line.box}

    @staticmethod
    def _holds(claim: Claim, base: Decimal, result: Decimal, tol: Decimal, exact: bool) -> bool:
        """The price is at most what the claim gives (a deeper cut is not misleading); a conditional
        price must be what the claim gives, rounded down by less than one unit at most."""
        expected = base * claim.rate if claim.rate is not None else base - claim.off
        return result <= expected + tol and (not exact or result > expected - 1)

    @staticmethod
    def _gives(base: Decimal, result: Decimal) -> str:
        rate = result / base * 10
        return f"{rate:.1f}折（{(1 - result / base) * 100:.0f}% off, −{money(base - result)}）"

    def _finding(self, product, field, text, claim, message, **extra):
        return self.finding(
            message, sku=product.sku, url=product.url, field=field, evidence=text[:120],
            suggestion="按实际价格改写折扣宣传，或修正价格 / Make the claim say what the prices give, or fix the prices",
            claim=claim, **extra,
        )
