"""Benchmark of the AD rules: the full lexicon over 10,000 generated product descriptions.

    .venv/bin/python benchmarks/bench_ad.py               # 10,000 products
    .venv/bin/python benchmarks/bench_ad.py -n 2000       # fewer
    .venv/bin/python benchmarks/bench_ad.py --compare     # also the library comparison behind the choices
    .venv/bin/python benchmarks/bench_ad.py --store-pages 500   # fewer pages of the bench store (0: none)

Descriptions are 500-2,000 characters of Simplified, Traditional and English shop copy with
full-width digits, specs, disclaimers, look-alikes (最近, 第一步, best before, 100%纯棉) and a
claim in about one sentence in eight.  Prints texts/s and total time for: building the matcher,
normalisation alone, the matcher alone and all six AD rules (every product field).

Then the two figures the crawl cares about:

* the matcher build, cold, in fresh processes (every crawl process builds its own): first with an
  empty cache folder (everything derived from OpenCC and the Unicode database), then with the
  cache file the first process left (see ``checker.textdata.Derived``);
* the six AD rules per product over real product pages of the bench store
  (``benchmarks/out/store-10000``, made by ``make bench``; skipped if absent), extracted once
  beforehand and run through ``Engine.check_scope`` as the crawl runs them.

Timings only: nothing here is asserted, and the tests never assert on time.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORE_PAGES = HERE / "out" / "store-10000" / "site" / "p"

SIMPLIFIED = [
    "这款保温杯采用双层真空结构，保温效果好，适合办公室和户外使用。",
    "面料为100%纯棉，亲肤透气，机洗不变形，尺码偏大请参考尺码表。",
    "第一步：打开包装；第二步：加入温水搅拌均匀；最后一步：静置三分钟。",
    "最近很多顾客反馈包装升级后更加美观，收到后请检查外观。",
    "本品不具有疾病预防、治疗功能，不能代替药物治疗。",
    "全店满299减50，活动时间以页面公布为准，优惠不与其他活动同享。",
    "产地：浙江杭州；保质期：18个月；储存方法：置于阴凉干燥处。",
    "支持七天无理由退货，退货运费由买家承担，赠品需一并退回。",
    "第一次使用前请用清水冲洗，避免使用钢丝球等硬物刷洗。",
    "活动保证金由平台托管，发货后48小时内更新物流单号。",
]
TRADITIONAL = [
    "這款保溫杯採用雙層真空結構，保溫效果好，適合辦公室和戶外使用。",
    "面料為100%純棉，親膚透氣，機洗不變形。",
    "請於收到商品後七天內確認，售後服務由官方提供。",
    "髮型師推薦的護髮精油，乾燥髮質適用，每次取兩至三滴。",
    "最後一步：將蓋子擰緊後倒置檢查是否漏水。",
    "本品不具有疾病預防、治療功能。",
]
ENGLISH = [
    "This stainless steel bottle keeps drinks cold for 24 hours and hot for 12. ",
    "Best before: see the bottom of the pack. Store in a cool, dry place. ",
    "Made of 100% cotton, machine washable at 30 degrees. ",
    "Step 1: rinse the filter before first use. ",
    "Secure screw lid, dishwasher safe, BPA free. ",
    "Ships within 48 hours from our warehouse in Hangzhou. ",
    "Dry-cured ham, aged 18 months. Tasty dog treats in a resealable bag. ",
]
FULL_WIDTH = ["全場正品，ＬＥＤ顯示，容量５００ｍｌ。", "尺寸：１２×８×２０ｃｍ，重量０.５ｋｇ。"]
CLAIMS = [
    "顶级工艺，品质最佳，全网销量第一！", "頂級工藝，全網最低價，錯過再等一年。", "国家机关特供，人民大会堂专用。",
    "祖传秘方，根治失眠，无副作用。", "保证有效，无效退款，一次见效。", "最后一天！仅此一次，手慢无。",
    "高僧开光，招财转运，辟邪镇宅。", "The world's best kettle, #1 in Europe. ", "Clinically proven to cure acne. ",
    "Guaranteed results in 7 days, 100% effective. ", "Today only: last chance to save! ",
    "This bracelet brings good luck and wards off evil spirits. ", "全場１００％正品，ＮＯ．１品牌！",
]
MIXES = [(SIMPLIFIED,), (TRADITIONAL,), (SIMPLIFIED, ENGLISH), (TRADITIONAL, ENGLISH, FULL_WIDTH), (ENGLISH,)]


def descriptions(n: int, seed: int = 2026) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        pools = rnd.choice(MIXES)
        target = rnd.randint(500, 2000)
        parts, size = [f"商品编号 {i:05d}。"], 0
        while size < target:
            sentence = rnd.choice(CLAIMS) if rnd.random() < 0.125 else rnd.choice(rnd.choice(pools))
            parts.append(sentence)
            size += len(sentence)
        out.append("".join(parts))
    return out


def products(texts: list[str]):
    from checker.models import Image, Product

    return [
        Product(
            url=f"https://shop.example.com/p/{i}.html",
            sku=f"SKU-{i:05d}",
            title=f"保温杯 {i} 号 {text[:12]}",
            description=text,
            specs={"材质": "304不锈钢", "容量": "500ml", "面料": "100%纯棉"},
            images=[Image(url=f"https://shop.example.com/i/{i}.jpg", alt=f"保温杯 {i}")],
            banners=["满299减50"],
        )
        for i, text in enumerate(texts)
    ]


def timed(label: str, count: int, fn: Callable[[], object], unit: str = "texts") -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    rate = f"{count / elapsed:>10,.0f} {unit}/s" if count else ""
    print(f"{label:<52} {elapsed:8.3f} s {rate}")
    return elapsed


def run(n: int) -> None:
    from checker_rules.ad.lexicon import load_lexicon
    from checker_rules.ad.matcher import Matcher

    from checker.config import Config
    from checker.engine import AuditContext, build_rules
    from checker.text import normalise_for_matching

    texts = descriptions(n)
    chars = sum(map(len, texts))
    print(f"{n:,} descriptions, {chars / 1e6:.1f} M characters (mean {chars // n} per text)\n")

    timed("normalisation tables (once per process; cache file)", 0, lambda: normalise_for_matching("頂級"))
    lexicon = load_lexicon()
    matcher_box: list[Matcher] = []
    timed(f"load + validate lexicon, build automaton ({len(lexicon.entries)} terms)", 0,
          lambda: matcher_box.append(Matcher(load_lexicon())))
    matcher = matcher_box[0]
    print(f"    {matcher.pattern_count} patterns (terms, forms, exceptions, allowed phrases)\n")

    timed("normalisation only (normalise_for_matching)", n, lambda: [normalise_for_matching(t) for t in texts])
    hits: list[int] = []
    timed("matcher only (normalise + scan, uncached)", n,
          lambda: hits.append(sum(len(matcher._scan(t)) for t in texts)))
    print(f"    {hits[0]:,} hits\n")

    config = Config(select=["AD"], brand_names=["最好牌"])
    rules = build_rules(config)
    ctx = AuditContext(config=config)
    items = products(texts)
    findings: list[int] = []
    total = timed("all 6 AD rules, every field of 10k products" if n == 10_000 else f"all 6 AD rules, {n:,} products",
                  n, lambda: findings.append(sum(1 for p in items for r in rules for _ in r.check(p, ctx))))
    print(f"    {findings[0]:,} findings; {total / n * 1e3:.3f} ms per product")


def compare(n: int) -> None:
    """The measurements behind the library choices: Chinese conversion and Aho-Corasick."""
    import importlib.util

    texts = descriptions(n)
    print(f"\n--- Traditional -> Simplified over {n:,} texts ---")
    from checker.text import _derive_t2s_table, to_simplified

    timed("checker.text.to_simplified (str.translate, table from OpenCC)", n, lambda: [to_simplified(t) for t in texts])
    table_start = time.perf_counter()
    _derive_t2s_table()
    print(f"{'    building that table from OpenCC':<52} {time.perf_counter() - table_start:8.3f} s")
    if importlib.util.find_spec("opencc") is not None:
        import opencc

        if hasattr(opencc.OpenCC, "convert"):
            converter = opencc.OpenCC("t2s")
            name = "opencc (official binding, phrase-level t2s)" if hasattr(opencc, "clib") else "opencc-python-reimplemented"
            timed(name, n, lambda: [converter.convert(t) for t in texts])
    if importlib.util.find_spec("zhconv_rs") is not None:
        import zhconv_rs

        timed("zhconv-rs zh-hans", n, lambda: [zhconv_rs.zhconv(t, "zh-hans") for t in texts])
    if importlib.util.find_spec("zhconv") is not None:
        import zhconv

        timed("zhconv zh-hans", n, lambda: [zhconv.convert(t, "zh-hans") for t in texts])

    print(f"\n--- Aho-Corasick, all lexicon patterns, over {n:,} normalised texts ---")
    from checker_rules.ad.matcher import get_matcher

    from checker.text import normalise_for_matching

    patterns = get_matcher()._patterns
    normalised = [normalise_for_matching(t)[0] for t in texts]
    import ahocorasick_rs

    ac = ahocorasick_rs.AhoCorasick(patterns)
    timed("ahocorasick-rs (overlapping)", n, lambda: [ac.find_matches_as_indexes(t, overlapping=True) for t in normalised])
    if importlib.util.find_spec("ahocorasick") is not None:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for i, p in enumerate(patterns):
            automaton.add_word(p, i)
        automaton.make_automaton()
        timed("pyahocorasick (iter)", n, lambda: [list(automaton.iter(t)) for t in normalised])


_COLD_BUILD = """
import time
start = time.perf_counter()
from checker_rules.ad.matcher import get_matcher
imported = time.perf_counter()
get_matcher()
print(imported - start, time.perf_counter() - imported)
"""


def matcher_build_cold() -> None:
    """``get_matcher()`` in fresh processes, with a cache folder of their own (not the user's)."""
    print("\n--- matcher build, cold, each in a fresh process ---")
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "XDG_CACHE_HOME": folder}
        for label in ("no cache file (derives everything)", "with the cache file of the first", "again"):
            out = subprocess.run([sys.executable, "-c", _COLD_BUILD], env=env, capture_output=True, text=True,
                                 check=True, cwd=HERE.parent)
            imported, built = map(float, out.stdout.split())
            print(f"{'get_matcher(), ' + label:<52} {built:8.3f} s   (imports before it: {imported:.3f} s)")


