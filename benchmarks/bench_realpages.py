"""Field accuracy of ``extract_page`` on real saved product pages (issue 26).

    .venv/bin/python benchmarks/bench_realpages.py            # table
    .venv/bin/python benchmarks/bench_realpages.py -v         # + every page's misses

The pages and their hand-labelled truth are ``tests/realpages/MANIFEST.toml`` (where each page
came from, its license, what it shows).  Prints, per field, precision (of the values extracted
where the field is labelled, the share that is right: a price taken from a carousel on a page that
shows none counts against it) and recall (of the labelled values, the share extracted right), and
the share of pages where a product is found at all.  Targets: found >= 95 %, price precision >= 0.95.

Second set: pages of Zyte's product extraction benchmark (github.com/scrapinghub/product-extraction-benchmark,
MIT; 140 pages of 100 shops in 30 languages, price / sku / availability annotated by Zyte), scored by
its own rules (``evaluate.py``: a wrong value is a false positive and a false negative) so the figures
stand beside the ones it publishes for Zyte Automatic Extraction, Diffbot and extruct.  A subset ships
in ``tests/realpages/zyte`` (``zyte.json``: its ground truth for those pages); ``--zyte-dir`` reads the
whole dataset from a checkout of that repository (``dataset/``).

    .venv/bin/python benchmarks/bench_realpages.py --zyte-dir ~/src/product-extraction-benchmark/dataset
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "realpages"
sys.path.insert(0, str(ROOT))

from checker.datafiles import read_toml  # noqa: E402
from checker.decoding.decoder import decode_html  # noqa: E402
from checker.extract import extract_page  # noqa: E402
from checker.models import Product  # noqa: E402

FIELDS = ("title", "sku", "price", "currency", "availability", "image")


def load_pages() -> list[dict[str, Any]]:
    return read_toml(CORPUS / "MANIFEST.toml", ValueError, "the real-page manifest")[0]["page"]


def page_html(entry: dict[str, Any]) -> str:
    return gzip.decompress((CORPUS / entry["file"]).read_bytes()).decode("utf-8")


def extracted(product: Product | None, field: str) -> str:
    """The field as extracted, as text ("" for none)."""
    if product is None:
        return ""
    if field == "image":
        return product.images[0].url if product.images else ""
    if field == "availability":
        value = product.availability.value
        return "" if value == "Unknown" else value
    value = getattr(product, field)
    return "" if value is None else str(value)


def is_right(field: str, got: str, truth: str) -> bool:
    if field == "title":
        return " ".join(got.split()).casefold().startswith(" ".join(truth.split()).casefold())
    if field == "image":
        return truth in got
    if field == "price":
        try:
            return Decimal(got) == Decimal(truth)
        except InvalidOperation:
            return False
    if field == "currency":
        return got.upper() == truth.upper()
    return got == truth


def score(pages: list[dict[str, Any]], verbose: bool = False) -> dict[str, Any]:
    counts = {f: {"predicted": 0, "right": 0, "labelled": 0} for f in FIELDS}
    found = 0
    for entry in pages:
        product = extract_page(page_html(entry), entry["url"]).product
        found += product is not None
        misses = []
        for field in FIELDS:
            if field not in entry:
                continue
            truth, got = str(entry[field]), extracted(product, field)
            c = counts[field]
            c["labelled"] += bool(truth)
            if got:
                c["predicted"] += 1
                if truth and is_right(field, got, truth):
                    c["right"] += 1
                    continue
            if got or truth:
                misses.append(f"{field}: got {got[:60]!r}, truth {truth[:60]!r}")
        if verbose and (misses or product is None):
            print(f"  {entry['file']}: {'NO PRODUCT; ' if product is None else ''}{'; '.join(misses)}")
    return {"pages": len(pages), "found": found, "fields": counts}


# ----------------------------------------------------------------- Zyte's benchmark, its own scoring
ZYTE = CORPUS / "zyte"
#: What Zyte's repository publishes (dataset/metrics.json): precision, recall per attribute.
ZYTE_PUBLISHED = {"Zyte": {"price": (0.918, 0.918), "sku": (0.860, 0.822), "availability": (0.957, 0.957)},
                  "Diffbot": {"price": (0.844, 0.806), "sku": (0.828, 0.711), "availability": (0.943, 0.943)},
                  "extruct": {"price": (0.864, 0.567), "sku": (0.786, 0.407), "availability": (0.905, 0.479)}}
ZYTE_FIELDS = ("price", "sku", "availability")


def _zyte_prediction(product: Product | None, field: str) -> Any:
    if product is None:
        return None
    if field == "price":
        return product.price
    if field == "sku":
        return product.sku or None
    return {"InStock": "InStock", "OutOfStock": "OutOfStock", "Discontinued": "OutOfStock"}.get(
        product.availability.value)


def _zyte_match(field: str, truth: set[str], pred: Any, thousands: bool = False) -> tuple[int, int, int]:
    """(tp, fp, fn) as Zyte's evaluate.py counts them (``hard_matching`` / ``decimal_matching``).
    ``thousands``: its annotations write a price shown as ``$24.990`` (24,990 pesos) as ``24.99``; read
    so, 24990 matches."""
    if field == "price":
        truth = {Decimal(t) for t in truth}
        if thousands:
            truth |= {t * 1000 for t in truth}
    if pred is None:
        return 0, 0, int(bool(truth))
    if pred in truth:
        return 1, 0, 0
    return 0, 1, int(bool(truth))


def score_zyte(dataset: Path, verbose: bool = False) -> dict[str, Any]:
    """Zyte's scoring over the pages of ``dataset`` (``ground-truth.json`` + ``html/<key>.html.gz``, or
    the shipped subset's ``zyte.json`` + ``<key>.html.gz``)."""
    truth_file = dataset / "ground-truth.json"
    truths = json.loads((truth_file if truth_file.exists() else dataset / "zyte.json").read_text("utf-8"))
    html_dir = dataset / "html" if (dataset / "html").is_dir() else dataset
    counts = {f: [0, 0, 0] for f in (*ZYTE_FIELDS, "price*")}
    found = 0
    for key, truth in truths.items():
        raw = gzip.decompress((html_dir / f"{key}.html.gz").read_bytes())
        html, _ = decode_html(raw, None)
        product = extract_page(html, truth["url"]).product
        found += product is not None
        for field in (*ZYTE_FIELDS, "price*"):
            name = field.rstrip("*")
            pred = _zyte_prediction(product, name)
            tp_fp_fn = _zyte_match(name, set(truth.get(name, [])), pred, thousands=field.endswith("*"))
            counts[field] = [a + b for a, b in zip(counts[field], tp_fp_fn, strict=True)]
            if verbose and any(tp_fp_fn[1:]) and field in ZYTE_FIELDS:
                print(f"  {key[:12]} {truth['url'][:60]}: {field} got {pred!r}, truth {truth.get(field)}")
    return {"pages": len(truths), "found": found, "fields": counts}


