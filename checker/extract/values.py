"""Small helpers shared by the extractors: whitespace, availability, prices, JSON-LD values, lexbor's tag ids."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from checker.models import Availability
from checker.prices import parse_page_price

#: Wording that takes a product off the shelf (下架), in stock labels and in page notices alike.
DISCONTINUED_WORDS = ("discontinued", "已下架", "下架", "停售", "off shelf", "off-shelf", "no longer available")

AVAILABILITY_WORDS: list[tuple[Availability, tuple[str, ...]]] = [
    (Availability.DISCONTINUED, DISCONTINUED_WORDS),
    (Availability.OUT_OF_STOCK, ("outofstock", "out of stock", "sold out", "soldout", "缺货", "缺貨", "售罄", "无货",
                                 "無貨", "無庫存", "无库存", "暂时缺货", "currently unavailable",
                                 # negated forms first ("nicht auf lager" holds "auf lager"); never the bare
                                 # "(non) disponibile" / "nicht verfügbar": "immagine non disponibile" is an image
                                 "nicht auf lager", "nicht lieferbar", "ausverkauft", "pas en stock",
                                 "rupture de stock", "épuisé", "agotado", "sin stock", "esaurito", "esgotado",
                                 "нет в наличии", "品切れ", "在庫切れ", "품절")),
    (Availability.PRE_ORDER, ("preorder", "pre-order", "预售", "預售", "预购", "預購")),
    (Availability.IN_STOCK, ("instock", "in stock", "有货", "有貨", "现货", "現貨", "在售", "limitedavailability",
                             "onlineonly", "auf lager", "en stock", "em estoque", "в наличии", "在庫あり", "재고 있음")),
]  # fmt: skip


def clean_text(text: str | None) -> str:
    """Runs of whitespace (``str.isspace``: the same characters as a str regex's ``\\s``) -> one
    space, trimmed.  A falsy value gives ""; any other non-string raises TypeError."""
    return " ".join(str.split(text)) if text else ""


def parse_availability(value: Any) -> Availability:
    text = clean_text(str(value or "")).lower().rsplit("/", 1)[-1]
    if not text:
        return Availability.UNKNOWN
    for availability, words in AVAILABILITY_WORDS:
        if any(w in text for w in words):
            return availability
    return Availability.UNKNOWN


def parse_price(value: Any) -> tuple[Decimal | None, str | None]:
    """``129``, ``"129.00"``, ``"¥1,299.00"``, ``"NT$990"``, ``"¥1.2万"`` -> (amount, ISO currency or None);
    ``(None, None)`` for what is not one price, such as a range (the reading exports get too: checker.prices)."""
    return parse_page_price(value)


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text_of(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return clean_text(str(value)) if value is not None else ""


def _tag_ids(*names: str) -> tuple[int, ...]:
    """lexbor's ids of these standard tags: ``node.tag_id`` reads an int where ``node.tag``
    decodes a new string, and some 150 elements a page are told apart."""
    probe = HTMLParser("")
    return tuple(probe.create_node(name).tag_id for name in names)