def store_products(folder: Path, limit: int) -> list:
    """Products of the first ``limit`` pages of a generated store, extracted as the crawl does."""
    from checker.config import load_config
    from checker.extract.page import extract_page

    config = load_config(HERE / "bench_checker.toml")
    products = []
    for page in sorted(folder.glob("*.html"))[:limit]:
        product = extract_page(page.read_text(encoding="utf-8"), f"http://shop.local/p/{page.name}", config).product
        if product is not None:
            products.append(product)
    return products


def run_store(folder: Path, limit: int) -> None:
    """The six AD rules per product over real pages, through the engine as the crawl calls them."""
    from checker.config import load_config
    from checker.engine import AuditContext, Engine, build_rules

    print(f"\n--- all 6 AD rules over the products of {folder} ---")
    start = time.perf_counter()
    products = store_products(folder, limit)
    print(f"{f'extract {len(products):,} products (not part of the cost)':<52} {time.perf_counter() - start:8.3f} s")
    config = load_config(HERE / "bench_checker.toml")
    engine = Engine([rule for rule in build_rules(config) if rule.code.startswith("AD")])
    ctx = AuditContext(config=config)
    findings: list[int] = []
    total = timed(f"all 6 AD rules, {len(products):,} products (Engine.check_scope)", len(products),
                  lambda: findings.append(sum(len(engine.check_scope("product", p, ctx, p.url)) for p in products)),
                  unit="products")
    print(f"    {findings[0]:,} findings; {total / len(products) * 1e3:.3f} ms per product")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="number of descriptions (default 10,000)")
    parser.add_argument("--compare", action="store_true", help="also time the candidate libraries")
    parser.add_argument("--store", type=Path, default=STORE_PAGES, help=f"product pages (default {STORE_PAGES})")
    parser.add_argument("--store-pages", type=int, default=2000, help="how many of them (default 2,000; 0: none)")
    args = parser.parse_args()
    run(args.n)
    matcher_build_cold()
    if args.store_pages and args.store.is_dir():
        run_store(args.store, args.store_pages)
    elif args.store_pages:
        print(f"\n(no store pages in {args.store}: generate them with benchmarks/make_store.py --pages 10000)")
    if args.compare:
        compare(args.n)


if __name__ == "__main__":
    main()