def print_zyte(result: dict[str, Any]) -> None:
    pages, found = result["pages"], result["found"]
    print(f"\nZyte product extraction benchmark: {pages} pages, product found on {found} ({found / pages:.0%})")
    print(f"{'field':<13} {'precision':>9} {'recall':>7}   tp / fp / fn      published (precision / recall): "
          + ", ".join(ZYTE_PUBLISHED))
    for field, (tp, fp, fn) in result["fields"].items():
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        published = ", ".join(f"{p[field][0]:.2f} / {p[field][1]:.2f}" for p in ZYTE_PUBLISHED.values()
                              ) if field in ZYTE_FIELDS else "(its '24.99' for $24.990 read as 24990)"
        print(f"{field:<13} {precision:>9.2f} {recall:>7.2f}   {tp} / {fp} / {fn}{'':<8}{published}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list each page's misses")
    parser.add_argument("--zyte-dir", type=Path, help="the dataset/ folder of a product-extraction-benchmark checkout")
    args = parser.parse_args(argv)
    result = score(load_pages(), args.verbose)
    pages, found = result["pages"], result["found"]
    print(f"pages {pages}, product found on {found} ({found / pages:.0%}; target >= 95 %)")
    print(f"{'field':<13} {'precision':>9} {'recall':>7}   right / extracted / labelled")
    for field, c in result["fields"].items():
        precision = c["right"] / c["predicted"] if c["predicted"] else float("nan")
        recall = c["right"] / c["labelled"] if c["labelled"] else float("nan")
        print(f"{field:<13} {precision:>9.2f} {recall:>7.2f}   {c['right']} / {c['predicted']} / {c['labelled']}")
    articles = sorted((CORPUS / "articles").glob("*.html.gz"))
    wrong = [a.name for a in articles
             if extract_page(gzip.decompress(a.read_bytes()).decode("utf-8"), "https://news.example/a").product]
    print(f"\nno product pages (news, blogs): {len(articles)}, a product read on {len(wrong)}"
          + (f" ({', '.join(wrong)})" if args.verbose and wrong else ""))
    zyte = args.zyte_dir or (ZYTE if (ZYTE / "zyte.json").exists() else None)
    if zyte is not None:
        print_zyte(score_zyte(zyte, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
