"""The OCR stage, after the crawl (it never holds a crawl request back) and before the rules: the
product images of the wanted roles are fetched once each (size-limited), read in a process pool
(one process a core) or taken from the cache by content hash, and each product whose page shows
an image with text is screened again, on its image text only, by the text rules."""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import httpx

from checker.crawl.scope import Scope
from checker.engine.context import AuditContext
from checker.models import ErrorRecord, Finding, ImageText
from checker.ocr.reader import TextBox, engine_problem, image_problem, read_image

#: The image roles each ``--ocr`` mode reads.
ROLES = {"off": (), "main": ("main",), "all": ("main", "detail")}
#: Rule code prefixes that screen image text (their rules read ``Product.image_texts``).
TEXT_RULES = ("AD", "PR003")  # product rules; the site rules ST003 and ST006 read ctx.image_texts
#: Largest image body fetched, and the decoding limits (Pillow's own default is ~89 Mpx).
MAX_IMAGE_BYTES = 20_000_000
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
#: Images smaller than this on both sides (icons, swatches, thumbnails) are not read: no legible
#: claim fits, and the engine would upscale each to ~736 px (0.1 s apiece).
MIN_SIDE = 120
#: Bumped when the engine or the limits change: cached readings of another version are not used.
CACHE_VERSION = "rapidocr-1.4-v1"


def wanted_images(ctx: AuditContext, mode: str) -> list[tuple[str, str]]:
    """``(url, role)`` of the crawl's images in the roles ``mode`` reads, in scope, in crawl order."""
    roles = ROLES[mode]
    scope = Scope(ctx.config.crawl.allowed_hosts)
    for url in ctx.start_urls:
        scope.add_start(url)
    broken = {url for url, result in ctx.checked.items() if not result.ok}  # the link rules report those
    return [(url, ctx.images.label(url)) for url in ctx.images
            if ctx.images.label(url) in roles and url.startswith(("http://", "https://")) and scope.contains(url)
            and url not in broken]


def fetch_image(client: httpx.Client, url: str) -> tuple[bytes, str]:
    """``(body, "")`` or ``(b"", reason)``; a body over :data:`MAX_IMAGE_BYTES` is not read on."""
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                return b"", f"HTTP {response.status_code}"
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_IMAGE_BYTES:
                    return b"", f"图片过大 / image over {MAX_IMAGE_BYTES:,} bytes"
                chunks.append(chunk)
            return b"".join(chunks), ""
    except httpx.HTTPError as exc:
        return b"", f"无法下载图片 / cannot fetch image: {type(exc).__name__}: {exc}"


class ReadingCache:
    """Text lines by image content hash, one JSON file each, in the audit's cache folder."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / "ocr" / CACHE_VERSION if folder is not None else None

    def get(self, digest: str) -> list[TextBox] | None:
        if self.folder is None:
            return None
        try:
            rows = json.loads((self.folder / f"{digest}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return [TextBox(text, tuple(map(tuple, box)), score) for text, box, score in rows]

    def put(self, digest: str, boxes: list[TextBox]) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{digest}.json"
            path.with_suffix(".tmp").write_text(json.dumps([[b.text, b.box, b.score] for b in boxes],
                                                           ensure_ascii=False), encoding="utf-8")
            path.with_suffix(".tmp").replace(path)
        except OSError:
            pass  # a cache that cannot be written costs time, not findings


class EngineMissing(Exception):
    """The engine is not installed or cannot be loaded (raised when the first image needs it)."""


def read_images(ctx: AuditContext, images: list[tuple[str, str]], cache: ReadingCache,
                workers: int, progress=None) -> dict[str, list[TextBox]]:
    """URL -> text lines of each image read; what cannot be read is an Errors row (stage ``ocr``).
    ``progress(phase, done, total)``: the crawl's progress callback, phase ``ocr``."""
    cfg = ctx.config.crawl
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress("ocr", done, len(images))

    texts: dict[str, list[TextBox]] = {}
    pending: dict[str, Future] = {}
    digests: dict[str, str] = {}
    by_digest: dict[str, Future] = {}
    timeout = httpx.Timeout(cfg.timeout, connect=cfg.connect_timeout, read=cfg.read_timeout)
    pause = 1.0 / cfg.requests_per_second if cfg.requests_per_second else 0.0
    pool = None
    try:
        with httpx.Client(timeout=timeout, headers={"User-Agent": cfg.user_agent}, follow_redirects=True,
                          max_redirects=cfg.max_redirects, trust_env=False) as client:
            for url, _ in images:
                data, problem = fetch_image(client, url)
                if pause:
                    time.sleep(pause)
                if not problem:
                    size, problem = image_problem(data, MAX_PIXELS)
                if problem:
                    ctx.errors.append(ErrorRecord(stage="ocr", source=url, reason=problem))
                    tick()
                    continue
                if max(size) < MIN_SIDE:
                    texts[url] = []
                    tick()
                    continue
                digest = digests[url] = hashlib.sha256(data).hexdigest()
                cached = cache.get(digest)
                if cached is not None:
                    texts[url] = cached
                    tick()
                    continue
                if pool is None:
                    problem = engine_problem()  # asked only now: icons and cached readings need no engine
                    if problem:
                        raise EngineMissing(problem)
                    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
                if digest not in by_digest:  # the same bytes under two URLs are read once
                    by_digest[digest] = pool.submit(read_image, data, MAX_PIXELS, MAX_SIDE)
                pending[url] = by_digest[digest]
        for url, future in pending.items():
            try:
                boxes, problem = future.result()
            except Exception as exc:  # a worker that died (out of memory) or an engine error
                boxes, problem = [], f"OCR 失败 / OCR failed: {type(exc).__name__}: {exc}"
            tick()
            if problem:
                ctx.errors.append(ErrorRecord(stage="ocr", source=url, reason=problem))
                continue
            cache.put(digests[url], boxes)
            texts[url] = boxes
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return texts


