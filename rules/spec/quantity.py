"""Quantities in shop text: ``500ml``, ``1.5L``, ``10斤装``, ``一斤二两``, ``250ml×12盒``, ``16 oz``, ``Pack of 12``.

:func:`parse` finds every quantity in a text and gives each as a :class:`Mention`: what was written
and where (positions in the *original* text), its dimension and its amount in the dimension's base
unit (g, ml, mm, pieces), exact (:class:`~decimal.Decimal`).  Units come from the units table
(``units.toml``, :mod:`checker_rules.spec.units`); matching is on the normalised text
(:func:`checker.text.normalise_for_matching`), so Traditional (``公斤``, ``毫升``, ``兩``), full-width
(``５００ｍｌ``) and upper-case (``1.5L``) forms read the same.

Kinds of mention:

* ``single`` -- one amount: ``500ml``, ``二斤`` (1,000 g), ``半斤``, ``一斤二两`` (600 g), ``12片``.
* ``multipack`` -- a unit amount times a count: ``250ml×12盒``, ``25g×30袋``, ``12 x 330ml``; its
  amounts are the unit amount and the total, and the count.
  Also ``6罐*330ml`` (count first), ``1kg/袋*2``, ``200ml*10盒*2提`` (nested: 20 boxes, the inner 10 stated
  too) and an amount followed by its pack count (``500g 2袋装``, ``16 Ounce (Pack of 2)``).  A sum
  (``3kg+1kg``) is one ``single`` of its total that states its parts too.
* ``dims`` -- several lengths of one thing (``200×230cm``, ``22×15×25cm``): read so that their
  numbers are not taken one by one, never compared.
* ``range`` -- ``15–17cm``, ``1.5-2kg``: not one quantity, never compared.
* ``approx`` -- ``约500g``, ``about 2 lb``: cannot be checked (the rules say so, as info).

Not quantities: a number glued to a letter before it (``X500``, ``A4``: model numbers), years and
durations (``2026年``, ``12个月``: no unit), ``100%``, and the look-alikes listed under
``[[not_quantity]]`` in the table (5G 手机, 买2件, 40支精梳棉, a paper's 70g, 半斤八两).  An upper-case ``G``
is not grams (2.4G, 64G: GHz and GB).  A count written with the Chinese
numeral one (一片, 一条) is an idiom more often than a quantity and is not read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from checker_rules.spec.units import BASE_UNITS, UnitTable, default_units

from checker.text import normalise_for_matching

#: Chinese numeral characters (两 is both "two" and the unit liang: the regex backtracks).
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN = "零〇一二两三四五六七八九十百千万"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?(?![\d,])|\d+\.\d+|\d+"
_NUM = rf"(?:{_ARABIC}|[{_CN}]+|半)"
_APPROX = r"(?:大约|约|approx\.?|approximately|about|around|ca\.|~|≈)\s*"
_TIMES = r"\s*[×x*]\s*"
#: Words of an outer pack, read only after a multipack's count (200ml*10盒*2提): not units of their own.
_OUTER_PACKS = "提|箱|组|套|排|打"
#: Between an amount and the pack count that multiplies it: 500g 2袋装, 16 Ounce (Pack of 2).
_PACK_GAP = re.compile(r"[\s(（\[【,，、]*")
_SUM_GAP = re.compile(r"\s*\+\s*")
_RANGE_BEFORE = re.compile(r"\d\s*(?:[-–—~至到]|to)\s*$")


@dataclass(frozen=True)
class Mention:
    """One quantity found in a text."""

    text: str  # as written in the original text
    start: int  # [start, end) in the original text
    end: int
    kind: str  # single | multipack | dims | range | approx
    dimension: str | None = None  # mass | volume | length | count
    amount: Decimal | None = None  # in the base unit (g, ml, mm, pieces); a multipack's total
    unit: str | None = None  # the table's name of the unit written
    per_unit: Decimal | None = None  # multipack: one unit's amount
    count: Decimal | None = None  # multipack: how many
    also: tuple[str, Decimal] | None = None  # another reading of the same words: ("volume", ml) for "32 oz"
    #: other amounts the same words state: the parts of a sum (3kg+1kg), the inner pack of a nested
    #: multipack (200ml*10盒*2提: 10 boxes, 2,000 ml)
    extra: tuple[tuple[str, Decimal], ...] = ()

    @property
    def readable(self) -> bool:
        return self.kind in ("single", "multipack")

    def amounts(self) -> dict[str, tuple[Decimal, ...]]:
        """Dimension -> the amounts this mention states (a multipack: its unit, its total, its count)."""
        out: dict[str, tuple[Decimal, ...]] = {}
        if self.kind == "single" and self.dimension and self.amount is not None:
            out = {self.dimension: (self.amount,)}
        elif self.kind == "multipack" and self.dimension and self.amount is not None:
            out = {self.dimension: (self.per_unit or self.amount, self.amount)}
            if self.count is not None:
                out["count"] = (*out.get("count", ()), self.count) if self.dimension == "count" else (self.count,)
        else:
            return {}
        for dim, value in self.extra:
            out[dim] = (*out.get(dim, ()), value)
        return out


def cn_number(text: str) -> Decimal | None:
    """``十二`` -> 12, ``一百二十`` -> 120, ``两`` -> 2, ``半`` -> 0.5, ``三五`` -> None (not a number)."""
    if text == "半":
        return Decimal("0.5")
    total, section, digit, seen_digit = 0, 0, None, False
    for ch in text:
        if ch in "零〇":  # a place holder (一百零五): no digit of its own
            digit, seen_digit = None, False
            continue
        if ch in CN_DIGITS:
            if digit is not None and seen_digit:
                return None  # two digits in a row (三五): a range or a code, not a number
            digit, seen_digit = CN_DIGITS[ch], True
        elif ch in CN_SCALES:
            scale = CN_SCALES[ch]
            if scale == 10000:
                total = (total + section + (digit or 0)) * scale
                section, digit, seen_digit = 0, None, False
                continue
            section += (1 if digit is None else digit) * scale
            digit, seen_digit = None, False
        else:
            return None
    return Decimal(total + section + (digit or 0))


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text.replace(",", ""))
    return cn_number(text)


class Parser:
    """A compiled reader for one units table."""

    def __init__(self, table: UnitTable) -> None:
        self.table = table
        aliases = sorted(table.by_alias, key=len, reverse=True)
        unit_alt = "|".join(re.escape(a) + (r"(?![a-z])" if a[-1].isascii() and a[-1].isalpha() else "")
                            for a in aliases)
        counts = sorted((a for a, u in table.by_alias.items() if u.dimension == "count"), key=len, reverse=True)
        count_alt = "|".join(re.escape(a) + (r"(?![a-z])" if a[-1].isascii() else "") for a in counts)
        pack_alt = f"{count_alt}|{_OUTER_PACKS}"
        self.pattern = re.compile(
            rf"(?<![a-z0-9.{_CN}])(?P<approx>{_APPROX})?"
            # 12 x 330ml, and the count's own word before the amount: 6罐*330ml
            rf"(?P<pre>(?:(?:{_ARABIC})\s*(?:{count_alt})?{_TIMES})+)?"
            rf"(?P<num>{_NUM})\s*-?\s*(?P<unit>{unit_alt})"
            # ×12盒, 1kg/袋*2, and the outer packs of a nested multipack: 200ml*10盒*2提
            rf"(?:(?:\s*/\s*(?:{count_alt}))?{_TIMES}(?P<mult>\d+)(?![\d.])\s*(?P<cunit>{count_alt})?"
            rf"(?P<more>(?:{_TIMES}\d+(?![\d.])\s*(?:{pack_alt})?)*))?"
        )
        self.compound = re.compile(rf"(?<![a-z0-9.{_CN}])(?P<approx>{_APPROX})?(?P<a>{_NUM})\s*斤\s*(?:(?P<half>半)|(?P<b>{_NUM})\s*两)")
        self.liang_half = re.compile(rf"(?<![a-z0-9.{_CN}])(?P<approx>{_APPROX})?(?P<a>{_NUM})\s*两\s*半(?![斤两])")
        self.pack_of = re.compile(r"(?<![a-z])(?:pack|set|box|case) of (?P<n>\d+)(?!\d)")

    def parse(self, text: str, factors: Mapping[str, Decimal] | None = None) -> list[Mention]:
        norm, offsets = normalise_for_matching(text)
        blocked = [m.span() for p in self.table.not_quantity for m in p.finditer(norm)]
        found: list[tuple[int, int, dict]] = []

        def free(a: int, b: int) -> bool:
            return not any(a < y and x < b for x, y in blocked) and not any(a < y and x < b for x, y, _ in found)

        for m in self.compound.finditer(norm):
            a, b = _number(m["a"]), (Decimal("0.5") if m["half"] else _number(m["b"]))
            if a is None or b is None or not free(*m.span()):
                continue
            jin, liang = self._factor("斤", factors), self._factor("两", factors)
            amount = a * jin + (b * jin if m["half"] else b * liang)
            found.append((*m.span(), {"kind": "approx" if m["approx"] else "single", "dimension": "mass",
                                        "amount": amount, "unit": "斤"}))
        for m in self.liang_half.finditer(norm):  # 三两半: three and a half 两
            a = _number(m["a"])
            if a is None or not free(*m.span()):
                continue
            found.append((*m.span(), {"kind": "approx" if m["approx"] else "single", "dimension": "mass",
                                        "amount": (a + Decimal("0.5")) * self._factor("两", factors), "unit": "两"}))
        for m in self.pack_of.finditer(norm):
            if free(*m.span()):
                found.append((*m.span(), {"kind": "single", "dimension": "count", "amount": Decimal(m["n"]),
                                          "unit": "pcs"}))
        for m in self.pattern.finditer(norm):
            if not free(*m.span()):
                continue
            if m["unit"] == "g" and text[slice(*offsets.span(*m.span("unit")))] in ("G", "Ｇ"):
                continue  # 2.4G, 64G: gigahertz and gigabytes; grams are a lower-case g (or 克)
            mention = self._mention(m, norm, factors)
            if mention is not None:
                found.append((*m.span(), mention))
        out = []
        for a, b, fields in _combine(sorted(found, key=lambda t: t[0]), norm):
            start, end = offsets.span(a, b)
            out.append(Mention(text=text[start:end].strip(), start=start, end=end, **fields))
        return out

    def _factor(self, name: str, factors: Mapping[str, Decimal] | None) -> Decimal:
        unit = self.table.unit(name)
        return (factors or {}).get(unit.setting or "", unit.factor)

    def _mention(self, m: re.Match[str], norm: str, factors: Mapping[str, Decimal] | None) -> dict | None:
        unit = self.table.by_alias[m["unit"]]
        value = _number(m["num"])
        if value is None or value == 0:
            return None
        chinese = not m["num"][0].isdigit()
        if chinese and unit.dimension == "count" and value <= 1:
            return None  # 一片, 一条, 半包: idioms more often than quantities
        if m["num"] == "半" and unit.dimension == "count":
            return None
        factor = (factors or {}).get(unit.setting or "", unit.factor) if unit.setting else unit.factor
        amount = value * factor
        fields: dict = {"dimension": unit.dimension, "amount": amount, "unit": unit.name}
        if unit.also:
            other = self.table.unit(unit.also)
            fields["also"] = (other.dimension, value * other.factor)
        start = m.start("pre") if m["pre"] else m.start("num")
        if _RANGE_BEFORE.search(norm, 0, start):
            return {"kind": "range", **fields}
        if m["approx"]:
            return {"kind": "approx", **fields}
        if m["pre"]:
            numbers = [re.match(_ARABIC, n)[0] for n in re.split(_TIMES, m["pre"]) if n]
            if unit.dimension == "length" or len(numbers) != 1 or "." in numbers[0]:
                return {"kind": "dims", **fields}
            count = Decimal(numbers[0].replace(",", ""))
            fields.pop("also", None)
            return {"kind": "multipack", **fields, "amount": amount * count, "per_unit": amount, "count": count}
        if m["mult"]:
            if unit.dimension == "length":
                return {"kind": "dims", **fields}
            count = Decimal(m["mult"])
            fields.pop("also", None)
            outer = [Decimal(n) for n in re.findall(r"\d+", m["more"] or "")]
            if not outer:
                return {"kind": "multipack", **fields, "amount": amount * count, "per_unit": amount, "count": count}
            total = count
            for n in outer:
                total *= n
            # 200ml*10盒*2提: 20 boxes, 4,000 ml; one carton's 10 boxes and 2,000 ml are stated too
            return {"kind": "multipack", **fields, "amount": amount * total, "per_unit": amount, "count": total,
                    "extra": (("count", count), (unit.dimension, amount * count))}
        return {"kind": "single", **fields}


def _combine(found: list[tuple[int, int, dict]], norm: str) -> list[tuple[int, int, dict]]:
    """Mentions that are one quantity together: a sum (``3kg+1kg``: 4 kg, its parts stated too) and an
    amount followed by the pack count that multiplies it (``500g 2袋装``, ``16 Ounce (Pack of 2)``: a
    multipack, so that either reading, the unit or the total, is an amount of it)."""
    out: list[tuple[int, int, dict]] = []
    for a, b, fields in found:
        if out:
            pa, pb, prev = out[-1]
            gap = norm[pb:a]
            if (prev["kind"] == "single" and fields["kind"] == "single" and prev["dimension"] == fields["dimension"]
                    and prev["dimension"] in ("mass", "volume") and _SUM_GAP.fullmatch(gap)):
                parts = prev.get("extra") or ((prev["dimension"], prev["amount"]),)
                out[-1] = (pa, b, {**prev, "amount": prev["amount"] + fields["amount"], "also": None,
                                   "extra": (*parts, (fields["dimension"], fields["amount"]))})
                continue
            pack = norm.startswith(("pack", "set", "box", "case"), a) or norm.startswith("装", b) or \
                fields.get("unit") == "pcs" and norm[a:b].endswith("pack")
            if (prev["kind"] == "single" and not prev.get("extra") and prev["dimension"] in ("mass", "volume")
                    and fields["kind"] == "single" and fields["dimension"] == "count" and pack
                    and _PACK_GAP.fullmatch(gap)):
                n = fields["amount"]
                out[-1] = (pa, b, {**prev, "kind": "multipack", "amount": prev["amount"] * n,
                                   "per_unit": prev["amount"], "count": n, "also": None})
                continue
        out.append((a, b, fields))
    return out


@lru_cache(maxsize=1)
def default_parser() -> Parser:
    return Parser(default_units())


@lru_cache(maxsize=65536)
def _parse_cached(text: str, factors: tuple[tuple[str, Decimal], ...]) -> tuple[Mention, ...]:
    return tuple(default_parser().parse(text, dict(factors)))


def parse(text: str, factors: Mapping[str, Decimal] | None = None) -> list[Mention]:
    """Every quantity in ``text``, in order (the built-in units table; cached per text).  ``factors``:
    a unit setting's value for this text's market, e.g. ``{"jin_grams": Decimal(600)}``."""
    if not text:
        return []
    return list(_parse_cached(text, tuple(sorted((factors or {}).items()))))


def show(amount: Decimal, dimension: str) -> str:
    """An amount in its base unit, for messages: ``1000 g``, ``946.35 ml``."""
    q = amount.quantize(Decimal("0.01")).normalize()
    text = f"{q:f}"
    return f"{text} {BASE_UNITS[dimension]}" if dimension != "count" else text
