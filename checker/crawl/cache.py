"""The page cache: an SQLite table of ETag / Last-Modified validators and the *extracted* page,
so a re-audit of an unchanged store revalidates (304) instead of downloading and parsing again.
Keyed by a hash of the extraction config, so new selectors mean fresh pages.

Made so that the cache can slow no page down and fail none (issue 22: a main process holding the
write lock made every crawl worker wait SQLite's 5 s busy timeout, then fail the page):

* WAL journal: readers never wait for the writer, nor the writer for them; the one writer (the
  main process) commits in batches, and a second audit writing the same file is never waited for
  (``timeout=0``: its rows are simply not cached this time);
* the validators of every cached page are read into memory once, when the cache is opened (the
  forked crawl workers inherit them): asking for them never touches the disk;
* the cached page is read only on a 304, in a thread of the process's own, so the event loop never
  waits on the disk; every write goes through that thread too; before any fork the thread ends and
  its connection closes (a forked crawl worker inherits neither: both come back when needed);
* any SQLite or disk error turns the cache off for the rest of the audit (:attr:`PageCache.problem`
  says why) and the page is fetched whole.

The page is kept whole (page rules and the target index need its links, images and copy), as
zlib-compressed JSON: 9.9 KB -> 3.0 KB a page on the bench store (level 1: 82 us to compress, in
the crawl worker, 33 us to decompress); the slim page (1.2 KB) would also need its links, images
and findings, and findings depend on the day and the rules chosen.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import os
import sqlite3
import time
import weakref
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checker.models import Page

#: Pages written in one transaction, and the longest a written page waits for its commit (s).
COMMIT_EVERY = 256
COMMIT_INTERVAL = 1.0
#: zlib level of the stored page JSON (1: the fastest; 6 saves another 4 % at 1.6x the time).
ZLIB_LEVEL = 1
#: The stored page's format (1: page JSON as text; 2: zlib-compressed page JSON).
FORMAT = 2

_SCHEMA = ("CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, config TEXT, etag TEXT, "
           "last_modified TEXT, page BLOB)")

_open_caches: weakref.WeakSet[PageCache] = weakref.WeakSet()


def _park_before_fork() -> None:
    """A child must inherit neither a thread inside SQLite (its locks would stay held) nor an open
    connection: each cache closes its connection and ends its thread (both come back when next
    needed)."""
    for cache in list(_open_caches):
        cache.park()


os.register_at_fork(before=_park_before_fork)


def compress_page(page: Page) -> bytes:
    """A page as the cache stores it (done by whichever process extracted it)."""
    return zlib.compress(page.model_dump_json().encode(), ZLIB_LEVEL)


class PageCache:
    """One writer (the main process) and any number of readers (:meth:`reader`, one per crawl
    worker).  Every database call runs in one thread of the calling process, with its own
    connection (sqlite connections survive neither a fork nor a change of thread)."""

    def __init__(self, path: Path, config_key: str) -> None:
        self.path = path
        self.config_key = config_key
        self.hits = 0
        self.problem: str | None = None  # why the cache was turned off, if it was
        self._known: dict[str, tuple[str | None, str | None]] = {}  # url -> (etag, last-modified)
        self._pending: list[tuple] = []
        self._last_commit = time.monotonic()
        self._pid = os.getpid()
        self._thread: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None  # the thread's
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._known = self._call(self._open_and_load)
        except (sqlite3.Error, OSError) as exc:
            self._turn_off(exc)
        _open_caches.add(self)

    @staticmethod
    def key_for(extract_config: dict) -> str:
        """The extraction config's key (and the storage format's: rows of another are never read)."""
        keyed = {"extract": extract_config, "format": FORMAT}
        return hashlib.sha1(json.dumps(keyed, sort_keys=True).encode()).hexdigest()[:12]

    # ------------------------------------------------------------------ the cache thread
    def _executor(self) -> ThreadPoolExecutor:
        if self._pid != os.getpid():  # a forked copy: the parent's thread and connection are not ours
            self._pid, self._thread, self._db = os.getpid(), None, None
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-cache")
        return self._thread

    def _call(self, fn, *args):
        """``fn(*args)`` in the cache thread, waited for."""
        return self._executor().submit(fn, *args).result()

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, timeout=0)  # never wait for a lock
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # a cache: a power cut may lose the last batch
        return self._db

    def _open_and_load(self) -> dict[str, tuple[str | None, str | None]]:
        db = self._connection()
        db.execute(_SCHEMA)
        db.commit()
        rows = db.execute("SELECT url, etag, last_modified FROM pages WHERE config = ?", (self.config_key,))
        return {url: (etag, last_modified) for url, etag, last_modified in rows}

    def _turn_off(self, exc: BaseException) -> None:
        if self.problem is None:
            self.problem = f"{type(exc).__name__}: {exc}"
        self._known = {}
        self._pending = []

    def park(self) -> None:
        """Close the connection and end the thread, after the writes already handed to it."""
        if self._thread is not None and self._pid == os.getpid():
            self._thread.submit(self._close_connection).result()
            self._thread.shutdown()
            self._thread = None

    # ------------------------------------------------------------------ readers (any process)
    def reader(self) -> PageCache:
        """This cache for a forked crawl worker: the same validators, no writes of its own."""
        clone = copy.copy(self)
        clone._pending = []
        clone._executor()  # a thread and a connection of its own
        return clone

    def validators(self, url: str) -> dict[str, str]:
        """The conditional-request headers for ``url`` (from memory: never waits)."""
        known = self._known.get(url)
        if known is None:
            return {}
        headers = {}
        if known[0]:
            headers["If-None-Match"] = known[0]
        if known[1]:
            headers["If-Modified-Since"] = known[1]
        return headers

    def _read_page(self, url: str) -> bytes | None:
        row = self._connection().execute(
            "SELECT page FROM pages WHERE url = ? AND config = ?", (url, self.config_key)).fetchone()
        return row[0] if row else None

    async def cached_page(self, url: str) -> Page | None:
        """The page stored for ``url``, read off the event loop; None if it cannot be had."""
        if self.problem is not None:
            return None
        try:
            data = await asyncio.get_running_loop().run_in_executor(self._executor(), self._read_page, url)
        except (sqlite3.Error, OSError) as exc:  # a broken file: pages are fetched whole from now on
            self._turn_off(exc)
            return None
        try:
            return Page.model_validate_json(zlib.decompress(data)) if data is not None else None
        except (zlib.error, ValueError):  # a broken row: this page is fetched whole
            return None

    # ------------------------------------------------------------------ the writer (main process)
    def store(self, url: str, etag: str | None, last_modified: str | None, page: bytes) -> None:
        """Keep a page (``page``: from :func:`compress_page`); written in batches, off this thread."""
        if self.problem is not None or not (etag or last_modified):
            return
        self._pending.append((url, self.config_key, etag, last_modified, page))
        if len(self._pending) >= COMMIT_EVERY or time.monotonic() - self._last_commit >= COMMIT_INTERVAL:
            self._flush()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        self._last_commit = time.monotonic()
        if batch:
            self._executor().submit(self._write, batch)

    def _write(self, batch: list[tuple]) -> None:
        if self.problem is not None:
            return
        try:
            db = self._connection()
            with db:
                db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)", batch)
        except (sqlite3.Error, OSError) as exc:
            self._turn_off(exc)

    def close(self) -> None:
        """Write what is pending, and let the thread and its connection go."""
        if self._pid != os.getpid():
            return
        self._flush()
        self.park()
        _open_caches.discard(self)

    def _close_connection(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error as exc:
                self._turn_off(exc)
            self._db = None
