"""What the ST rules share: the word lists (``words.toml``), a lot's dates and status as the rules read
them, the products that sell each SKU, and how a finding names its lot."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checker.catalog import sku_key
from checker.config import ConfigError
from checker.datafiles import read_toml
from checker.models import Availability, Finding, InventoryLot, Product
from checker.text import normalise

WORDS_FILE = Path(__file__).with_name("words.toml")

FOOD_SAFETY_LAW = ("《食品安全法》第三十四条（禁止经营超过保质期、腐败变质的食品）；《产品质量法》第三十五条 / "
                   "Food Safety Law of the PRC art. 34 (no sale of food past its shelf life or spoiled); "
                   "Product Quality Law of the PRC art. 35")
NEAR_EXPIRY_BASIS = ("《市场监管总局关于加强临期食品管理的指导意见》（集中陈列、醒目提示）；《消费者权益保护法》第八条 / "
                     "SAMR guidance on near-expiry food (separate display, a clear notice); Consumer Rights "
                     "Protection Law of the PRC art. 8 (right to know)")


class StockWordsError(ConfigError):
    """``words.toml`` is missing, not TOML, or has an invalid entry (exit code 2)."""


def _words(value: list[str]) -> list[str]:
    if not value or any(not isinstance(w, str) or not w.strip() for w in value):
        raise ValueError("give a list of non-empty words")
    return value


class _Disclosure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str]
    _check = field_validator("words")(_words)


class _Dated(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: list[str]
    _check = field_validator("categories")(_words)


class _Scarcity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    numbered: list[str]
    vague: list[str]
    _check = field_validator("numbered", "vague")(_words)

    @field_validator("numbered")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
            if "n" not in compiled.groupindex:
                raise ValueError(f"{pattern!r} has no group (?P<n>...) for the number of units")
        return value


class _WordsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    abnormal_status: dict[str, list[str]] = Field(min_length=1)
    disclosure: _Disclosure
    dated: _Dated
    scarcity: _Scarcity

    @field_validator("abnormal_status")
    @classmethod
    def _kinds(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for kind, words in value.items():
            try:
                _words(words)
            except ValueError as exc:
                raise ValueError(f"{kind}: {exc}") from None
        return value


@dataclass(frozen=True)
class StockWords:
    """The word lists in matching form (normalised: Traditional -> Simplified, lower case)."""

    abnormal: tuple[tuple[str, str], ...]  # (word, kind), longest words first
    disclosure: tuple[str, ...]
    dated: frozenset[str]
    scarcity_numbered: tuple[re.Pattern[str], ...] = ()
    scarcity_vague: tuple[str, ...] = ()


def load_words(path: Path = WORDS_FILE) -> StockWords:
    data, _ = read_toml(path, StockWordsError, "the stock word lists")
    try:
        parsed = _WordsFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise StockWordsError(f"{path}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}") from None
    abnormal = sorted(((normalise(w), k) for k, ws in parsed.abnormal_status.items() for w in ws),
                      key=lambda x: -len(x[0]))
    return StockWords(tuple(abnormal), tuple(normalise(w) for w in parsed.disclosure.words),
                      frozenset(parsed.dated.categories),
                      tuple(re.compile(p) for p in parsed.scarcity.numbered),
                      tuple(sorted((normalise(w) for w in parsed.scarcity.vague), key=len, reverse=True)))


@cache
def words() -> StockWords:
    """The pack's own lists, read once per process."""
    return load_words(WORDS_FILE)


#: The kinds of abnormal status (words.toml's keys) in Chinese, for messages and the stock sheet.
KINDS_ZH = {"damaged": "破损", "spoiled": "变质", "frozen": "冻结", "quarantined": "待检", "recalled": "召回",
            "returned": "退货待检", "expired": "过期"}


_STATUS_CACHE: dict[str | None, str | None] = {}


def abnormal_kind(status: str | None) -> str | None:
    """The kind of abnormal status (damaged, frozen...), or None for a normal (or empty) one."""
    try:
        return _STATUS_CACHE[status]
    except KeyError:
        pass
    kind = None
    if status and status.strip():
        text = normalise(status)
        kind = next((k for w, k in words().abnormal if w in text), None)
    if len(_STATUS_CACHE) < 10_000:
        _STATUS_CACHE[status] = kind
    return kind


def keeps_sentence(sentence: str) -> bool:
    """A description sentence the ST rules read after the crawl: a near-expiry notice or a scarcity
    claim (the rest of the description is dropped with the slim page)."""
    form = normalise(sentence)
    w = words()
    return (any(x in form for x in w.disclosure) or any(x in form for x in w.scarcity_vague)
            or any(p.search(form) for p in w.scarcity_numbered))


