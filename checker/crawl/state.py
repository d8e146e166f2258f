"""What survives an interrupted or repeated crawl.

* :class:`CrawlState` -- an append-only JSON Lines journal of every finished page and check, so
  ``--resume`` continues where Ctrl-C or a crash stopped (a torn last line is ignored).
* :class:`PageCache` -- an SQLite table of ETag / Last-Modified validators and the *extracted*
  page, so a re-audit of an unchanged store revalidates (304) instead of downloading and
  parsing again.  Keyed by a hash of the extraction config, so new selectors mean fresh pages.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from checker.models import FetchResult, Page


class CrawlState:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = None

    def load(self, start: list[str]) -> tuple[dict[str, tuple[Page, int]], dict[str, FetchResult]]:
        """Pages (with their depth) and checks recorded for the same start URLs."""
        pages: dict[str, tuple[Page, int]] = {}
        checked: dict[str, FetchResult] = {}
        if not self.path.is_file():
            return pages, checked
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # the line being written when the process died
                kind = record.get("kind")
                if kind == "start" and record.get("start") != start:
                    return {}, {}
                if kind == "page":
                    page = Page.model_validate(record["page"])
                    pages[page.url] = (page, record.get("depth", 0))
                elif kind == "checked":
                    result = FetchResult.model_validate(record["result"])
                    checked[result.url] = result
        return pages, checked

    def open(self, start: list[str], resume: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (resume and self.path.is_file())
        self._fh = self.path.open("w" if fresh else "a", encoding="utf-8")
        if fresh:
            self._write({"kind": "start", "start": start})

    def _write(self, record: dict) -> None:
        if self._fh is not None:
            self._fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

    def page(self, page: Page, depth: int) -> None:
        # pydantic's own JSON encoder: json.dumps(model_dump()) cost ~1 ms per page here
        if self._fh is not None:
            self._fh.write(f'{{"kind": "page", "depth": {depth}, "page": {page.model_dump_json()}}}\n')

    def checked(self, result: FetchResult) -> None:
        if self._fh is not None:
            self._fh.write(f'{{"kind": "checked", "result": {result.model_dump_json()}}}\n')

    def close(self, finished: bool) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if finished and self.path.exists():
            self.path.unlink()


class PageCache:
    def __init__(self, path: Path, config_key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, config TEXT, etag TEXT, "
            "last_modified TEXT, page TEXT)"
        )
        self.config_key = config_key
        self.hits = 0

    @staticmethod
    def key_for(extract_config: dict) -> str:
        return hashlib.sha1(json.dumps(extract_config, sort_keys=True).encode()).hexdigest()[:12]

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

    def store(self, page: Page, headers: dict[str, str]) -> None:
        etag, modified = headers.get("etag"), headers.get("last-modified")
        if not (etag or modified):
            return
        self.db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
            (page.url, self.config_key, etag, modified, page.model_dump_json()),
        )

    def close(self) -> None:
        self.db.commit()
        self.db.close()
