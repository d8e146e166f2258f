"""Benchmark of the ST (stock and dates) rules: 1,000,000 inventory lots of 100,000 SKUs, 20,000 of them
on product pages.

    .venv/bin/python benchmarks/bench_stock_rules.py                  # 1,000,000 lots
    .venv/bin/python benchmarks/bench_stock_rules.py --lots 100000

Generates the lots in memory (fixed seed): ten lots a SKU over four warehouses, statuses mostly 正常 with
some 冻结 / 破損 / damaged / on hold, shelf lives of 5 days to 3 years and production dates within them
(about 3% expired) (expiry = production + shelf life, as the readers derive it), a few negative quantities; and the
pages as store-API products (in stock, one in ten out of stock, one in fifty with a near-expiry notice).
Building the models is "reading" and timed apart; then every ST rule runs as the engine runs site rules,
once over everything, with a promotion window, and the total beyond reading is printed (target: under
10 s).  Timings only: nothing here is asserted, and the tests never assert on time.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker.config import Config  # noqa: E402
from checker.engine import AuditContext, build_rules  # noqa: E402
from checker.engine.context import no_gc  # noqa: E402
from checker.engine.runner import Engine  # noqa: E402
from checker.models import Availability, InventoryLot, Product, SourceRef  # noqa: E402

TODAY = date(2026, 11, 23)
STATUSES = ["正常"] * 40 + ["冻结", "破損", "damaged", "on hold", "available", "變質", "待检"]
SHELF = [5, 10, 30, 90, 180, 275, 365, 548, 730, 1095]


def make(lots: int, skus: int, pages: int, seed: int = 7) -> tuple[list[InventoryLot], list[Product]]:
    rnd = random.Random(seed)
    out = []
    for i in range(lots):
        sku = f"SKU-{i % skus:06d}"
        shelf = rnd.choice(SHELF)
        produced = TODAY - timedelta(days=rnd.randrange(0, shelf + shelf // 30 + 1))  # ~3% expired
        quantity = rnd.randrange(-1, 500) if i % 1000 == 0 else rnd.randrange(0, 500)
        out.append(InventoryLot.model_construct(
            sku=sku, name="", lot=f"L{i:07d}", warehouse=f"WH-{i % 4}", quantity=quantity,
            status=rnd.choice(STATUSES), production_date=produced, shelf_life_days=shelf,
            expiry_date=produced + timedelta(days=shelf),
            source=SourceRef.model_construct(file="inventory.csv", row=i + 2, url=None, sheet=None, column=None)))
    products = []
    for n in range(pages):
        products.append(Product(
            sku=f"SKU-{n * (skus // pages):06d}", url=f"https://shop.example.com/p/{n}.html", title=f"商品 {n}",
            availability=Availability.OUT_OF_STOCK if n % 10 == 0 else Availability.IN_STOCK,
            labels=["临期商品：到期日见详情"] if n % 50 == 0 else []))
    return out, products


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lots", type=int, default=1_000_000)
    ap.add_argument("--skus", type=int, default=100_000)
    ap.add_argument("--pages", type=int, default=20_000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    lots, products = make(args.lots, args.skus, args.pages)
    reading = time.perf_counter() - t0
    config = Config.model_validate({"select": ["ST"], "promotion": {"start": "2026-12-10", "end": "2026-12-12"},
                                    "rules": {"ST005": {"expected_units": 200}}})
    rules = build_rules(config)
    ctx = AuditContext(config=config, today=TODAY, lots=lots, api_products=products)
    print(f"{len(lots):,} lots, {len(products):,} pages; building them (reading): {reading:.1f} s")
    total = 0.0
    ctx.memo.start(ctx)
    so_far = []
    for rule in sorted(rules, key=lambda r: r.scope == "post"):  # post rules revise what the others found
        t = time.perf_counter()
        if rule.scope == "post":
            revised = rule.revise(so_far, ctx)
            found = revised[len(so_far):]
        else:
            with no_gc():  # as Engine.check_site runs them
                found = Engine([rule])._run(rule, ctx, ctx, "site")
            so_far += found
        took = time.perf_counter() - t
        total += took
        print(f"  {rule.code}: {took:5.2f} s  {len(found):>9,} findings")
    print(f"ST rules beyond reading: {total:.1f} s (target < 10 s); errors: {len(ctx.errors)}")


if __name__ == "__main__":
    main()
