"""What the SP rules share: the options of the quantity rules, how a text becomes a *side* of a
comparison (its quantities by dimension), when two sides agree, and the backend catalog by SKU."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from checker_rules.spec.quantity import Mention, parse, show
from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.models import CatalogItem, SourceRef
from checker.text import normalise

#: Spec rows whose value states the quantity sold (compared), in any script.  尺寸 / Dimensions and
#: 重量 / Weight are left out on purpose: they give the box or the item's own weight, not the quantity
#: sold (a ``32cm`` pan's 尺寸 is ``35×20×10cm``).
QUANTITY_KEYS = [
    "净含量", "含量", "内容量", "净重", "净重量", "净容量", "容量", "规格", "数量", "件数", "片数", "粒数", "包数",
    "入数", "装量", "直径", "口径", "珠径", "长度",
    "net weight", "net wt", "net content", "net contents", "net quantity", "net volume", "contents",
    "capacity", "volume", "size", "count", "quantity", "pack size",
]  # fmt: skip

#: Values that say the quantity is not known yet.
PLACEHOLDER = re.compile(
    r"^\s*(?:tbd|tba|n/?a|待定|待补充|暂无|未知|不详|见包装|详见包装|以实物为准|see (?:pack|package|label)|[-—–?？/]+)\s*$"
)
_KEY_PUNCT = re.compile(r"[\s:：.．()（）\[\]【】_\-/]+")
_CURRENCY = re.compile(r"^(?:default|[A-Z]{3})$")


def key_form(key: str) -> str:
    """A spec name as compared: normalised (Traditional -> Simplified, lower case), no spaces or punctuation."""
    return _KEY_PUNCT.sub("", normalise(key))


def _per_currency(value: Any) -> Any:
    if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
        return {"default": value}
    return value


class QuantityOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[str] = Field(
        default_factory=lambda: list(QUANTITY_KEYS),
        description="spec names whose value states the quantity sold (any script: 淨含量 is 净含量)",
    )
    jin_grams: dict[str, Decimal] = Field(
        default_factory=lambda: {"default": Decimal(500), "TWD": Decimal(600), "HKD": Decimal("604.79")},
        description="grams in one 斤, per currency (a plain number for every currency): 500, the 台斤 600 for TWD, "
                    "the 司马斤 604.79 for HKD",
    )
    liang_grams: dict[str, Decimal] = Field(
        default_factory=lambda: {"default": Decimal(50), "TWD": Decimal("37.5"), "HKD": Decimal("37.8")},
        description="grams in one 两, per currency: 50, the 台兩 37.5 for TWD, 37.8 for HKD",
    )
    tolerance_pct: Decimal = Field(
        Decimal(1), ge=0, le=10,
        description="amounts within this many percent are equal (16 oz and 454 g; rounding in conversions)",
    )

    @field_validator("jin_grams", "liang_grams", mode="before")
    @classmethod
    def _plain_number(cls, value: Any) -> Any:
        return _per_currency(value)

    @field_validator("jin_grams", "liang_grams")
    @classmethod
    def _currencies(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        bad = [k for k in value if not _CURRENCY.match(k)]
        if bad:
            raise ValueError(f"{bad[0]!r}: keys are 'default' or a currency code such as 'TWD'")
        if any(v <= 0 for v in value.values()):
            raise ValueError("grams must be positive")
        if "default" not in value:
            raise ValueError("give a 'default' too, e.g. { default = 500, TWD = 600 }")
        return value

    def factors(self, currency: str | None) -> dict[str, Decimal]:
        cur = (currency or "").upper()
        return {name: table.get(cur, table["default"]) for name, table in
                (("jin_grams", self.jin_grams), ("liang_grams", self.liang_grams))}

    def key_forms(self) -> frozenset[str]:
        return frozenset(key_form(k) for k in self.keys)


@dataclass
class Side:
    """One side of a comparison: the quantities of one or more texts (a title, spec rows)."""

    zh: str  # where it came from, for messages: 标题 / 规格「净含量」/ 后台 catalog.xlsx 第8行「净含量」
    en: str
    field: str  # the finding's field when this side is on the page
    mentions: list[Mention] = field(default_factory=list)
    groups: list[list[Mention]] = field(default_factory=list)  # the mentions of each text apart
    #: texts that could not be read, with their approximate quantities (约500g), if any
    unreadable: list[tuple[str, list[Mention]]] = field(default_factory=list)
    source: SourceRef | None = None

    @property
    def amounts(self) -> dict[str, set[Decimal]]:
        out: dict[str, set[Decimal]] = {}
        for group in self.groups:
            counts: set[Decimal] = set()
            for m in group:
                for dim, values in m.amounts().items():
                    out.setdefault(dim, set()).update(values)
                    if dim == "count":
                        counts.update(values)
            ordered = sorted(counts)
            if 1 < len(ordered) <= 6:  # one text's 2盒 of 10片 each: 20 pieces in all
                out["count"].update(a * b for i, a in enumerate(ordered) for b in ordered[i + 1:])
        return out

    def also(self, dimension: str, other: Side) -> set[Decimal]:
        """Amounts of ``dimension`` by the second reading of a unit (``32 oz`` as fluid ounces), when
        ``other`` states nothing in the unit's first dimension (no mass to compare ounces with)."""
        theirs = other.amounts
        return {m.also[1] for m in self.mentions
                if m.readable and m.also and m.also[0] == dimension and m.dimension not in theirs}

    def quote(self, dimension: str) -> str:
        texts = [m.text for m in self.mentions if m.readable and (dimension in m.amounts() or
                                                                 (m.also and m.also[0] == dimension))]
        return "、".join(dict.fromkeys(texts))

    def __bool__(self) -> bool:
        return bool(self.mentions or self.unreadable)


