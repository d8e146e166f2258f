"""An audit's answer can be trusted (issue 20): a run that checked nothing says so with its own exit
code, and ordinary mistakes are one clear line and exit 2 before the crawl.  Through the real CLI."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import EXIT_NOT_AUDITED, main

PRODUCT = '<h1 class="product-title">OK</h1><span data-sku="OK-1"></span><span class="price-current">¥9</span>'


@pytest.fixture
def store(one_page_store):
    return one_page_store


def audit(*args, cwd: Path | None = None):
    return CliRunner().invoke(main, ["audit", "-q", *map(str, args)], catch_exceptions=False)


def write_config(tmp_path, text: str) -> Path:
    path = tmp_path / "checker.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- rule selection: exit 2
@pytest.mark.parametrize("args, expected", [
    (["--select", "ZZ999"], "--select: 选择的规则不存在 / 'ZZ999' matches no rule"),
    (["--select", "AD01"], "'AD01' matches no rule (did you mean AD001?)"),
    (["--select", "LN", "--ignore", "AD,LN"], "no rule left to run: select = ['LN'], ignore = ['AD', 'LN']"),
])
def test_a_selection_that_matches_no_rule_is_a_usage_error(store, tmp_path, args, expected):
    out = tmp_path / "r.xlsx"
    result = audit("--serve", store, "-o", out, *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert not out.exists()  # stopped before the crawl


def test_config_select_matching_no_rule_names_the_config_line(store, tmp_path):
    config = write_config(tmp_path, '# shop\nselect = ["AD01"]\n')
    result = audit("--serve", store, "--config", config, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2
    assert f"{config}:2: select: 选择的规则不存在 / 'AD01' matches no rule (did you mean AD001?)" in result.output


# --------------------------------------------------------------------------- start URLs: exit 2
def test_a_start_url_that_is_not_http_is_a_usage_error_with_a_suggestion(tmp_path):
    out = tmp_path / "r.xlsx"
    result = audit("not-a-url", "shop.example.com/sitemap.xml", "ftp://x/y", "https:/shop.example.com", "-o", out)
    assert result.exit_code == 2, result.output
    assert "start URL 'not-a-url' is not an http(s) URL: did you mean http://not-a-url?" in result.output
    assert "did you mean http://shop.example.com/sitemap.xml?" in result.output
    assert "did you mean https://shop.example.com?" in result.output
    assert "'ftp://x/y' is not an http(s) URL: only http:// and https:// can be crawled" in result.output
    assert "LN001" not in result.output and not out.exists()


# --------------------------------------------------------------------------- nothing audited: exit 4
@pytest.mark.parametrize("sitemap, reason", [
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>news</title></channel></rss>',
     "the root element is <rss>, not <urlset> or <sitemapindex>"),
    ('<urlset><url><loc>http://shop.local/p/ok.html</loc></url><url><loc>http://shop', "not a readable sitemap"),
])
def test_an_unreadable_start_sitemap_is_exit_4_with_a_red_line(store, tmp_path, sitemap, reason):
    (store / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = audit("--serve", store, "-o", out)
    assert result.exit_code == EXIT_NOT_AUDITED == 4, result.output
    assert "NOT AUDITED 未审核" in result.output and "complete 完成" not in result.output
    assert "无法读取 sitemap / cannot read sitemap http://127.0.0.1:" in result.output and reason in result.output
    assert out.exists()  # the workbook is still written, with the error row


def test_a_404_start_sitemap_is_exit_4(store, tmp_path):
    from checker.crawl.serve import serve_directory

    with serve_directory(store) as origin:
        result = audit(f"{origin}/missing-sitemap.xml", "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 4, result.output
    assert f"cannot read sitemap {origin}/missing-sitemap.xml: HTTP 404" in result.output


def test_no_page_audited_is_exit_4_even_with_fail_on_never(store, tmp_path):
    from checker.crawl.serve import serve_directory

    with serve_directory(store) as origin:
        result = audit(f"{origin}/p/gone.html", "-o", tmp_path / "r.xlsx", "--fail-on", "never")
    assert result.exit_code == 4, result.output
    assert "没有审核任何页面 / no page could be audited: 1 page(s) found, none read" in result.output


def test_fail_on_never_reports_findings_and_exits_0(store, tmp_path):
    (store / "sitemap.xml").write_text("<urlset><url><loc>http://shop.local/p/ok.html</loc></url>"
                                       "<url><loc>http://shop.local/p/gone.html</loc></url></urlset>", encoding="utf-8")
    base = ["--serve", store, "-o", tmp_path / "r.xlsx"]
    assert audit(*base).exit_code == 1
    result = audit(*base, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "LN001" in result.output and "(--fail-on never: they do not fail the run)" in result.output
    config = write_config(tmp_path, 'fail_on = "never"\n')
    assert audit(*base, "--config", config).exit_code == 0


# --------------------------------------------------------------------------- output path
def test_an_existing_folder_as_output_gets_a_new_workbook_in_it(store, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    result = audit("--serve", store, "-o", folder)
    assert result.exit_code == 0, result.output
    (book,) = folder.glob("audit-*.xlsx")
    assert f"workbook: {book}" in result.output
    assert openpyxl.load_workbook(book).sheetnames[0] == "Summary"


def test_an_unwritable_output_folder_is_exit_2_before_the_crawl(store, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = audit("--serve", store, "-o", blocker / "sub" / "r.xlsx")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (f"error: 无法写入报告 / cannot write the workbook {blocker}/sub/r.xlsx: "
                                     f"{blocker} is a file, not a folder")


# --------------------------------------------------------------------------- sources and data files
def test_every_missing_source_file_is_named_before_the_crawl(store, tmp_path):
    config = write_config(tmp_path, '[[sources]]\nkind = "inventory"\npath = "stock.csv"\n\n'
                                    '[[sources]]\nkind = "prices"\npath = "prices/*.csv"\n')
    result = audit("--serve", store, "--config", config, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2, result.output
    assert f"{config}:3: sources #1 (inventory): 找不到导出文件 / file not found: {tmp_path / 'stock.csv'}" in result.output
    assert f"{config}:7: sources #2 (prices): 找不到导出文件 / no file matches 'prices/*.csv'" in result.output
    assert not (tmp_path / "r.xlsx").exists()


BROKEN_TERMS = """[defaults]
category = "AD001"
severity = "error"
legal_basis = "广告法第九条"
reason = "绝对化"
suggestion = "删除"

