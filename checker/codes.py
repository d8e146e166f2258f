"""Rule codes, in one place: the registry, the config and the reports read them the same way.

A code is its pack's prefix (two or three capital letters: the *area*, e.g. ``AD`` ad wording)
and three digits: ``AD001``.  Config may select a whole area or part of one (``AD``, ``AD0``).
"""

from __future__ import annotations

import re

#: A full rule code: ``AD001``.  Group 1 is the area.
CODE = re.compile(r"([A-Z]{2,3})([0-9]{3})")
#: An area prefix a pack owns: ``AD``.
PREFIX = re.compile(r"[A-Z]{2,3}")
#: What ``select`` / ``ignore`` / ``[severity]`` accept: ``ALL``, an area, or a code or part of one.
SELECTOR = re.compile(r"ALL|[A-Za-z]{1,3}[0-9]{0,3}")


def is_code(text: str) -> bool:
    return CODE.fullmatch(text) is not None


def area_of(code: str) -> str:
    """The area of a code or a code prefix: ``AD001`` -> ``AD``, ``LN`` -> ``LN``."""
    return code.rstrip("0123456789")
