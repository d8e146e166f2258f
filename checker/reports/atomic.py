"""Write a report file whole or not at all: a temporary file beside it, renamed when complete (as the
workbook is), so CI never uploads half a SARIF file after a crash or Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replaced_whole(path: Path, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary file beside ``path`` to write; renamed to ``path`` if the block ends normally,
    removed whatever happens.  The one way every report file (the workbook too) reaches its name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is an ordinary file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomically(path: Path, data: bytes) -> Path:
    with replaced_whole(path) as tmp, open(tmp, "wb") as out:
        out.write(data)
    return Path(path)
