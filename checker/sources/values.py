"""Cell values as real exports write them -> Python values.

Every parser takes one raw cell (str from CSV/JSON; str, int, float, bool, date or datetime from a
workbook) and returns the value or raises :class:`CellError` with a reason a shop operator can act on.
Empty cells never reach a parser (see :func:`is_empty`).  These sit on the hot path: common forms are
tried first with cheap checks, the slow general parsers only afterwards.  Prices are read by
:mod:`checker.prices`, as on pages.  Over 400 lines on purpose: the date, shelf-life, quantity and spec
parsers share the cell helpers at the top (:class:`CellError`, the Excel-error check, NFKC), and build.py
takes every converter from this one place.
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from checker import prices
from checker.aliases import alias_table, normalise_header


class CellError(ValueError):
    """A cell that cannot be turned into its field's value; the message is the reason."""


NULL_WORDS = frozenset({"", "-", "--", "---", "—", "——", "/", "n/a", "na", "null", "none", "nil", "无", "無", "空"})
EXCEL_ERRORS = frozenset(
    {"#n/a", "#value!", "#ref!", "#div/0!", "#name?", "#num!", "#null!", "#getting_data", "#spill!"}
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        s = value.strip()
        return not s or (len(s) <= 4 and s.lower() in NULL_WORDS)
    return False


def _check_excel_error(s: str) -> None:
    if s[:1] == "#" and s.lower() in EXCEL_ERRORS:
        raise CellError(f"Excel error value {s} in the cell (a broken formula in the export)")


def _nfkc(s: str) -> str:
    return s if s.isascii() else unicodedata.normalize("NFKC", s)


# --------------------------------------------------------------------------------------------- text


def text(value: Any) -> str:
    """Free text as written (Simplified/Traditional kept); numbers without a spurious ``.0``."""
    if isinstance(value, str):
        s = value.strip()
        _check_excel_error(s)
        return s
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (int, float, date, Decimal)):
        return str(value)
    raise CellError(f"expected text, got {type(value).__name__} {_show(value)}")


def code(value: Any) -> str:
    """An identifier (SKU, lot, ticket): also undoes Excel-protection tricks such as ``="00123"``, a leading
    apostrophe or tab, and scientific notation of long numeric codes typed into a General cell."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    s = text(value)
    if s.startswith('="') and s.endswith('"'):
        s = s[2:-1]
    if s[:1] in ("'", "\t"):
        s = s.lstrip("'\t").strip()
    if not s.isascii():
        s = s.translate(_ZERO_WIDTH).strip()
    if "E+" in s or "e+" in s:
        try:
            number = Decimal(s)
        except InvalidOperation:
            pass
        else:
            raise CellError(
                f"code {s!r} was turned into scientific notation by Excel ({int(number)}?); the digits may be lost, "
                "export the column as text"
            )
    return s


# --------------------------------------------------------------------------------------------- dates

EPOCH_1900 = datetime(1899, 12, 30)  # serial 1 = 1900-01-01, Lotus leap-year bug included for serials >= 61
EPOCH_1904 = datetime(1904, 1, 1)
MIN_YEAR, MAX_YEAR = 1970, 2200

_YMD = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?"
    r"(?:[\sT]*(\d{1,2})[:：时時](\d{1,2})(?:[:：分](\d{1,2})?)?(?:\.\d+)?秒?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_ROC = re.compile(r"(?:民國|民国)?\s*(\d{2,3})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_NAMED_MONTH = ("%d %b %Y", "%d-%b-%Y", "%b %d, %Y", "%b %d %Y", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d-%b-%y")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")

DATE_HINT = "expected e.g. 2026-03-01, 2026/3/1, 20260301, 2026年3月1日 or an Excel date"


def _offset(text: str | None) -> timezone | None:
    """``Z``, ``+08:00``, ``-0500`` as a time zone (None for none)."""
    if not text:
        return None
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[-2:])
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _plausible(d: date, raw: Any) -> None:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise CellError(f"date {_show(raw)} gives {d.isoformat()}, outside {MIN_YEAR}-{MAX_YEAR}")


def excel_serial(serial: float, date1904: bool = False) -> datetime:
    if not 0 < serial < 2958466:
        raise CellError(f"number {_show(serial)} is not an Excel date serial")
    base = EPOCH_1904 if date1904 else EPOCH_1900
    if not date1904 and serial < 61:
        base += timedelta(days=1)  # Excel's fictitious 1900-02-29
    result = base + timedelta(days=serial)
    if result.microsecond:
        result = (result + timedelta(microseconds=500_000)).replace(microsecond=0)
    return result


def parse_datetime(value: Any, *, date1904: bool = False, date_format: str | None = None,
                   keep_offset: bool = False) -> date | datetime:
    """A date or a datetime (when a time of day other than midnight is given).  A UTC offset in the text
    (``+08:00``, ``Z``) is dropped (wall time as written), or kept with ``keep_offset``: a price history's
    times, which are cut into the promotion's calendar days."""
    if isinstance(value, datetime):
        result: date | datetime = value
    elif isinstance(value, date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, int) or value.is_integer():
            ivalue = int(value)
            if 19000101 <= ivalue <= 22001231:
                return parse_datetime(str(ivalue))
        result = excel_serial(float(value), date1904)
    elif isinstance(value, str):
        result = _parse_date_text(value.strip(), date_format, date1904)
    elif isinstance(value, (time, timedelta)):
        raise CellError(f"cell holds a time of day ({value}), not a date")
    else:
        raise CellError(f"expected a date, got {type(value).__name__} {_show(value)}")
    if isinstance(result, datetime):
        if result.tzinfo is not None and not keep_offset:
            result = result.replace(tzinfo=None)  # wall time as written
        if result.tzinfo is None and result.hour == result.minute == result.second == result.microsecond == 0:
            result = result.date()
    _plausible(result, value)
    return result