[[term]]
term = "宇宙第一棒"

[[term]]
term = "全网最牛"
sevrity = "error"
"""


def test_a_broken_custom_lexicon_is_exit_2_naming_file_line_and_term(store, tmp_path):
    (tmp_path / "my-terms.toml").write_text(BROKEN_TERMS, encoding="utf-8")
    config = write_config(tmp_path, '[rules.AD001]\nextra_terms_file = "my-terms.toml"\n')
    result = audit("--serve", store, "--config", config, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'my-terms.toml'}:12: term #2 '全网最牛': sevrity" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_checker_rules_reads_the_configured_extra_terms_file(tmp_path, monkeypatch):
    (tmp_path / "my-terms.toml").write_text(BROKEN_TERMS, encoding="utf-8")
    config = write_config(tmp_path, '[rules.AD001]\nextra_terms_file = "my-terms.toml"\n')
    monkeypatch.chdir(tmp_path)
    broken = CliRunner().invoke(main, ["rules", "AD001"])
    assert broken.exit_code == 2 and "my-terms.toml:12: term #2 '全网最牛'" in broken.output
    (tmp_path / "my-terms.toml").write_text(BROKEN_TERMS.replace('sevrity = "error"\n', ""), encoding="utf-8")
    fixed = CliRunner().invoke(main, ["rules", "AD001", "--config", str(config)])
    assert fixed.exit_code == 0, fixed.output
    assert "Extra terms file 自定义词表 my-terms.toml: read, no errors; 2 term(s) of this category: 宇宙第一棒, 全网最牛" \
        in fixed.output


# --------------------------------------------------------------------------- config errors, all at once
def test_config_errors_come_all_at_once_in_plain_words_at_their_lines(store, tmp_path):
    config = write_config(tmp_path, (
        'fail_on = "fatal"\n'                     # 1
        '\n'
        '[crawl]\n'                               # 3
        'concurency = 8\n'                        # 4
        'timeout = 0\n'                           # 5
        '\n'
        '[[sources]]\n'                           # 7
        'kind = "inventory"\n'
        'path = "stock.csv"\n'
        '\n'
        '[[sources]]\n'                           # 11
        'kind = "stock"\n'                        # 12
        'path = "more.csv"\n'
    ))
    result = audit("--serve", store, "--config", config)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [
        f"error: {config}:1: fail_on: 应为其中之一 / must be one of 'error', 'warning' or 'info' (got 'fatal')",
        f"error: {config}:4: crawl.concurency: 未知的键 / unknown key: did you mean concurrency?",
        f"error: {config}:5: crawl.timeout: 必须大于 / must be more than 0 (got 0)",
        f"error: {config}:12: sources #2.kind: 应为其中之一 / must be one of 'inventory', 'catalog', 'prices' or "
        "'complaints' (got 'stock')",
    ]
    assert "Extra inputs" not in result.output and "Input should" not in result.output


# --------------------------------------------------------------------------- resume with --serve
def test_resume_with_serve_takes_back_the_interrupted_crawl_and_says_so(store, tmp_path, monkeypatch):
    from checker.reports.console import ProgressPrinter

    locs = "".join(f"<url><loc>http://shop.local/p/{n}.html</loc></url>" for n in range(8))
    (store / "sitemap.xml").write_text(f"<urlset>{locs}</urlset>", encoding="utf-8")
    for n in range(8):
        (store / "p" / f"{n}.html").write_text(PRODUCT.replace("OK-1", f"OK-{n}"), encoding="utf-8")
    config = write_config(tmp_path, "[crawl]\nconcurrency = 1\ncache = false\n")
    out = tmp_path / "reports"
    args = ["audit", "--serve", str(store), "--config", str(config), "-o", str(out)]
    calls = []

    def interrupt(self, phase, done, total):
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(ProgressPrinter, "__call__", interrupt)
        first = CliRunner().invoke(main, args)
    assert first.exit_code == 130, first.output
    assert (out / ".crawl-state.jsonl").is_file()
    resumed = CliRunner().invoke(main, [*args, "--resume", "-q"])
    assert resumed.exit_code == 0, resumed.output
    assert f"已继续 / resumed 3 pages from {out / '.crawl-state.jsonl'}" in resumed.output
    again = CliRunner().invoke(main, [*args, "--resume", "-q"])  # the finished crawl left no journal
    assert again.exit_code == 0
    assert "没有可继续的抓取 / nothing to resume: starting fresh" in again.output


# --------------------------------------------------------------------------- fingerprints
def _fingerprints(book: Path) -> list[tuple[str, str]]:
    sheet = openpyxl.load_workbook(book)["Findings"]
    header = [c.value for c in sheet[1]]
    code, fp = header.index("代码 Code"), header.index("指纹 Fingerprint")
    return [(row[code], row[fp]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[code]]


def test_fingerprints_are_unique_per_finding_and_do_not_depend_on_the_port(store, tmp_path):
    (store / "p" / "ok.html").write_text(
        '<h1 class="product-title">最佳 第一</h1><span data-sku="OK-1"></span><span class="price-current">¥9</span>'
        '<div class="product-description"><a href="/p/gone.html">旧款</a></div>', encoding="utf-8")
    books = []
    for name in ("a.xlsx", "b.xlsx"):  # each --serve run has a port of its own
        result = audit("--serve", store, "-o", tmp_path / name, "--select", "AD001,LN")
        assert result.exit_code == 1, result.output
        books.append(_fingerprints(tmp_path / name))
    first, second = books
    assert [code for code, _ in first].count("AD001") == 2 and "LN003" in [code for code, _ in first]
    assert len({fp for _, fp in first}) == len(first)  # one per finding
    assert first == second  # the same audit on another port: the same fingerprints


# --------------------------------------------------------------------------- coverage
def test_coverage_tells_not_looked_at_from_no_findings(store, tmp_path):
    (store / "p" / "about.html").write_text("<p>关于我们</p>", encoding="utf-8")  # no product
    (store / "p" / "noprice.html").write_text('<h1 class="product-title">茶</h1><span data-sku="T-1"></span>',
                                              encoding="utf-8")
    (store / "_redirects").write_text("/p/old.html /p/ok.html 301\n", encoding="utf-8")  # audited as ok.html
    (store / "sitemap.xml").write_text("<urlset>" + "".join(
        f"<url><loc>http://shop.local/p/{n}.html</loc></url>" for n in ("ok", "about", "noprice", "old")) +
        "</urlset>", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = audit("--serve", store, "-o", out, "--select", "AD,LN,PR")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    block = lines[lines.index("coverage 覆盖范围:") + 1:]
    assert "链接配置 Links 已检查 checked" in block
    assert ("广告用语 Ad wording 部分检查 partly checked: 1 个页面未识别到商品 / 1 pages without a product "
            "(/p/about.html)") in block
    assert ("价格 Prices 部分检查 partly checked: 1 个页面未识别到商品 / 1 pages without a product (/p/about.html); "
            "1 个商品没有价格 / "
            "1 products without a price; 未配置后台商品导出 / no catalog source configured; "
            "未配置价格记录导出 / no prices source configured") in block
    assert "库存与日期 Stock and dates 未检查 not checked: 没有选中规则 / no rule selected" in block
    summary = list(openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(summary) if row[0] == "覆盖范围 Coverage")
    block = {row[0]: row[1:4] for row in summary[start + 1:] if row[0]}
    assert block["链接配置 Links"][0] == "已检查 checked" and "LN001" in block["链接配置 Links"][2]
    assert block["规格 Sizes and specs"] == ("未检查 not checked", "没有选中规则 / no rule selected", None)
    assert block["价格 Prices"][0] == "部分检查 partly checked" and "PR001" in block["价格 Prices"][2]


def test_coverage_says_an_area_without_its_source_was_not_checked(store, tmp_path):
    result = audit("--serve", store, "-o", tmp_path / "r.xlsx", "--select", "ST")
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert "库存与日期 Stock and dates 未检查 not checked: 未配置库存导出 / no inventory source configured" in lines


def test_checker_config_prints_each_effective_value_with_its_origin(tmp_path):
    config = write_config(tmp_path, 'fail_on = "warning"\n\n[crawl]\nconcurrency = 4\n\n'
                                    '[[sources]]\nkind = "inventory"\npath = "a.csv"\n\n'
                                    '[[sources]]\nkind = "catalog"\npath = "b.csv"\n')
    result = CliRunner().invoke(main, ["config", "--config", str(config), "--select", "AD", "--no-cache"])
    assert result.exit_code == 0, result.output
    lines = dict(tuple(part.strip() for part in line.rsplit("  # ", 1)) for line in result.output.splitlines()[1:])
    assert lines['select = ["AD"]'] == "command line 命令行"
    assert lines["crawl.cache = false"] == "command line 命令行"
    assert lines['fail_on = "warning"'] == f"{config}:1"
    assert lines["crawl.concurrency = 4"] == f"{config}:4"
    assert lines['sources #2.path = "b.csv"'] == f"{config}:12"
    assert lines["crawl.retries = 2"] == "default 默认"
    broken = write_config(tmp_path, "[crawl]\nconcurency = 4\n")
    bad = CliRunner().invoke(main, ["config", "--config", str(broken)])
    assert bad.exit_code == 2 and "unknown key: did you mean concurrency?" in bad.output


def test_a_broken_stock_word_list_is_exit_2_before_the_crawl(store, tmp_path, monkeypatch):
    from checker_rules.stock import _common

    broken = tmp_path / "words.toml"
    broken.write_text(_common.WORDS_FILE.read_text(encoding="utf-8") + "\n[surprise]\nx = 1\n", encoding="utf-8")
    monkeypatch.setattr(_common, "WORDS_FILE", broken)
    _common.words.cache_clear()
    try:
        result = audit("--serve", store, "-o", tmp_path / "r.xlsx", "--select", "ST")
        assert result.exit_code == 2, result.output
        assert result.output.startswith(f"error: {broken}: surprise") and not (tmp_path / "r.xlsx").exists()
        assert audit("--serve", store, "-o", tmp_path / "r.xlsx", "--select", "LN").exit_code == 0  # ST not selected
    finally:
        _common.words.cache_clear()


# --------------------------------------------------------------------------- bilingual workbook
def test_errors_sheet_and_status_drop_down_are_bilingual(store, tmp_path):
    (store / "sitemap.xml").write_text("<urlset><url><loc>http://shop.local/p/ok.html</loc></url>"
                                       "<url><loc>http://shop.local/p/gone.html</loc></url></urlset>", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = audit("--serve", store, "-o", out)
    assert result.exit_code == 1
    book = openpyxl.load_workbook(out)
    (error,) = [row for row in book["Errors"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert error[0] == "抓取 fetch" and error[3] == "页面不存在 / HTTP 404"
    assert "输入错误 input error: [抓取 fetch] http://127.0.0.1:" in result.output
    assert "/p/gone.html  页面不存在 / HTTP 404" in result.output
    findings = book["Findings"]
    status = [c.value for c in findings[1]].index("状态 Status") + 1
    assert findings.cell(row=2, column=status).value == "未处理 Open"
    (rule,) = findings.data_validations.dataValidation
    assert rule.formula1 == '"未处理 Open,已修复 Fixed,已接受 Accepted"'
    levels = {row[0]: row[2] for row in book["Rules"].iter_rows(min_row=2, values_only=True)}
    assert levels["LN001"] == "错误 error" and levels["LN004"] == "警告 warning"



def test_audit_help_is_bilingual_and_lists_the_exit_codes():
    result = CliRunner().invoke(main, ["audit", "--help"])
    assert result.exit_code == 0
    assert "退出码 Exit codes:" in result.output and "4  未审核 / nothing audited" in result.output
    for option in ("--serve", "--select", "--fail-on", "--resume", "--quiet"):
        line = next(i for i, text in enumerate(result.output.splitlines()) if text.strip().startswith(option)
                    or f", {option}" in text)
        assert re.search(r"[\u4e00-\u9fff]", "".join(result.output.splitlines()[line:line + 2])), option


def test_coverage_names_an_export_that_no_selected_rule_reads(store, tmp_path):
    (tmp_path / "complaints.csv").write_text("商品编码,投诉原因\nOK-1,质量问题\nOK-1,发货慢\n", encoding="utf-8")
    config = write_config(tmp_path, '[[sources]]\nkind = "complaints"\npath = "complaints.csv"\n')
    result = audit("--serve", store, "--config", config, "-o", tmp_path / "r.xlsx", "--select", "LN")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert ("投诉导出 complaints export 未检查 not checked: 读取了 2 行，但没有选中的规则使用 / "
            "2 rows read, no selected rule uses them") in lines


def test_inspect_reasons_are_bilingual(tmp_path):
    export = tmp_path / "stock.csv"
    export.write_text("商品编码,可用库存,到期日\nA-1,12,2026-13-45\nA-2,abc,2027-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(export)])
    assert "错误 Errors (2):" in result.output
    assert "row 2, column 到期日 (C): 日期无法识别 / invalid date '2026-13-45'" in result.output
    assert "数量无法识别 / unparseable quantity 'abc'" in result.output


def test_rule_option_errors_are_plain_with_did_you_mean(store, tmp_path):
    config = write_config(tmp_path, "[rules.LN004]\nmax_hop = 2\n")
    result = audit("--serve", store, "--config", config)
    assert result.exit_code == 2
    assert f"error: {config}:2: rules.LN004.max_hop: 未知的键 / unknown key: did you mean max_hops?" in result.output
    config = write_config(tmp_path, "[rules.LN04]\nmax_hops = 2\n")
    result = audit("--serve", store, "--config", config)
    assert result.exit_code == 2 and "rules.LN04: no rule with this code (did you mean LN004?)" in result.output
