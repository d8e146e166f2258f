"""Which format a source's bytes are in (a workbook, an HTML table, JSON, JSON Lines or CSV): the config says
so, else the content, else the name; a name that misleads (a ``.xls`` holding an HTML table or text) earns a
note rather than a failure."""

from __future__ import annotations

from checker.sources import excel, jsonio, textio
from checker.sources.errors import SourceError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")


def is_workbook(head: bytes) -> bool:
    """An XLSX/ODS (zip) or XLS (OLE2) file, by its first bytes."""
    return head.startswith(b"PK\x03\x04") or head.startswith(excel.OLE2_MAGIC)


def sniff_format(
    data: bytes, name: str, content_type: str, declared: str | None = None, encoding: str | None = None
) -> tuple[str, str | None]:
    """``(format, a note when the name misleads)``: "excel" | "html" | "jsonl" | "json" | "csv".

    ``declared``: ``format =`` from the source config; ``encoding``: its ``encoding =`` (text is decoded to
    tell JSON Lines from JSON, and text named like a workbook from a broken workbook)."""
    if declared:
        return ("excel" if declared == "xlsx" else declared), None
    if is_workbook(data[:8]):
        return "excel", None
    if not data.strip():
        raise SourceError("file is empty (0 bytes)" if not data else "file is empty (only whitespace)")
    lower, ctype = name.lower(), content_type.lower()
    sniff = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith(b"<") and (b"<table" in data[:65536].lower() or sniff.startswith((b"<html", b"<!doctype"))):
        note = f"named {name!r} but holds an HTML table: read as HTML" if lower.endswith(EXCEL_SUFFIXES) else None
        return "html", note
    if lower.endswith((".jsonl", ".ndjson")) or "ndjson" in ctype or "jsonl" in ctype:
        return "jsonl", None
    if sniff[:1] in (b"{", b"["):
        if sniff[:1] == b"{":
            try:
                if jsonio.looks_like_jsonl(textio.decode(data[:65536], encoding).text):
                    return "jsonl", None
            except SourceError:
                pass
        return "json", None
    if lower.endswith(".json") or "json" in ctype:
        return "json", None
    if lower.endswith(EXCEL_SUFFIXES):
        try:
            textio.decode(data[:65536], encoding)
        except SourceError:
            raise SourceError(
                "not a real Excel file: named like a workbook, but neither an XLSX (zip) nor an XLS (OLE2) "
                "file, nor text"
            ) from None
        return "csv", f"named {name!r} but holds text, not a workbook: read as CSV"
    return "csv", None