def read_side(zh: str, en: str, field_name: str, texts: Iterable[str], factors: dict[str, Decimal],
              *, strict: bool = True, source: SourceRef | None = None) -> Side:
    """The quantities of ``texts``.  ``strict``: a text with no readable quantity is *unreadable*
    when it is a placeholder (TBD, 待定), approximate only (约500g) or a bare number (500)."""
    side = Side(zh, en, field_name, source=source)
    for text in texts:
        if not text:
            continue
        mentions = parse(text, factors)
        readable = [m for m in mentions if m.readable]
        side.mentions += readable
        if readable:
            side.groups.append(readable)
        if readable:
            continue
        approx = [m for m in mentions if m.kind == "approx"]
        if approx or (strict and (PLACEHOLDER.match(normalise(text)) or re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", text))):
            side.unreadable.append((text, approx))
    return side


def unchecked(side: Side, other: Side, tolerance_pct: Decimal) -> list[str]:
    """The texts of ``side`` that could not be read where ``other`` states a quantity to check them
    against: a placeholder or bare number against any quantity; an approximate one (约500g) against
    a quantity of its dimension that it does not match (约6cm against 6cm is no question)."""
    theirs = other.amounts
    out = []
    for text, approx in side.unreadable:
        if not approx:
            if theirs:
                out.append(text)
            continue
        dims = [m for m in approx if m.dimension in theirs]
        if dims and not any(_close(m.amount, x, tolerance_pct) for m in dims for x in theirs[m.dimension]
                            if m.amount is not None):
            out.append(text)
    return out


def _close(a: Decimal, b: Decimal, tolerance_pct: Decimal) -> bool:
    return abs(a - b) <= max(abs(a), abs(b)) * tolerance_pct / 100


def disagreements(a: Side, b: Side, tolerance_pct: Decimal) -> list[tuple[str, set[Decimal], set[Decimal]]]:
    """``(dimension, a's amounts, b's amounts)`` for each dimension both sides state and in which they
    share no amount (``225g`` vs ``250g``).  Sides agree in a dimension when any amount of one is an
    amount of the other: ``750g`` agrees with ``25g×30袋`` (its total), and ``32 oz`` with ``946 ml``
    when the other side states no mass (ounces read as fluid ounces)."""
    amounts_a, amounts_b = a.amounts, b.amounts
    out = []
    for dim in ("mass", "volume", "length", "count"):
        left, right = set(amounts_a.get(dim, ())), set(amounts_b.get(dim, ()))
        if not left and right:
            left = a.also(dim, b)
        if not right and left:
            right = b.also(dim, a)
        if left and right and not any(_close(x, y, tolerance_pct) for x in left for y in right):
            out.append((dim, left, right))
    return out


def describe(a: Side, b: Side, dim: str, left: set[Decimal], right: set[Decimal]) -> tuple[str, str]:
    """(message, evidence) of a disagreement in ``dim``: both values and where each came from."""
    qa, qb = a.quote(dim), b.quote(dim)
    sa = " / ".join(show(x, dim) for x in sorted(left)[:3])
    sb = " / ".join(show(x, dim) for x in sorted(right)[:3])
    message = (f"数量不一致：{a.zh}写「{qa}」，{b.zh}写「{qb}」（{sa} ≠ {sb}）/ "
               f"Quantities differ: {a.en} \"{qa}\", {b.en} \"{qb}\" ({sa} vs {sb})")
    return message, f"{qa} ≠ {qb}"


def source_words(item: CatalogItem) -> tuple[str, str]:
    """后台 catalog.xlsx 第8行 / backend catalog.xlsx row 8."""
    src = item.source
    if src is None or not (src.file or src.url):
        return "后台", "the backend"
    name = (src.file or src.url or "").replace("\\", "/").rsplit("/", 1)[-1]
    row = f" 第{src.row}行" if src.row is not None else ""
    row_en = f" row {src.row}" if src.row is not None else ""
    return f"后台 {name}{row}", f"backend {name}{row_en}"


def quantity_rows(specs: dict[str, str], keys: frozenset[str]) -> Iterator[tuple[str, str]]:
    """``(name, value)`` of the spec rows that state a quantity."""
    for name, value in specs.items():
        if key_form(name) in keys:
            yield name, value
