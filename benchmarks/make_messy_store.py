"""Generate the *messy* store for the crawl benchmark (issue 22): the bench store's product pages
as many real themes leave them, most of what they point at gone.

    .venv/bin/python benchmarks/make_messy_store.py --pages 10000   # -> benchmarks/out/messy-10000/

The product pages are :mod:`make_store`'s (same seed, same copy, sizes, structured data), with:

* the nav mega-menu, the footer and the help links pointing at category and help pages that do
  not exist (the store has none): ~90 dead link targets shared by every page;
* 8 of each page's 12 related-product cards linking to products that are gone (404): ~8 dead
  targets of its own a page (~80,000 at 10,000 pages);
* the footer's 3 payment badges pointing at image files that do not exist: 3 broken images on
  every page;
* so ~120 links a page, and most targets 404, as in the issue's 10,000-page measurement.

Layout as :mod:`make_store`'s (``site/``, ``sitemap.xml`` with the placeholder origin,
``robots.txt``, ``urls.txt``, ``_store.json`` written last as the cache stamp); no exports.
Deterministic: the same N and seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from make_store import (
    DEFAULT_SEED,
    GENERATOR_VERSION,
    N_IMAGES,
    OUT_DIR,
    PLACEHOLDER,
    Catalog,
    category_page,
    page_path,
    product_page,
    sku_of,
    tiny_png,
    write_sitemaps,
)

MESSY_VERSION = 1
DEAD_CARDS = 8  # of the 12 related-product cards
BADGES = {"/img/p/02.png": "/img/pay/alipay.png", "/img/p/03.png": "/img/pay/wechat.png", "/img/p/04.png": "/img/pay/visa.png"}
_CARD = re.compile(r'(<li class="card c6"><a href=")(/p/[^"]+)(")')


def messy_page(cat: Catalog, i: int) -> str:
    """Product page i of the bench store, made messy (see the module docstring)."""
    html, _defects = product_page(cat, i)
    for real, gone in BADGES.items():
        html = html.replace(f'<img src="{real}" alt=', f'<img src="{gone}" alt=')
    dead = iter(range(DEAD_CARDS))

    def card(match: re.Match) -> str:
        k = next(dead, None)
        return match.group(0) if k is None else f"{match.group(1)}/p/{sku_of(i)}-gone-{k}.html{match.group(3)}"

    return _CARD.sub(card, html)


_CATALOG: Catalog | None = None
_ROOT: Path | None = None


def _init(n: int, seed: int, root: str) -> None:
    global _CATALOG, _ROOT
    _CATALOG, _ROOT = Catalog(n, seed), Path(root)


def _write_range(bounds: tuple[int, int]) -> int:
    assert _CATALOG is not None and _ROOT is not None
    total = 0
    for i in range(*bounds):
        data = messy_page(_CATALOG, i).encode()
        (_ROOT / "p" / f"{sku_of(i)}.html").write_bytes(data)
        total += len(data)
    return total


def store_dir(n: int, out: Path = OUT_DIR) -> Path:
    return out / f"messy-{n}"


def make_messy_store(n: int, seed: int = DEFAULT_SEED, out: Path = OUT_DIR, *, force: bool = False, log=print) -> dict:
    """Generate (or reuse) the messy store of n product pages; returns its _store.json facts."""
    root = store_dir(n, out)
    stamp = root / "_store.json"
    version = f"{GENERATOR_VERSION}.{MESSY_VERSION}"
    if not force and stamp.is_file():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("pages") == n and info.get("seed") == seed and info.get("version") == version:
            return info
    started = time.perf_counter()
    if root.exists():
        shutil.rmtree(root)
    site = root / "site"
    (site / "p").mkdir(parents=True)
    (site / "img" / "p").mkdir(parents=True)
    for k in range(N_IMAGES):
        (site / "img" / "p" / f"{k + 1:02d}.png").write_bytes(tiny_png(k))
    (site / "robots.txt").write_text(
        f"User-agent: *\nDisallow: /cart\nDisallow: /account\nDisallow: /search\n\nSitemap: {PLACEHOLDER}/sitemap.xml\n",
        encoding="utf-8")  # fmt: skip
    cat = Catalog(n, seed)
    jobs = os.cpu_count() or 1
    step = max(50, min(2000, n // (jobs * 8) or 1))
    ranges = [(a, min(a + step, n + 1)) for a in range(1, n + 1, step)]
    with Pool(jobs, initializer=_init, initargs=(n, seed, str(site))) as pool:
        total_bytes = sum(pool.imap(_write_range, ranges))
    (site / "index.html").write_text(category_page(cat, "", "首页 Home", list(range(1, min(n, 48) + 1))),
                                     encoding="utf-8")  # fmt: skip
    product_urls = [page_path(i) for i in range(1, n + 1)]
    sitemap_files = write_sitemaps(site, ["/", *product_urls])
    (root / "urls.txt").write_text("".join(u + "\n" for u in product_urls), encoding="utf-8")
    info = {
        "pages": n, "seed": seed, "version": version, "site": str(site), "product_bytes": total_bytes,
        "mean_page_kb": round(total_bytes / n / 1024, 1), "other_pages": 1, "sitemap_urls": n + 1,
        "sitemap_files": sitemap_files, "images": N_IMAGES, "dead_cards_per_page": DEAD_CARDS,
        "broken_shared_images": len(BADGES), "defects": {}, "seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    stamp.write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"  make_messy_store: {n:,} pages in {info['seconds']} s")
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", "-n", type=int, default=10_000, help="product pages (default 10,000)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="folder for messy-N/ (default benchmarks/out)")
    ap.add_argument("--force", action="store_true", help="regenerate even if a matching store exists")
    args = ap.parse_args(argv)
    print(json.dumps(make_messy_store(args.pages, args.seed, args.out, force=args.force), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