def disclosed(product: Product) -> str | None:
    """The notice on the page that discloses a near-expiry lot (the first matching text), if any, in its
    copy or in the text read in its images.  Of the description, a crawled page keeps only such
    sentences (:func:`keeps_sentence`)."""
    texts = [product.title, product.subtitle, *product.labels, *product.banners, *product.specs.values(),
             *product.description.splitlines(), *(line.text for line in product.image_texts)]
    for text in texts:
        if text:
            form = normalise(text)
            if any(w in form for w in words().disclosure):
                return text
    return None


# ------------------------------------------------------------------------------------------- categories


class CategoryOptions(BaseModel):
    """Options of the rules that ask which lots need dates."""

    model_config = ConfigDict(extra="forbid")

    categories: dict[str, list[str]] = Field(
        default_factory=dict,
        description="category -> SKU patterns (fnmatch, case-insensitive), as SP003's; empty: [rules.SP003] "
                    "categories is used",
    )
    dated_categories: list[str] | None = Field(
        None, description="categories whose lots must carry a date (default: words.toml's food, cosmetics, "
                          "medicine, baby)",
    )


def category_patterns(options: CategoryOptions, ctx) -> list[tuple[str, str]]:
    """(category, SKU pattern) pairs: the rule's own, else SP003's (one mapping of SKUs to categories)."""
    table = options.categories
    if not table:
        sp003 = {k.upper(): v for k, v in ctx.config.rules.items()}.get("SP003", {})
        table = sp003.get("categories") or {} if isinstance(sp003, dict) else {}
    return [(c, str(p).upper()) for c, ps in table.items() for p in ps]


def category_of(sku: str, patterns: list[tuple[str, str]]) -> str | None:
    key = sku_key(sku)
    return next((c for c, p in patterns if fnmatchcase(key, p)), None)


# ------------------------------------------------------------------------------------------- the shop's view


@dataclass
class Offer:
    """A product page that sells a SKU (as the product or one of its variants)."""

    product: Product
    availability: Availability

    @property
    def in_stock(self) -> bool:
        return self.availability == Availability.IN_STOCK


@dataclass
class StockView:
    """Each SKU's product pages (from the crawl and the store APIs), worked out once per audit."""

    offers: dict[str, list[Offer]] = field(default_factory=dict)

    def offer(self, sku: str) -> Offer | None:
        """The SKU's page, preferring one that offers it in stock."""
        found = self.offers.get(sku_key(sku))
        if not found:
            return None
        return next((o for o in found if o.in_stock), found[0])


def _build_view(products: Iterable[Product], wanted: set[str]) -> StockView:
    view = StockView()
    for product in products:
        own = sku_key(product.sku or "")
        if own and own in wanted:
            view.offers.setdefault(own, []).append(Offer(product, product.availability))
        for variant in product.variants:
            vsku = sku_key(variant.sku or "")
            if vsku and vsku in wanted and vsku != own:
                level = variant.availability if variant.availability != Availability.UNKNOWN else product.availability
                view.offers.setdefault(vsku, []).append(Offer(product, level))
    return view


def not_sellable(lot: InventoryLot, today: date, last: date) -> str | None:
    """Why the lot does not count as sellable (the first reason that applies: empty,
    negative, held, expired, ends: expires before the promotion ends), or None: it does.  One rule for
    ST005's and ST006's sellable stock and the Stock sheet's column."""
    quantity = lot.quantity or 0
    if quantity <= 0:
        return "empty" if quantity == 0 else "negative"
    if abnormal_kind(lot.status) is not None:
        return "held"
    if lot.expiry_date is not None and lot.expiry_date < today:
        return "expired"
    if lot.expiry_date is not None and lot.expiry_date < last:
        return "ends"
    return None


def sellable_stock(ctx) -> dict[str, int]:
    """Each inventory SKU's sellable units (upper case SKU -> units; 0 when it has lots but none sellable):
    the lots :func:`not_sellable` passes, with the promotion's last day (the audit date without a
    promotion).  Shared by ST005 and ST006."""

    def compute() -> dict[str, int]:
        last = max(ctx.today, ctx.promotion.end)
        sellable = dict.fromkeys((sku_key(sku) for sku in ctx.lots.skus()), 0)
        for lot in ctx.lots.with_expiry(lambda day: day is None or day >= last):  # the others cannot be
            if not_sellable(lot, ctx.today, last) is None:
                sellable[sku_key(lot.sku)] += lot.quantity
        return sellable

    return ctx.memo.get(ctx, ("stock-sellable", id(ctx.lots), len(ctx.lots)), compute)


def stock_view(ctx) -> StockView:
    """The pages of the SKUs in the inventory, shared by the ST rules of one audit."""

    def compute() -> StockView:
        wanted = {sku_key(sku) for sku in ctx.lots.skus()}
        return _build_view(ctx.site_products(), wanted) if wanted else StockView()

    return ctx.memo.get(ctx, ("stock-view", id(ctx.lots), len(ctx.lots)), compute)


