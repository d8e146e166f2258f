"""Field accuracy of ``extract_page`` on real saved product pages (issue 26).

    .venv/bin/python benchmarks/bench_realpages.py            # table
    .venv/bin/python benchmarks/bench_realpages.py -v         # + every page's misses

The pages and their hand-labelled truth are ``tests/realpages/MANIFEST.toml`` (where each page
came from, its license, what it shows).  Prints, per field, precision (of the values extracted
where the field is labelled, the share that is right: a price taken from a carousel on a page that
shows none counts against it) and recall (of the labelled values, the share extracted right), and
the share of pages where a product is found at all.  Targets: found >= 95 %, price precision >= 0.95.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "realpages"
sys.path.insert(0, str(ROOT))

from checker.datafiles import read_toml  # noqa: E402
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list each page's misses")
    args = parser.parse_args(argv)
    result = score(load_pages(), args.verbose)
    pages, found = result["pages"], result["found"]
    print(f"pages {pages}, product found on {found} ({found / pages:.0%}; target >= 95 %)")
    print(f"{'field':<13} {'precision':>9} {'recall':>7}   right / extracted / labelled")
    for field, c in result["fields"].items():
        precision = c["right"] / c["predicted"] if c["predicted"] else float("nan")
        recall = c["right"] / c["labelled"] if c["labelled"] else float("nan")
        print(f"{field:<13} {precision:>9.2f} {recall:>7.2f}   {c['right']} / {c['predicted']} / {c['labelled']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
