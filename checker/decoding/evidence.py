"""What a reading of bytes looks like: the checks :mod:`checker.decoding.decoder` judges each candidate
encoding by.  Pure functions of a text (or of bytes and a codec) that look at a sample of the first
:data:`SAMPLE_CHARS` characters, so a score costs the same for a 10 MB page as for a 64 KB one."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from functools import cache

SAMPLE_CHARS = 65_536
SANE = 0.02  # at most this share of suspicious characters among the non-ASCII ones

# private use (Big5 read as GB18030, or GB as Big5-HKSCS), C1 controls, Latin extended/IPA, Greek, Cyrillic,
# Indic ...: stray in Chinese text, typical of a wrong decoding
_SUSPICIOUS = re.compile("[\ue000-\uf8ff\x80-\x9f\u0100-\u02ff\u0370-\u1fff\ufffd]")
_BROKEN = re.compile("[\x80-\x9f\ue000-\uf8ff\ufffd]")  # wrong in any script: C1 controls, private use
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{3,}")  # "ÉÌÆ·": GBK bytes read as Windows-1252, not a European word
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def suspicion(text: str) -> float:
    """Share of suspicious characters among the non-ASCII ones in a sample (0 = clean Chinese)."""
    sample = text[:SAMPLE_CHARS]
    n = non_ascii(sample)
    return len(_SUSPICIOUS.findall(sample)) / n if n else 0.0


def broken(text: str) -> float:
    """Share of characters wrong in any script (C1 controls, private use, U+FFFD) among the non-ASCII ones."""
    sample = text[:SAMPLE_CHARS]
    n = non_ascii(sample)
    return len(_BROKEN.findall(sample)) / n if n else 0.0


def mojibake(text: str) -> bool:
    """Most non-ASCII characters in runs of three or more: multibyte text read one byte a character."""
    sample = text[:SAMPLE_CHARS]
    n = non_ascii(sample)
    return n > 0 and sum(len(run) for run in _NON_ASCII_RUN.findall(sample)) * 2 > n


def western(text: str) -> bool:
    """Western European text: ASCII with an accented letter or € here and there (no runs of them)."""
    return non_ascii(text) < len(text) * 0.3 and not _NON_ASCII_RUN.search(text) and suspicion(text) < SANE


@cache
def everyday_chars() -> frozenset[str]:
    """The ~6,700 Han characters in everyday use: GB2312 level 1 (3,755) and Big5 level 1 (5,401), taken
    from the codecs themselves (bytes B0A1-D7FE of GB2312, A440-C67E of Big5)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        chars.update(_decodable((bytes([lead, trail]) for trail in range(0xA1, 0xFF)), "gb2312"))
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        chars.update(_decodable((bytes([lead, t]) for t in trails if (lead, t) <= (0xC6, 0x7E)), "cp950"))
    return frozenset(chars)


def _decodable(pairs: Iterable[bytes], codec: str) -> Iterator[str]:
    for pair in pairs:
        try:
            yield pair.decode(codec)
        except UnicodeDecodeError:
            continue


def everyday_share(text: str) -> float:
    """Share of everyday characters among the Han characters of a sample (0.0 when there are none)."""
    han = _HAN.findall(text[:SAMPLE_CHARS])
    if not han:
        return 0.0
    everyday = everyday_chars()
    return sum(1 for char in han if char in everyday) / len(han)


_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]")  # hiragana, katakana, the long-vowel mark
_HANGUL = re.compile("[\uac00-\ud7a3]")  # precomposed Hangul syllables
_HAN_OR_HANGUL = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3]")


def kana_share(text: str, minimum: int = 10) -> float:
    """Share of kana among the non-ASCII characters of a sample: Japanese text is a third or more kana;
    Chinese has none (GB2312 has a kana row, so EUC-JP bytes read as GB18030 keep their kana).  0.0 with
    fewer than ``minimum`` kana: a few short words are not evidence (Big5 bytes of 醫生推薦 read as EUC-JP)."""
    sample = text[:SAMPLE_CHARS]
    n, kana = non_ascii(sample), len(_KANA.findall(sample))
    return kana / n if n and kana >= minimum else 0.0


def hangul_only(text: str, minimum: int = 10) -> bool:
    """Korean text: at least ``minimum`` Hangul syllables and no Han character (hanja are rare in Korean
    copy; Chinese GB2312 bytes read as EUC-KR give a mix of both)."""
    sample = text[:SAMPLE_CHARS]
    letters = _HAN_OR_HANGUL.findall(sample)
    hangul = len(_HANGUL.findall(sample))
    return hangul >= minimum and hangul == len(letters)


def word_hits(text: str, words: Collection[str]) -> int:
    sample = text[:4096]
    return sum(1 for word in words if word in sample)


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def bad_lines(text: str, limit: int = 3) -> str:
    """The numbers of the lines holding replacement characters: ``4, 9, 12 and 3 more``."""
    lines = [str(i) for i, line in enumerate(text.splitlines(), start=1) if "\ufffd" in line]
    return ", ".join(lines[:limit]) + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def mostly(data: bytes, codec: str, by_lines: bool = True) -> str | None:
    """Text decoded with replacement characters, if only a little is undecodable.

    ``by_lines`` (files: a concatenated export): at most a third of the lines holding non-ASCII text, and at
    least two such lines decode cleanly; the bad lines become row errors.  Otherwise (pages, often one long
    line): at most one non-ASCII character in twenty replaced (a body cut mid-character, a stray byte)."""
    sample = data[:SAMPLE_CHARS].decode(codec, errors="replace")
    if sample.count("\ufffd") * 3 > non_ascii(sample):  # the wrong encoding altogether, not a few bad bytes
        return None
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd")
    if not bad or bad * 3 > non_ascii(text):
        return None
    if not by_lines:
        return text if bad * 20 <= non_ascii(text) else None
    lines_non_ascii = lines_bad = 0
    for line in text.splitlines():
        if not line.isascii():
            lines_non_ascii += 1
            if "\ufffd" in line:
                lines_bad += 1
    if lines_non_ascii - lines_bad >= 2 and lines_bad * 3 <= lines_non_ascii:
        return text
    return None


def clean_part(text: str, by_lines: bool) -> str:
    if by_lines:
        return "\n".join(line for line in text.splitlines() if "\ufffd" not in line)
    return text.replace("\ufffd", "")