# ------------------------------------------------------------------------------------------- a lot's words


def lot_name(lot: InventoryLot) -> tuple[str, str]:
    """批次 L1（华东仓） / lot L1 (华东仓)."""
    lot_id = lot.lot or "—"
    where = f"（{lot.warehouse}）" if lot.warehouse else ""
    where_en = f" ({lot.warehouse})" if lot.warehouse else ""
    return f"{lot.sku} 批次 {lot_id}{where}", f"{lot.sku} lot {lot_id}{where_en}"


def where(lot: InventoryLot) -> str:
    """ · inventory.xlsx, row 5 (the export row), or nothing."""
    return f" · {lot.source}" if lot.source is not None else ""


def lot_facts(lot: InventoryLot, today: date, **more: Any) -> dict[str, Any]:
    """What every ST finding carries about its lot (the finding's ``extra``)."""
    facts: dict[str, Any] = {
        "lot": lot.lot or "", "warehouse": lot.warehouse or "", "quantity": lot.quantity, "status": lot.status or "",
        "production_date": str(lot.production_date or ""), "expiry_date": str(lot.expiry_date or ""),
        "shelf_life_days": lot.shelf_life_days,
        "days_left": (lot.expiry_date - today).days if lot.expiry_date is not None else None,
    }
    facts.update(more)
    return facts


def total_shelf_life(lot: InventoryLot) -> int | None:
    if lot.shelf_life_days:
        return lot.shelf_life_days
    if lot.expiry_date is not None and lot.production_date is not None:
        days = (lot.expiry_date - lot.production_date).days
        return days if days > 0 else None
    return None


def evidence(lot: InventoryLot) -> str:
    return lot.lot or (str(lot.source) if lot.source else lot.sku)


# ------------------------------------------------------------------------------------------- one per cause

SAMPLE_LOTS = 10  # lot numbers a grouped finding names


@cache
def _warehouse_key(name: str | None) -> str | None:
    """華東倉 and 华东仓 are one warehouse."""
    return normalise(name).strip().casefold() if name else name


def one_per_cause(flagged: Iterable[tuple[Any, Hashable]], describe: Callable[[Any, Any], Finding]) -> Iterator[Finding]:
    """One finding per cause: the lots of one SKU in one warehouse that a rule flags for the same reason
    (``flagged`` yields each flagged lot with its reason, a hashable) make one finding, described from the
    first of them to expire (``describe(lot, reason)``).  The warehouse pulls "CN-SNK-0001's expired lots
    from 华东仓"; an export of millions of lots made a finding per lot, over a million (issue 21), and only
    one lot of each group is described.  A group of several says how many lots, names up to ``SAMPLE_LOTS``
    and gives their total quantity; the Stock sheet lists them one by one.  Every finding carries its
    ``cause`` (warehouse and reason), which with the SKU is its fingerprint: the same whichever lots the
    group holds from one run to the next, so a baseline keeps its status, owner and note."""
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for lot, reason in flagged:
        key = (sku_key(lot.sku), _warehouse_key(lot.warehouse), reason)
        group = groups.get(key)
        if group is None:
            groups[key] = [lot, 1, lot.quantity or 0, None]
            continue
        group[1] += 1
        group[2] += lot.quantity or 0
        if group[3] is None:
            group[3] = [evidence(group[0])]
        if len(group[3]) < SAMPLE_LOTS:
            group[3].append(evidence(lot))
        if _expires_before(lot, group[0]):
            group[0] = lot  # the group is described by its worst lot: the first to expire
    for (_, warehouse, reason), (lot, count, quantity, sample) in groups.items():
        finding = describe(lot, reason)
        cause = "/".join(str(part) for part in (warehouse or "", *(reason if isinstance(reason, tuple) else (reason,))))
        if count == 1:
            finding.extra["cause"] = cause  # the finding's own dict, made by describe
            yield finding
            continue
        more_zh, more_en = ("等" if count > len(sample) else ""), (", …" if count > len(sample) else "")
        yield finding.model_copy(update={
            "message": f"{finding.message}（同仓同 SKU 共 {count} 个批次同此问题：{'、'.join(sample)}{more_zh}，合计 "
                       f"{quantity} 件 / {count} lots of this SKU in this warehouse alike: {', '.join(sample)}"
                       f"{more_en}; {quantity} units in all）",
            "extra": {**finding.extra, "cause": cause, "lots": count, "lot_sample": sample, "quantity_total": quantity},
        })  # fmt: skip


def _expires_before(lot: Any, other: Any) -> bool:
    """``lot`` expires first (a lot without a date expires last)."""
    return lot.expiry_date is not None and (other.expiry_date is None or lot.expiry_date < other.expiry_date)
