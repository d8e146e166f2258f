"""The crawled pages of one audit, kept small, and mostly on disk.

A page object with its product, as pydantic builds it, takes ~9 KB; 100,000 of them were most
of the 1.3 GB the audit needed at that size.  Once its own page and product rules have run, a
page is only read again by site-wide rules (which links are dead, which images broken) and the
report, so a crawl process sends each page as a :class:`PageEntry`: those few facts, plus the
whole slim page as JSON (~1 KB; the same text the crawl journal records, and faster to write and
read back than a pickle).  Kept in memory, those blobs still came to ~150 MB at 100,000 pages,
though they are read back only when someone asks for a whole page; so the store appends them to
a temporary file (:class:`RecordFile`) and keeps a :class:`StoredPage` per page: the facts, and
the page's number in that file.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from checker.models import Page, Product

#: How much :meth:`RecordFile.__iter__` reads at a time.
READ_BATCH = 1 << 20


def _nameless_file(directory: str | os.PathLike | None) -> int:
    """A descriptor of a new file with no name (gone when closed), in ``directory``."""
    with tempfile.TemporaryFile(dir=directory) as file:
        return os.dup(file.fileno())


class RecordFile:
    """Numbered byte records, appended to an anonymous temporary file; in memory only where each
    record ends (8 bytes a record).  Meant for data written once and read rarely.

    The file has no name: it goes with this object, or with the process however that ends.  It is
    opened on the first non-empty record, so a small audit opens few.  Crawl workers are forked
    while it is open, so only its descriptor is kept, written with ``os.pwrite`` and read with
    ``os.pread`` at offsets kept here: no buffer a child could flush again, no shared file
    position.  Not fsync'ed: it never outlives the process.

    ``directory``: where the file is made (None: the system's temporary folder).  An audit puts
    it beside its workbook and crawl journal (:meth:`AuditContext.keep_files_in`): at 100,000
    pages the files take ~150 MB, which a small ``/tmp`` may not have."""

    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.directory = directory  # read when the file is opened, at the first non-empty record
        self._fd: int | None = None
        self._ends = array("Q")  # record number -> where it ends in the file

    def append(self, data: bytes | array) -> int:
        """Add a record; returns its number."""
        view = memoryview(data).cast("B")
        start = self._ends[-1] if self._ends else 0
        if view:
            if self._fd is None:
                self._fd = self._open()
                weakref.finalize(self, os.close, self._fd)
            done = 0
            while done < len(view):
                done += os.pwrite(self._fd, view[done:], start + done)
        self._ends.append(start + len(view))  # only once written: a failed write files nothing
        return len(self._ends) - 1

    def _open(self) -> int:
        """A descriptor of a new nameless file in :attr:`directory`, or in the system's temporary
        folder when that one cannot take it (gone, read-only)."""
        try:
            return _nameless_file(self.directory)
        except OSError:
            if self.directory is None:
                raise
            return _nameless_file(None)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, number: int) -> bytes:
        if not 0 <= number < len(self._ends):
            raise IndexError(f"record {number} of {len(self._ends)}")
        start = self._ends[number - 1] if number else 0
        return self._read(start, self._ends[number] - start)

    def __iter__(self) -> Iterator[memoryview]:
        """Every record in order, read about :data:`READ_BATCH` bytes at a time."""
        ends, number, start = self._ends, 0, 0
        while number < len(ends):
            last = max(bisect_right(ends, start + READ_BATCH, number), number + 1)
            batch = memoryview(self._read(start, ends[last - 1] - start))
            offset = 0
            for end in ends[number:last]:
                yield batch[offset:end - start]
                offset = end - start
            number, start = last, ends[last - 1]

    def _read(self, start: int, size: int) -> bytes:
        if not size:
            return b""
        data = os.pread(self._fd, size, start)
        while len(data) < size:  # a short read: only if the file was cut behind our back
            more = os.pread(self._fd, size - len(data), start + len(data))
            if not more:
                raise OSError(f"page store file ends at {start + len(data)}, expected {start + size}")
            data += more
        return data

    def __repr__(self) -> str:
        return f"<RecordFile of {len(self._ends)} records>"


class PageEntry(NamedTuple):
    """A page as a crawl process sends it: the facts site rules read, and the slim page's JSON."""

    url: str  # as requested (normalised)
    final_url: str | None  # after redirects
    ok: bool
    failure: str  # why it failed ("" when ok)
    skipped: bool  # not fetched on purpose (robots.txt)
    redirect_loop: bool
    sku: str | None
    off_shelf: bool  # its product is marked discontinued / 下架
    has_product: bool
    blob: bytes  # the slim Page, as JSON

    @classmethod
    def of(cls, page: Page, page_json: str | None = None) -> PageEntry:
        """``page_json``: ``page.model_dump_json()`` if the caller has it already (the journal's)."""
        from checker.extract import is_off_shelf

        fetch, product = page.fetch, page.product
        return cls(page.url, fetch.final_url, fetch.ok, "" if fetch.ok else fetch.failure, fetch.skipped,
                   fetch.redirect_loop, product.sku if product else None, is_off_shelf(product),
                   product is not None, (page_json or page.model_dump_json()).encode())

    def page(self) -> Page:
        return Page.model_validate_json(self.blob)


class _ProductOnly(BaseModel):
    """A stored page's JSON read for its product alone (the rest is parsed, not validated)."""

    model_config = ConfigDict(extra="ignore")
    product: Product | None = None


class StoredPage(NamedTuple):
    """A page as :class:`PageStore` keeps it: the facts of its :class:`PageEntry` (same fields,
    same order), and where its JSON is."""

    url: str
    final_url: str | None
    ok: bool
    failure: str
    skipped: bool
    redirect_loop: bool
    sku: str | None
    off_shelf: bool
    has_product: bool
    number: int  # its page number, and its record in ``blobs``
    blobs: RecordFile  # the store's

    def page(self) -> Page:
        return Page.model_validate_json(self.blobs[self.number])


class PageStore(Mapping[str, Page]):
    """URL -> :class:`Page` (read back and validated on each access: use :meth:`entry` for the
    facts), with page numbers in filing order (the numbers
    :class:`~checker.engine.context.TargetIndex` uses)."""

    def __init__(self) -> None:
        self._entries: dict[str, StoredPage] = {}
        self._numbered: list[StoredPage] = []
        self._by_final: dict[str, str] = {}  # final URL -> requested URL, where they differ
        self._blobs = RecordFile()  # page number -> the slim page's JSON
        self.ok_count = 0
        self.product_count = 0

    @property
    def records(self) -> RecordFile:
        """The temporary file of the pages' JSON."""
        return self._blobs

    def add(self, entry: PageEntry | Page) -> int:
        """File a page (read-only from now on); returns its page number."""
        if isinstance(entry, Page):
            entry = PageEntry.of(entry)
        number = self._blobs.append(entry.blob)
        stored = StoredPage(*entry[:-1], number, self._blobs)
        self._entries[stored.url] = stored
        self._numbered.append(stored)
        if stored.final_url and stored.final_url != stored.url:
            self._by_final.setdefault(stored.final_url, stored.url)
        self.ok_count += stored.ok
        self.product_count += stored.has_product
        return number

    # -- Mapping ---------------------------------------------------------------------------
    def __getitem__(self, url: str) -> Page:
        return self._entries[url].page()

    def __contains__(self, url: object) -> bool:
        return url in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    # -- the facts, without unpickling -------------------------------------------------------
    def entry(self, url: str) -> StoredPage | None:
        return self._entries.get(url)

    def entry_for(self, url: str) -> StoredPage | None:
        """The page at ``url``, requested there or redirected there."""
        entry = self._entries.get(url)
        if entry is None and url in self._by_final:
            entry = self._entries.get(self._by_final[url])
        return entry

    def entry_at(self, number: int) -> StoredPage:
        return self._numbered[number]

    def final_urls(self) -> set[str]:
        return {e.final_url or e.url for e in self._entries.values()}

    def products(self) -> Iterator[Product]:
        """Every page's product (reads back the pages that have one: only their product is validated)."""
        for entry in self._entries.values():
            if entry.has_product:
                product = _ProductOnly.model_validate_json(entry.blobs[entry.number]).product
                if product is not None:
                    yield _lean(product)


#: Per model class, the set of all its field names, shared by the read-back models that have every field set.
_ALL_FIELDS: dict[type, set[str]] = {}


def _lean(model: BaseModel) -> BaseModel:
    """``model`` and the models in it, each with its class's one shared set of field names as the set of
    fields given (when it had every field: a stored page's JSON has them all).  Pydantic makes each
    instance a set of its own, and a 19-name set takes 2.3 KB: over half of a read-back product's ~7 KB,
    ~450 MB of the ~700 MB the site rules held at 100,000 pages.  Sharing it is safe because it is full:
    setting a field adds a name already in it, and ``model_copy`` copies it."""
    cls = type(model)
    shared = _ALL_FIELDS.get(cls)
    if shared is None:
        shared = _ALL_FIELDS[cls] = set(cls.model_fields)
    given = model.__pydantic_fields_set__
    if len(given) == len(shared) and given == shared:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
    for value in model.__dict__.values():
        if value.__class__ is list:
            if value and isinstance(value[0], BaseModel):
                for item in value:
                    _lean(item)
        elif isinstance(value, BaseModel):
            _lean(value)
    return model
