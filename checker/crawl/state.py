"""What survives an interrupted or repeated crawl.

* :class:`CrawlState` -- an append-only JSON Lines journal of every finished page (as its
  :class:`~checker.crawl.pages.PageOutcome`: slim page, links, images, findings) and every
  check, so ``--resume`` continues where Ctrl-C or a crash stopped (a torn last line is ignored).
* :class:`PageCache` -- an SQLite table of ETag / Last-Modified validators and the *extracted*
  page, so a re-audit of an unchanged store revalidates (304) instead of downloading and
  parsing again.  Keyed by a hash of the extraction config, so new selectors mean fresh pages.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from checker.models import FetchResult, Page

if TYPE_CHECKING:
    from checker.crawl.pages import PageOutcome


#: The journal line where its writer starts numbering links and images afresh (a new process,
#: or this one resuming): page lines refer to URLs by those numbers.
NUMBERS_RESTART = '{"kind": "numbers"}'


class CrawlState:
    """The journal of the main process (``.crawl-state.jsonl``) and, beside it, one per crawl
    shard (``.crawl-state.shard-N.jsonl``): each process writes the pages it crawled."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = None

    def _shard_files(self) -> list[Path]:
        return sorted(self.path.parent.glob(self.path.stem + ".shard-*" + self.path.suffix))

    def for_shard(self, number: int) -> CrawlState:
        """The journal of shard ``number``, opened for appending (in the shard's process)."""
        state = CrawlState(self.path.with_name(f"{self.path.stem}.shard-{number}{self.path.suffix}"))
        state._fh = state.path.open("a", encoding="utf-8")
        state.write(NUMBERS_RESTART)
        return state

    def load(self, start: list[str]) -> tuple[list[PageOutcome], dict[str, FetchResult]]:
        """Pages (as their outcomes) and checks recorded for the same start URLs."""
        from checker.crawl.pages import JournalNumbers, TargetNumbers, outcome_from_record

        pages: list[PageOutcome] = []  # in order, repeats included: the numbering runs through all
        numbers = (TargetNumbers(), TargetNumbers())  # the journal's own numbering of links, images
        checked: dict[str, FetchResult] = {}
        if not self.path.is_file():
            return [], checked
        for path in (self.path, *self._shard_files()):
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
            for old in self._shard_files():
                old.unlink()
            self.write(json.dumps({"kind": "start", "start": start}, ensure_ascii=False))
        self.write(NUMBERS_RESTART)

    def write(self, line: str) -> None:
        """One record, already serialised (page outcomes are, by the process that crawled them)."""
        if self._fh is not None:
            self._fh.write(line + "\n")

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
            for path in (self.path, *self._shard_files()):
                path.unlink(missing_ok=True)


class PageCache:
    """One writer (the main process) and any number of readers (:meth:`reader`, one per crawl
    shard: sqlite connections do not survive a fork)."""

    def __init__(self, path: Path, config_key: str, *, read_only: bool = False) -> None:
        self.path = path
        self.config_key = config_key
        self.hits = 0
        if read_only:
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, config TEXT, etag TEXT, "
            "last_modified TEXT, page TEXT)"
        )
        self.db.commit()  # readers in other processes need the table to exist

    @staticmethod
    def key_for(extract_config: dict) -> str:
        return hashlib.sha1(json.dumps(extract_config, sort_keys=True).encode()).hexdigest()[:12]

    def reader(self) -> PageCache:
        return PageCache(self.path, self.config_key, read_only=True)

    def validators(self, url: str) -> dict[str, str]:
        row = self.db.execute(
            "SELECT etag, last_modified FROM pages WHERE url = ? AND config = ?", (url, self.config_key)
        ).fetchone()
        if row is None:
            return {}
        headers = {}
        if row[0]:
            headers["If-None-Match"] = row[0]
        if row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def cached_page(self, url: str) -> Page | None:
        row = self.db.execute("SELECT page FROM pages WHERE url = ? AND config = ?", (url, self.config_key)).fetchone()
        return Page.model_validate_json(row[0]) if row else None

    def store(self, url: str, etag: str | None, last_modified: str | None, page_json: str) -> None:
        if etag or last_modified:
            self.db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                            (url, self.config_key, etag, last_modified, page_json))

    def close(self) -> None:
        self.db.commit()
        self.db.close()
