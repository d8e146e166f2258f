"""The decoder: the steps of :mod:`checker.decoding` for pages (:func:`decode_page`) and files
(:func:`decode_file`), both through :func:`detect`."""

from __future__ import annotations

import codecs
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import chain

from checker.decoding.charsets import (
    BOM_PREFIXES,
    CJK_CODECS,
    LABELS,
    MULTIBYTE,
    UNICODE,
    WESTERN,
    bom,
    charset_codec,
    declared_charsets,
)
from checker.decoding.evidence import (
    SANE,
    bad_lines,
    broken,
    clean_part,
    everyday_share,
    hangul_only,
    kana_share,
    line_of,
    mojibake,
    mostly,
    strict,
    suspicion,
    western,
    word_hits,
)

EVERYDAY = 0.9  # a GB18030/Big5 reading with fewer everyday Han characters may be Western text: see _western_wins
DECLARED_BONUS = 0.25  # a declared GB/Big5 charset loses only to a reading with clearly more everyday characters


class DecodeError(ValueError):
    """A file cannot be decoded; the message is for the user (what the bytes are, what to set)."""


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str  # the Python codec that decoded it: utf-8, utf-8-sig, gb18030, cp950, big5hkscs, cp1252 ...
    how: str  # "bom" | "declared" | "detected" | "charset-normalizer"
    damaged: bool = False  # decoded with replacement characters: U+FFFD where bytes did not decode
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The encoding for people: ``gb18030 (GBK compatible)``, ``big5 (cp950)`` ..."""
        return LABELS.get(self.encoding, self.encoding)

    @property
    def charset(self) -> str:
        """The codec, and ``(with replacements)`` when bytes were replaced: what a page reports.  Exactly
        ``utf-8`` means the bytes are valid UTF-8 without a BOM (a parser may take them as they are)."""
        return f"{self.encoding} (with replacements)" if self.damaged else self.encoding


# --------------------------------------------------------------------------------------------- the decoder


def _utf16(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM: many NUL bytes at odd or even offsets, and a sane reading."""
    head = data[:4096]
    if head[1::2].count(0) > len(head) // 4 or head[::2].count(0) > len(head) // 4:
        for codec in ("utf-16-le", "utf-16-be"):
            text = strict(data, codec)
            if text is not None and suspicion(text) < SANE:
                return Decoded(text, codec, "detected")
    return None


@dataclass
class _Reading:
    codec: str
    text: str
    suspicion: float


def _reading(data: bytes, codec: str) -> _Reading | None:
    """The strict reading of the bytes in ``codec``, if it passes the sanity check."""
    text = strict(data, codec)
    if text is None:
        return None
    score = suspicion(text)
    return _Reading(codec, text, score) if score < SANE else None


def _cjk_readings(data: bytes) -> list[_Reading]:
    """The strict GB18030/Big5 readings of the bytes that pass the sanity check."""
    readings: list[_Reading] = []
    for codec in CJK_CODECS:
        if codec == "big5hkscs" and any(r.codec == "cp950" for r in readings):
            continue  # a superset of Big5: no need to try it too
        reading = _reading(data, codec)
        if reading is not None:
            readings.append(reading)
    return readings


def _best_cjk(readings: list[_Reading], words: Collection[str], prefer: str | None = None) -> _Reading:
    """Known words first, then everyday characters (``prefer``, a declared charset, gets a head start),
    then the order of :data:`CJK_CODECS`: the same answer on every machine."""
    if len(readings) == 1:
        return readings[0]

    def key(r: _Reading) -> tuple[int, float, float, int]:
        share = everyday_share(r.text) + (DECLARED_BONUS if r.codec == prefer else 0.0)
        return -word_hits(r.text, words), -share, r.suspicion, CJK_CODECS.index(r.codec)

    return min(readings, key=key)


def _western_wins(data: bytes, reading: _Reading) -> str | None:
    """Windows-1252 text, when a GB18030/Big5 reading made of rare characters is really a Western export or
    page ("Größe" decodes as valid GB18030: ``Gr鲞e``)."""
    if everyday_share(reading.text) >= EVERYDAY:
        return None
    text = strict(data, "cp1252")
    return text if text is not None and western(text) else None


