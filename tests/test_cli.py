"""The command line as ops and CI use it: exit codes, rules listing, config errors."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.engine import load_plugins


@pytest.fixture
def tiny_store(tmp_path):
    root = tmp_path / "store"
    (root / "p").mkdir(parents=True)
    (root / "p" / "ok.html").write_text(
        '<h1 class="product-title">OK</h1><span data-sku="OK-1"></span><span class="price-current">¥9</span>',
        encoding="utf-8")
    (root / "sitemap.xml").write_text(
        '<urlset><url><loc>http://shop.local/p/ok.html</loc></url>{}</urlset>', encoding="utf-8")
    return root


def run(args, cwd):
    return CliRunner().invoke(main, args, catch_exceptions=False, env={"TERM": "dumb"})


def test_exit_0_when_clean(tiny_store, tmp_path):
    out = tmp_path / "r.xlsx"
    result = run(["audit", "--serve", str(tiny_store), "-o", str(out), "-q"], tmp_path)
    assert result.exit_code == 0, result.output
    assert f"workbook: {out}" in result.output
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["Summary", "Findings"]


def test_exit_1_on_findings_and_fail_on(tiny_store, tmp_path):
    (tiny_store / "sitemap.xml").write_text(
        "<urlset><url><loc>http://shop.local/p/ok.html</loc></url>"
        "<url><loc>http://shop.local/p/gone.html</loc></url></urlset>", encoding="utf-8")
    args = ["audit", "--serve", str(tiny_store), "-o", str(tmp_path / "r.xlsx"), "-q"]
    result = run(args, tmp_path)
    assert result.exit_code == 1 and "LN001" in result.output
    assert run([*args, "--ignore", "LN001"], tmp_path).exit_code == 0


def test_exit_2_on_config_error(tiny_store, tmp_path):
    bad = tmp_path / "checker.toml"
    bad.write_text("[crawl]\nconcurrency = 0\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "--serve", str(tiny_store), "--config", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: crawl.concurrency" in result.output


def test_exit_2_on_usage_error(tmp_path):
    assert CliRunner().invoke(main, ["audit", "--config", str(tmp_path / "none.toml")]).exit_code == 2
    assert CliRunner().invoke(main, ["audit", "--fail-on", "fatal"]).exit_code == 2
    assert CliRunner().invoke(main, ["rules", "ZZ9"]).exit_code == 2


def test_rules_lists_every_rule_and_prints_docs():
    listing = CliRunner().invoke(main, ["rules"]).output
    for code in load_plugins():
        assert code in listing
    assert "AD  广告用语 Ad wording" in listing and "LN  链接配置 Links" in listing  # packs, by area
    docs = CliRunner().invoke(main, ["rules", "LN004"]).output
    assert "What it checks" in docs and "max_hops" in docs
    assert "Bad:\n    - two redirects before the page" in docs  # examples from the case file


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "checker", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "store-checker" in result.stdout
