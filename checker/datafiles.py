"""Data files that ops edit (word lists, the units and currency tables, rule cases): read as TOML, and
every way reading one can fail is one error of the caller's kind naming the file, so a broken edit
stops the audit with a line that says where (exit code 2 for the config-error kinds)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


def read_toml(path: Path, error: type[Exception], what: str) -> tuple[dict[str, Any], str]:
    """``(data, text)`` of a UTF-8 TOML file; ``what`` names the file in messages ("the units table")."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: {what} must be UTF-8: {exc}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
