from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from checker_rules.price._common import catalog_by_sku, dec, list_price, money, priced_products, where
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from checker.catalog import sku_key
from checker.engine import Rule, register
from checker.engine.context import no_gc
from checker.models import PriceRecord, Severity, SourceRef

Jurisdiction = Literal["cn", "eu"]

LEGAL = {
    "cn": "《规范促销行为暂行规定》（2020）第二十一条 / SAMR Interim Provisions on Regulating Promotional Activities "
          "(2020) art. 21: the lowest transaction price in the 7 days before the promotion",
    "eu": "Directive 98/6/EC art. 6a (as amended by Directive (EU) 2019/2161): the prior price is the lowest price "
          "in the 30 days before the reduction",
}
WORDS = {"cn": ("最低成交价", "lowest transaction price"), "eu": ("最低价", "lowest price")}


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdiction: Jurisdiction | dict[str, Jurisdiction] = Field(
        {"default": "cn", "EUR": "eu"},
        description='the rules a reference price is held to, per currency: { default = "cn", EUR = "eu" }, '
                    'or one for all ("cn" / "eu")',
    )
    window_days: dict[Jurisdiction, int] = Field(
        {"cn": 7, "eu": 30},
        description="days before the promotion's first day whose prices count, per jurisdiction",
    )
    kinds: list[Literal["transaction", "promotion", "listed"]] = Field(
        ["transaction", "promotion"],
        description="price-history kinds that count: sales (transaction, and promotion: a sale at a promotion "
                    "price); listed prices are not sales",
    )
    min_days: int = Field(1, ge=1, description="days with a price in the window needed to judge; fewer: could not verify")
    abs: float = Field(0.01, ge=0, description="tolerance on the money amount")

    @field_validator("window_days")
    @classmethod
    def _positive(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k, days in v.items() if days < 1]
        if bad:
            raise ValueError(f"window_days.{bad[0]} must be 1 or more")
        return {"cn": 7, "eu": 30, **v}

    @model_validator(mode="after")
    def _default(self) -> Options:
        if isinstance(self.jurisdiction, dict):  # currency keys as currencies are written: EUR, not eur
            self.jurisdiction = {"default": "cn", **{k if k == "default" else k.upper(): v
                                                     for k, v in self.jurisdiction.items()}}
        return self

    def for_currency(self, currency: str | None) -> str:
        if isinstance(self.jurisdiction, str):
            return self.jurisdiction
        return self.jurisdiction.get((currency or "").upper()) or self.jurisdiction["default"]


class _Sales:
    """One SKU's prices of the counted kinds: the lowest in each window asked, and the last before it."""

    __slots__ = ("days", "low", "last")

    def __init__(self) -> None:
        self.days: set[date] = set()
        self.low: tuple[Decimal, date, PriceRecord] | None = None
        self.last: tuple[date, PriceRecord] | None = None


