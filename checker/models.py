"""The one vocabulary every stage speaks: sources and crawlers produce these, rules read them,
reports write them.  Keep the flow one way: sources -> models -> rules -> findings -> reports.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from checker.codes import area_of


class Severity(StrEnum):
    """Ordered: error > warning > info.  `--fail-on` compares with `rank`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]

    @property
    def label_zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


class Availability(StrEnum):
    """schema.org ItemAvailability, reduced to what the rules act on."""

    IN_STOCK = "InStock"
    OUT_OF_STOCK = "OutOfStock"
    PRE_ORDER = "PreOrder"
    DISCONTINUED = "Discontinued"  # off-shelf / 下架
    UNKNOWN = "Unknown"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Model):
    """Where a fact came from: a URL, or a file with sheet/row/column."""

    url: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.url:
            return self.url
        parts = [self.file or "?"]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class Image(_Model):
    url: str
    alt: str = ""
    title: str = ""
    role: str = "main"  # main | detail | banner


class ImageText(_Model):
    """One line of text read in a product image (checker/ocr), with its box: the four corners
    ``[x, y]`` in the image's own pixels."""

    url: str
    role: str = "main"  # main | detail
    text: str
    box: list[list[int]] = Field(default_factory=list)


class ShownPrice(_Model):
    """One price as one source of a page gives it: the structured data (``jsonld`` / ``microdata``) or
    what the shopper sees (``visible``).  ``kind``: price | list (struck-through) | conditional (after a
    coupon, 到手价: only some shoppers pay it).  ``amount`` is None when the value cannot be read; ``text``
    keeps what was written then (``面议``, ``TBD``) and for visible prices."""

    source: str
    kind: str = "price"
    amount: Decimal | None = None
    currency: str | None = None
    text: str = ""


class Variant(_Model):
    """A size/colour/spec option (SKU under a product)."""

    sku: str | None = None
    name: str = ""
    price: Decimal | None = None
    availability: Availability = Availability.UNKNOWN
    specs: dict[str, str] = Field(default_factory=dict)


class Product(_Model):
    """A product as a page (or a store API) presents it."""

    sku: str | None = None
    url: str
    title: str = ""
    subtitle: str = ""
    description: str = ""
    meta_description: str = ""
    brand: str = ""
    images: list[Image] = Field(default_factory=list)
    price: Decimal | None = None
    list_price: Decimal | None = None  # strike-through / reference price (划线价)
    currency: str | None = None
    specs: dict[str, str] = Field(default_factory=dict)
    availability: Availability = Availability.UNKNOWN
    variants: list[Variant] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)  # page notices: 临期, 下架, promotion badges
    banners: list[str] = Field(default_factory=list)  # promotion banner text
    extracted_from: str = ""  # jsonld | microdata | selectors | api
    shown_prices: list[ShownPrice] = Field(default_factory=list)  # each source's own price (they may disagree)
    image_texts: list[ImageText] = Field(default_factory=list)  # read in its images after the crawl (checker/ocr)


class Link(NamedTuple):
    """A link on a page.  A tuple, not a model: a store has ~100 per page, kept for every page."""

    url: str
    text: str = ""


class Resource(NamedTuple):
    """A sub-resource the page loads (img/script/stylesheet/iframe/...)."""

    url: str
    kind: str  # img | script | stylesheet | iframe | media | other


class FetchResult(_Model):
    """What the fetch stage learned about one URL (a page, an image, a linked target)."""

    url: str
    final_url: str | None = None
    status: int | None = None
    redirects: list[str] = Field(default_factory=list)  # every URL visited before final_url
    redirect_loop: bool = False
    content_type: str = ""
    content_length: int | None = None
    error: str | None = None  # network/timeout/too-many-redirects reason
    skipped: bool = False  # not fetched on purpose (robots.txt, excluded): not a broken page
    elapsed_ms: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400

    @property
    def failure(self) -> str:
        """Why it failed, in one phrase: the error if there is one, else the HTTP status."""
        if self.error:
            return self.error
        return f"HTTP {self.status}" if self.status is not None else "no response"


class Page(_Model):
    """One crawled HTML page: its fetch outcome, what was extracted, and what it points to."""

    fetch: FetchResult
    seed: bool = True  # listed in the sitemap / start URLs (the pages we were asked to audit)
    referrers: list[str] = Field(default_factory=list)
    canonical: str | None = None
    title: str = ""
    product: Product | None = None
    links: list[Link] = Field(default_factory=list)  # same-host <a href>
    resources: list[Resource] = Field(default_factory=list)
    structured_data_errors: list[str] = Field(default_factory=list)
    unread_product: str = ""  # why it looks like a product page though no product was read (PR007)
    charset: str | None = None

    @property
    def url(self) -> str:
        return self.fetch.url

    @property
    def is_https(self) -> bool:
        """True when served over https, or when its canonical (public) URL is https."""
        final = self.fetch.final_url or self.fetch.url
        return final.startswith("https://") or bool(self.canonical and self.canonical.startswith("https://"))


class InventoryLot(_Model):
    """One stock lot/batch of a SKU in a warehouse export."""

    sku: str
    name: str = ""
    lot: str | None = None
    warehouse: str | None = None
    quantity: int | None = None
    status: str | None = None  # as written: 正常 / 冻结 / 破损 / 变质 / damaged ...
    production_date: date | None = None
    shelf_life_days: int | None = None
    expiry_date: date | None = None
    source: SourceRef | None = None


