"""Bytes -> text for crawled pages and export files: one decoder, aware of the encodings Chinese shops use.

Shops serve GBK and Big5 pages labelled UTF-8 (or not labelled at all) and export GBK/Big5 files, and a
general-purpose detector reads short Chinese text as Cyrillic in some releases (charset-normalizer 3.5 does).
So the encodings a Chinese shop uses are settled here on evidence, the same way for pages and for files, and
the detector is asked only when none of them fits -- for Chinese text the answer does not depend on its release:

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. what the source declares -- pages: the HTTP header, then ``<meta charset>`` / ``http-equiv``, each only if
   the bytes agree (they decode strictly, the text is sane, and a legacy label does not hide valid UTF-8);
   files: ``encoding =`` from the config, trusted (bytes that do not fit it are an error with a hint);
3. strict UTF-8 (ASCII included): one ``bytes.decode``, the whole cost for most pages and files;
4. mostly UTF-8 with a few broken bytes (before step 5, which would "decode" UTF-8 bytes into valid Hanzi);
5. strict GB18030 (a superset of GBK/GB2312), Big5 (cp950), Big5-HKSCS, each passing a sanity check: no
   private-use, stray Latin/Greek/Cyrillic or control characters, which is what the wrong one of them gives.
   Between several: known words (the header words of exports), then the share of everyday Han characters
   (GB2312 level 1 and Big5 level 1: the right reading scores ~1.0, the wrong one ~0.55), then that order;
6. mostly GB18030 / Big5 with a few damaged parts;
7. Windows-1252 for Western European text (ASCII with accented letters and € here and there);
8. charset-normalizer;
9. nothing fits: a page is decoded as UTF-8 with replacement characters (a page is never lost); a file is
   refused with a hint to set ``encoding``.

Entry points: :func:`decode_page` / :func:`decode_html` (pages, never raise) and :func:`decode_file`
(exports, raises :class:`DecodeError` with a message for the user).  Modules: ``decoder`` (the steps),
``evidence`` (the sanity checks a reading is judged by), ``charsets`` (labels and declarations).
"""


from checker.decoding.charsets import CJK_CODECS, charset_codec, declared_charsets
from checker.decoding.decoder import Decoded, DecodeError, decode_file, decode_html, decode_page, detect, detect_file
from checker.decoding.evidence import SAMPLE_CHARS, bad_lines

__all__ = [
    "CJK_CODECS",
    "SAMPLE_CHARS",
    "DecodeError",
    "Decoded",
    "bad_lines",
    "charset_codec",
    "declared_charsets",
    "decode_file",
    "decode_html",
    "decode_page",
    "detect",
    "detect_file",
]
