"""Discount claims in page copy: ``8折`` / ``8.8折`` / ``八五折`` (pay 80 % / 88 % / 85 %), ``20% off``,
``-20%``, ``立减20`` / ``直降20``, ``省20元``, ``save $5``, ``$5 off``, ``半价`` / ``half price``.

A claim is read from the folded text (NFKC: full-width forms), in any case.  A clause (between ，。；！
and line breaks) that makes the discount depend on the cart (满300减50, 滿1500折150, 第二件半价, orders
over $80, buy 2, any N件: 3件7折, 拍2件 到手价 ¥140) gives the page no numbers to judge it by: its claims and
its conditional prices are left out, not judged.  So are up-to and from claims (低至3折, 5折起, up to 50% off:
some item or size somewhere), and 折 that is folding (三折叠伞, 五折页) or no discount at all (10折).

A claim made for a coupon or members (领券立减20, 会员专享8折: a coupon word before it in its clause) is the
arithmetic of the conditional price beside it (券后¥79); any other claim (直降20元 券后¥55) is judged on its
own, against the price and the reference price.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from checker.prices import currency_marks, fold

_CLAUSE = re.compile(r"(?:[，。；;！!？?\n|]|(?<!\d),|,(?!\d))+")  # not the comma of 1,299
_CART = re.compile(
    r"[满滿]\s*[\d一二两兩三四五六七八九十百千]|每[满滿]|第[二2两兩]件|[\d一二两兩三四五六七八九十]\s*件|任[选選]|凑单|湊單|跨店|买[一1]送|買[一1]送"
    r"|orders? (?:over|of|above)|spend|when you buy|buy \d|\b2nd\b|second item|sitewide code|with code",
    re.IGNORECASE,
)
_NUM = r"(\d[\d,]*(?:\.\d+)?)"
#: Up-to and from claims: the best discount of some item or size, not this price's.
_UP_TO = re.compile(r"低至|低到|最低|最高|最多|高达|高達|up\s+to|as\s+low\s+as|(?:折|%|off|元|块|塊)\s*起", re.IGNORECASE)
#: A coupon or members' word before a claim in its clause: the claim is the conditional price's arithmetic.
_COUPON = re.compile(r"券|coupon|会员|會員|member|plus", re.IGNORECASE)
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}
_RATE = re.compile(r"(?<![\d.])(\d(?:\.\d{1,2})?|[1-9]\d)\s*折(?![扣後后价價起叠疊页頁])"
                   r"|([一二三四五六七八九])([一二三四五六七八九])?折(?![扣後后价價起叠疊页頁])")
_PCT_OFF = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d+)?)\s*%\s*(?:off\b|discount|折扣)|save\s+(\d{1,2})\s*%"
                      r"|(?:^|[\s(（])-\s*(\d{1,2})\s*%", re.IGNORECASE)
_HALF = re.compile(r"半价|半價|half[- ]price", re.IGNORECASE)


@cache
def _money_off() -> re.Pattern[str]:
    """立减20, 省¥20, 省20元, save $5, $5 off: the currencies are checker/currencies.toml's (read when first
    needed: a broken table is the CLI's usage error, not an import failure)."""
    cur = currency_marks()
    return re.compile(rf"(?:立减|立減|直降|立省)\s*(?:{cur})?\s*{_NUM}|省(?:{cur}\s*{_NUM}|{_NUM}\s*(?:元|块|塊))"
                      rf"|save\s+{cur}\s*{_NUM}|{cur}\s*{_NUM}\s+off\b", re.IGNORECASE)


#: Words without which a text holds no claim (checked first: most texts have none) ...
_HINT = re.compile(r"[折%％减減降省半券]|到手|save|off|half", re.IGNORECASE)
#: ... and no conditional price (the labels of checker.prices.PRICE_LABELS["conditional"]).
_CONDITIONAL_HINT = re.compile(r"到手|券|折后|折後|会员|會員|coupon|member", re.IGNORECASE)
hints = _HINT.search
conditional_hint = _CONDITIONAL_HINT.search


class Claim(NamedTuple):
    text: str  # as found in the folded text: 8折, 立减20
    rate: Decimal | None  # the share paid: 0.8
    off: Decimal | None  # money off
    coupon: bool = False  # made for a coupon or members (领券立减20): the conditional price's arithmetic


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def claims(text: str) -> tuple[list[Claim], list[str]]:
    """(the claims the page's numbers can judge, the clauses left out as cart-level offers)."""
    judged: list[Claim] = []
    cart: list[str] = []
    folded = fold(text)
    if not _ANY_CLAIM.search(folded):  # most copy with a hint has no claim (减少, offer): no clause to split
        return judged, cart
    for clause in _CLAUSE.split(folded):
        if not hints(clause):  # every claim holds a hint: most clauses of a description hold none
            continue
        clause = clause.strip()
        found = _claims_in(clause)
        if found and (_CART.search(clause) or _UP_TO.search(clause)):
            cart.append(clause)
        else:
            judged += found
    return judged, cart


def conditional_clauses(text: str) -> list[str]:
    """The clauses of a text that may hold a conditional price judged by its own arithmetic: not those
    with a cart condition (2件到手价¥150, 拍2件 到手价 ¥140)."""
    return [c for c in (c.strip() for c in _CLAUSE.split(fold(text))) if c and not _CART.search(c)]


def _claims_in(clause: str) -> list[Claim]:
    return [c._replace(coupon=bool(_COUPON.search(clause, 0, clause.find(c.text)))) for c in _found_in(clause)]


#: What each kind of claim cannot be without (a clause is searched only for the kinds it may hold): 折 for a
#: rate, % for a percentage, and for money off one of its words as _money_off() has them.
_MONEY_HINT = re.compile(r"立[减減省]|直降|省|save\s|off\b", re.IGNORECASE)
#: ... and any claim at all (searched in the folded text before it is split into clauses).
_ANY_CLAIM = re.compile(r"折|%|半价|半價|half[- ]price|立[减減省]|直降|省|save\s|off\b", re.IGNORECASE)


def _found_in(clause: str) -> list[Claim]:
    found: list[Claim] = []
    if "折" in clause:
        found += _rates_in(clause)
    if "%" in clause:
        for m in _PCT_OFF.finditer(clause):
            n = Decimal(next(g for g in m.groups() if g))
            if 0 < n < 100:
                found.append(Claim(m[0].strip(" (（"), 1 - n / 100, None))
    for m in _HALF.finditer(clause):
        found.append(Claim(m[0], Decimal("0.5"), None))
    if _MONEY_HINT.search(clause):
        for m in _money_off().finditer(clause):
            found.append(Claim(m[0].strip(), None, _amount(next(g for g in m.groups() if g))))
    return found


def _rates_in(clause: str) -> list[Claim]:
    found: list[Claim] = []
    for m in _RATE.finditer(clause):
        if m[1]:
            n = Decimal(m[1])
            if n >= 10 and n % 10 == 0:
                continue  # 10折 is no discount, 20折 none either: not 1折
            rate = n / 10 if n < 10 else n / 100
        else:
            tens, units = _CN_DIGIT[m[2]], _CN_DIGIT[m[3]] if m[3] else 0
            rate = Decimal(tens * 10 + units) / 100
        if 0 < rate < 1:
            found.append(Claim(m[0], rate, None))
    return found
