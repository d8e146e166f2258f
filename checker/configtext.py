"""Config errors in plain words: where a key sits in the TOML text (``[[sources]]`` entries counted, so
an error in the second one points at its line and says "sources #2"), and pydantic's validation
errors rewritten for an ops person ("unknown key ... did you mean concurrency?", not "Extra inputs are
not permitted"), every one of them at once, in the file's order.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from checker.messages import CONFIG_BOUNDS, CONFIG_INVALID, CONFIG_ONE_OF, CONFIG_PLAIN, CONFIG_UNKNOWN_KEY

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")

Loc = tuple[str | int, ...]


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def key_line(text: str, loc: Loc) -> int | None:
    """Best-effort line number (1-based) of a key in TOML text.  ``loc`` may hold array-of-tables
    indexes (``("sources", 1, "path")``: the second ``[[sources]]``'s path); the nearest enclosing
    table or key when the key itself is absent (a missing key, an item of an inline list)."""
    arrays: dict[tuple, int] = {}  # an array of tables (its resolved path) -> entries seen so far
    table: tuple = ()
    best: int | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            resolved: tuple = ()
            parts = _split_key(header.group(2))
            for n, part in enumerate(parts):
                resolved += (part,)
                last = n == len(parts) - 1
                if last and header.group(1) == "[[":
                    arrays[resolved] = arrays.get(resolved, 0) + 1
                if resolved in arrays:
                    resolved += (arrays[resolved] - 1,)
            table = resolved
            if table and loc[: len(table)] == table:
                best = lineno
            continue
        key = _KEY.match(raw)
        if key:
            full = table + _split_key(key.group(1))
            if full == loc[: len(full)]:
                if full == loc:
                    return lineno
                best = lineno
    return best


def label(loc: Loc) -> str:
    """``("sources", 1, "path")`` -> ``sources #2.path``; ``("start", 0)`` -> ``start #1``."""
    out = ""
    for part in loc:
        out += f" #{part + 1}" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that holds the last key of ``loc`` (for the "did you mean" of an unknown key)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = current.model_fields[part].annotation
        while typing.get_origin(current) in (list, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[0] if args else None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def plain_message(err: dict, model: type[BaseModel]) -> str:
    """One pydantic error in plain words, bilingual; the value given is quoted where it helps."""
    kind, loc, ctx = err["type"], tuple(err["loc"]), err.get("ctx") or {}
    if kind == "extra_forbidden":
        holder = _model_at(model, loc)
        near = difflib.get_close_matches(str(loc[-1]), list(holder.model_fields), n=1) if holder else []
        hint = f": did you mean {near[0]}?" if near else ""
        return f"{CONFIG_UNKNOWN_KEY}{hint}"
    if kind in CONFIG_BOUNDS:
        name, words = CONFIG_BOUNDS[kind]
        limit = ctx.get(name, ctx.get("limit_value"))
        return f"{words} {limit:g} (got {err.get('input')!r})" if isinstance(limit, float) else \
            f"{words} {limit} (got {err.get('input')!r})"
    if kind in ("literal_error", "enum"):
        return CONFIG_ONE_OF.format(expected=ctx.get("expected", ""), got=err.get("input"))
    if kind in ("value_error", "assertion_error"):
        return CONFIG_INVALID.format(reason=str(ctx.get("error", err["msg"])).removeprefix("Value error, "))
    if kind in CONFIG_PLAIN:
        shown = f" (got {err.get('input')!r})" if kind != "missing" else ""
        return CONFIG_PLAIN[kind] + shown
    return err["msg"]


def validation_problems(exc: ValidationError, model: type[BaseModel], path: Path, text: str,
                        prefix: tuple[str, ...] = ()) -> list[str]:
    """Every error of a validation, one line each: ``file:line: key: plain message``.  A union that
    failed on each of its members (``fail_on``) is reported once, by its first member."""
    lines: list[tuple[int, str]] = []
    seen: set[Loc] = set()
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p == "function-after")))
        if loc in seen:
            continue
        seen.add(loc)
        line = key_line(text, prefix + loc)
        where = f"{path}:{line}" if line else str(path)
        lines.append((line or 0, f"{where}: {label(loc)}: {plain_message({**err, 'loc': loc}, model)}"))
    return [text for _, text in sorted(lines, key=lambda item: item[0])]  # in the file's order