@register
class ReferencePriceAboveLow(Rule):
    """A struck-through / reference price above the lowest price the product really sold at before the promotion.

    What it checks:
        Each reference price (a page's struck-through price, per SKU; the catalog export's list
        price for SKUs, variant SKUs among them, with no page) against the price history export
        (``kind = "prices"``) of the same SKU.  The window ends the day before the promotion's
        first day (``[promotion] start`` / ``--promotion``; the audit date without one) in the
        promotion's time zone, and is ``window_days`` long for the jurisdiction of the price's
        currency (``jurisdiction = { default = "cn", EUR = "eu" }``: China 7 days, EU 30).  Only
        sales count by default (``kinds``: transaction and promotion prices; listed prices are not
        sales), in the reference price's currency.  A reference above the lowest of them is
        reported with that price, its date and the export row it came from.  Fewer than
        ``min_days`` days of prices in the window is an info finding ("could not verify"), with
        the last sale before the window when there is one: never a pass.

    Why it matters:
        China: a discount is measured from the lowest transaction price in the 7 days before the
        promotion (SAMR 2020, art. 21); a 划线价 the product never sold at is a fictitious original
        price (虚构原价), the commonest price-fraud case after big promotions.  EU: a price
        reduction must show the lowest price of the 30 days before it (98/6/EC art. 6a).

    How to fix:
        Show as the reference the lowest price of the window (or none), or keep the price at the
        reference price for the whole window before the promotion.
    """

    code = "PR004"
    name = "price.reference-above-recent-low"
    summary = "划线价高于活动前最低成交价 / Reference price above the recent lowest price"
    severity = Severity.ERROR
    scope = "site"
    needs_promotion = True
    legal_basis = f"{LEGAL['cn']}; {LEGAL['eu']}"
    Options = Options

    def check(self, site, ctx):
        with no_gc():  # a million price records in memory: see _common.no_gc
            findings = list(self._check(ctx))
        yield from findings

    def _check(self, ctx):
        opts = self.options
        promotion = ctx.promotion
        last_day = promotion.start - timedelta(days=1)
        windows = {j: (last_day - timedelta(days=days - 1), last_day) for j, days in opts.window_days.items()}
        refs = self._references(ctx)
        if not refs:
            return
        if not ctx.prices:
            yield self.finding(
                f"没有读到价格历史，{len(refs)} 个划线价无法核实 / No price history was read: {len(refs)} reference "
                "prices could not be verified",
                field="list_price", severity=Severity.INFO, reason="no-history",
                suggestion='添加价格历史导出 [[sources]] kind = "prices" / Add the price-history export',
            )
            return
        wanted = {sku: (windows[opts.for_currency(cur)], cur) for sku, (_, cur, *_rest) in refs.items()}
        sales = self._sales(ctx.prices, wanted, set(opts.kinds), promotion)
        tol = dec(opts.abs)
        spans = {j: f"{first} – {last}" for j, (first, last) in windows.items()}
        for key, (ref, cur, url, source, origin, sku) in refs.items():
            found = sales.get(key)
            judged = found is not None and found.low is not None and len(found.days) >= opts.min_days
            if judged and ref <= found.low[0] + tol:
                continue  # the common case first: nothing to say
            jurisdiction = opts.for_currency(cur)
            days, span = opts.window_days[jurisdiction], spans[jurisdiction]
            shown = money(ref, cur)
            common = dict(sku=sku, url=url, field="list_price", legal_basis=LEGAL[jurisdiction],
                          jurisdiction=jurisdiction, window=span)
            if not judged:
                had = len(found.days) if found else 0
                before = ""
                if found is not None and found.last is not None:
                    day, rec = found.last
                    last_sale = money(rec.price, rec.currency or cur)
                    before = f"；窗口前最后一次成交 {last_sale}（{day}，{where(rec.source)}）" \
                             f" / last sale before the window: {last_sale} on {day}"
                yield self.finding(
                    f"无法核实划线价 {shown}（{origin}）：活动前 {days} 日（{span}）只有 {had} 天有成交记录{before} / "
                    f"Could not verify the reference price {shown}: {had} day(s) of sales in the {days} days "
                    f"before the promotion ({span})",
                    severity=Severity.INFO, evidence=f"reference {shown}; {had} day(s) in {span}",
                    source=source, reason="unverified",
                    suggestion="人工核对该划线价的依据 / Check the reference price's basis by hand", **common,
                )
                continue
            low, day, rec = found.low
            lowest, row = money(low, rec.currency or cur), where(rec.source)
            zh, en = WORDS[jurisdiction]
            yield self.finding(
                f"划线价 {shown}（{origin}）高于活动前 {days} 日（{span}）的{zh} {lowest}（{day}，{row}）/ "
                f"The reference price {shown} is above the {en} of the {days} days before the promotion ({span}): "
                f"{lowest} on {day} ({row})",
                evidence=f"reference {shown} > lowest {lowest} on {day}",
                source=rec.source,
                suggestion=f"划线价改为不高于 {lowest}，或不标划线价 / Show at most {lowest} as the reference price, "
                           "or none",
                reference=str(ref), lowest=str(low), lowest_date=str(day), **common,
            )

    @staticmethod
    def _references(ctx) -> dict[str, tuple[Decimal, str | None, str | None, SourceRef | None, str, str]]:
        """SKU key (case and spaces ignored, as the catalog's) -> (reference price, currency, page URL,
        backend row, where it is shown, the SKU as written): the page's struck-through price, else the
        catalog's list price."""
        refs: dict[str, tuple[Decimal, str | None, str | None, SourceRef | None, str, str]] = {}
        for product, view in priced_products(ctx):
            ref = view.reference
            if product.sku and ref is not None and sku_key(product.sku) not in refs:
                refs[sku_key(product.sku)] = (ref.amount, ref.currency or product.currency or None, product.url,
                                              None, "页面 / page", product.sku)
        for key, item in catalog_by_sku(ctx).by_sku.items():
            if key not in refs and list_price(item.list_price) is not None:
                refs[key] = (item.list_price, item.currency, item.url, item.source,
                             f"后台 / backend, {where(item.source)}", item.sku)
        return refs

    @staticmethod
    def _sales(records, wanted, kinds, promotion) -> dict[str, _Sales]:
        """One pass over the history: per wanted SKU, the lowest price of the counted kinds in its window
        (by the promotion's calendar day) and the last one before it."""
        out: dict[str, _Sales] = {}
        one_day = timedelta(days=1)  # a time's own date is at most a day off the promotion zone's
        # per SKU: (first day, last day, the last day + 1, the first day - 1, currency)
        bounds = {sku: (first, last, last + one_day, first - one_day, currency)
                  for sku, ((first, last), currency) in wanted.items()}
        local_date = promotion.local_date
        keys: dict[str, str] = {}  # a SKU as the history writes it -> its key (histories repeat SKUs)
        for rec in records:
            key = keys.get(rec.sku)
            if key is None:
                key = keys[rec.sku] = sku_key(rec.sku)
            want = bounds.get(key)
            if want is None or rec.kind not in kinds:
                continue
            first, last, after, before, currency = want
            if currency and rec.currency and rec.currency != currency:
                continue
            at = rec.at
            if type(at) is date:
                day = at
                if day > last:
                    continue
            else:
                day = at.date()
                if day > after:
                    continue
                if day >= before:
                    day = local_date(at)
                    if day > last:
                        continue
            sales = out.get(key)
            if sales is None:
                sales = out[key] = _Sales()
            if day < first:
                if sales.last is None or day > sales.last[0]:
                    sales.last = (day, rec)
                continue
            sales.days.add(day)
            if sales.low is None or rec.price < sales.low[0] or (rec.price == sales.low[0] and day < sales.low[1]):
                sales.low = (rec.price, day, rec)
        return out
