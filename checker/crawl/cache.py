"""The page cache: an SQLite table of ETag / Last-Modified validators and the *extracted* page,
so a re-audit of an unchanged store revalidates (304) instead of downloading and parsing again.
Keyed by a hash of the extraction config, so new selectors mean fresh pages."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from checker.models import Page


class PageCache:
    """One writer (the main process) and any number of readers (:meth:`reader`, one per crawl
    worker: sqlite connections do not survive a fork)."""

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