def parse_date(value: Any, *, date1904: bool = False, date_format: str | None = None) -> date:
    result = parse_datetime(value, date1904=date1904, date_format=date_format)
    return result.date() if isinstance(result, datetime) else result


def _parse_date_text(s: str, date_format: str | None, date1904: bool) -> date | datetime:
    if len(s) == 10 and s[4] == "-" and s[7] == "-":  # fast path: ISO date
        try:
            return date.fromisoformat(s)
        except ValueError:
            raise CellError(f"invalid date {s!r}") from None
    _check_excel_error(s)
    if date_format:
        try:
            return datetime.strptime(s, date_format)
        except ValueError:
            pass
    s = _nfkc(s)
    m = _YMD.fullmatch(s)
    if m:
        y, mo, d, hh, mi, ss, tz = m.groups()
        try:
            if hh is None:
                return date(int(y), int(mo), int(d))
            return datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0), tzinfo=_offset(tz))
        except ValueError:
            raise CellError(f"invalid date {s!r} (no such day or time)") from None
    if len(s) == 8 and s.isdigit():
        try:
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        except ValueError:
            raise CellError(f"invalid date {s!r} (read as YYYYMMDD)") from None
    try:  # remaining ISO 8601 forms: 2026-03-01T10:00:00+08:00, 2026-03-01 10:00
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        pass
    m = _ROC.fullmatch(s)
    if m and (len(m.group(1)) == 3 or s.startswith(("民國", "民国"))):
        try:
            return date(int(m.group(1)) + 1911, int(m.group(2)), int(m.group(3)))  # Taiwan (ROC) year
        except ValueError:
            raise CellError(f"invalid date {s!r} (read as a Taiwan ROC year)") from None
    m = _DMY.fullmatch(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a or a == b:
            day, month = b, a
        else:
            raise CellError(
                f"ambiguous date {s!r}: day/month or month/day? set date_format (e.g. '%d/%m/%Y') for this source"
            )
        try:
            return date(y, month, day)
        except ValueError:
            raise CellError(f"invalid date {s!r}") from None
    if _SERIAL.fullmatch(s):
        return excel_serial(float(s), date1904)
    for fmt in _NAMED_MONTH:
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            continue
    raise CellError(f"unparseable date {s!r} ({DATE_HINT})")


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------------------------- shelf life


@dataclass(frozen=True)
class ShelfLife:
    """As written: whole months (calendar arithmetic once a production date is known) or days."""

    days: int = 0
    months: int = 0

    def to_days(self, production: date | None) -> int:
        if not self.months:
            return self.days
        return _months_in_days(production, self.months) + self.days


@lru_cache(maxsize=65_536)
def _months_in_days(production: date | None, months: int) -> int:
    """Days in ``months`` calendar months from ``production`` (12个月 from 2026-03-01: 365), or on average."""
    if production is not None:
        try:
            return (add_months(production, months) - production).days
        except (ValueError, OverflowError):
            pass
    return round(months * 30.4375)


_UNITS = {
    "天": "d", "日": "d", "d": "d", "day": "d", "days": "d",
    "周": "w", "週": "w", "星期": "w", "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "个月": "m", "個月": "m", "月": "m", "m": "m", "mo": "m", "mos": "m", "mth": "m", "mths": "m",
    "month": "m", "months": "m",
    "年": "y", "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}  # fmt: skip
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_SHELF_PART = re.compile(rf"(\d+(?:\.\d+)?)\s*({_UNIT_RE})", re.IGNORECASE)
_SHELF_GLUE = re.compile(r"(?:\s|,|，|、|又|零|和|and)*", re.IGNORECASE)


_SHELF_NOISE = re.compile(
    r"^(?:常[温溫]|冷藏|冷[冻凍]|室[温溫]|[阴陰][凉涼])(?:保存|储存|儲存|下)?|\(.*?\)|unopened$|未[开開]封$|sealed$",
    re.IGNORECASE,
)


def header_unit(unit_text: str) -> str:
    """``d``/``m``/``y``/``w`` from a header's bracketed unit ("保质期(月)", "shelf life (months)"), default days."""
    u = _nfkc(unit_text).strip().lower()
    return _UNITS.get(u, "d") if u else "d"


def _shelf_from(amount: float, unit: str, raw: Any) -> ShelfLife:
    if unit == "d":
        if not amount.is_integer():
            raise CellError(f"shelf life {_show(raw)}: a fraction of a day")
        return ShelfLife(days=int(amount))
    if unit == "w":
        return ShelfLife(days=round(amount * 7))
    months = amount * 12 if unit == "y" else amount
    if months.is_integer():
        return ShelfLife(months=int(months))
    return ShelfLife(days=round(months * 30.4375))


#: Shelf lives that say "no expiry" (a tea cake that ages, a steel cup): understood as none, not an error.
NO_SHELF_LIFE = frozenset({"长期", "長期", "长期有效", "長期有效", "长期保存", "長期保存", "永久", "不限", "无期限",
                           "無期限", "无保质期", "無保質期", "适宜长期保存", "適宜長期保存", "indefinite",
                           "no expiry", "does not expire", "non-perishable"})


def parse_shelf_life(value: Any, unit: str = "d") -> ShelfLife | None:
    """``12个月``, ``365天``, ``1年``, ``18 months``, ``540`` (days, or the header's unit), ``1年6个月``;
    None for a shelf life that says there is none (``长期``, ``永久``, ``indefinite``)."""
    if isinstance(value, str) and _nfkc(value.strip()).lower() in NO_SHELF_LIFE:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CellError(f"expected a shelf life such as 12个月 or 365天, got {_show(value)}")
    if isinstance(value, (int, float)):
        result = _shelf_from(float(value), unit, value)
    else:
        s = _nfkc(value.strip()).lower()
        _check_excel_error(s)
        s = _SHELF_NOISE.sub("", s).strip()  # "常温 30 天", "12 months unopened", "30天（开封后7天）"
        try:
            result = _shelf_from(float(s), unit, value)
        except ValueError:
            parts = _SHELF_PART.findall(s)
            leftover = _SHELF_GLUE.fullmatch(_SHELF_PART.sub("", s))
            if not parts or leftover is None:
                raise CellError(
                    f"unparseable shelf life {value!r} (expected e.g. 12个月, 365天, 1年, 18 months, 540)"
                ) from None
            days = months = 0
            for amount, unit_word in parts:
                part = _shelf_from(float(amount), _UNITS[unit_word.lower()], value)
                days, months = days + part.days, months + part.months
            result = ShelfLife(days=days, months=months)
    if result.days < 0 or result.months < 0 or (result.days == 0 and result.months == 0):
        raise CellError(f"shelf life {_show(value)} must be positive")
    return result


# --------------------------------------------------------------------------------------------- quantities

_QTY = re.compile(r"([+-]?)\s*(\d{1,3}(?:[,，_' ]\d{3})+|\d+)(\.\d+)?\s*([^\d\s.,]{0,6})")


def parse_quantity(value: Any) -> int:
    """Whole: ``1200``, ``1,200``, ``1 200``, ``1200件``, ``12.0`` (Excel), ``-12``.  A negative stock
    count is kept, not refused: it is a finding of its own (ST004), not a row to drop."""
    if isinstance(value, bool):
        raise CellError(f"expected a quantity, got {value}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"quantity {_show(value)} is not a whole number")
        number = int(value)
    elif isinstance(value, str):
        s = value.strip()
        if s.isdigit():
            return int(s)
        _check_excel_error(s)
        m = _QTY.fullmatch(_nfkc(s))
        if not m:
            raise CellError(f"unparseable quantity {value!r} (expected a whole number such as 1200 or 1,200)")
        sign, digits, fraction, _unit = m.groups()
        if fraction and int(fraction[1:]):
            raise CellError(f"quantity {value!r} is not a whole number")
        number = int(re.sub(r"\D", "", digits)) * (-1 if sign == "-" else 1)
    else:
        raise CellError(f"expected a quantity, got {type(value).__name__} {_show(value)}")
    return number


# --------------------------------------------------------------------------------------------- prices

def currency_code(word: str, default: str | None = None) -> str:
    """ISO 4217 code for a currency cell ("¥", "元", "NT$", "新台幣", "usd"): :func:`checker.prices.currency_code`."""
    try:
        return prices.currency_code(word, default)
    except prices.PriceError as exc:
        raise CellError(str(exc)) from None


def parse_price(value: Any, default_currency: str | None = None) -> tuple[Decimal, str | None]:
    """``(amount, ISO currency the cell names, or None)`` from ``¥1,299.00``, ``1299元``, ``NT$990``,
    ``1.299,00 €``, ``1.2万`` ...: the strict reading of :mod:`checker.prices`, which pages share.  Ranges,
    negative prices, two amounts or currencies are errors; ``default_currency`` settles ``$`` and ``¥``."""
    try:
        return prices.parse_export_price(value, default_currency)
    except prices.PriceError as exc:
        if isinstance(value, str):
            _check_excel_error(value.strip())  # #N/A says more than "unparseable price"
        raise CellError(str(exc)) from None


def parse_price_kind(value: Any) -> str:
    s = text(value)
    found = alias_table().price_kinds.get(normalise_header(s)[0])
    if found is None:
        raise CellError(f"unknown price kind {s!r} (expected transaction / listed / promotion, or 成交 / 标价 / 促销)")
    return found


# --------------------------------------------------------------------------------------------- specs

_SPEC_ITEMS = re.compile(r"\s*[;；|\n]\s*")
_SPEC_COMMAS = re.compile(r"\s*[,，、]\s*")
_SPEC_KV = re.compile(r"\s*[:：=]\s*")


def parse_specs(value: Any, header: str = "规格") -> dict[str, str]:
    """``净含量:500g;产地:云南`` -> dict; a bare value (``500g``, ``XL``) -> ``{header: value}``;
    a JSON object (string or, from a JSON source, a real object) -> dict of strings."""
    if isinstance(value, dict):
        return {str(k).strip(): text(v) for k, v in value.items() if not is_empty(v)}
    s = text(value)
    if s.startswith("{") and s.endswith("}"):
        try:
            obj = json.loads(s)
        except ValueError:
            raise CellError(f"specs {s[:60]!r} look like JSON but are not valid JSON") from None
        if isinstance(obj, dict):
            return parse_specs(obj, header)
    items = [i for i in _SPEC_ITEMS.split(s) if i]
    if len(items) == 1 and len(_SPEC_KV.findall(items[0])) > 1:
        items = [i for i in _SPEC_COMMAS.split(items[0]) if i]
    pairs = [_SPEC_KV.split(item, maxsplit=1) for item in items]
    named = [p for p in pairs if len(p) == 2]
    if not named:
        return {header: s}
    if len(named) != len(pairs):
        bare = next(item for item, p in zip(items, pairs, strict=True) if len(p) != 2)
        raise CellError(f"spec item {bare!r} has no name (write name:value pairs such as 净含量:500g;产地:云南)")
    specs: dict[str, str] = {}
    for k, v in named:
        if not k:
            raise CellError(f"spec item ':{v}' has no name")
        if k in specs and specs[k] != v:
            raise CellError(f"spec {k!r} is given twice ({specs[k]!r} and {v!r})")
        specs[k] = v
    return specs


def _show(value: Any, limit: int = 60) -> str:
    s = repr(value)
    return s if len(s) <= limit else s[: limit - 3] + "..."
