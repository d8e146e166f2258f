"""The workbook prints well (issue 24): LibreOffice (headless) turns it into a PDF whose every page is
landscape and every sheet one page wide.  Runs when LibreOffice is installed (.ci/run installs
Debian's libreoffice-calc-nogui); skipped with that reason otherwise."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from checker.config import Config
from checker.engine import AuditContext, build_rules
from checker.models import Finding, Severity
from checker.reports.xlsx import write_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of each page of a PDF LibreOffice wrote (page dictionaries are not compressed)."""
    boxes = []
    for m in re.finditer(rb"/Type\s*/Page\b(?!s)(.{0,400}?)/MediaBox\s*\[\s*([\d.\s-]+)\]", pdf, re.S):
        x0, y0, x1, y1 = (float(v) for v in m.group(2).split())
        boxes.append((x1 - x0, y1 - y0))
    if not boxes:  # MediaBox before /Type
        for m in re.finditer(rb"/MediaBox\s*\[\s*([\d.\s-]+)\][^>]{0,400}?/Type\s*/Page\b(?!s)", pdf, re.S):
            x0, y0, x1, y1 = (float(v) for v in m.group(1).split())
            boxes.append((x1 - x0, y1 - y0))
    return boxes


def test_every_sheet_prints_landscape_and_one_page_wide(tmp_path):
    long = "非医疗商品使用医疗、功效用语「根治」/ Medical claim on a product that is not a medicine " * 3
    findings = [Finding(code="AD003", severity=Severity.ERROR, message=long, sku=f"CN-FOOD-{n}", field="description",
                        evidence="根治" * 10, url=f"http://shop.example.com/p/{n}.html", legal_basis="《广告法》第十七条")
                for n in range(5)]
    ctx = AuditContext(config=Config(), start_urls=["http://shop.example.com/sitemap.xml"])
    path = write_workbook(tmp_path / "audit.xlsx", ctx, findings, build_rules(Config(select=["AD"])))  # a short Rules sheet
    run = subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                          "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180)
    assert run.returncode == 0, run.stderr
    pages = _pages((tmp_path / "audit.pdf").read_bytes())
    import openpyxl

    sheets = openpyxl.load_workbook(path).sheetnames
    assert pages and all(w > h for w, h in pages), pages  # landscape
    # Five findings fit one page tall; one page wide means no sheet spills its columns onto more pages.
    assert len(pages) == len(sheets), (len(pages), sheets)
