from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from checker_rules.stock._common import (
    NEAR_EXPIRY_BASIS,
    abnormal_kind,
    disclosed,
    evidence,
    lot_facts,
    lot_name,
    one_per_cause,
    stock_view,
    total_shelf_life,
    where,
)
from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.engine import Rule, register
from checker.models import Finding, InventoryLot, Severity

#: The tiers used in Chinese retail: (total shelf life at least N days, near expiry within M days).
DEFAULT_TIERS = [[365, 45], [180, 20], [90, 15], [30, 10], [16, 5], [0, 4]]


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["table", "fraction"] = Field(
        "table", description="'table': the tiers of option tiers; 'fraction': the trade's rule (shelf life up to "
                             "30 days: near once 4/5 has elapsed; longer: 3/4)",
    )
    tiers: list[tuple[int, int]] = Field(
        default_factory=lambda: [(a, b) for a, b in DEFAULT_TIERS],
        description="[[shelf life at least N days, near within M days of expiry], ...]: by default >= 1 year 45, "
                    "6-12 months 20, 90 days-6 months 15, 30-90 days 10, 16-30 days 5, under 16 days 4",
    )

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, value: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not value or any(a < 0 or b < 0 for a, b in value):
            raise ValueError("give [shelf life days, near-expiry days] pairs of non-negative numbers")
        if not any(a == 0 for a, _ in value):
            raise ValueError("one tier must start at 0 days, e.g. [0, 4]")
        return sorted(value, reverse=True)

    def threshold(self, total: int | None) -> tuple[int, str]:
        """(days, how) for a lot's total shelf life; an unknown total takes the longest tier's days."""
        if total is None:
            return self.tiers[0][1], "shelf life unknown: the longest tier"
        if self.method == "fraction":
            share = (1, 5) if total <= 30 else (1, 4)
            return total * share[0] // share[1], f"1/{share[1]} of {total} days"
        days = next(b for a, b in self.tiers if total >= a)
        return days, f"shelf life {total} days"


@register
class NearExpiryUndisclosed(Rule):
    """A near-expiry lot is on sale and its product page says nothing about it.

    What it checks:
        Every sellable lot (quantity above 0, normal status) whose SKU's page offers it in stock, and
        whose days left on the promotion's last day (the last day a shopper can buy it; the audit
        date when there is no promotion) are within the near-expiry threshold for its total shelf life.
        By default the tiered table used in Chinese retail: shelf life of a year or more 45 days;
        6–12 months 20; 90 days–6 months 15; 30–90 days 10; 16–30 days 5; under 16 days 4 (option
        ``tiers``); or, with ``method = "fraction"``, the trade's rule (up to 30 days: near once 4/5
        has elapsed; longer: 3/4).  The page needs a notice: a word of ``words.toml``'s disclosure list
        (临期, 临近保质期, 即期, 短保, 效期至, 保质期至, best before, near expiry, clearance...) in its
        title, subtitle, labels, banners, spec values or description, in any script.  No notice: a warning; a
        notice: info ("disclosed"), so the lot is seen but CI does not fail on it.  A lot already
        expired, or expiring before the promotion ends, is ST001's or ST002's.

    Why it matters:
        Near-expiry food may be sold, but shoppers must be told (临期食品 集中陈列、醒目提示); an
        undisclosed short-dated lot shipped in a promotion is a "临期" complaint and a refund.

    How to fix:
        Add a notice to the page (临期商品：到期日 …), or sell the lot apart from the promotion.
    """

    code = "ST003"
    name = "stock.near-expiry-undisclosed"
    summary = "临期批次在售但页面未提示 / Near-expiry lot on sale without a notice"
    severity = Severity.WARNING
    scope = "site"
    legal_basis = NEAR_EXPIRY_BASIS
    needs_promotion = True
    Options = Options

    def check(self, _site, ctx) -> Iterator[Finding]:
        return one_per_cause(self._flagged(ctx), lambda lot, notice: self._describe(lot, notice, ctx))

    def _flagged(self, ctx) -> Iterator[tuple[InventoryLot, str | None]]:
        """Each near-expiry lot on sale, with the page's near-expiry notice (None: no notice)."""
        last = max(ctx.today, ctx.promotion.end)
        view = stock_view(ctx)
        longest = max(b for _, b in self.options.tiers)
        table = self.options.method == "table"
        for lot in ctx.lots.with_expiry(lambda day: day is not None and day >= last
                                        and (not table or (day - last).days <= longest)):  # fmt: skip
            expiry = lot.expiry_date
            if expiry is None or expiry < last or not lot.quantity or lot.quantity <= 0:
                continue
            left = (expiry - last).days
            if left > longest and self.options.method == "table":
                continue  # the fast path: beyond the longest tier's threshold
            threshold, _ = self.options.threshold(total_shelf_life(lot))
            if left > threshold or abnormal_kind(lot.status) is not None:
                continue
            offer = view.offer(lot.sku)
            if offer is None or not offer.in_stock:
                continue
            yield lot, disclosed(offer.product)

    def _describe(self, lot: InventoryLot, notice: str | None, ctx) -> Finding:
        today = ctx.today
        last = max(today, ctx.promotion.end)
        offer = stock_view(ctx).offer(lot.sku)
        expiry = lot.expiry_date
        left = (expiry - last).days
        threshold, how = self.options.threshold(total_shelf_life(lot))
        zh, en = lot_name(lot)
        head = (f"{zh} 临期：到期日 {expiry}，{'促销结束时' if last > today else '审计日'}剩 {left} 天"
                f"（临期线 {threshold} 天，{how}），库存 {lot.quantity}")
        head_en = (f"{en} is near expiry: expires {expiry}, {left} days left "
                   f"{'when the promotion ends' if last > today else 'on the audit date'} (threshold "
                   f"{threshold} days, {how}), {lot.quantity} in stock")
        if notice:
            return self.finding(
                f"{head}，页面已提示「{notice}」/ {head_en}; the page discloses it: \"{notice}\"{where(lot)}",
                sku=lot.sku, url=offer.product.url, field="expiry_date", evidence=evidence(lot), source=lot.source,
                severity=Severity.INFO, **lot_facts(lot, today, days_left_at_end=left, threshold=threshold,
                                                    disclosed=True, notice=notice),
            )
        return self.finding(
            f"{head}，页面没有临期提示 / {head_en}; the page has no near-expiry notice{where(lot)}",
            sku=lot.sku, url=offer.product.url, field="expiry_date", evidence=evidence(lot), source=lot.source,
            suggestion=f"在页面醒目处标注「临期商品：到期日 {expiry}」/ Add a notice: \"Near expiry: best before "
                       f"{expiry}\"",
            **lot_facts(lot, today, days_left_at_end=left, threshold=threshold, disclosed=False),
        )
