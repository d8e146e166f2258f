from __future__ import annotations

from collections.abc import Iterator

from checker_rules.stock._common import sellable_stock, stock_view
from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.catalog import sku_key
from checker.engine import Rule, register
from checker.models import Availability, Finding, Severity


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_units: dict[str, int] = Field(
        default_factory=dict,
        description="units the promotion is expected to sell, per SKU and/or 'default' (a plain number for every "
                    "SKU); a page in stock with less sellable stock is a warning. Empty (the default): off",
    )

    @field_validator("expected_units", mode="before")
    @classmethod
    def _plain(cls, value):
        return {"default": value} if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("expected_units")
    @classmethod
    def _positive(cls, value: dict[str, int]) -> dict[str, int]:
        if any(v < 0 for v in value.values()):
            raise ValueError("expected units must not be negative")
        return {("default" if k == "default" else sku_key(k)): v for k, v in value.items()}


@register
class PagePromisesStock(Rule):
    """The product page says in stock, but there is no sellable stock behind it.

    What it checks:
        For every SKU that is in the inventory exports and on a product page (as the product or as
        one of its variants), its sellable stock: the quantities of its lots with a normal status,
        not expired and not expiring before the promotion ends (the audit date without a promotion).
        A page that offers it in stock (structured data or the visible stock state) with no sellable
        stock is an error; with less than the promotion is expected to sell (option
        ``expected_units``, off by default) a warning: oversell risk.  A page out of stock while
        sellable stock exists is info: sales are being missed.  A SKU no export lists is not judged.

    Why it matters:
        Orders taken on stock that is expired, damaged or frozen are cancelled or shipped late:
        the promotion's platform rules fine late shipment, and shoppers complain of a bait offer.

    How to fix:
        Set the page out of stock (or limit the promotion's quantity) until good stock arrives, or
        release the stock that is wrongly held.

    Options:
        ``expected_units`` (per SKU or ``default``; off when empty).
    """

    code = "ST005"
    name = "stock.page-promises-stock"
    summary = "页面有货但无可售库存 / Page in stock without sellable stock"
    severity = Severity.ERROR
    scope = "site"
    needs_promotion = True
    Options = Options

    def check(self, _site, ctx) -> Iterator[Finding]:
        sellable = sellable_stock(ctx)
        lots: dict[str, int] = {}
        for written, count in ctx.lots.lots_per_sku().items():
            sku = sku_key(written)
            lots[sku] = lots.get(sku, 0) + count
        view = stock_view(ctx)
        expected = self.options.expected_units
        for sku, offers in view.offers.items():
            stock = sellable.get(sku, 0)
            for offer in offers:
                url = offer.product.url
                facts = {"sellable": stock, "lots": lots.get(sku, 0), "availability": offer.availability.value}
                if offer.in_stock and stock == 0:
                    yield self.finding(
                        f"{sku} 页面显示有货，但可售库存为 0（{lots.get(sku, 0)} 个批次均已过期、将在促销结束前到期、"
                        f"状态异常或数量为 0）/ {sku}: the page says in stock, but sellable stock is 0 (its "
                        f"{lots.get(sku, 0)} lots are expired, expire before the promotion ends, are held or empty)",
                        sku=sku, url=url, field="availability", evidence="0",
                        suggestion="页面设为缺货或补充可售库存 / Set the page out of stock, or bring in good stock",
                        **facts,
                    )
                    continue
                want = expected.get(sku, expected.get("default"))
                if offer.in_stock and want and stock < want:
                    yield self.finding(
                        f"{sku} 可售库存 {stock}，低于促销预计销量 {want}：有超卖风险 / {sku}: sellable stock {stock} "
                        f"is below the {want} units the promotion is expected to sell: oversell risk",
                        sku=sku, url=url, field="availability", evidence=str(stock), severity=Severity.WARNING,
                        suggestion="补货或限制促销数量 / Restock, or cap the promotion's quantity",
                        expected_units=want, **facts,
                    )
                elif offer.availability == Availability.OUT_OF_STOCK and stock > 0:
                    yield self.finding(
                        f"{sku} 页面显示缺货，但可售库存有 {stock} / {sku}: the page says out of stock, but {stock} "
                        f"are sellable",
                        sku=sku, url=url, field="availability", evidence=str(stock), severity=Severity.INFO,
                        suggestion="核对库存同步，页面改为有货 / Check the stock sync and set the page in stock",
                        **facts,
                    )
