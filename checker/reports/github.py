"""``--format github`` (or running under GitHub Actions, ``GITHUB_ACTIONS=true``): workflow commands
that GitHub shows as annotations on the run and, for files in the repository, on their lines.
Printed to standard output; no file is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from checker.reports.records import Row, clean
from checker.reports.sarif import file_uri

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
#: GitHub shows only the first few annotations per step anyway; the rest are counted in one line.
MAX_ANNOTATIONS = 200


def _data(text: str) -> str:
    return clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(rows: list[Row], base: Path | None = None, *, limit: int = MAX_ANNOTATIONS) -> Iterator[str]:
    """One ``::error file=…,line=…,title=…::message`` line per finding, most severe first; ``base``: the
    folder relative export paths are read from."""
    for row in rows[:limit]:
        f = row.finding
        props = []
        if f.source is not None and f.source.file:
            props.append(f"file={_property(file_uri(f.source.file, base))}")
            if f.source.row:
                props.append(f"line={f.source.row}")
        props.append(f"title={_property(' '.join(x for x in (f.code, f.sku or '') if x))}")
        where = f.url or (str(f.source) if f.source else "")
        message = f"{f.message} ({where})" if where else f.message
        yield f"::{COMMANDS[f.severity.value]} {','.join(props)}::{_data(message)}"
    if len(rows) > limit:
        yield f"::notice title=store-checker::{_data(f'另有 {len(rows) - limit} 条未标注 / {len(rows) - limit} more findings not annotated: see the reports')}"
