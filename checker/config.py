"""Configuration: ``checker.toml`` (top-level keys) or ``[tool.checker]`` in ``pyproject.toml``.

Everything is validated on load with pydantic; a bad value is a :class:`ConfigError` naming the
file, the dotted key and the line it is on, so an ops person can fix it without reading Python.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from checker.aliases import alias_table, canonical_field
from checker.codes import SELECTOR
from checker.configtext import key_line, validation_problems
from checker.models import Severity


class ConfigError(Exception):
    """A configuration problem the user must fix (exit code 2)."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CrawlConfig(_Section):
    concurrency: int = Field(16, ge=1, le=512, description="requests in flight, all hosts together")
    per_host_concurrency: int = Field(16, ge=1, le=512, description="requests in flight per host")
    requests_per_second: float = Field(0.0, ge=0, description="per host; 0 = no limit")
    timeout: float = Field(20.0, gt=0, description="seconds, whole request")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(10.0, gt=0, description="seconds without a byte")
    retries: int = Field(2, ge=0, le=10, description="extra attempts for retryable failures")
    backoff_base: float = Field(0.5, ge=0, description="seconds; doubled per attempt, with jitter")
    max_retry_after: float = Field(30.0, ge=0, description="longest Retry-After honoured, seconds")
    max_pages: int = Field(100_000, ge=1)
    workers: int = Field(-1, ge=-1, description="crawl processes on large crawls, each fetching, parsing and checking "
                         "its share of pages; -1 = one per core, 0/1 = the main process only")
    max_depth: int = Field(1, ge=0, description="how many link hops to follow from the start pages")
    max_redirects: int = Field(10, ge=0)
    max_body_bytes: int = Field(10_000_000, ge=1024, description="after decompression")
    allow_offhost_redirects: bool = Field(False, description="follow redirects to other (public) hosts")
    allowed_hosts: list[str] = Field(default_factory=list, description="hosts in scope besides the start URLs' "
                                     "(host, host:port or https://host), e.g. the shop's www. and its image CDN")
    url_deadline: float = Field(45.0, ge=0, description="seconds for one URL, all attempts and waits; 0 = none")
    max_sitemaps: int = Field(1000, ge=1, description="sitemaps and sitemap indexes read, at most")
    max_sitemap_depth: int = Field(3, ge=0, description="sitemap indexes nested below a start URL, at most")
    respect_robots: bool = True
    robots_sitemaps: bool = Field(True, description="starting from a home page, also read robots.txt Sitemap: lines")
    store_api: Literal["none", "auto", "shopify", "woocommerce"] = "none"
    check_images: bool = True
    ocr: Literal["off", "main", "all"] = Field("main", description="read the text in product images after the crawl "
                                              "(checker/ocr): off, main images, or main and detail images")
    ocr_max_images: int = Field(500, ge=0, description="images read per audit, at most; the rest are counted "
                                "on the Summary")
    check_links: bool = True
    check_external: bool = Field(False, description="also check images/links on other hosts")
    cache: bool = Field(True, description="revalidate unchanged pages with ETag/Last-Modified")
    user_agent: str = "store-checker/0.1 (pre-promotion audit; +https://github.com/store-checker)"
    include: list[str] = Field(default_factory=list, description="regexes; a URL must match one")
    exclude: list[str] = Field(default_factory=list, description="regexes; a matching URL is skipped")

    @field_validator("allowed_hosts")
    @classmethod
    def _valid_hosts(cls, v: list[str]) -> list[str]:
        from checker.crawl.scope import parse_entry  # the one parser of an entry

        for entry in v:
            parse_entry(entry)
        return v

    @field_validator("include", "exclude")
    @classmethod
    def _valid_regexes(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regex {pattern!r}: {exc}") from exc
        return v


class SelectorConfig(_Section):
    """CSS selectors for pages with neither JSON-LD nor microdata.  First match wins."""

    title: str = "h1.product-title, .product-title, h1"
    subtitle: str = ".product-subtitle, .subtitle"
    sku: str = "[data-sku], .sku"
    price: str = "[data-price], .price-current, .product-price .price, .price"
    list_price: str = "[data-list-price], .price-original, .list-price, .original-price"
    currency: str = "[data-currency]"
    description: str = ".product-description, #description, .description"
    availability: str = "[data-availability], .availability, .stock-status"
    images: str = ".product-gallery img, .gallery img, .product-images img"
    detail_images: str = ".product-detail img, .detail-images img"
    specs: str = ".specs tr, .product-specs tr, .spec-table tr"
    labels: str = ".notice, .product-label, .badge"
    banners: str = ".promo-banner, .banner-text"


class ExtractConfig(_Section):
    selectors: SelectorConfig = Field(default_factory=SelectorConfig)


class SourceConfig(BaseModel):
    """One data source (inventory, catalog, price history, complaints): a file, a glob or an http(s) URL.

    ``path`` is resolved against the config file's directory.  Everything else is optional: the reader
    detects the format, the text encoding, the sheet and the header row, and maps columns by the alias
    table in ``checker/aliases.toml``.  Example::

        [[sources]]
        kind = "inventory"
        path = "exports/库存*.csv"
        encoding = "gb18030"                      # skip detection
        columns = { sku = "自定义编码", expiry_date = "截止" }

        [[sources]]
        kind = "catalog"
        path = "https://backend.example.com/export/items.json"
        headers = { Authorization = "env:SHOP_TOKEN" }   # the secret stays in the environment
    """

    model_config = ConfigDict(extra="forbid")

    kind: Literal["inventory", "catalog", "prices", "complaints"]
    path: str
    format: Literal["csv", "xlsx", "json", "jsonl", "html"] | None = Field(
        None, description="default: detected from the content, then the file name"
    )
    encoding: str | None = Field(None, description="text encoding of a CSV/JSON source; default: detected")
    delimiter: str | None = Field(None, description="CSV delimiter; default: detected among , tab ; |")
    sheet: str | int | None = Field(
        None, description='XLSX sheet name or 1-based number; "*" = every sheet with a header; default: the first one'
    )
    header_row: int | None = Field(None, ge=1, description="1-based row of the header; default: detected")
    columns: dict[str, str] = Field(default_factory=dict, description="field -> column name, beats the aliases")
    spec_columns: list[str] = Field(default_factory=list, description="catalog: extra columns folded into specs")
    currency: str | None = Field(None, description="currency of prices that name none, and of bare $ / ¥")
    date_format: str | None = Field(None, description="strptime format tried first, e.g. '%d/%m/%Y'")
    price_kind: Literal["transaction", "listed", "promotion"] = Field(
        "transaction", description="prices: kind of a row without a kind column"
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description='HTTP headers; a value "env:NAME" is read from the environment'
    )
    timeout: float = Field(30.0, gt=0, description="seconds, for an http(s) source")
    max_download_mb: float = Field(200, gt=0, description="largest http(s) response accepted")
    max_uncompressed_mb: float = Field(200, gt=0, description="largest XLSX accepted, unpacked (zip-bomb guard)")
    max_cell_chars: int = Field(4000, ge=16, description="longer cells are truncated, with a warning")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, v: str | None) -> str | None:
        if v is not None:
            import codecs

            try:
                codecs.lookup(v)
            except LookupError:
                raise ValueError(f"unknown encoding {v!r} (e.g. utf-8, gb18030, big5)") from None
        return v

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, v: str | None) -> str | None:
        if v is not None and len(v) != 1:
            raise ValueError("delimiter must be one character")
        return v

    @field_validator("headers")
    @classmethod
    def _env_names(cls, v: dict[str, str]) -> dict[str, str]:
        for key, value in v.items():
            if value.startswith("env:") and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value[4:]):
                raise ValueError(f"headers.{key}: {value[4:]!r} is not an environment variable name")
        return v

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, v: dict[str, str], info: Any) -> dict[str, str]:
        kind = info.data.get("kind")
        if kind is None:  # already reported
            return v
        for key in v:
            if canonical_field(kind, key) is None:
                known = ", ".join(alias_table().kinds[kind].fields)
                raise ValueError(f"columns.{key}: {kind} sources have no field {key!r} (fields: {known})")
        return v


