"""Charset names and declarations: what a page says it is written in, and the Python codec that reads it."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from functools import lru_cache

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BOM_PREFIXES = tuple(bom for bom, _ in BOMS)
CJK_CODECS = ("gb18030", "cp950", "big5hkscs")  # big5hkscs: a superset of Big5, tried when cp950 fails
LABELS = {"cp950": "big5 (cp950)", "big5hkscs": "big5-hkscs", "gb18030": "gb18030 (GBK compatible)"}
#: A declared charset is read as the superset shops actually write in (as browsers do).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "iso8859-1": "cp1252", "ascii": "cp1252"}
_WEB_LABELS = {"x-gbk": "gbk", "x-x-big5": "big5", "x-sjis": "shift_jis", "unicode-1-1-utf-8": "utf-8"}
MULTIBYTE = frozenset({*CJK_CODECS, "shift_jis", "cp932", "euc_jp", "euc_jis_2004", "shift_jis_2004",
                       "euc_kr", "cp949", "johab", "iso2022_jp", "iso2022_kr"})  # fmt: skip
WESTERN = frozenset({"cp1252", "iso8859-15", "mac-roman", "cp850"})
UNICODE = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)


@lru_cache(maxsize=256)
def charset_codec(label: str) -> str | None:
    """A declared charset label -> the codec to decode with (``gb2312``/``GBK`` -> ``gb18030``, ``big5`` ->
    ``cp950``, ``iso-8859-1`` -> ``cp1252``), or None when Python has no such text encoding."""
    label = label.strip().lower()
    try:
        info = codecs.lookup(_WEB_LABELS.get(label, label))
    except LookupError:
        return None
    if not info._is_text_encoding:  # base64, rot13 ...
        return None
    return _SUPERSETS.get(info.name, info.name)


def declared_charsets(data: bytes, content_type: str | None) -> Iterator[str]:
    """The codecs a page declares, in order of authority: the HTTP header, then ``<meta charset>`` or
    ``<meta http-equiv="Content-Type" content="...; charset=...">`` in the first 4 KB.  Lazy: the
    page is searched only when the header's charset did not settle it."""
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m and (codec := charset_codec(m.group(1))):
            yield codec
    m = _META_CHARSET.search(data[:4096])
    if m and (codec := charset_codec(m.group(1).decode("ascii", "ignore"))):
        # a page whose <meta> can be read as ASCII is not UTF-16/32 (browsers read such a <meta> as UTF-8)
        yield "utf-8" if codec.startswith(("utf-16", "utf-32")) else codec


def bom(data: bytes) -> str | None:
    """The codec the data's byte-order mark names, or None."""
    for mark, codec in BOMS:
        if data.startswith(mark):
            return codec
    return None
