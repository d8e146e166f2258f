"""Benchmark of the CP (complaint history) rules: 100,000 complaints classified and matched against
100,000 SKUs.

    .venv/bin/python benchmarks/bench_complaint_rules.py
    .venv/bin/python benchmarks/bench_complaint_rules.py --complaints 20000 --skus 20000

Generates in memory (fixed seed): 100,000 store-API products (one SKU each; one title in ten makes a
claim such as 纯棉 / 防水 / organic) and 100,000 complaints whose texts are the labelled fixture texts
(fixtures/complaints/labelled.csv: Simplified, Traditional, English) made distinct by an order number,
about a SKU (one in twenty an order line of two SKUs, one in fifty a SKU no longer sold), dated over the
two years before the audit date, one in five closed; and one finding of another family per SKU for the
escalation.  Building the models is "reading" and timed apart; then the classification (the complaint
view every CP rule shares), CP001, CP003, CP002 over the 100,000 findings and the complaint sheets'
rows are timed, and their total is printed (target: under 10 s).  Timings only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker_rules.complaints._common import complaint_view  # noqa: E402
from checker_rules.complaints._sheet import complaint_sheets  # noqa: E402

from checker.config import Config  # noqa: E402
from checker.engine import AuditContext, build_rules  # noqa: E402
from checker.models import Complaint, Finding, Product, Severity, SourceRef  # noqa: E402

TODAY = date(2026, 11, 23)
CLAIMS = ["纯棉", "防水", "organic", "100% cotton", "真皮", "無添加", "waterproof"]
CODES = ["SP001", "ST003", "ST004", "PR004", "AD001", "LN002"]


def make(complaints: int, skus: int, seed: int = 11):
    rnd = random.Random(seed)
    with (ROOT / "fixtures" / "complaints" / "labelled.csv").open(encoding="utf-8", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    products = [Product(sku=f"SKU-{n:06d}", url=f"https://shop.example.com/p/{n}.html",
                        title=f"商品 {n} {CLAIMS[n % len(CLAIMS)] if n % 10 == 0 else '日常款'}",
                        specs={"规格": f"{n % 7 + 1}件装"}) for n in range(skus)]
    out = []
    for i in range(complaints):
        sku = f"SKU-{rnd.randrange(skus):06d}" if i % 50 else f"OLD-{i:06d}"
        order = [sku, f"SKU-{rnd.randrange(skus):06d}"] if i % 20 == 0 else [sku]
        text = texts[i % len(texts)]
        if i % 10 == 0:
            text = f"说是{CLAIMS[i % len(CLAIMS)]}其实不是，{text}"
        out.append(Complaint.model_construct(
            id=f"T{i:07d}", sku=sku, skus=order, order=f"DD{i:08d}", received=TODAY - timedelta(days=rnd.randrange(730)),
            category=None, reason=None, detail=f"{text} 订单{i}", outcome="已解决" if i % 5 == 0 else "处理中",
            source=SourceRef.model_construct(file="complaints.csv", row=i + 2, url=None, sheet=None, column=None)))
    findings = [Finding(code=CODES[n % len(CODES)], severity=Severity.WARNING, message="m", sku=f"SKU-{n:06d}",
                        evidence=str(n)) for n in range(skus)]
    return out, products, findings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=100_000)
    ap.add_argument("--skus", type=int, default=100_000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    complaints, products, others = make(args.complaints, args.skus)
    reading = time.perf_counter() - t0
    config = Config.model_validate({"select": ["CP"]})
    rules = {r.code: r for r in build_rules(config)}
    ctx = AuditContext(config=config, today=TODAY, complaints=complaints, api_products=products)
    print(f"{len(complaints):,} complaints, {len(products):,} SKUs, {len(others):,} findings of other families; "
          f"building them (reading): {reading:.1f} s")
    ctx.memo.start(ctx)
    steps = [
        ("classify (complaint view)", lambda: len(complaint_view(ctx).entries)),
        ("CP001", lambda: len(list(rules["CP001"].check(ctx, ctx)))),
        ("CP003", lambda: len(list(rules["CP003"].check(ctx, ctx)))),
        ("CP002", lambda: sum(1 for f in rules["CP002"].revise(others, ctx) if f.repeat_of)),
        ("complaint sheets' rows", lambda: sum(1 for sheet in complaint_sheets(ctx, frozenset()) for _ in sheet.rows)),
    ]
    total = 0.0
    for name, step in steps:
        t = time.perf_counter()
        count = step()
        took = time.perf_counter() - t
        total += took
        print(f"  {name:<26} {took:5.2f} s  {count:>9,}")
    view = complaint_view(ctx)
    unclassified = sum(e.cause.cause is None for e in view.entries)
    print(f"CP beyond reading: {total:.1f} s (target < 10 s); unclassified {unclassified:,}; errors: {len(ctx.errors)}")


if __name__ == "__main__":
    main()
