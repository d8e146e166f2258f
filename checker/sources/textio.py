"""Text sources: encoding detection, CSV rows with the line numbers a text editor shows, HTML tables.

Encoding, cheapest first (most files stop at step 2; see benchmarks/bench_sources.py for timings):

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. strict UTF-8 (ASCII included);
3. strict GB18030 (a superset of GBK/GB2312), then strict Big5 (cp950, then Big5-HKSCS), each with a sanity
   check on the decoded text (no private-use or stray Latin/control characters: Big5 bytes read as GB18030
   decode "successfully" into exactly those); when both pass, the one in which more known header words
   (商品编码, 貨號 ... from aliases.toml) appear wins, and charset-normalizer breaks a tie;
4. mostly-UTF-8 (checked before step 3) or mostly-GBK/Big5 files with a few broken lines (concatenated
   exports) are read as such and the broken lines become row errors;
5. Windows-1252 when that gives ASCII with a few accented letters and € signs (a Western European export);
6. otherwise charset-normalizer decides, and failing that the file is refused with a hint to set ``encoding``.

A declared ``encoding`` skips detection; if the bytes do not fit it, the file is one clear error naming the
line and what the bytes look like instead (or, for a handful of bad lines, row errors).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.sources.errors import SourceError
from checker.sources.fields import cjk_aliases

SAMPLE_CHARS = 65_536
MOSTLY_VALID = 0.05  # at most this share of non-ASCII characters undecodable -> row errors, not a file error
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CJK_CANDIDATES = ("gb18030", "cp950", "big5hkscs")
_DISPLAY = {"cp950": "big5 (cp950)", "big5hkscs": "big5-hkscs", "gb18030": "gb18030 (GBK compatible)"}


@dataclass
class Decoded:
    text: str
    encoding: str
    how: str  # "bom" | "declared" | "detected" | "charset-normalizer"
    damaged: bool = False  # decoded with replacement characters: lines holding U+FFFD are row errors
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _DISPLAY.get(self.encoding, self.encoding)


# private use (Big5 read as GB18030, or GB as Big5-HKSCS), C1 controls, Latin extended/IPA, Greek, Cyrillic, Indic
# ...: stray in a Chinese export, typical of a wrong decoding
_SUSPICIOUS = re.compile("[\ue000-\uf8ff\x80-\x9f\u0100-\u02ff\u0370-\u1fff\ufffd]")


_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{3,}")  # "ÉÌÆ·": GBK bytes read as Windows-1252, not a European word


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _looks_sane(text: str) -> float:
    """Share of suspicious characters among the non-ASCII ones in a sample (0 = clean)."""
    sample = text[:SAMPLE_CHARS]
    non_ascii = _non_ascii(sample)
    return len(_SUSPICIOUS.findall(sample)) / non_ascii if non_ascii else 0.0


def _alias_hits(text: str) -> int:
    sample = text[:4096]
    return sum(1 for alias in cjk_aliases() if alias in sample)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _mostly(data: bytes, encoding: str) -> str | None:
    """Text decoded with replacement characters, if only a few lines are undecodable (a concatenated export):
    at most a third of the lines holding non-ASCII text, and at least two such lines decode cleanly."""
    sample = data[:SAMPLE_CHARS].decode(encoding, errors="replace")
    if sample.count("\ufffd") * 3 > _non_ascii(sample):  # the wrong encoding altogether, not a few bad lines
        return None
    text = data.decode(encoding, errors="replace")
    if text.count("\ufffd") * 3 > _non_ascii(text):
        return None
    non_ascii = bad = 0
    for line in text.splitlines():
        if not line.isascii():
            non_ascii += 1
            if "\ufffd" in line:
                bad += 1
    if bad and non_ascii - bad >= 2 and bad * 3 <= non_ascii:
        return text
    return None


def _bad_lines(text: str, limit: int = 3) -> str:
    lines = [str(i) for i, line in enumerate(text.splitlines(), start=1) if "\ufffd" in line]
    return ", ".join(lines[:limit]) + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def detect(data: bytes) -> Decoded:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), "utf-8-sig" if enc == "utf-8-sig" else enc, "bom")
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"file starts with a {enc} byte-order mark but is not valid {enc} (line {_line_of(data, exc.start)})"
                ) from None
    head = data[:4096]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 and byte != 27)
    if head[1::2].count(0) > len(head) // 4 or head[::2].count(0) > len(head) // 4:  # UTF-16 without a BOM?
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_sane(text) < 0.02:
                return Decoded(text, enc, "detected")
    if controls > len(head) * 0.05:
        raise SourceError("binary data, not text (control bytes): not a CSV/JSON file")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "detected")
    except UnicodeDecodeError:
        pass
    mostly = _mostly(data, "utf-8")  # before GB18030, which would "decode" UTF-8 bytes into valid-looking Hanzi
    if mostly is not None:
        return Decoded(
            mostly, "utf-8", "detected", damaged=True, notes=[f"lines not valid utf-8: {_bad_lines(mostly)}"]
        )
    candidates: list[tuple[float, Decoded]] = []
    for enc in _CJK_CANDIDATES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _looks_sane(text)
        if score < 0.02:
            candidates.append((score, Decoded(text, enc, "detected")))
            if enc == "cp950":
                break  # big5hkscs is a superset: no need to try it too
    if len(candidates) == 1:
        return candidates[0][1]
    if len(candidates) > 1:
        # Short GBK text often decodes as valid (rare) Big5 characters and vice versa: the header words we
        # know (商品编码 / 貨號 ...) settle it cheaply; charset-normalizer only when they do not.
        hits = [(_alias_hits(dec.text), dec) for _, dec in candidates]
        hits.sort(key=lambda h: -h[0])
        if hits[0][0] > hits[1][0]:
            return hits[0][1]
        best = _normalizer_guess(data, [c[1].encoding for c in candidates])
        for _, dec in candidates:
            if dec.encoding == best:
                dec.how = "charset-normalizer"
                return dec
        return min(candidates, key=lambda c: c[0])[1]
    for enc in ("gb18030", "cp950"):  # a GBK/Big5 export with a few damaged lines
        mostly = _mostly(data, enc)
        if mostly is not None and _looks_sane("\n".join(ln for ln in mostly.splitlines() if "\ufffd" not in ln)) < 0.02:
            label = _DISPLAY.get(enc, enc)
            return Decoded(
                mostly, enc, "detected", damaged=True, notes=[f"lines not valid {label}: {_bad_lines(mostly)}"]
            )
    try:  # a Western European export (Windows-1252): accented letters and € signs here and there among ASCII
        text = data.decode("cp1252")
        if _non_ascii(text) < len(text) * 0.3 and not _NON_ASCII_RUN.search(text) and _looks_sane(text) < 0.02:
            return Decoded(text, "cp1252", "detected")
    except UnicodeDecodeError:
        pass
    guess = _normalizer_guess(data)
    if guess:
        try:
            return Decoded(data.decode(guess), guess, "charset-normalizer")
        except (UnicodeDecodeError, LookupError):
            pass
    raise SourceError(
        "cannot tell the text encoding (not UTF-8, GB18030/GBK or Big5); "
        'set encoding = "..." for this source (e.g. "gb18030", "big5", "utf-16")'
    )


def _normalizer_guess(data: bytes, isolate: list[str] | None = None) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 256 * 1024], cp_isolation=isolate).best()
    if best is None:
        return None
    return codecs.lookup(best.encoding).name


def decode(data: bytes, declared: str | None = None) -> Decoded:
    if not data.strip():
        raise SourceError("file is empty")
    if declared is None:
        return detect(data)
    name = codecs.lookup(declared).name
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    try:
        return Decoded(data.decode(name), name, "declared")
    except UnicodeDecodeError as exc:
        mostly = _mostly(data, name)
        if mostly is not None:
            return Decoded(
                mostly, name, "declared", damaged=True, notes=[f"lines not valid {name}: {_bad_lines(mostly)}"]
            )
        try:
            hint = detect(data).label
            hint = f'; it looks like {hint}: remove `encoding` or set encoding = "{hint.split()[0]}"'
        except SourceError:
            hint = ""
        raise SourceError(
            f"file is not valid {declared} (encoding set in config): undecodable bytes "
            f"{data[exc.start : exc.start + 4]!r} at line {_line_of(data, exc.start)}{hint}"
        ) from None


# --------------------------------------------------------------------------------------------- CSV

_DELIMITERS = (",", "\t", ";", "|")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (header and data rows agree)."""
    lines = [ln for ln in text[:SAMPLE_CHARS].splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1.0
    for d in _DELIMITERS:
        counts = [ln.count(d) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        top = max(counts)
        # lines carrying the modal count, weighted by that count: title rows (count 0) do not matter
        modal = max(set(counts), key=lambda c: (counts.count(c), c) if c else (0, 0))
        score = counts.count(modal) * modal + top * 0.01
        if score > best_score:
            best, best_score = d, score
    return best


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number of the record's first line, cells)``; blank lines are yielded as empty lists."""
    if "\r" in text and "\n" not in text:  # classic Mac line ends
        text = text.replace("\r", "\n")
    # lines are cut lazily from the text: io.StringIO would hold a second, 4-bytes-a-character copy of it
    lines = (m.group() for m in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter)
    line = 0
    pending: tuple[int, list[str]] | None = None  # held back one record: the last may swallow the file
    try:
        for cells in reader:
            if pending is not None:
                yield pending
            pending = (line + 1, cells)
            line = reader.line_num
    except csv.Error as exc:
        raise SourceError(f"CSV syntax error at line {reader.line_num}: {exc}") from None
    if pending is None:
        return
    if line > pending[0] and text.count('"') % 2:
        raise SourceError(
            f"unbalanced quote: the record starting at line {pending[0]} runs to the end of the file (a cell "
            'opened with " was never closed), so it and the lines below it were not read'
        )
    yield pending


# --------------------------------------------------------------------------------------------- HTML tables


def html_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first <table> with the most rows: many Chinese backends export an HTML table named .xls."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    tables = tree.css("table")
    if not tables:
        raise SourceError("HTML page without a <table>: not an export")
    table = max(tables, key=lambda t: len(t.css("tr")))
    for i, tr in enumerate(table.css("tr"), start=1):
        yield i, [" ".join(cell.text(deep=True).split()) for cell in tr.css("th, td")]