class PromotionConfig(_Section):
    """The promotion the audit prepares for (``[promotion]``, or ``--promotion START[:END]``): the first
    and last day shoppers can buy at promotion prices, both inclusive, in ``timezone``.  Rules that
    need it (a reference price's window ends the day before ``start``; stock must last past ``end``)
    use the audit date when it is not set, and the Summary says so."""

    start: date | None = Field(None, description="first day of the promotion, YYYY-MM-DD")
    end: date | None = Field(None, description="last day (inclusive); default: the start day")
    timezone: str | None = Field(None, description="IANA name such as Asia/Shanghai; default: the machine's")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {v!r} (an IANA name such as 'Asia/Shanghai', 'Europe/Berlin')") from None
        return v

    @model_validator(mode="after")
    def _ordered(self) -> PromotionConfig:
        if self.end is not None and self.start is None:
            raise ValueError("end is set without start")
        if self.start is not None and self.end is None:
            self.end = self.start
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


def parse_promotion(text: str) -> tuple[date, date]:
    """``2026-12-10:2026-12-12`` or ``2026-12-10`` (one day) -> (start, end); ValueError names the problem."""
    parts = [p.strip() for p in text.split(":")] if ":" in text else [text.strip(), text.strip()]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"--promotion {text!r}: expected START[:END] as YYYY-MM-DD, e.g. 2026-12-10:2026-12-12")
    try:
        start, end = (date.fromisoformat(p) for p in parts)
    except ValueError:
        raise ValueError(f"--promotion {text!r}: expected START[:END] as YYYY-MM-DD, e.g. 2026-12-10:2026-12-12") from None
    if end < start:
        raise ValueError(f"--promotion {text!r}: the end is before the start")
    return start, end


