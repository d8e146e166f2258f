"""The bilingual words the console and the workbook share (Chinese / English), in one place: a
finding's status, an error's stage and the common failure reasons, the coverage statuses and the
lines that say an audit checked nothing.  Rules keep their own messages beside their code."""

from __future__ import annotations

import re

#: The Status drop-down of the Findings sheet; the first is a new finding's.
STATUSES = ("未处理 Open", "已修复 Fixed", "已接受 Accepted")

#: ErrorRecord.stage -> how the Errors sheet names it.
STAGES = {
    "fetch": "抓取 fetch",
    "parse": "解析 parse",
    "read": "读取 read",
    "warning": "警告 warning",
    "config": "配置 config",
    "rule": "规则 rule",
    "skip": "跳过 skip",
    "scope": "范围外 scope",
    "crawl": "抓取进程 crawl",
    "sources": "导出文件 sources",
    "rules": "规则运行 rules",
    "ocr": "图片文字 image text",
}

#: Common failure reasons (English, from the crawler and readers) -> their Chinese, shown before them.
_REASONS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), zh) for p, zh in (
    (r"^HTTP (404|410)\b", "页面不存在"),
    (r"^HTTP 401\b", "需要登录"),
    (r"^HTTP 403\b", "禁止访问"),
    (r"^HTTP 429\b", "请求过多"),
    (r"^HTTP 5\d\d\b", "服务器错误"),
    (r"^HTTP 4\d\d\b", "请求被拒绝"),
    (r"redirect loop", "重定向循环"),
    (r"too many redirects", "重定向过多"),
    (r"timed? ?out|timeout", "超时"),
    (r"robots\.txt", "robots.txt 不允许抓取"),
    (r"not a readable sitemap", "无法读取 sitemap"),
    (r"^crash during", "审计中断"),
    (r"connection|connect|refused|reset", "连接失败"),
    (r"not crawled: max_pages", "超过页面上限，未抓取"),
    # exports (checker/sources): the file, then the cell
    (r"^file not found", "找不到文件"),
    (r"^no file matches", "没有匹配的文件"),
    (r"is a directory", "是文件夹，不是文件"),
    (r"file is empty", "文件为空"),
    (r"environment variable \S+ is not set", "环境变量未设置"),
    (r"password-protected", "工作簿有密码保护"),
    (r"refusing to open", "拒绝打开（疑似压缩炸弹）"),
    (r"damaged XLSX|not an Excel workbook|not an XLSX|cannot read (workbook|sheet)|no worksheets", "Excel 文件无法读取"),
    (r"^no sheet", "找不到工作表"),
    (r"valid JSON|JSON holds no list|JSON array is empty", "JSON 无法读取"),
    (r"CSV syntax error", "CSV 格式错误"),
    (r"Excel error value", "单元格是 Excel 错误值"),
    (r"expiry date .* before production date", "到期日早于生产日期"),
    (r"expiry date .* disagrees", "到期日与生产日期加保质期不符"),
    (r"shelf life", "保质期无法识别"),
    (r"(invalid|unparseable) date|expected a date|date serial|a time of day|date .* outside", "日期无法识别"),
    (r"negative quantity", "库存为负"),
    (r"quantity", "数量无法识别"),
    (r"price kind", "价格类型无法识别"),
    (r"price", "价格无法识别"),
    (r"spec", "规格无法识别"),
    (r"truncated", "单元格过长，已截断"),
)]
_CJK = re.compile(r"[\u3400-\u9fff]")


def stage_label(stage: str) -> str:
    return STAGES.get(stage, stage)


def reason_label(reason: str) -> str:
    """``页面不存在 / HTTP 404`` for a known English reason; a reason with Chinese in it already, or an
    unknown one, as it is."""
    if not reason or _CJK.search(reason):
        return reason
    zh = next((zh for pattern, zh in _REASONS if pattern.search(reason)), None)
    return f"{zh} / {reason}" if zh else reason


