"""Lenient JSON-LD parsing: each block on its own, so one broken block never loses the page.

Real themes ship CDATA wrappers, comments, trailing commas, raw tabs and HTML-escaped JSON.
The chain is: ``json.loads(strict=False)`` -> strip CDATA / HTML-unescape and retry -> ``json5``
(comments, trailing commas, single quotes).  A block that still fails is returned as an error
(reported by LN006), never raised.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import json5

#: ``json.loads(text, strict=False)`` builds a new decoder on every call; this one is built once.
#: (``json.loads`` also refuses a leading BOM up front; ``decode`` refuses it too, as no value.)
_LENIENT_JSON = json.JSONDecoder(strict=False)
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", re.MULTILINE)
_HTML_COMMENT = re.compile(r"^\s*<!--|-->\s*$")


def _cleanup(text: str) -> str:
    text = _CDATA.sub("", text)
    text = _HTML_COMMENT.sub("", text.strip())
    if "&quot;" in text or "&#34;" in text:
        text = html.unescape(text)
    return text.strip()


def parse_block(text: str) -> tuple[Any | None, str | None]:
    """Return ``(data, None)`` or ``(None, reason)`` for one ``<script type=application/ld+json>``."""
    if not text or not text.strip():
        return None, "empty JSON-LD block"
    try:
        return _LENIENT_JSON.decode(text), None
    except ValueError:
        pass
    cleaned = _cleanup(text)
    try:
        return _LENIENT_JSON.decode(cleaned), None
    except ValueError:
        pass
    try:
        # json5 rejects raw control characters inside strings; JSON-LD in the wild has tabs there.
        return json5.loads(cleaned.replace("\t", " ")), None
    except Exception as exc:  # json5 raises ValueError subclasses, but be safe with odd input
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"{first_line}; starts {cleaned[:60]!r}"


def _types(node: dict) -> set[str]:
    t = node.get("@type", ())
    values = t if isinstance(t, list) else [t]
    return {str(v).rsplit("/", 1)[-1] for v in values}


def iter_nodes(data: Any) -> Iterator[dict]:
    """Every dict in a JSON-LD document, including inside ``@graph`` and nested values."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))  # a tuple: faster than dict | list
        elif isinstance(item, list):
            stack.extend(reversed(item))


def find_products(data: Any) -> list[dict]:
    """Top-level Product / ProductGroup nodes (variants inside ``hasVariant`` stay with their group)."""
    found: list[dict] = []
    variant_ids: set[int] = set()
    for node in iter_nodes(data):
        types = _types(node)
        if "ProductGroup" in types or "Product" in types:
            if id(node) in variant_ids:
                continue
            for v in node.get("hasVariant", []) or []:
                variant_ids.add(id(v))
            found.append(node)
    return found
