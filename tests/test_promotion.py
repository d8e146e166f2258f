"""The promotion window: [promotion] in the config, --promotion on the command line, what rules read
(ctx.promotion) and what the Summary sheet and the console show."""

from __future__ import annotations

from datetime import UTC, date, datetime

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.config import Config, ConfigError, load_config, parse_promotion
from checker.engine import AuditContext


def test_config_window_and_its_checks(tmp_path):
    path = tmp_path / "checker.toml"
    path.write_text('[promotion]\nstart = 2026-12-10\nend = "2026-12-12"\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    window = AuditContext(config=load_config(path), today=date(2026, 12, 1)).promotion
    assert (window.start, window.end, window.configured) == (date(2026, 12, 10), date(2026, 12, 12), True)
    assert window.label == "2026-12-10 – 2026-12-12 (Asia/Shanghai)"
    # a UTC timestamp late on the 9th is already the 10th in Shanghai: history is cut in the promotion's zone
    assert window.local_date(datetime(2026, 12, 9, 17, 0, tzinfo=UTC)) == date(2026, 12, 10)
    one_day = Config.model_validate({"promotion": {"start": "2026-12-10"}}).promotion
    assert one_day.end == date(2026, 12, 10)
    for bad, message in ((['start = "2026-12-12"', 'end = "2026-12-10"'], "end 2026-12-10 is before start"),
                         (['end = "2026-12-10"'], "end is set without start"),
                         (['start = "2026-12-10"', 'timezone = "Mars/Olympus"'], "unknown time zone 'Mars/Olympus'"),
                         (['start = "12/10"'], "promotion.start")):
        path.write_text("[promotion]\n" + "\n".join(bad) + "\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(path)


def test_without_a_window_the_audit_date_stands_in():
    window = AuditContext(config=Config(), today=date(2026, 11, 23)).promotion
    assert (window.start, window.end, window.configured) == (date(2026, 11, 23), date(2026, 11, 23), False)
    assert "2026-11-23" in window.label and "not set" in window.label


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-10:2026-12-12", (date(2026, 12, 10), date(2026, 12, 12))),
    ("2026-12-10", (date(2026, 12, 10), date(2026, 12, 10))),
    (" 2026-12-10 : 2026-12-11 ", (date(2026, 12, 10), date(2026, 12, 11))),
])
def test_parse_promotion(text, expected):
    assert parse_promotion(text) == expected


@pytest.mark.parametrize("text", ["2026-12-12:2026-12-10", "12/10", "2026-12-10:", "2026-12-10:2026-12-11:2026-12-12"])
def test_parse_promotion_refuses(text):
    with pytest.raises(ValueError, match="--promotion"):
        parse_promotion(text)


def _summary(path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path)["Summary"]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}


def test_the_command_line_window_reaches_the_summary_and_the_console(one_page_store, tmp_path):
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["audit", "--serve", str(one_page_store), "-o", str(out), "-q", "--today",
                                       "2026-11-23", "--promotion", "2026-12-10:2026-12-12"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "promotion 促销期 2026-12-10 – 2026-12-12" in result.output
    assert _summary(out)["促销期 Promotion window"].startswith("2026-12-10 – 2026-12-12 (")
    result = CliRunner().invoke(main, ["audit", "--serve", str(one_page_store), "-o", str(out), "-q",
                                       "--today", "2026-11-23"], catch_exceptions=False)
    assert "促销期" not in result.output
    assert _summary(out)["促销期 Promotion window"] == (  # PR004's window ends the day before the promotion
        "未设置：PR004, ST002, ST003, ST005, ST006 按审计日期 2026-11-23 计算 / "
        "not set: PR004, ST002, ST003, ST005, ST006 used the audit date 2026-11-23 instead")


def test_a_bad_command_line_window_is_a_usage_error(one_page_store):
    result = CliRunner().invoke(main, ["audit", "--serve", str(one_page_store), "--promotion", "2026-12-12:2026-12-10"])
    assert result.exit_code == 2 and "error: --promotion '2026-12-12:2026-12-10': the end is before the start" in result.output


def test_without_a_window_the_summary_names_the_rules_that_used_the_audit_date():
    from checker.engine import Rule
    from checker.reports.xlsx import _promotion_text

    class NeedsWindow(Rule):
        code, needs_promotion = "PR004", True

    class Other(Rule):
        code = "LN001"

    ctx = AuditContext(config=Config(), today=date(2026, 11, 23))
    assert _promotion_text(ctx, [Other(), NeedsWindow()]) == (
        "未设置：PR004 按审计日期 2026-11-23 计算 / not set: PR004 used the audit date 2026-11-23 instead")
    ctx = AuditContext(config=Config.model_validate({"promotion": {"start": "2026-12-10"}}), today=date(2026, 11, 23))
    assert _promotion_text(ctx, [NeedsWindow()]).startswith("2026-12-10 (")
