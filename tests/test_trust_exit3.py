"""Exit code 3 (README's table): the audit crashed mid-way; the partial workbook is still written, with
the crash on its Errors sheet and the traceback on stderr.  Through the real CLI."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from checker import audit as audit_module
from checker.cli import EXIT_CRASH, main


def test_a_crash_during_the_crawl_is_exit_3_with_a_partial_workbook(tmp_path, monkeypatch):
    store = tmp_path / "store"
    store.mkdir()
    (store / "index.html").write_text("<h1>home</h1>", encoding="utf-8")

    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(audit_module, "crawl", crash)
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["audit", "--serve", str(store), "-o", str(out), "-q"])
    assert result.exit_code == EXIT_CRASH == 3, result.output
    assert "RuntimeError: disk on fire" in result.output and "PARTIAL" in result.output
    errors = [row for row in openpyxl.load_workbook(out)["Errors"].iter_rows(min_row=2, values_only=True)]
    assert any("crash during crawl: RuntimeError: disk on fire" in (row[3] or "") for row in errors)