# -- coverage (checker/reports/coverage.py) ------------------------------------------------------
CHECKED, PARTLY, NOT_CHECKED = "已检查 checked", "部分检查 partly checked", "未检查 not checked"
NO_RULE_SELECTED = "没有选中规则 / no rule selected"
NO_PAGE_READ = "没有读取到页面 / no page read"
NO_PRODUCT_ON_PAGES = "{n} 个页面均未识别到商品 / no product found on the {n} pages read"
PAGES_WITHOUT_PRODUCT = "{n} 个页面未识别到商品 / {n} pages without a product"
PRODUCTS_WITHOUT_PRICE = "{n} 个商品没有价格 / {n} products without a price"
NO_SOURCE = "未配置{zh}导出 / no {en} source configured"
NO_SOURCE_ROWS = "{zh}导出没有读到数据 / 0 {en} rows read (see the Errors sheet)"
EXPORT_NAME = "{zh}导出 {en} export"
SOURCE_UNUSED = "读取了 {n} 行，但没有选中的规则使用 / {n} rows read, no selected rule uses them"
SOURCE_KINDS = {"inventory": ("库存", "inventory"), "catalog": ("后台商品", "catalog"), "prices": ("价格记录", "prices"),
                "complaints": ("投诉", "complaints")}

# -- an audit that checked nothing (exit 4, checker/cli.py) --------------------------------------
SITEMAP_UNREAD = "无法读取 sitemap / cannot read sitemap {url}: {reason}"
NO_PAGE_AUDITED = ("没有审核任何页面 / no page could be audited: {n} page(s) found, none read (see the Errors sheet); "
                   "the findings do not cover the shop")
NOT_AUDITED = "NOT AUDITED 未审核"

# -- before the crawl (checker/preflight.py): exit 2 -------------------------------------------
START_NOT_HTTP = "起始网址不是 http(s) 网址 / start URL {url!r} is not an http(s) URL"
SELECT_UNKNOWN = "选择的规则不存在 / {entry!r} matches no rule"
NO_RULE_LEFT = "没有选中任何规则 / no rule left to run: select = {select}, ignore = {ignore}; run `checker rules` for the list"
CANNOT_WRITE = "无法写入报告 / cannot write the workbook {path}"
SOURCE_MISSING = "找不到导出文件 / {reason}"

# -- --resume (checker/crawl/journal.py) ---------------------------------------------------------
RESUMED = "已继续 / resumed {n} pages from {where}"
NOTHING_TO_RESUME = "没有可继续的抓取 / nothing to resume: starting fresh (no interrupted crawl of these start URLs in {where})"

# -- config errors in plain words (checker/configtext.py): pydantic's error type -> words --------
CONFIG_UNKNOWN_KEY = "未知的键 / unknown key"
CONFIG_ONE_OF = "应为其中之一 / must be one of {expected} (got {got!r})"
CONFIG_INVALID = "值无效 / {reason}"
CONFIG_PLAIN: dict[str, str] = {
    "missing": "缺少必填项 / required key is missing",
    "int_parsing": "应为整数 / must be a whole number",
    "int_type": "应为整数 / must be a whole number",
    "int_from_float": "应为整数 / must be a whole number",
    "float_parsing": "应为数字 / must be a number",
    "float_type": "应为数字 / must be a number",
    "bool_parsing": "应为 true 或 false / must be true or false",
    "bool_type": "应为 true 或 false / must be true or false",
    "string_type": "应为文本（加引号）/ must be text, in quotes",
    "list_type": '应为列表 / must be a list, e.g. ["a", "b"]',
    "dict_type": "应为表 / must be a table, e.g. { key = value }",
    "model_type": "应为表 / must be a table, e.g. [section] or { key = value }",
    "date_parsing": "应为日期 / must be a date, YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 / must be a date, YYYY-MM-DD",
    "date_type": "应为日期 / must be a date, YYYY-MM-DD",
}
#: pydantic's bound errors -> (the bound's name in the error's context, words).
CONFIG_BOUNDS = {"greater_than_equal": ("ge", "不能小于 / must be at least"), "greater_than": ("gt", "必须大于 / must be more than"),
                 "less_than_equal": ("le", "不能大于 / must be at most"), "less_than": ("lt", "必须小于 / must be less than")}