def _japanese_or_korean(data: bytes, reading: _Reading) -> Decoded | None:
    """A Japanese or Korean page or file without a declaration, which GB18030 also "decodes": Shift_JIS
    and EUC-JP are told by their kana, EUC-KR by Hangul without Han characters (strict EUC-KR, not its
    cp949 superset, whose extra Hangul cover the byte pairs of Big5).  Settled here on the
    same kind of evidence as GB/Big5, not left to the detector's release."""
    if kana_share(reading.text) >= 0.05:  # EUC-JP: GB2312 has the same kana at the same bytes
        text = strict(data, "euc_jp")
        if text is not None and kana_share(text) >= 0.2:
            return Decoded(text, "euc_jp", "detected")
    for codec, looks_right in (("cp932", lambda t: kana_share(t) >= 0.2), ("euc_kr", hangul_only)):
        text = strict(data, codec)
        if text is not None and suspicion(text) < SANE and looks_right(text):
            return Decoded(text, codec, "detected")
    return None


def _agrees(codec: str, text: str) -> bool:
    """Whether a declared charset's strict reading is sane for that kind of charset."""
    if codec in UNICODE:
        return not codec.startswith(("utf-16", "utf-32")) or "<" in text[:4096]  # markup reads as markup
    if codec in MULTIBYTE:
        return suspicion(text) < SANE
    if codec in WESTERN:
        return not mojibake(text) and broken(text) < SANE
    return broken(text) < SANE