class CatalogItem(_Model):
    """The backend's own record of a SKU: what the page should show."""

    sku: str
    name: str = ""
    price: Decimal | None = None
    list_price: Decimal | None = None
    currency: str | None = None
    specs: dict[str, str] = Field(default_factory=dict)
    status: str | None = None  # 上架 / 下架 / on sale / off shelf
    url: str | None = None
    source: SourceRef | None = None


class PriceRecord(_Model):
    """One point of price history (a transaction or a listed price on a day)."""

    sku: str
    price: Decimal
    currency: str | None = None
    at: date | datetime
    kind: str = "transaction"  # transaction | listed | promotion
    source: SourceRef | None = None


class Complaint(_Model):
    """One past complaint as customer service exported it.  Real exports rarely have a clean cause column:
    the cause is worked out from ``category`` (the type column) or, failing that, from ``reason`` and
    ``detail`` (the CP rules' taxonomy).  An order line may name several SKUs: ``skus`` keeps them all
    and ``sku`` is the first."""

    id: str | None = None
    sku: str | None = None
    skus: list[str] = Field(default_factory=list)  # every SKU of the complaint's order line
    order: str | None = None  # 订单号 as written
    received: date | None = None
    category: str | None = None  # 投诉类型 / 問題類型 / type as written
    reason: str | None = None  # 投诉原因 as written
    detail: str = ""  # 投诉内容 / 客户原话: the customer's own words
    outcome: str | None = None  # 处理结果 / status as written (已解决, closed ...)
    source: SourceRef | None = None

    @property
    def all_skus(self) -> list[str]:
        """``skus``, or ``[sku]`` for a complaint made by hand with only ``sku``."""
        return self.skus or ([self.sku] if self.sku else [])

    @property
    def text(self) -> str:
        """What the customer and the service team wrote about it: reason and detail."""
        return "\n".join(t for t in (self.reason, self.detail) if t)


class Finding(BaseModel):
    """One problem a rule found.  Immutable; `fingerprint` is stable across audits for baselines."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    severity: Severity
    message: str
    rule_name: str = ""
    sku: str | None = None
    url: str | None = None
    field: str | None = None
    evidence: str = ""
    suggestion: str = ""
    legal_basis: str = ""
    source: SourceRef | None = None
    escalated_by: str | None = None  # code of the post-rule that raised the severity
    # Plain defaults (pydantic copies them), not default_factory: model_construct inspects a factory's
    # signature on every call (Rule.finding builds findings by the hundred thousand; ST002 went 8 -> 51 s).
    repeat_of: list[str] = []  # ids of past complaints this finding repeats (CP002)
    extra: dict[str, Any] = {}

    @property
    def area(self) -> str:
        return area_of(self.code)

    @property
    def fingerprint(self) -> str:
        """Stable identity for baselines: code + where (URL path without scheme, host and port; SKU;
        field; the spec row, image or link within it) + what (the term; the evidence), never the wording
        of the message, the severity or the shop's origin, so a staging port or host keeps it.  A finding
        with a ``cause`` in ``extra`` stands for a group whose members may change between runs: code, SKU,
        field and cause only.
        Two findings alike in all of these get ``-2``, ``-3``... from :func:`unique_fingerprints`."""
        extra = self.extra
        if extra and "cause" in extra:  # it stands for a group (ST: a SKU's lots in a warehouse, for one reason)
            key = "\x1f".join([self.code, self.sku or "", self.field or "", f"cause={extra['cause']}"])
            return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        where = _url_path(self.url) if self.url else (str(self.source) if self.source else "")
        within = [f"{k}={_without_origin(str(extra[k]))}" for k in _FINGERPRINT_EXTRA if k in extra] if extra else []
        key = "\x1f".join([self.code, self.sku or "", where, self.field or "", *within,
                            _without_origin(self.evidence)])
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


#: The ``extra`` keys that tell two findings of one rule on one field apart (AD: the term; its spec row,
#: image or banner; LN: the target).
_FINGERPRINT_EXTRA = ("canonical", "term", "spec", "image", "index", "target")
_ORIGIN = re.compile(r"\bhttps?://[^/\s\"'<>]+", re.I)


def _url_path(url: str) -> str:
    """``http://host:port/p/a.html?x=1`` -> ``/p/a.html?x=1`` (a URL without ``//``: as it is)."""
    start = url.find("//")
    if start < 0:
        return url
    slash = url.find("/", start + 2)
    return url[slash:] if slash >= 0 else "/"


def _without_origin(text: str) -> str:
    return _ORIGIN.sub("", text) if "://" in text else text


def unique_fingerprints(findings: list[Finding]) -> list[str]:
    """Each finding's fingerprint, repeats numbered in order (``…-2``) so that every row has its own."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        fp = f.fingerprint
        seen[fp] = seen.get(fp, 0) + 1
        out.append(fp if seen[fp] == 1 else f"{fp}-{seen[fp]}")
    return out


class ErrorRecord(_Model):
    """Input that could not be read: a page, a file or a row.  Never dropped silently."""

    stage: str  # fetch | parse | read | config | rule
    source: str  # URL or file path
    location: str = ""  # row / sheet / column / JSON-LD block
    reason: str
