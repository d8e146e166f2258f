"""URL numbering: a page's link and image targets travel between processes as numbers.

Each process that crawls pages numbers the targets it sees (:class:`TargetNumbers`) and sends
each URL, with its label, only once; the crawler keeps one :class:`TargetDecoder` per sending
process (and one for the journal, on ``--resume``) that maps those numbers to the audit's own
(:class:`~checker.engine.context.TargetIndex`)."""

from __future__ import annotations

from array import array

from checker.engine.context import NO_TARGETS, TargetIndex


class TargetNumbers:
    """Numbers for the targets (links or images) one process has seen, in order of first sight.
    A page's targets then travel as an array of numbers, and each URL with its label only once;
    the crawler maps them to the audit's own numbers (:class:`TargetDecoder`)."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def encode(self, found: dict[str, str]) -> tuple[array, list[tuple[str, str]]]:
        """``{url: label}`` -> (numbers, the ``(url, label)`` pairs numbered just now, in order)."""
        numbers = self._numbers
        out = array("I")
        new: list[tuple[str, str]] = []
        for url, label in found.items():
            number = numbers.get(url)
            if number is None:
                number = numbers[url] = len(numbers)
                new.append((url, label))
            out.append(number)
        return out, new


class TargetDecoder:
    """The crawler's side of one process's :class:`TargetNumbers`: its numbers -> the audit's."""

    def __init__(self, index: TargetIndex) -> None:
        self.index = index
        self._table: list[int] = []

    def decode(self, numbers: array, new: list[tuple[str, str]]) -> array:
        number = self.index.number
        self._table.extend(number(url, label) for url, label in new)
        return array("I", map(self._table.__getitem__, numbers)) if numbers else NO_TARGETS