def _normalizer_guess(data: bytes) -> str | None:
    """charset-normalizer's codec for the bytes, or None; a detector that fails is no answer, not a crash."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 256 * 1024]).best()
        return charset_codec(str(best.encoding)) if best is not None else None
    except Exception:
        return None


def detect(
    data: bytes, words: Collection[str] = (), *, declared: Iterable[str] = (), page: bool = False
) -> Decoded | None:
    """Steps 2 (pages) to 8 of :mod:`checker.decoding`; None when nothing fits.

    ``words``: words expected in the text (export header words) that settle GB18030 against Big5;
    ``declared``: codecs the page declares (:func:`declared_charsets`); ``page``: damage is judged by
    characters rather than by lines, and the detector's guess may replace bytes."""
    notes: list[str] = []
    by_lines = not page
    readings: list[_Reading] | None = None
    utf8: str | None = None
    utf8_tried = False
    tried: list[str] = []
    for codec in declared:
        if codec in tried:
            continue
        tried.append(codec)
        if codec == "utf-8":
            utf8, utf8_tried = strict(data, "utf-8"), True
            if utf8 is not None:
                return Decoded(utf8, "utf-8", "declared", notes=notes)
            notes.append("declared utf-8, but the bytes are not valid utf-8")
            continue
        if not utf8_tried:
            utf8, utf8_tried = strict(data, "utf-8"), True
        if utf8 is not None and not data.isascii():
            notes.append(f"declared {codec}, but the bytes are valid utf-8")
            continue
        if codec in CJK_CODECS:
            readings = _cjk_readings(data) if readings is None else readings
            mine = next((r for r in readings if r.codec == codec), None) or _reading(data, codec)
            if mine is not None:
                best = _best_cjk([mine, *(r for r in readings if r.codec != codec)], words, prefer=codec)
                if best is mine:
                    return Decoded(best.text, codec, "declared", notes=notes)
                notes.append(f"declared {codec}, but the text reads as {LABELS.get(best.codec, best.codec)}")
                return Decoded(best.text, best.codec, "detected", notes=notes)
        else:
            text = strict(data, codec)
            if text is not None and _agrees(codec, text):
                return Decoded(text, codec, "declared", notes=notes)
        notes.append(f"declared {codec}, but the bytes do not read as {codec}")
    decoded = _utf16(data)
    if decoded is not None:
        decoded.notes = notes
        return decoded
    if not utf8_tried:
        utf8 = strict(data, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", "detected", notes=notes)
    text = mostly(data, "utf-8", by_lines)  # before GB18030, which would "decode" UTF-8 bytes into valid Hanzi
    if text is not None:
        return _damaged(text, "utf-8", "detected", notes, by_lines)
    readings = _cjk_readings(data) if readings is None else readings
    if readings:
        best = _best_cjk(readings, words)
        latin = _western_wins(data, best)
        if latin is not None:
            return Decoded(latin, "cp1252", "detected", notes=notes)
        other = _japanese_or_korean(data, best) if not word_hits(best.text, words) else None
        if other is not None:
            other.notes = notes
            return other
        return Decoded(best.text, best.codec, "detected", notes=notes)
    for codec in dict.fromkeys([*(c for c in tried if c not in UNICODE), "gb18030", "cp950"]):
        text = _mostly_safe(data, codec, by_lines)
        if text is not None:  # a GBK/Big5 export or page with a few damaged parts
            return _damaged(text, codec, "detected", notes, by_lines)
    text = strict(data, "cp1252")
    if text is not None and western(text):  # a Western European export (Windows-1252)
        return Decoded(text, "cp1252", "detected", notes=notes)
    guess = _normalizer_guess(data)
    if guess:
        text = strict(data, guess)
        if text is not None:
            return Decoded(text, guess, "charset-normalizer", notes=notes)
        if page:
            return Decoded(data.decode(guess, errors="replace"), guess, "charset-normalizer", True, notes)
    return None


def _mostly_safe(data: bytes, codec: str, by_lines: bool) -> str | None:
    text = mostly(data, codec, by_lines)
    if text is None:
        return None
    clean = clean_part(text, by_lines)
    ok = suspicion(clean) < SANE if codec in MULTIBYTE else _agrees(codec, clean)
    return text if ok else None


def _damaged(text: str, codec: str, how: str, notes: list[str], by_lines: bool) -> Decoded:
    label = LABELS.get(codec, codec)
    where = f"lines not valid {label}: {bad_lines(text)}" if by_lines else f"bytes not valid {label} replaced"
    return Decoded(text, codec, how, damaged=True, notes=[*notes, where])


# --------------------------------------------------------------------------------------------- pages


def decode_page(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page; never raises and never loses it (UTF-8 with replacement characters at worst).

    A UTF-8 page that says so (or says nothing) costs one strict ``bytes.decode`` and no detector."""
    if data.startswith(BOM_PREFIXES):
        codec = bom(data)
        text = strict(data, codec) if codec else None
        if codec and text is not None:
            return Decoded(text, codec, "bom")
    declared = declared_charsets(data, content_type)
    first = next(declared, None)
    if first is None or first == "utf-8":  # the hot path
        try:
            return Decoded(data.decode("utf-8"), "utf-8", "declared" if first else "detected")
        except UnicodeDecodeError:
            pass
    decoded = detect(data, declared=chain((first,) if first else (), declared), page=True)
    if decoded is not None:
        return decoded
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", "detected", damaged=True)


def decode_html(data: bytes, content_type: str | None) -> tuple[str, str]:
    """``(text, charset)`` of a page (:func:`decode_page`): a charset of exactly ``utf-8`` means the bytes
    are valid UTF-8 without a BOM, so a parser may take them as they are."""
    decoded = decode_page(data, content_type)
    return decoded.text, decoded.charset


# --------------------------------------------------------------------------------------------- files


def detect_file(data: bytes, words: Collection[str] = ()) -> Decoded:
    """An export's encoding, detected: a BOM, then :func:`detect`; raises :class:`DecodeError`."""
    codec = bom(data)
    if codec is not None:
        try:
            return Decoded(data.decode(codec), codec, "bom")
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"file starts with a {codec} byte-order mark but is not valid {codec} "
                f"(line {line_of(data, exc.start)})"
            ) from None
    decoded = _utf16(data)
    if decoded is not None:
        return decoded
    head = data[:4096]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 and byte != 27)
    if controls > len(head) * 0.05:
        raise DecodeError("binary data, not text (control bytes): not a CSV/JSON file")
    decoded = detect(data, words)
    if decoded is None:
        raise DecodeError(
            "cannot tell the text encoding (not UTF-8, GB18030/GBK or Big5); "
            'set encoding = "..." for this source (e.g. "gb18030", "big5", "utf-16")'
        )
    return decoded


def decode_file(data: bytes, declared: str | None = None, words: Collection[str] = ()) -> Decoded:
    """Decode an export: ``declared`` (``encoding =`` from the config) is trusted, and bytes that do not fit
    it are one error naming the line and what the bytes look like instead (or, for a few bad lines, a damaged
    result whose bad lines become row errors); without it the encoding is detected (:func:`detect_file`)."""
    if not data.strip():
        raise DecodeError("file is empty")
    if declared is None:
        return detect_file(data, words)
    name = codecs.lookup(declared).name
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    try:
        return Decoded(data.decode(name), name, "declared")
    except UnicodeDecodeError as exc:
        text = mostly(data, name)
        if text is not None:
            return _damaged(text, name, "declared", [], by_lines=True)
        try:
            hint = detect_file(data, words).label
            hint = f'; it looks like {hint}: remove `encoding` or set encoding = "{hint.split()[0]}"'
        except DecodeError:
            hint = ""
        raise DecodeError(
            f"file is not valid {declared} (encoding set in config): undecodable bytes "
            f"{data[exc.start : exc.start + 4]!r} at line {line_of(data, exc.start)}{hint}"
        ) from None
