"""Where :mod:`checker.text` gets its tables from and keeps them: OpenCC, and files in the user's cache folder.

Deriving the character tables takes about 0.3 s (mostly loading OpenCC's phrase dictionaries), and every
crawl process needs them, so the derived data is kept on disk between processes (:class:`Derived`), under
a name that changes whenever anything it is derived from does (:func:`cache_stem`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")


@cache
def opencc_module() -> Any:
    try:
        import opencc
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ImportError(
            "store-checker needs the 'opencc' package for Traditional/Simplified Chinese: pip install 'opencc>=1.1.9'"
        ) from exc
    return opencc


@cache
def opencc(config: str) -> Any:
    return opencc_module().OpenCC(config)


def cache_stem(*sources: Path) -> Path | None:
    """Where :class:`Derived` keeps its files: the user's cache folder, under a name made of a
    hash of everything the data is derived from (the ``sources`` of the modules deriving it and of
    this one, the Python version and its Unicode database, OpenCC's version and dictionary files).
    A file found there is therefore never stale; a change to any of these simply means other file
    names.  ``None`` when there is no home folder or the inputs cannot be read."""
    try:
        module = opencc_module()
        root = Path(module.__file__).parent
        dictionaries = sorted(
            (path.relative_to(root).as_posix(), path.stat().st_size, path.stat().st_mtime_ns)
            for path in root.rglob("*")
            if path.suffix in (".ocd2", ".ocd", ".json", ".txt")
        )
        code = tuple(path.read_bytes() for path in (*sources, Path(__file__)))
        inputs = (code, sys.version, unicodedata.unidata_version, getattr(module, "__version__", ""), dictionaries)
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "store-checker"
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return folder / f"text-{hashlib.sha256(repr(inputs).encode()).hexdigest()[:24]}"


class Derived:
    """Data derived once and kept on disk between processes: one JSON file per entry (nothing in
    it is run), named ``<stem>-<entry>.json``.

    Anything wrong with a file -- no cache folder, a read-only disk, a truncated or foreign file
    -- only means deriving the data again, silently: the results never depend on the cache.
    Writes go to a temporary file renamed over the old one, so a reader never sees half a file.
    """

    def __init__(self, stem: Path | None) -> None:
        self.stem = stem

    def _path(self, name: str) -> Path | None:
        return None if self.stem is None else self.stem.with_name(f"{self.stem.name}-{name}.json")

    def get(self, name: str, decode: Callable[[Any], _T]) -> _T | None:
        """The entry ``name`` from its file, or ``None``; ``decode`` raises on anything malformed."""
        path = self._path(name)
        try:
            return None if path is None else decode(json.loads(path.read_text(encoding="utf-8")))
        except Exception:  # missing, or a damaged file: derive again
            return None

    def load(self, name: str, derive: Callable[[], _T], encode: Callable[[_T], Any], decode: Callable[[Any], _T]) -> _T:
        """The entry ``name`` from its file, else ``derive()`` (then stored)."""
        value = self.get(name, decode)
        if value is None:
            value = derive()
            self.store(name, encode(value))
        return value

    def store(self, name: str, value: Any) -> None:
        path = self._path(name)
        if path is None:
            return
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh)
            os.replace(tmp, path)
        except (OSError, ValueError):
            if tmp is not None:
                with suppress(OSError):
                    os.unlink(tmp)


def encode_table(table: dict[int, str]) -> list[tuple[int, str]]:
    return list(table.items())


def decode_table(data: Any) -> dict[int, str]:
    table = {cp: char for cp, char in data}
    if not all(type(cp) is int and type(char) is str and len(char) == 1 for cp, char in table.items()):
        raise ValueError("not a character table")
    return table


def decode_chars(data: Any) -> frozenset[str]:
    if type(data) is not str:
        raise ValueError("not a string")
    return frozenset(data)
