"""The one exception of the sources package: a whole file (or URL) cannot be read."""

from __future__ import annotations


class SourceError(Exception):
    """A file-level problem (unreadable, not the format it claims, no header ...).  The message is the reason
    shown to the user; it never contains a secret."""