#: The product's own texts, blanked in the copy the text rules read again (they were screened in the crawl);
#: its prices stay (PR003 holds a discount claim in an image against them).
BLANK_TEXTS = {"title": "", "subtitle": "", "description": "", "meta_description": "", "specs": {}, "images": [],
               "labels": [], "banners": [], "variants": []}


def screen_image_texts(ctx: AuditContext, engine, texts: dict[str, list[TextBox]],
                       roles: dict[str, str]) -> list[Finding]:
    """The text rules run again on each product whose images have text, on a copy with only that text
    (:data:`BLANK_TEXTS`: its other texts were screened during the crawl)."""
    rules = [r for r in engine.by_scope.get("product", ()) if r.code.startswith(TEXT_RULES)]
    if not rules:
        return []
    per_page: dict[int, tuple[object, list[ImageText]]] = {}
    read = [url for url, boxes in texts.items() if boxes]
    for url, entry in ctx.pages_pointing_at(ctx.images, read):
        if not entry.has_product:
            continue
        lines = [ImageText(url=url, role=roles[url], text=b.text, box=[list(c) for c in b.box]) for b in texts[url]]
        per_page.setdefault(entry.number, (entry, []))[1].extend(lines)
    findings: list[Finding] = []
    for entry, lines in per_page.values():
        product = entry.page().product
        if product is None:
            continue
        ctx.image_texts[product.url] = lines  # the site rules read them too (ST003's notice, ST006's claims)
        item = product.model_copy(update={**BLANK_TEXTS, "image_texts": lines})
        ctx.memo.start(item)
        for rule in rules:
            try:
                findings.extend(rule.check(item, ctx))
            except Exception as exc:  # a broken rule must not end the audit
                ctx.errors.append(ErrorRecord(stage="rule", source=item.url, location=rule.code,
                                              reason=f"{type(exc).__name__}: {exc}"))
    return findings


def run_ocr(ctx: AuditContext, engine, cache_folder: Path | None, progress=None) -> None:
    """The stage: findings into ``ctx.page_findings``, one line for the Summary in ``ctx.ocr_summary``."""
    mode = ctx.config.crawl.ocr
    if mode == "off":
        ctx.ocr_summary = "图片文字未检查（--ocr off）/ image text not checked (--ocr off)"
        return
    images = wanted_images(ctx, mode)
    if not images:
        return
    limit = ctx.config.crawl.ocr_max_images
    skipped = max(0, len(images) - limit)
    images = images[:limit]
    workers = max(1, min(os.cpu_count() or 1, len(images)))  # one process a core: ~380 MB each
    try:
        texts = read_images(ctx, images, ReadingCache(cache_folder), workers, progress)
    except EngineMissing as exc:
        ctx.ocr_summary = str(exc)
        ctx.errors.append(ErrorRecord(stage="ocr", source="store-checker", reason=str(exc)))
        return
    roles = dict(images)
    ctx.page_findings.extend(screen_image_texts(ctx, engine, texts, roles))
    with_text = sum(1 for boxes in texts.values() if boxes)
    ctx.ocr_summary = (f"读取图片 {len(texts)} 张（有文字 {with_text}）" + (f"，超出上限未读 {skipped} 张" if skipped else "")
                       + f" / {len(texts)} image(s) read ({with_text} with text)"
                       + (f", {skipped} skipped over the limit of {limit}" if skipped else ""))
