"""Config files that are not TOML at all (issue 20): exit 2, the file and the line, in both languages."""

from __future__ import annotations

from click.testing import CliRunner

from checker.cli import main


def test_broken_toml_names_file_and_line(tmp_path):
    config = tmp_path / "checker.toml"
    config.write_text('select = ["LN"]\n[crawl]\nconcurrency = = 4\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "--config", str(config), "http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {config}:3: 不是有效的 TOML / not valid TOML: ")
