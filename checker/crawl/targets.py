"""Target checks: after the pages, every image and link target that was not crawled as a page
gets a status check (:meth:`Worker.check <checker.crawl.worker.Worker.check>`: HEAD, GET where
the server does not do HEAD or lies with it), filed in ``ctx.checked`` for the link rules.  A
target whose URL does not parse is broken as written; off-scope targets are checked only with
``check_external``; robots.txt is honoured.  On a large crawl the crawl workers check them (see
:meth:`Crawler._check_targets <checker.crawl.crawler.Crawler._check_targets>`), each with its
share of the per-host limits; what is left (a small crawl, dead workers) is checked here, in the
main process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from checker.crawl.outcome import TargetTask
from checker.crawl.scope import Scope
from checker.crawl.urls import url_problem
from checker.crawl.worker import Worker
from checker.engine.context import AuditContext
from checker.models import FetchResult


def targets_to_check(ctx: AuditContext, scope: Scope) -> list[TargetTask]:
    """The targets of ``ctx.images`` and ``ctx.links`` not yet checked or crawled as a page, each
    once, in URL order; a target whose URL does not parse is filed as broken on the way.
    ``scope``: the crawl's (an off-scope target is checked only with ``check_external``, and never
    at a private address)."""
    cfg = ctx.config.crawl
    targets: set[str] = set()
    if cfg.check_images:
        targets.update(ctx.images)
    if cfg.check_links:
        targets.update(ctx.links)
    for url in sorted(t for t in targets if t not in ctx.checked and url_problem(t)):
        # written so that no request can be made: broken as it stands
        ctx.checked[url] = FetchResult(url=url, error=url_problem(url))
    if cfg.check_images:  # an image also linked (<a href> to the full size) was fetched as a page: its check
        for url in sorted(t for t in ctx.images if t not in ctx.checked and t in ctx.pages):
            ctx.checked[url] = as_resource(ctx.pages[url].fetch)
    if not cfg.check_external:
        targets = {t for t in targets if scope.contains(t)}
    todo = sorted(t for t in targets if t.startswith(("http://", "https://"))
                  and t not in ctx.checked and t not in ctx.pages)
    return [TargetTask(url, not scope.contains(url)) for url in todo]


def as_resource(fetch: FetchResult) -> FetchResult:
    """A target's fetch as a page, as a check of it: a good answer that was no HTML page is no
    failure for an image (nor "not an HTML page", the page's error)."""
    if fetch.error and fetch.status is not None and fetch.status < 400 and "html" not in fetch.content_type:
        return fetch.model_copy(update={"error": None})
    return fetch


async def check_targets(worker: Worker, todo: Iterable[TargetTask],
                        file: Callable[[FetchResult], None]) -> None:
    """Check ``todo`` with the main process's ``worker``, in order, ``worker.concurrency`` at a
    time; ``file``: takes each result."""
    tasks = iter(todo)

    async def lane() -> None:
        for task in tasks:
            file(await worker.check(session, task))

    async with worker.session() as session:
        await asyncio.gather(*(lane() for _ in range(worker.concurrency)))
