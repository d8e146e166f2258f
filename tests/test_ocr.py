"""Text in product images (checker/ocr) over a real loopback server serving fixtures/ocr_store (made
by fixtures/make_images.py): the seeded claims in main and detail images (Simplified, Traditional,
English; busy backgrounds, rotated, small text) are found by the AD rules with the image and the
text's box, the clean look-alikes raise nothing, a decompression bomb and a 0-byte image are Errors
rows, readings are cached by content hash, and a missing engine is one clear line."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from checker.audit import run_audit
from checker.config import Config, CrawlConfig
from checker.crawl.serve import serve_directory
from checker.ocr import ENGINE_MISSING, engine_problem, stage

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "fixtures" / "ocr_store"
TODAY = date(2026, 11, 23)
ENGINE_PROBLEM = engine_problem()  # not installed (no wheel for Python >= 3.13), or OpenCV without libGL
needs_engine = pytest.mark.skipif(bool(ENGINE_PROBLEM), reason=ENGINE_PROBLEM)


def _generator():
    spec = importlib.util.spec_from_file_location("make_images", ROOT / "fixtures" / "make_images.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator() if importlib.util.find_spec("PIL") else None
CLAIMS = GENERATOR.CLAIMS if GENERATOR else {}
SKUS = {"ocr-cn-tea": "OCR-CN-1", "ocr-tw-tea": "OCR-TW-1", "ocr-en-honey": "OCR-EN-1", "ocr-clean-tea": "OCR-CN-2",
        "ocr-cn-discount": "OCR-CN-4"}


@pytest.fixture(scope="module")
def origin():
    with serve_directory(STORE) as url:
        yield url


def audit(origin: str, folder: Path, progress=None, **ocr):
    config = Config(select=["AD", "PR003"], crawl=CrawlConfig(**ocr))
    return run_audit(config, [f"{origin}/index.html"], output=folder / "audit.xlsx", today=TODAY, progress=progress)


@pytest.fixture(scope="module")
def all_images(origin, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ocr-all")
    return audit(origin, folder, ocr="all"), folder


def summary_value(workbook: Path, label: str) -> str:
    sheet = openpyxl.load_workbook(workbook)["Summary"]
    return next(str(row[1]) for row in sheet.iter_rows(values_only=True) if row[0] and label in str(row[0]))


@needs_engine
def test_seeded_claims_in_images_are_found_and_clean_images_raise_nothing(all_images, origin):
    result, _ = all_images
    def key(term: str) -> str:  # the lexicon's canonical form is upper-cased, without spaces
        return term.replace(" ", "").upper()

    ad = [f for f in result.findings if f.code.startswith("AD")]
    found = {(f.sku, key(f.extra["canonical"])) for f in ad}
    for slug, terms in CLAIMS.items():
        if slug in SKUS:
            assert {t for sku, t in found if sku == SKUS[slug]} == set(map(key, terms)), slug
    assert {f.field for f in ad} == {"image:main", "image:detail"}
    assert "全網最低" in {f.extra["term"] for f in ad if f.sku == "OCR-TW-1"}  # as the image spells it
    for f in result.findings:
        assert f.extra["image"].startswith(f"{origin}/img/") and f.url.startswith(f"{origin}/p/")
        box = f.extra["box"]
        assert len(box) == 4 and all(0 <= x <= 800 and 0 <= y <= 800 for x, y in box)
    main = {f.extra["image"].rsplit("/", 1)[1] for f in ad if f.field == "image:main"}
    assert main == {"cn-main.png", "tw-main.png", "en-main.png"}


@needs_engine
def test_a_discount_claim_in_an_image_is_held_against_the_page_prices(all_images):
    """79 / 99 is 8折: 限时5折 in the main image is false (PR003), 会员8折 in the detail image holds."""
    result, _ = all_images
    pr003 = [f for f in result.findings if f.code == "PR003"]
    assert [(f.sku, f.field, f.extra["claimed"]) for f in pr003] == [("OCR-CN-4", "image:main", "5折")]
    assert pr003[0].extra["image"].endswith("/img/discount-main.png") and len(pr003[0].extra["box"]) == 4
    assert GENERATOR.DISCOUNTS == {"ocr-cn-discount": ["5折"]}


@needs_engine
def test_bomb_and_empty_image_are_errors_rows_not_crashes(all_images):
    result, _ = all_images
    assert not result.ctx.partial
    reasons = {e.source.rsplit("/", 1)[1]: e.reason for e in result.ctx.errors if e.stage == "ocr"}
    assert set(reasons) == {"bomb.png", "empty.png"}
    assert "decompression bomb" in reasons["bomb.png"] and "0 bytes" in reasons["empty.png"]
    sheet = openpyxl.load_workbook(result.workbook)["Errors"]
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert "bomb.png" in cells and "empty.png" in cells
    assert "10 image(s) read (10 with text)" in summary_value(result.workbook, "Image text")


@needs_engine
def test_a_second_audit_reads_unchanged_images_from_the_cache(all_images, origin, monkeypatch):
    first, folder = all_images
    assert len(list((folder / ".checker-cache" / "ocr").glob("*/*.json"))) == 10

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise AssertionError("an image was read again")

    monkeypatch.setattr(stage, "ProcessPoolExecutor", NoPool)
    calls = []
    again = audit(origin, folder, lambda *call: calls.append(call), ocr="all")
    assert [c for c in calls if c[0] == "ocr"][-1] == ("ocr", 12, 12)  # the stage's progress: every image once
    assert [f.fingerprint for f in again.findings] == [f.fingerprint for f in first.findings]
    assert not [e for e in again.ctx.errors if e.stage not in ("ocr",)]


@needs_engine
def test_ocr_main_reads_main_images_only(origin, tmp_path):
    result = audit(origin, tmp_path, ocr="main")
    assert {f.field for f in result.findings} == {"image:main"}
    assert "5 image(s) read" in summary_value(result.workbook, "Image text")


def test_the_limit_counts_the_images_skipped_on_the_summary(origin, tmp_path):
    result = audit(origin, tmp_path, ocr="all", ocr_max_images=0)
    assert result.findings == []
    assert "12 skipped over the limit of 0" in summary_value(result.workbook, "Image text")


def test_ocr_off_reads_nothing_and_says_so(origin, tmp_path):
    result = audit(origin, tmp_path, ocr="off")
    assert result.findings == [] and not [e for e in result.ctx.errors if e.stage == "ocr"]
    assert "image text not checked (--ocr off)" in summary_value(result.workbook, "Image text")


def test_a_missing_engine_is_one_line_in_the_audit_and_on_the_summary(origin, tmp_path, monkeypatch):
    monkeypatch.setattr(stage, "engine_problem", lambda: ENGINE_MISSING)
    result = audit(origin, tmp_path, ocr="all")
    errors = [e for e in result.ctx.errors if "image text not checked" in e.reason]
    assert len(errors) == 1 and errors[0].stage == "ocr"
    assert "图片文字未检查" in summary_value(result.workbook, "Image text")
    assert result.findings == []


def test_the_cli_options_reach_the_stage(tmp_path):
    from click.testing import CliRunner

    from checker.cli import main

    def run(*args):
        return CliRunner().invoke(main, ["audit", "--serve", str(STORE), "--select", "AD", "-q", *args],
                                  catch_exceptions=False, env={"TERM": "dumb"})

    off = run("--ocr", "off", "-o", str(tmp_path / "off.xlsx"))
    assert off.exit_code == 0
    assert "(--ocr off)" in summary_value(tmp_path / "off.xlsx", "Image text")
    limited = run("--ocr", "all", "--ocr-limit", "0", "-o", str(tmp_path / "limit.xlsx"))
    assert limited.exit_code == 0
    assert "12 skipped over the limit of 0" in summary_value(tmp_path / "limit.xlsx", "Image text")
    assert run("--ocr", "maybe").exit_code == 2


@needs_engine
def test_a_huge_image_is_scaled_and_its_boxes_are_in_its_own_pixels():
    """cn-main.png blown up 4x (3200 px, over the 2000 px the engine gets): read at 2000 px, its
    boxes come back in the 3200 px image's pixels, where the text is."""
    import io
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from PIL import Image

    from checker.ocr.reader import read_image

    original = (STORE / "img" / "cn-main.png").read_bytes()
    buffer = io.BytesIO()
    Image.open(io.BytesIO(original)).resize((3200, 3200)).save(buffer, "PNG")
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:  # the models stay out of pytest
        small, problem = pool.submit(read_image, original, stage.MAX_PIXELS, stage.MAX_SIDE).result()
        big, big_problem = pool.submit(read_image, buffer.getvalue(), stage.MAX_PIXELS, stage.MAX_SIDE).result()
    assert problem == big_problem == ""
    claim = next(b for b in small if "全网最低价" in b.text)
    scaled = next(b for b in big if "全网最低价" in b.text)
    for (x, y), (bx, by) in zip(claim.box, scaled.box, strict=True):
        assert abs(bx - 4 * x) <= 40 and abs(by - 4 * y) <= 40
