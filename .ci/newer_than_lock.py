"""Print on one line how this interpreter's installed packages differ from a lock file
(`make test-latest` runs it in the venv of the newest releases):

    charset-normalizer 3.5.2 -> 3.5.3, ruff 0.17.6 -> 0.18.0, +newdep 1.0, -olddep 2.1

or `none`. The project itself is left out. Standard library only, but markers (`; sys_platform ==
'win32'`) are evaluated with packaging when it is installed (pytest brings it)."""

from __future__ import annotations

import re
import sys
from importlib.metadata import distributions

PROJECT = "store-checker"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def applies(marker: str) -> bool:
    if not marker:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:
        return True
    return Marker(marker).evaluate()


def locked(path: str) -> dict[str, str]:
    pins = {}
    with open(path, encoding="utf-8") as lock:
        for line in lock:
            match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;([^\\]*))?", line)
            if match and applies((match.group(3) or "").strip()):
                pins[normalise(match.group(1))] = match.group(2)
    return pins


def main(lock_path: str) -> None:
    pins = locked(lock_path)
    installed = {normalise(dist.metadata["Name"]): dist.version for dist in distributions()}
    installed.pop(PROJECT, None)
    changes = []
    for name in sorted(pins.keys() | installed.keys()):
        old, new = pins.get(name), installed.get(name)
        if old is None:
            changes.append(f"+{name} {new}")
        elif new is None:
            changes.append(f"-{name} {old}")
        elif old != new:
            changes.append(f"{name} {old} -> {new}")
    print(", ".join(changes) or "none")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "requirements-lock.txt")
