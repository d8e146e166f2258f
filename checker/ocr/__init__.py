"""Text in product images: the main (and, with ``--ocr all``, detail) images the crawl met are
fetched once, read by an OCR engine that runs offline on the CPU, and their text screened by the
text rules as the fields ``image:main`` / ``image:detail`` (see :mod:`checker.ocr.stage`)."""

from checker.ocr.reader import ENGINE_MISSING, engine_available, engine_problem

__all__ = ["ENGINE_MISSING", "engine_available", "engine_problem"]
