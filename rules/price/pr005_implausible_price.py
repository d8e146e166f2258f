import re
from decimal import Decimal
from functools import cache
from statistics import median

from checker_rules.price._common import close, dec, money, prices_of
from checker_rules.spec.quantity import parse as quantities
from pydantic import BaseModel, ConfigDict, Field

from checker.engine import Rule, register
from checker.models import Severity
from checker.prices import currency_marks, fold, read_price


@cache
def _price_range() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A price range in a (folded) title: 99-129元, ¥99~¥129, NT$990–1,290, $19.99 - $24.99 (read_price
    checks it); and a currency mark within one (the currencies are checker/currencies.toml's)."""
    cur = currency_marks()
    amount = r"\d[\d,]*(?:\.\d+)?\s*(?:元|块|塊)?"
    return (re.compile(rf"(?:{cur})?\s*{amount}\s*[-~〜—–至到]\s*(?:{cur})?\s*{amount}", re.IGNORECASE),
            re.compile(rf"{cur}|[块塊]", re.IGNORECASE))


#: Trial and sample sizes: priced for trying, never judged against the full sizes.
_TRIAL = re.compile(r"试用|試用|小样|小樣|体验装|體驗裝|\bsamples?\b|\btrial\b", re.IGNORECASE)
#: A single item where the quantity reader reads none (it leaves a Chinese 一 alone): 单瓶装, single.
_SINGLE = re.compile(r"[单單][瓶支盒袋罐包件个個只片听聽桶条條]|[单單]品|\bsingle\b", re.IGNORECASE)
#: The dimensions of a pack size: a price per piece, gram or millilitre compares (not per metre: a bed).
_PACK = ("count", "mass", "volume")


def _pack_size(name: str) -> tuple[str, Decimal] | None:
    """(dimension, amount in its base unit) of the pack a variant's name states (``6瓶装``, ``12 Count``,
    ``500ml×12``, ``单瓶装``), or None."""
    for m in quantities(name or ""):
        if m.readable and m.dimension in _PACK and m.amount:
            return m.dimension, m.amount
    return ("count", Decimal(1)) if _SINGLE.search(name or "") else None


def _ratio(times: Decimal) -> tuple[str, str]:
    """``12.3 倍`` / ``12.3×``, or for a share ``1/50`` (never "0.0 倍")."""
    if times >= 1:
        return f"{times:.1f} 倍", f"{times:.1f}×"
    share = 1 / times
    text = f"1/{share:.0f}" if share >= 10 else f"1/{share:.1f}"
    return f"{text}", text


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    high: float = Field(5, gt=1, description="a variant priced at least this many times the median is implausible")
    low: float = Field(0.2, gt=0, lt=1, description="... or at most this share of it")
    abs: float = Field(0.01, ge=0, description="tolerance when a title's price range is held against the variants")


@register
class ImplausiblePrice(Rule):
    """A price that is most likely a typo: far from its sibling variants, zero, or outside the title's own price range.

    What it checks:
        Each product's variant prices against the median of all its variants' prices: one at
        ``high`` (default 5) times the median or more, or at ``low`` (0.2) times it or less, is
        reported (29 among 2.9s, 1290 among 129s).  Variants that name different pack sizes
        (``单瓶装`` / ``6瓶装`` / ``24瓶整箱``, ``12 Count``, ``500ml``) are compared by their price per
        piece, gram or millilitre, or not at all when some name none or another dimension; trial
        and sample sizes (试用装, 小样, sample) are not judged.  A price (the product's or a variant's) of 0 or
        below.  A price range written in the title (``¥99-129``, ``NT$990–1,290``) that the
        variants' lowest and highest prices (or the price, without variants) do not match.

    Why it matters:
        A misplaced decimal point sells at a tenth of the price during the promotion's traffic
        peak, or scares shoppers off at ten times it; a 0 is an order the shop must honour or
        cancel against complaints; a title range the variants do not have is misleading.

    How to fix:
        Correct the variant's price in the backend, or the title's range.
    """

    code = "PR005"
    name = "price.implausible"
    summary = "价格异常（疑似录入错误）/ Implausible price (likely a typo)"
    severity = Severity.WARNING
    scope = "product"
    Options = Options

    def check(self, product, ctx):
        cur = product.currency or None
        view = prices_of(product, ctx)
        if view.price is not None and view.price.amount <= 0:
            yield self.finding(
                f"价格为 {money(view.price.amount, cur)} / The price is {money(view.price.amount, cur)}",
                sku=product.sku, url=product.url, field="price", evidence=view.price.text or money(view.price.amount),
                suggestion="填写真实售价 / Enter the real price", reason="zero",
            )
        priced = [v for v in product.variants if v.price is not None]
        for v in priced:
            if v.price <= 0:
                yield self.finding(
                    f"规格「{v.name or v.sku}」价格为 {money(v.price, cur)} / Variant {v.name or v.sku!r} is priced "
                    f"{money(v.price, cur)}",
                    sku=v.sku or product.sku, url=product.url, field=f"variant:{v.sku or v.name}",
                    evidence=money(v.price, cur), suggestion="填写真实售价 / Enter the real price", reason="zero",
                )
        positive = [v.price for v in priced if v.price > 0]
        yield from self._outliers(product, [v for v in priced if v.price > 0], cur)
        yield from self._title_range(product, view, positive, cur)

    def _outliers(self, product, priced, cur):
        """Variants far from the median: by price when they name no pack size or the same one, by price per
        piece / gram / millilitre when each names one in the same dimension, not at all otherwise."""
        priced = [v for v in priced if not _TRIAL.search(v.name or "")]
        sizes = [_pack_size(v.name) for v in priced]
        per_unit = len(set(sizes)) > 1
        if per_unit:
            if None in sizes or len({s[0] for s in sizes}) > 1:
                return  # some pack sizes differ and cannot be compared: not judged
            values = [v.price / size for v, (_dim, size) in zip(priced, sizes, strict=True)]
        else:
            values = [v.price for v in priced]
        if len(values) < 3:
            return
        mid = median(values)
        high, low = dec(self.options.high), dec(self.options.low)
        for v, value in zip(priced, values, strict=True):
            if not (value >= mid * high or value <= mid * low):
                continue
            zh, en = _ratio(value / mid)
            if per_unit:
                zh_what, en_what = f"按规格折算的单价是各规格中位单价的 {zh}", f"per unit {en} the median variant's"
            else:
                zh_what = f"是各规格中位价 {money(mid, cur)} 的 {zh}"
                en_what = f"{en} the median variant price {money(mid, cur)}"
            yield self.finding(
                f"规格「{v.name or v.sku}」价格 {money(v.price, cur)} {zh_what}，疑似录入错误 / Variant "
                f"{v.name or v.sku!r} at {money(v.price, cur)} is {en_what}: a typo?",
                sku=v.sku or product.sku, url=product.url, field=f"variant:{v.sku or v.name}",
                evidence=f"{money(v.price)} vs median {money(mid)}" + (" per unit" if per_unit else ""),
                suggestion="核对该规格的价格 / Check this variant's price", reason="outlier",
                price=str(v.price), median=str(mid), ratio=f"{value / mid:.2f}",
            )

    def _title_range(self, product, view, positive, cur):
        tol = dec(self.options.abs)
        ranges, mark = _price_range()
        for m in ranges.finditer(fold(product.title or "")):
            if not mark.search(m[0]):
                continue
            span = read_price(m[0].strip()).span
            if span is None:
                continue
            lo, hi = span
            if positive:
                have_lo, have_hi, what = min(positive), max(positive), "各规格价格 / the variants' prices"
                fits = close(have_lo, lo, tol) and close(have_hi, hi, tol)
            elif view.price is not None:
                have_lo = have_hi = view.price.amount
                what = "售价 / the price"
                fits = lo - tol <= have_lo <= hi + tol
            else:
                continue
            if fits:
                continue
            have = money(have_lo, cur) if have_lo == have_hi else f"{money(have_lo)}–{money(have_hi, cur)}"
            yield self.finding(
                f"标题价格区间「{m[0].strip()}」与{what.split(' / ')[0]} {have} 不符 / The title's price range "
                f"{m[0].strip()!r} does not match {what.split(' / ')[1]} ({have})",
                sku=product.sku, url=product.url, field="title", evidence=m[0].strip(),
                suggestion="修正标题中的价格区间 / Correct the range in the title", reason="title-range",
            )