class Config(_Section):
    start: list[str] = Field(default_factory=list, description="start URLs: pages or sitemap.xml")
    select: list[str] = Field(default_factory=lambda: ["ALL"])
    ignore: list[str] = Field(default_factory=list)
    fail_on: Severity | Literal["never"] = Field(Severity.ERROR, description="lowest severity that fails; never")
    output: str = "reports"
    severity: dict[str, Severity] = Field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    extract: ExtractConfig = Field(default_factory=ExtractConfig)
    sources: list[SourceConfig] = Field(default_factory=list)
    brand_names: list[str] = Field(default_factory=list, description="names never flagged as wording")
    owners: dict[str, str] = Field(default_factory=dict,
                                   description="who acts on a rule family or code: AD = \"legal\" (Owner column)")
    promotion: PromotionConfig = Field(default_factory=PromotionConfig)

    # Where the config came from, for error messages (not TOML keys).
    _path: Path | None = PrivateAttr(None)
    _source_text: str = PrivateAttr("")
    _key_prefix: tuple[str, ...] = PrivateAttr(())

    @property
    def path(self) -> Path | None:
        return self._path

    @field_validator("select", "ignore")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        for code in v:
            if not SELECTOR.fullmatch(code):
                raise ValueError(f"{code!r} is not a rule code or prefix (e.g. 'LN', 'AD001', 'ALL')")
        return [c.upper() for c in v]


CONFIG_FILES = ("checker.toml", "pyproject.toml")


def find_config(start: Path | None = None) -> Path | None:
    """checker.toml beats pyproject.toml; a pyproject.toml counts only with [tool.checker]."""
    directory = (start or Path.cwd()).resolve()
    for d in (directory, *directory.parents):
        candidate = d / "checker.toml"
        if candidate.is_file():
            return candidate
        pyproject = d / "pyproject.toml"
        if pyproject.is_file() and "[tool.checker" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"{path}{f':{line.group(1)}' if line else ''}: 不是有效的 TOML / not valid TOML: {exc}") from exc
    prefix: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("checker", {})
        prefix = ("tool", "checker")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:  # every problem at once, in plain words, each at its line
        raise ConfigError("\n".join(validation_problems(exc, Config, path, text, prefix))) from None
    # Per-rule options are validated later, against the rule's own Options model (see engine).
    config._path, config._source_text, config._key_prefix = path, text, prefix
    return config


def config_key_line(config: Config, loc: tuple[str | int, ...]) -> str:
    """``path:line`` for a key of a loaded config, for error messages raised after loading."""
    path = config.path
    if path is None:
        return "<defaults>"
    line = key_line(config._source_text, config._key_prefix + loc)
    return f"{path}:{line}" if line else str(path)
