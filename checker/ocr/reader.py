"""The OCR engine, run in worker processes: RapidOCR (PP-OCRv4 Chinese/English models inside the
``rapidocr-onnxruntime`` wheel, onnxruntime on the CPU, no download).  Chosen over Tesseract
(Debian chi_sim/chi_tra): on the fixture images it read 8/8 seeded claims on busy backgrounds
against 0/8, 2.5x faster (see benchmarks/ocr_images.py)."""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass

#: The one line an audit and its Summary carry when the engine is not installed.
ENGINE_MISSING = ("图片文字未检查：未安装 OCR 组件（pip install 'store-checker[ocr]'）/ image text not checked: "
                  "the OCR engine is not installed (pip install 'store-checker[ocr]')")


def engine_available() -> bool:
    """Whether the OCR package is installed (looked up, not imported: importing loads onnxruntime)."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@functools.cache
def engine_problem() -> str:
    """"" when the engine loads; else the one line an audit and its Summary carry.  Installed but not
    loadable happens on slim systems: OpenCV needs libGL.so.1 and libglib (apt-get install libgl1
    libglib2.0-0)."""
    if not engine_available():
        return ENGINE_MISSING
    try:
        importlib.import_module("rapidocr_onnxruntime")
    except Exception as exc:  # ImportError: libGL.so.1: cannot open shared object file, ...
        return (f"图片文字未检查：OCR 组件无法加载 / image text not checked: the OCR engine cannot be loaded: "
                f"{type(exc).__name__}: {exc} (Debian/Ubuntu: apt-get install libgl1 libglib2.0-0)")
    return ""


@dataclass(frozen=True, slots=True)
class TextBox:
    """One line of text read in an image, with its box: four ``(x, y)`` corners in the image's own
    pixels (of the original, before any scaling), clockwise from top left; ``score``: 0..1."""

    text: str
    box: tuple[tuple[int, int], ...]
    score: float


_engine = None


def _reader():
    """One engine per process, made at first use, with one thread: the pool gives each core a process."""
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR

        _engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    return _engine


def read_pixels(pixels, scale: float = 1.0, min_score: float = 0.5) -> list[TextBox]:
    """The text lines of an image (an RGB numpy array), boxes divided by ``scale`` so that they are
    in the original image's pixels."""
    result, _ = _reader()(pixels)
    boxes = []
    for corners, text, score in result or ():
        if float(score) >= min_score and text.strip():
            box = tuple((round(x / scale), round(y / scale)) for x, y in corners)
            boxes.append(TextBox(text.strip(), box, round(float(score), 3)))
    return boxes


def image_problem(data: bytes, max_pixels: int) -> tuple[tuple[int, int], str]:
    """``(size, "")`` from the image's header alone (nothing decoded), or ``((0, 0), reason)``: not an
    image, or over ``max_pixels`` (a decompression bomb is refused before any pixel is inflated)."""
    import io

    from PIL import Image, UnidentifiedImageError

    if not data:
        return (0, 0), "空图片（0 字节）/ empty image (0 bytes)"
    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return (0, 0), _bomb(max_pixels, exc)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        return (0, 0), f"无法读取图片 / cannot read image: {type(exc).__name__}: {exc}"
    if size[0] * size[1] > max_pixels:
        return (0, 0), _bomb(max_pixels, f"{size[0]}x{size[1]}")
    return size, ""


def _bomb(max_pixels: int, detail: object) -> str:
    return f"图片像素过多，拒绝解码 / image refused: more than {max_pixels:,} pixels (decompression bomb?) {detail}"


def read_image(data: bytes, max_pixels: int, max_side: int) -> tuple[list[TextBox], str]:
    """``(text lines, "")`` of an encoded image, or ``([], reason)`` when it cannot be read.  An image
    of more than ``max_pixels`` is refused before it is decoded (a decompression bomb: a few KB that
    inflate to gigabytes); one longer than ``max_side`` is scaled down to it."""
    import io
    import warnings

    import numpy
    from PIL import Image, UnidentifiedImageError

    if not data:
        return [], "空图片（0 字节）/ empty image (0 bytes)"
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise Image.DecompressionBombError(f"{width}x{height}")
            scale = min(1.0, max_side / max(width, height))
            if scale < 1.0:
                image.draft("RGB", (round(width * scale), round(height * scale)))  # JPEG: decode smaller
            image = image.convert("RGB")
            if max(image.size) > max_side:
                image.thumbnail((max_side, max_side))
            scale = image.size[0] / width
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return [], _bomb(max_pixels, exc)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        return [], f"无法读取图片 / cannot read image: {type(exc).__name__}: {exc}"
    pixels = numpy.asarray(image)[:, :, ::-1]  # the engine expects OpenCV's BGR
    return read_pixels(numpy.ascontiguousarray(pixels), scale), ""
