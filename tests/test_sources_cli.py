"""``checker inspect`` and ``load_sources``: what the lead calls from the audit and the main CLI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import export_generator

from checker.config import load_config
from checker.engine.context import AuditContext
from checker.sources import load_sources
from checker.sources.cli import inspect_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPORTS = FIXTURES / "exports"
BAD = FIXTURES / "bad"


def run(*args: str, cwd: Path = EXPORTS):
    """Invoke ``inspect`` from ``cwd`` (relative paths on the command line resolve against it)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(inspect_command, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_is_a_click_command_for_the_main_cli():
    assert isinstance(inspect_command, click.Command)
    group = click.Group()
    group.add_command(inspect_command, "inspect")
    assert "inspect" in group.commands


def test_inspect_gbk_csv():
    result = run("inventory_gbk.csv", "--rows", "2")
    assert result.exit_code == 0
    out = result.output
    assert "encoding:    gb18030 (GBK compatible) (detected)" in out
    assert "kind:        inventory (guessed from the columns)" in out
    assert "header row:  2" in out
    assert "A  商品编码  -> sku" in out and "I  到期日   -> expiry_date" in out
    assert "rows:        read 11, ok 10, errors 1" in out
    assert "first 2 parsed row(s):" in out
    assert "row 3: sku=CN-TEA-1001  name=西湖龙井 明前茶  lot=L20260405-S" in out
    assert "row 5:" not in out.split("Errors")[0]
    assert ("inventory_gbk.csv, row 13, column 到期日 (I): 到期日早于生产日期 / expiry date 2025-07-08 is before "
            "production date") in out


def test_inspect_xlsx_with_sheet_and_kind():
    result = run("inventory.xlsx", "--kind", "inventory", "--sheet", "库存明细", "--rows", "0")
    assert result.exit_code == 0
    assert "inventory.xlsx  [sheet 库存明细]" in result.output
    assert "sheets:      库存明细, 说明" in result.output and "date system: 1900" in result.output
    assert "rows:        read 12, ok 11, errors 0, skipped 1" in result.output
    assert "kind:        inventory\n" in result.output  # given, not guessed
    assert "parsed row" not in result.output


def test_inspect_encoding_option():
    result = run("inventory_gbk.csv", "--encoding", "utf-8")
    assert result.exit_code == 2
    assert "file is not valid utf-8" in result.output
    assert run("inventory_gbk.csv", "--encoding", "gbk").exit_code == 0
    bad = run("inventory_gbk.csv", "--encoding", "no-such-codec")
    assert bad.exit_code == 2 and "unknown encoding" in bad.output


@pytest.mark.parametrize(
    ("name", "code"),
    [("zip_bomb.xlsx", 2), ("truncated.xlsx", 2), ("empty.csv", 2), ("bad_json.json", 2), ("missing_required.csv", 2),
     ("negative_qty.csv", 0), ("duplicate_headers.csv", 0), ("formula_no_cache.xlsx", 0), ("no-such-file.csv", 2)],
)  # fmt: skip
def test_inspect_exit_codes(name, code):
    result = run(name, cwd=BAD)
    assert result.exit_code == code, result.output


def test_inspect_unknown_kind(tmp_path: Path):
    (tmp_path / "x.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    result = run("x.csv", cwd=tmp_path)
    assert result.exit_code == 2
    assert (
        "cannot tell what this file is (inventory, catalog, prices or complaints); columns found: a, b, c"
        in result.output
    )


def test_inspect_warnings_are_listed():
    result = run("duplicate_headers.csv", cwd=BAD)
    assert "Warnings (1):" in result.output and "duplicate column: 到期日 (J)" in result.output
    assert "[duplicate of 到期日 (I) for 'expiry_date'; ignored]" in result.output


def test_load_sources_from_config(tmp_path: Path):
    shutil.copytree(EXPORTS, tmp_path / "exports")
    (tmp_path / "checker.toml").write_text(
        (EXPORTS / "sources.toml").read_text(encoding="utf-8")
        + '\n[[sources]]\nkind = "inventory"\npath = "exports/inventory_*.csv"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "checker.toml")
    ctx = AuditContext(config=config)
    load_sources(config, ctx, config.path.parent)
    # gbk + xlsx + big5 + jsonl + mac + the glob (big5 + gbk again)
    assert len(ctx.lots) == 10 + 11 + 9 + 9 + 4 + (9 + 10)
    assert len(ctx.catalog) == len(export_generator().CATALOG_ROWS) + len(export_generator().API_ITEMS)
    assert len(ctx.prices) == len(export_generator().price_history()) - 1  # less the header row
    assert len(ctx.complaints) == len(export_generator().COMPLAINTS) - 1 + len(export_generator().SERVICE_ROWS)
    assert [(e.source, e.reason) for e in ctx.errors] == [
        ("exports/inventory_gbk.csv", "expiry date 2025-07-08 is before production date 2026-10-08"),
        ("exports/inventory_gbk.csv", "expiry date 2025-07-08 is before production date 2026-10-08"),
    ]
    assert all(e.stage == "read" for e in ctx.errors)


def test_load_sources_never_raises(tmp_path: Path):
    (tmp_path / "checker.toml").write_text(
        '[[sources]]\nkind = "inventory"\npath = "missing.csv"\n'
        '[[sources]]\nkind = "prices"\npath = "nothing/*.csv"\n'
        '[[sources]]\nkind = "complaints"\npath = "' + str(BAD / "zip_bomb.xlsx") + '"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "checker.toml")
    ctx = AuditContext(config=config)
    load_sources(config, ctx, tmp_path)
    reasons = [e.reason for e in ctx.errors]
    assert reasons[0] == f"file not found: {tmp_path / 'missing.csv'}"
    assert reasons[1].startswith("no file matches 'nothing/*.csv'")
    assert reasons[2].startswith("refusing to open: the workbook would unpack to 220 MB")
    assert not ctx.lots and not ctx.prices and not ctx.complaints


def test_bad_source_config_is_a_config_error(tmp_path: Path):
    from checker.config import ConfigError

    (tmp_path / "checker.toml").write_text(
        '[[sources]]\nkind = "inventory"\npath = "a.csv"\ncolumns = { lot_no = "批号" }\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="inventory sources have no field 'lot_no'"):
        load_config(tmp_path / "checker.toml")
