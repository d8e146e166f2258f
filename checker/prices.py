"""One reading of prices for pages and exports: ``¥1,299.00``, ``1299元``, ``NT$990``, ``1.299,00 €``, ``¥1.2万``.

Both sides read the same amount and the same currency from the same text; they differ only in what
they do with text that is not one price:

* :func:`parse_export_price` (strict) raises :class:`PriceError` with a reason an operator can act on:
  a range (``99-129``), a negative price, two amounts, two currencies, an unknown currency word, garbage.
* :func:`parse_page_price` (lenient) returns ``(None, None)`` for all of these, and ignores words that
  name no currency ("现价 ¥129", "Price: $19.99", "¥129 包邮"): page text carries labels.  A range on a
  page gives no price rather than one end of it: a page price is compared with the backend's, and a wrong
  value there is worse than none.  :func:`read_price` keeps the range's ends (``Reading.span``) for a rule
  that wants to say "the page shows a range".

Discounts are not prices: ``8.8折``, ``20% off``, ``立减20``, ``省20元`` are problems on both sides (price-parser
alone reads ``8.8折`` as 8.8).  :func:`read_labelled` reads the prices a page labels (``原价¥299 现价¥199``,
``到手价 ¥89``, ``券后 ¥79``, ``Was $40 Now $32``) one by one, each with what it is: the price, the reference
(struck-through) price, or a conditional price only some shoppers pay.

Amounts: thousands separators and the European decimal comma are read by the ``price-parser`` library;
a 万/萬 right after the number multiplies it by 10,000 (``¥1.2万`` is 12000 on both sides); full-width
digits and symbols are folded first (NFKC: ``￥１２９``).  A plain number (``129.00``) takes a fast path.

Currencies: the words and symbols are data, ``checker/currencies.toml`` (validated when first read:
:class:`CurrencyTableError` names the file and the entry).  ``$`` and ``¥`` are ambiguous: the
``default_currency`` a caller passes (a source's ``currency`` setting) settles them, else the table does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from price_parser import Price

from checker.datafiles import read_toml

__all__ = [
    "CURRENCIES_FILE",
    "CurrencyTable",
    "CurrencyTableError",
    "LabelledPrice",
    "PriceError",
    "Reading",
    "currency_code",
    "currency_table",
    "fold",
    "load_currency_table",
    "parse_export_price",
    "parse_page_price",
    "read_labelled",
    "read_price",
]

CURRENCIES_FILE = Path(__file__).with_name("currencies.toml")
PRICE_HINT = "expected e.g. 1299, ¥1,299.00, 1299元, NT$990, 1.299,00 €"


class PriceError(ValueError):
    """Text that is not one price (strict reading); the message is the reason."""


class CurrencyTableError(ValueError):
    """The currency table is broken; the message names the file and the entry."""


class Reading(NamedTuple):
    """What a price text says.  ``amount`` is None when it is not one price, and ``problem`` says why."""

    amount: Decimal | None
    currency: str | None  # ISO 4217, or None when the text names none
    problem: str | None = None
    span: tuple[Decimal, Decimal] | None = None  # the low and high end of a range such as 99-129


# --------------------------------------------------------------------------------------------- currencies

# A word of price text: letters, optionally ending in $ or ¥ (NT$, RMB¥, 人民币), or one symbol (€, $).
# Separators and signs (. , ' + -) are part of how amounts are written, never words.
_WORD = re.compile(r"[^\W\d_]+[$¥]?|[^\w\s.,'+\-]")
_ISO = re.compile(r"[A-Z]{3}")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def _fold(s: str) -> str:
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKC", s)
    return s if s.isprintable() else s.translate(_ZERO_WIDTH)


#: The folding every price reading starts with (NFKC: ``￥１２９``; zero-width characters dropped), for the
#: rules that read price text themselves.
fold = _fold


@dataclass(frozen=True)
class CurrencyTable:
    words: dict[str, str]  # folded, lower-case word or symbol -> ISO code (the codes themselves included)
    ambiguous: dict[str, str]  # folded symbol -> the ISO code it means when no default currency is given

    def code(self, word: str, default: str | None = None) -> str | None:
        """The ISO code a word of (folded) price text names, or None.  A code the table does not list
        counts when it is written in capitals and ``price-parser`` knows it ("CHF"): "NEW" or "pcs" next
        to a price is not a currency."""
        lower = word.lower()
        ambiguous = self.ambiguous.get(lower)
        if ambiguous:
            return default or ambiguous
        return self.words.get(lower) or (word if _ISO.fullmatch(word) and _known_code(word) else None)


@lru_cache(maxsize=256)
def _known_code(code: str) -> bool:
    """An ISO 4217 code ``price-parser`` knows."""
    return Price.fromstring(code).currency == code


def load_currency_table(path: Path) -> CurrencyTable:
    """Read and check a currency table (the format is described in ``checker/currencies.toml``)."""
    origin = str(path)

    def fail(where: str, message: str) -> CurrencyTableError:
        return CurrencyTableError(f"{origin}: {where}: {message}" if where else f"{origin}: {message}")

    data, _ = read_toml(path, CurrencyTableError, "the currency table")
    unknown = sorted(set(data) - {"currencies", "ambiguous"})
    if unknown:
        raise fail("", f"unknown table [{unknown[0]}] (expected [currencies] and [ambiguous])")
    currencies, ambiguous_in = data.get("currencies", {}), data.get("ambiguous", {})
    if not isinstance(currencies, dict) or not isinstance(ambiguous_in, dict):
        raise fail("", "[currencies] and [ambiguous] must be tables")

    def check_code(where: str, code: Any) -> str:
        if not isinstance(code, str) or not _ISO.fullmatch(code):
            raise fail(where, f"{code!r} is not an ISO 4217 code (three capital letters, e.g. CNY)")
        return code

    def check_word(where: str, word: Any) -> str:
        if not isinstance(word, str) or not _WORD.fullmatch(folded := _fold(word.strip()).lower()):
            raise fail(
                where,
                f"{word!r} cannot be a currency name: a price is read word by word, and a name must be one "
                "word (letters, optionally ending in $ or ¥, e.g. 'nt$', '人民币') or one symbol (e.g. '€')",
            )
        return folded

    ambiguous: dict[str, str] = {}
    for symbol, code in ambiguous_in.items():
        where = f'ambiguous."{symbol}"'
        ambiguous[check_word(where, symbol)] = check_code(where, code)
    words: dict[str, str] = {}
    for code in currencies:
        words[check_code(f"currencies.{code}", code).lower()] = code
    for code, names in currencies.items():
        where = f"currencies.{code}"
        if not isinstance(names, list):
            raise fail(where, f"expected a list of names, got {names!r}")
        for name in names:
            word = check_word(where, name)
            if word in ambiguous:
                raise fail(where, f"{name!r} is ambiguous (listed under [ambiguous]); it cannot also name {code}")
            other = words.setdefault(word, code)
            if other != code:
                raise fail(where, f"{name!r} already names {other}; a name may belong to one currency only")
    return CurrencyTable(words=words, ambiguous=ambiguous)


@cache
def currency_table() -> CurrencyTable:
    """The table in ``checker/currencies.toml``, read once per process."""
    return load_currency_table(CURRENCIES_FILE)


@cache
def currency_marks() -> str:
    """A regular expression (no groups; compile it with ``re.IGNORECASE``) matching any currency name or
    symbol of the table as folded price text writes it (``¥``, ``nt$``, ``rmb``, ``人民币``), for rules
    that read price text themselves: one list of currencies, this file's.  A name starting with a Latin
    letter does not match inside a word ("ment 50 off" holds no NT)."""
    table = currency_table()
    names = sorted({*table.words, *table.ambiguous}, key=lambda n: (-len(n), n))
    return "(?:" + "|".join(("(?<![a-z])" if n[0].isascii() and n[0].isalpha() else "") + re.escape(n)
                            for n in names) + ")"


def currency_code(word: str, default: str | None = None) -> str:
    """ISO 4217 code for a currency cell or word ("¥", "元", "NT$", "新台幣", "usd", "chf").
    ``$``/``¥`` defer to ``default``.  Raises :class:`PriceError` for a word that names no currency."""
    w = _fold(word).strip()
    found = currency_table().code(w, default)
    if found:
        return found
    if len(w) == 3 and w.isascii() and _known_code(w.upper()):  # a currency column holds codes: any case
        return w.upper()
    raise PriceError(f"unknown currency {word!r}")


# --------------------------------------------------------------------------------------------- amounts

_PLAIN = re.compile(r"\d+(?:\.\d+)?")
# One amount with no separators to interpret, between words: ¥99.99, NT$990, 1299元, 35.50 CNY.  price-parser
# reads these the same way (a dot before three digits is its thousands separator: those take the long way).
_SIMPLE = re.compile(r"([^\d.,]*?)\s*([0-9]+(?:\.[0-9]{1,2})?)\s*([^\d.,]*)")
# 99-129, ¥99~¥129, 99至129元, 1.2-1.5万; group 1 ends the low amount, group 2 starts the high one.
_RANGE = re.compile(r"\d()\s*(?:-|~|〜|—|–|至|到)\s*()\D{0,4}\d")
# -5, ¥-5, -¥5, −5, (5.00) as accountants write it, 5.00- as some ERPs do; not "12,- €" (German for 12.00).
_NEGATIVE = re.compile(r"(?:^|[^\w])[-−]\s*[^\s\d]{0,4}\s*\d|^\(.*\d.*\)$|\d\s*[-−]$")
_WAN = re.compile(r"(?<=\d)\s*[万萬]")
# 8.8折, 20%, 20% off, 立减20, 直降20, 省20元: a discount, not a price.
_DISCOUNT = re.compile(r"\d\s*(?:折|%)|[立直]\s*[减減降]|省\s*\D{0,4}\d|\boff\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_ONE = Decimal(1)


def _no(problem: str, currency: str | None = None, span: tuple[Decimal, Decimal] | None = None) -> Reading:
    return Reading(None, currency, problem, span)


def read_price(value: Any, default_currency: str | None = None, *, strict: bool = False) -> Reading:
    """The one reading behind both entry points; never raises :class:`PriceError`.  ``strict`` makes a
    word that names no currency a problem instead of a label to ignore."""
    if isinstance(value, str):
        s = value.strip()
        if _PLAIN.fullmatch(s):
            return Reading(Decimal(s), None)
        return _read_text(_fold(s), value, default_currency, strict)
    return _read_number(value)


def _read_number(value: Any) -> Reading:
    if isinstance(value, bool):
        return _no(f"expected a price, got {value}")
    if isinstance(value, (int, float, Decimal)):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not amount.is_finite():
            return _no(f"price {value} is not a number")
        if amount < 0:
            return _no(f"negative price {value}")
        return Reading(amount, None)
    return _no(f"expected a price, got {type(value).__name__} {_show(value)}")


def _read_text(s: str, raw: Any, default: str | None, strict: bool) -> Reading:
    if not s.isascii():
        s = " ".join(s.split())  # NFKC made no-break and ideographic spaces plain ones
    m = _RANGE.search(s)
    if m:
        return _range(s, m, raw, default, strict)
    if ("-" in s or "−" in s or s[:1] == "(") and _NEGATIVE.search(s):
        return _no(f"negative price {raw!r}")
    if _DISCOUNT.search(s):
        return _no(f"{raw!r} is a discount, not a price")
    wan = 0
    if "万" in s or "萬" in s:
        s, wan = _WAN.subn("", s)
    simple = _SIMPLE.fullmatch(s)
    if simple:
        amount, rest = Decimal(simple[2]), f"{simple[1]} {simple[3]}"
    else:
        parsed = Price.fromstring(s)
        if parsed.amount is None or parsed.amount_text is None:
            return _no(f"unparseable price {raw!r} ({PRICE_HINT})")
        amount, rest = parsed.amount, s.replace(parsed.amount_text, " ", 1)
        if _DIGIT.search(rest):
            return _no(f"price {raw!r} holds more than one amount")
    if wan:
        amount *= 10_000
        if amount == amount.to_integral_value():
            amount = amount.quantize(_ONE)  # 1.2万: 12000, not 12000.0
    table = currency_table()
    rest = rest.strip()
    found = table.code(rest, default) if rest else None  # most often the text around is one word: ¥, 元, NT$
    if found or not rest:
        return Reading(amount, found)
    named: set[str] = set()
    for word in _WORD.findall(rest):
        found = table.code(word, default)
        if found:
            named.add(found)
        elif strict:
            return _no(f"price {raw!r}: unknown currency {word!r}")
    if len(named) > 1:
        return _no(f"price {raw!r} names two currencies")
    return Reading(amount, named.pop() if named else None)


def _range(s: str, m: re.Match[str], raw: Any, default: str | None, strict: bool) -> Reading:
    """A range is never one price; its ends are read (as prices) for ``span`` when both are sound."""
    problem = f"price {raw!r} is a range, not one price"
    low_text, high_text = s[: m.start(1)], s[m.start(2) :]
    if _WAN.search(high_text) and not _WAN.search(low_text):
        low_text += "万"  # 1.2-1.5万 is 12000-15000
    low, high = _read_text(low_text, raw, default, strict), _read_text(high_text, raw, default, strict)
    if low.amount is None or high.amount is None or low.amount > high.amount:
        return _no(problem)
    if low.currency and high.currency and low.currency != high.currency:
        return _no(problem)
    return _no(problem, low.currency or high.currency, (low.amount, high.amount))


def parse_export_price(value: Any, default_currency: str | None = None) -> tuple[Decimal, str | None]:
    """``(amount, ISO currency the text names, or None)``; raises :class:`PriceError` for anything that
    is not one price.  ``default_currency`` only settles the ambiguous ``$`` and ``¥``."""
    if type(value) is str:
        s = value.strip()
        if _PLAIN.fullmatch(s):
            return Decimal(s), None
        reading = _read_text(_fold(s), value, default_currency, True)
    else:
        reading = _read_number(value)
    if reading.amount is None:
        raise PriceError(reading.problem)
    return reading.amount, reading.currency


def parse_page_price(value: Any, default_currency: str | None = None) -> tuple[Decimal | None, str | None]:
    """``(amount, ISO currency or None)``, or ``(None, None)`` for what is not one price (nothing, a range,
    a negative amount, two amounts or currencies, garbage).  Words that name no currency are ignored."""
    if type(value) is str:
        s = value.strip()
        if _PLAIN.fullmatch(s):
            return Decimal(s), None
        reading = _read_text(_fold(s), value, default_currency, False)
    elif value is None:
        return None, None
    else:
        reading = _read_number(value)
    if reading.amount is None:
        return None, None
    return reading.amount, reading.currency


# --------------------------------------------------------------------------------------------- labels

#: Words a page writes before a price, by what the price is: ``price`` (what everyone pays now), ``list``
#: (the reference / struck-through price) or ``conditional`` (after a coupon, for members: only some pay it).
PRICE_LABELS: dict[str, tuple[str, ...]] = {
    "list": ("原价", "原價", "划线价", "劃線價", "市场价", "市場價", "吊牌价", "吊牌價", "专柜价", "專櫃價", "参考价",
             "參考價", "建议零售价", "建議售價", "定价", "定價", "was", "list price", "regular price",
             "original price", "rrp", "msrp", "compare at"),
    "price": ("现价", "現價", "售价", "售價", "促销价", "促銷價", "活动价", "活動價", "秒杀价", "秒殺價", "特价", "特價",
              "优惠价", "優惠價", "一口价", "一口價", "价格", "價格", "now", "sale price", "our price", "price"),
    "conditional": ("到手价", "到手價", "券后价", "券後價", "券后", "券後", "折后价", "折後價", "预估到手", "預估到手",
                    "会员价", "會員價", "after coupon", "with coupon", "member price"),
}  # fmt: skip
_LABEL_KIND = {word: kind for kind, words in PRICE_LABELS.items() for word in words}
_LABEL = re.compile(
    "|".join(re.escape(w) if not w.isascii() else rf"(?<![a-z]){re.escape(w)}(?![a-z])"
             for w in sorted(_LABEL_KIND, key=len, reverse=True)),
    re.IGNORECASE,
)
# The amount right after a label: a currency word or symbol, the number, 万, a currency word ("¥89", "NT$ 1,280").
_AFTER_LABEL = re.compile(r"[\s:：]*([^\d\s]{0,4}\s*)(\d[\d,.]*\d|\d)(\s*[万萬]?\s*(?:[A-Za-z]{3}\b|[元圆圓塊块€$¥£])?)")


class LabelledPrice(NamedTuple):
    """One price of a labelled price text: ``kind`` is price | list | conditional; ``amount`` None when
    the label is followed by no readable price (``原价 面议``); ``text`` is the label and what followed."""

    kind: str
    amount: Decimal | None
    currency: str | None
    text: str


def read_labelled(value: str, default_currency: str | None = None) -> list[LabelledPrice]:
    """The prices of a page text, each with its kind.  Text before the first label, or a text with no
    label, is read as the price (``¥129``); discounts (``8折``) are never a price."""
    s = " ".join(_fold(value).split())
    labels = list(_LABEL.finditer(s))
    if not labels:
        if not s:
            return []
        amount, currency = parse_page_price(s, default_currency)
        return [LabelledPrice("price", amount, currency, s)]
    out: list[LabelledPrice] = []
    head = s[: labels[0].start()].strip(" ,;:：，；|/")
    if _DIGIT.search(head):
        out.append(LabelledPrice("price", *parse_page_price(head, default_currency), head))
    for label, following in zip(labels, [*labels[1:], None], strict=True):
        kind = _LABEL_KIND[label[0].lower()]
        rest = s[label.end() : following.start() if following else len(s)]
        amount = _AFTER_LABEL.match(rest)
        if amount is None:
            out.append(LabelledPrice(kind, None, None, (label[0] + rest).strip()))
            continue
        text = (amount[1] + amount[2] + amount[3]).strip()
        out.append(LabelledPrice(kind, *parse_page_price(text, default_currency), (label[0] + amount[0]).strip()))
    return out


def _show(value: Any, limit: int = 60) -> str:
    s = repr(value)
    return s if len(s) <= limit else s[: limit - 3] + "..."
