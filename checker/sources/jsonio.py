"""JSON and JSON Lines sources -> records with the line number each one starts on.

A JSON source is an array of objects, or an object wrapping one (backend APIs answer
``{"code": 0, "data": {"list": [...]}}``): the records are the first array of objects found, breadth first,
preferring keys such as ``data``, ``items``, ``list``, ``rows``, ``records``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.sources.errors import SourceError

_PREFERRED = ("data", "items", "list", "rows", "records", "results", "result", "lots", "products", "skus", "complaints")
_WS = " \t\r\n"


@dataclass
class JsonRecords:
    keys: list[str]  # every key seen, in first-seen order (the "header")
    rows: list[tuple[int, Any]]  # (line number, record; a non-object record is a row error downstream)
    where: str  # "$" or "$.data.list" or "lines"
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # JSON Lines that do not parse


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _items(text: str, start: int, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """``(offset, value)`` of each element of the array starting at ``text[start] == '['``."""
    i = _skip_ws(text, start + 1)
    if i < len(text) and text[i] == "]":
        return
    while True:
        value, end = decoder.raw_decode(text, i)
        yield i, value
        i = _skip_ws(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
            continue
        return


def _value_offset(text: str, start: int, path: list[str], decoder: json.JSONDecoder) -> int:
    """Offset of the value at ``path`` (object keys) inside the value starting at ``start``."""
    i = start
    for key in path:
        i = _skip_ws(text, i + 1)  # past "{"
        while True:
            name, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, _skip_ws(text, i) + 1)  # past ":"
            if name == key:
                break
            _, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, i) + 1  # past ","
            i = _skip_ws(text, i)
    return i


def _find_records(doc: Any) -> list[str] | None:
    """Path (keys) to the first list of objects, breadth first, preferred keys first."""
    queue: list[tuple[Any, list[str]]] = [(doc, [])]
    while queue:
        node, path = queue.pop(0)
        if isinstance(node, list):
            if node and all(isinstance(x, dict) for x in node[:20]):
                return path
            if not node and path:
                return path
            continue
        if isinstance(node, dict) and len(path) < 4:
            keys = sorted(node, key=lambda k: (str(k).lower() not in _PREFERRED, list(node).index(k)))
            queue.extend((node[k], [*path, k]) for k in keys if isinstance(node[k], (list, dict)))
    return None


def _collect_keys(records: list[tuple[int, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for _, rec in records:
        if isinstance(rec, dict):
            for k in rec:
                keys.setdefault(str(k), None)
    return list(keys)


def read_json(text: str) -> JsonRecords:
    decoder = json.JSONDecoder()
    text = text.lstrip("\ufeff")
    start = _skip_ws(text, 0)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    lines = _Lines(text)
    if isinstance(doc, list):
        path: list[str] | None = []
    else:
        path = _find_records(doc)
    if path is None:
        shape = f"an object with keys {', '.join(list(doc)[:8])}" if isinstance(doc, dict) else type(doc).__name__
        raise SourceError(f"JSON holds no list of records (found {shape}); expected an array of objects")
    offset = _value_offset(text, start, path, decoder)
    rows = [(lines.line(off), value) for off, value in _items(text, offset, decoder)]
    where = "$" + "".join(f".{k}" for k in path)
    return JsonRecords(keys=_collect_keys(rows), rows=rows, where=where)


def read_jsonl(text: str) -> JsonRecords:
    rows: list[tuple[int, Any]] = []
    bad: list[tuple[int, str]] = []
    loads = json.loads
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, loads(line)))
        except json.JSONDecodeError as exc:
            bad.append((number, f"not valid JSON: {exc.msg} at column {exc.colno}"))
    if not rows and bad:
        raise SourceError(f"no line is valid JSON (line {bad[0][0]}: {bad[0][1]})")
    return JsonRecords(keys=_collect_keys(rows), rows=rows, where="lines", bad_lines=bad)


def looks_like_jsonl(text: str) -> bool:
    """Several lines, each a JSON object on its own."""
    lines = [ln.strip() for ln in text[:65536].splitlines() if ln.strip()][:5]
    if len(lines) < 2 or not all(ln.startswith("{") for ln in lines):
        return False
    try:
        json.loads(lines[0])
    except ValueError:
        return False
    return True
