"""Text in product images (checker/ocr): images/s, peak memory and accuracy on fixtures/ocr_store.

    .venv/bin/python benchmarks/bench_ocr.py [--tesseract]

(1) The OCR stage of a real audit (``--ocr all``) of fixtures/ocr_store served on 127.0.0.1, cold
(process pool started, models loaded) and again in the same folder (readings from the cache);
(2) the engine alone in this process, each image read 3 times (steady state, one thread);
(0, first: its memory is then the only child's) with ``--tesseract``: Debian's tesseract (chi_sim+chi_tra+eng) on the same images, for the
comparison behind the choice.  Accuracy: seeded claims found by the AD lexicon in each engine's
text / claims seeded (fixtures/make_images.py CLAIMS), and flags on the clean images.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "ocr_store"
sys.path.insert(0, str(ROOT))

from checker.audit import run_audit  # noqa: E402
from checker.config import Config, CrawlConfig  # noqa: E402
from checker.crawl.serve import serve_directory  # noqa: E402
from checker.ocr import stage  # noqa: E402
from checker.ocr.reader import read_image  # noqa: E402


def generator():
    spec = importlib.util.spec_from_file_location("make_images", ROOT / "fixtures" / "make_images.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def peak_mb() -> tuple[float, float]:
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def key(term: str) -> str:
    return term.replace(" ", "").upper()


def accuracy(texts: dict[str, str]) -> tuple[int, int, int]:
    """(claims found, claims seeded, flags on clean images) for ``{image file: text read}``."""
    from checker_rules.ad.matcher import get_matcher

    matcher, gen = get_matcher(), generator()
    found = seeded = false = 0
    for slug, (_, _, main, detail) in gen.PAGES.items():
        files = [f for f, lines, *_ in main + detail if lines]
        flagged = {key(h.entry.spec.term) for f in files for h in matcher.scan(texts.get(f, ""))}
        claims = {key(t) for t in gen.CLAIMS[slug]}
        seeded += len(claims)
        found += len(claims & flagged)
        false += len(flagged - claims)
    return found, seeded, false


def audit_stage(folder: Path, origin: str) -> tuple[float, int]:
    timing = {}
    original = stage.run_ocr

    def timed(ctx, engine, cache, progress=None):
        start = time.perf_counter()
        original(ctx, engine, cache, progress)
        timing["s"] = time.perf_counter() - start

    stage.run_ocr = timed
    try:
        result = run_audit(Config(select=["AD"], crawl=CrawlConfig(ocr="all")), [f"{origin}/index.html"],
                           output=folder / "bench.xlsx")
    finally:
        stage.run_ocr = original
    return timing["s"], len(result.findings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tesseract", action="store_true", help="also measure Debian's tesseract")
    args = parser.parse_args()
    images = sorted(p for p in (STORE / "img").glob("*.png") if p.stat().st_size and p.name != "bomb.png")
    if args.tesseract:
        if not shutil.which("tesseract"):
            print("tesseract: not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra)")
        else:
            texts, start = {}, time.perf_counter()
            for path in images:
                out = subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim+chi_tra+eng", "--psm", "11"],
                                     capture_output=True, text=True).stdout
                texts[path.name] = out
            seconds = time.perf_counter() - start
            found, seeded, false = accuracy(texts)
            print(f"tesseract: {len(images) / seconds:.2f} images/s; claims {found}/{seeded}, flags on clean "
                  f"images {false}; peak RSS of a tesseract process {peak_mb()[1]:.0f} MB")
    with tempfile.TemporaryDirectory() as tmp, serve_directory(STORE) as origin:
        for label in ("cold", "cached"):
            seconds, findings = audit_stage(Path(tmp), origin)
            print(f"audit OCR stage ({label}): {len(images)} images in {seconds:.2f} s = "
                  f"{len(images) / seconds:.1f} images/s, {findings} findings; peak RSS main "
                  f"{peak_mb()[0]:.0f} MB, pool process {peak_mb()[1]:.0f} MB")
    texts, start = {}, time.perf_counter()
    for _ in range(3):
        for path in images:
            boxes, _ = read_image(path.read_bytes(), stage.MAX_PIXELS, stage.MAX_SIDE)
            texts[path.name] = "\n".join(b.text for b in boxes)
    seconds = time.perf_counter() - start
    found, seeded, false = accuracy(texts)
    print(f"rapidocr in-process (1 thread): {3 * len(images) / seconds:.2f} images/s; claims {found}/{seeded}, "
          f"flags on clean images {false}; peak RSS {peak_mb()[0]:.0f} MB")


if __name__ == "__main__":
    main()
