"""The crawl journal: what survives an interrupted crawl, so ``--resume`` continues where Ctrl-C
or a crash stopped.

:class:`Journal` is an append-only JSON Lines file of every finished page (as its
:class:`~checker.crawl.outcome.PageOutcome`: slim page, links, images, findings) and every
target check; a torn last line is ignored.  The record codec is here too: :func:`journal_record`
writes a page line, :class:`JournalNumbers` and :func:`outcome_from_record` read it back.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from checker.crawl.numbers import TargetNumbers
from checker.crawl.outcome import PageOutcome
from checker.engine.pagestore import PageEntry
from checker.messages import NOTHING_TO_RESUME, RESUMED
from checker.models import ErrorRecord, FetchResult, Finding, Page

#: The journal line where its writer starts numbering links and images afresh (a new process,
#: or this one resuming): page lines refer to URLs by those numbers.
NUMBERS_RESTART = '{"kind": "numbers"}'


#: The journal of crawl worker N is ``.crawl-state.shard-N.jsonl`` ("shard" was the workers' earlier
#: name; the file name stays, so that a crawl interrupted before the rename still resumes).
WORKER_FILE = "shard"


class Journal:
    """The journal of the main process (``.crawl-state.jsonl``) and, beside it, one per crawl
    worker (:data:`WORKER_FILE`): each process writes the pages it crawled."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = None

    def _worker_files(self) -> list[Path]:
        return sorted(self.path.parent.glob(f"{self.path.stem}.{WORKER_FILE}-*{self.path.suffix}"))

    def for_worker(self, number: int) -> Journal:
        """The journal of worker ``number``, opened for appending (in the worker's process)."""
        journal = Journal(self.path.with_name(f"{self.path.stem}.{WORKER_FILE}-{number}{self.path.suffix}"))
        journal._fh = journal.path.open("a", encoding="utf-8")
        journal.write(NUMBERS_RESTART)
        return journal

    def load(self, start: list[str]) -> tuple[list[PageOutcome], dict[str, FetchResult]]:
        """Pages (as their outcomes) and checks recorded for the same start URLs."""
        pages: list[PageOutcome] = []  # in order, repeats included: the numbering runs through all
        numbers = (TargetNumbers(), TargetNumbers())  # the journal's own numbering of links, images
        checked: dict[str, FetchResult] = {}
        if not self.path.is_file():
            return [], checked
        for path in (self.path, *self._worker_files()):
            writer = JournalNumbers()  # each file has its own writer
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue  # the line being written when the process died
                    kind = record.get("kind")
                    if kind == "start" and record.get("start") != start:
                        return [], {}
                    if kind == "page":
                        pages.append(outcome_from_record(record, writer, *numbers))
                    elif kind == "numbers":
                        writer.restart()
                    elif kind == "checked":
                        result = FetchResult.model_validate(record["result"])
                        checked[result.url] = result
        return pages, checked

    def open(self, start: list[str], resume: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (resume and self.path.is_file())
        self._fh = self.path.open("w" if fresh else "a", encoding="utf-8")
        if fresh:
            for old in self._worker_files():
                old.unlink()
            self.write(json.dumps({"kind": "start", "start": start}, ensure_ascii=False))
        self.write(NUMBERS_RESTART)

    def write(self, line: str) -> None:
        """One record, already serialised (page outcomes are, by the process that crawled them)."""
        if self._fh is not None:
            self._fh.write(line + "\n")

    def page(self, outcome: PageOutcome, page_json: str) -> None:
        """A finished page (``page_json``: its slim page, already serialised)."""
        self.write(journal_record(outcome, page_json))

    def checked(self, result: FetchResult) -> None:
        self.write(f'{{"kind": "checked", "result": {result.model_dump_json()}}}')

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self, finished: bool) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if finished:
            for path in (self.path, *self._worker_files()):
                path.unlink(missing_ok=True)


def journal_record(outcome: PageOutcome, page_json: str) -> str:
    """The crawl-state (journal) line of a page (``page_json``: the slim page's JSON).  Links and
    images are the writing process's numbers, each URL written once, with its label, on the line
    that numbered it (``new_links``, ``new_images``); :class:`JournalNumbers` reads them back."""
    return (f'{{"kind": "page", "depth": {outcome.depth}, "page": {page_json}, '
            f'"links": {json.dumps(outcome.links.tolist())}, '
            f'"new_links": {json.dumps(outcome.new_links, ensure_ascii=False)}, '
            f'"images": {json.dumps(outcome.images.tolist())}, "new_images": {json.dumps(outcome.new_images)}, '
            f'"findings": [{",".join(f.model_dump_json() for f in outcome.findings)}], '
            f'"errors": [{",".join(e.model_dump_json() for e in outcome.errors)}]}}')


class JournalNumbers:
    """The numbering of one journal writer (a process), as its lines are read back in order.
    ``restart()`` where a writer started numbering afresh (the journal marks it)."""

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self._links: list[tuple[str, str]] = []
        self._images: list[tuple[str, str]] = []

    def targets(self, record: dict) -> tuple[dict[str, str], dict[str, str]]:
        """A page line's links ``{url: text}`` and images ``{url: role}``; the text and role are
        those first written for the URL."""
        self._links.extend(map(tuple, record.get("new_links") or ()))
        self._images.extend(map(tuple, record.get("new_images") or ()))
        links, images = self._links, self._images
        return dict(links[n] for n in record.get("links") or ()), dict(images[n] for n in record.get("images") or ())


def outcome_from_record(record: dict, numbers: JournalNumbers, link_numbers: TargetNumbers,
                        image_numbers: TargetNumbers) -> PageOutcome:
    """A journal line back to an outcome, numbered by the journal's own :class:`TargetNumbers`."""
    found_links, found_images = numbers.targets(record)
    links, new_links = link_numbers.encode(found_links)
    images, new_images = image_numbers.encode(found_images)
    return PageOutcome(
        page=PageEntry.of(Page.model_validate(record["page"])), depth=record.get("depth", 0),
        links=links, new_links=new_links, images=images, new_images=new_images,
        follow=list(found_links),
        findings=[Finding.model_validate(f) for f in record.get("findings", [])],
        errors=[ErrorRecord.model_validate(e) for e in record.get("errors", [])],
    )


JOURNAL_NAME = ".crawl-state.jsonl"


def resume_port(work_dir: Path) -> int:
    """The 127.0.0.1 port of the interrupted crawl in ``work_dir``'s journal, for ``--serve --resume``:
    serving on it again gives the same start URLs, so the journal matches; 0 (any port) when none."""
    try:
        with (work_dir / JOURNAL_NAME).open(encoding="utf-8") as fh:
            start = json.loads(fh.readline()).get("start") or []
    except (OSError, ValueError, AttributeError):
        return 0
    ports = {urlsplit(url).port for url in start if urlsplit(url).hostname == "127.0.0.1"}
    return ports.pop() if len(ports) == 1 and None not in ports else 0


def resume_note(resumed_pages: int, work_dir: Path) -> str:
    """What ``--resume`` did, in one line: never start over without a word."""
    where = work_dir / JOURNAL_NAME
    if resumed_pages:
        return RESUMED.format(n=resumed_pages, where=where)
    return NOTHING_TO_RESUME.format(where=where)
