"""--changed-only REV (issue 24): in a git repository of config and exports, only the SKUs whose export rows
changed since REV are audited, with their pages; everything when the config changed.  A temporary git
repository, the real CLI, a store served on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

PAGE = ('<h1 class="product-title">{title}</h1><span data-sku="{sku}"></span>'
        '<span class="price-current">¥{price}</span>')
CATALOG = "sku,name,price,url\nA-1,Alpha,9,http://shop.local/p/a.html\nB-1,Beta,{b},http://shop.local/p/b.html\n"


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   check=True, capture_output=True)


@pytest.fixture
def shop(tmp_path):
    store = tmp_path / "store"
    (store / "p").mkdir(parents=True)
    (store / "p" / "a.html").write_text(PAGE.format(title="Alpha 世界级", sku="A-1", price=9), encoding="utf-8")
    (store / "p" / "b.html").write_text(PAGE.format(title="Beta 国家级", sku="B-1", price=9), encoding="utf-8")
    (store / "sitemap.xml").write_text("<urlset><url><loc>http://shop.local/p/a.html</loc></url>"
                                       "<url><loc>http://shop.local/p/b.html</loc></url></urlset>", encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "checker.toml").write_text('[[sources]]\nkind = "catalog"\npath = "catalog.csv"\n', encoding="utf-8")
    (repo / "catalog.csv").write_text(CATALOG.format(b=9), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "exports")
    return store, repo


def audit(store, repo, out, *args):
    return CliRunner().invoke(main, ["audit", "-q", "--serve", str(store), "--config", str(repo / "checker.toml"),
                                     "-o", str(out), "--format", "xlsx,json", "--select", "AD001,PR001", *args],
                              catch_exceptions=False, env={"TERM": "dumb", "GITHUB_ACTIONS": ""})


def test_only_the_changed_skus_and_their_pages_are_audited(shop, tmp_path):
    store, repo = shop
    (repo / "catalog.csv").write_text(CATALOG.format(b=12), encoding="utf-8")  # B-1's backend price changed
    out = tmp_path / "r.xlsx"
    result = audit(store, repo, out, "--changed-only", "HEAD")
    assert result.exit_code == 1, result.output
    document = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert document["counts"]["pages"] == 1 and document["counts"]["catalog_rows"] == 1
    assert {f["sku"] for f in document["findings"]} == {"B-1"}
    assert {f["code"] for f in document["findings"]} == {"AD001", "PR001"}  # the page, and the page vs its row
    assert "partial by design" in document["run"]["scope"] and "1 SKUs" in document["run"]["scope"]
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert "按设计为部分审核" in summary["审核范围 Scope"]

    full = audit(store, repo, tmp_path / "full.xlsx")  # without --changed-only: both SKUs
    assert {f["sku"] for f in json.loads((tmp_path / "full.json").read_text(encoding="utf-8"))["findings"]} == {
        "A-1", "B-1"}
    assert full.exit_code == 1


def test_a_changed_config_audits_everything(shop, tmp_path):
    store, repo = shop
    with (repo / "checker.toml").open("a", encoding="utf-8") as config:
        config.write("# a new rule option\n")
    out = tmp_path / "r.xlsx"
    result = audit(store, repo, out, "--changed-only", "HEAD")
    document = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert result.exit_code == 1 and document["counts"]["pages"] == 2
    assert {f["sku"] for f in document["findings"]} == {"A-1", "B-1"}
    assert "everything audited" in document["run"]["scope"] and "checker.toml" in document["run"]["scope"]


def test_an_unknown_revision_is_a_usage_error(shop, tmp_path):
    store, repo = shop
    result = audit(store, repo, tmp_path / "r.xlsx", "--changed-only", "no-such-rev")
    assert result.exit_code == 2 and "--changed-only" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_an_inventory_row_changed_audits_its_sku(shop, tmp_path):
    """Inventory lots are held in columns (checker/lots.py): their rows compare as the catalog's do."""
    store, repo = shop
    stock = "sku,lot,warehouse,quantity,status,expiry date\nA-1,LA,W1,5,正常,2027-01-01\nB-1,LB,W1,{q},正常,2027-01-01\n"
    with (repo / "checker.toml").open("a", encoding="utf-8") as config:
        config.write('[[sources]]\nkind = "inventory"\npath = "stock.csv"\n')
    (repo / "stock.csv").write_text(stock.format(q=5), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "stock")
    (repo / "stock.csv").write_text(stock.format(q=0), encoding="utf-8")  # B-1's lot sold out
    out = tmp_path / "r.xlsx"
    result = audit(store, repo, out, "--changed-only", "HEAD")
    document = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert result.exit_code == 1, result.output
    assert document["counts"]["inventory_rows"] == 1 and document["counts"]["pages"] == 1
    assert {f["sku"] for f in document["findings"]} == {"B-1"}
