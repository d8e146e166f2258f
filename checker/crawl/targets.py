"""Target checks: after the pages, every image and link target that was not crawled as a page
gets a status check (HEAD, then GET from a server that does not do HEAD), filed in
``ctx.checked`` for the link rules.  A target whose URL does not parse is broken as written;
off-scope targets are checked only with ``check_external``; robots.txt is honoured."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from checker.crawl.journal import Journal
from checker.crawl.scope import Scope
from checker.crawl.urls import url_problem
from checker.crawl.worker import Worker
from checker.engine.context import AuditContext
from checker.models import FetchResult


async def check_targets(ctx: AuditContext, worker: Worker, scope: Scope, journal: Journal | None,
                        progress: Callable[[str, int, int], None]) -> None:
    """Check the targets of ``ctx.images`` and ``ctx.links`` not yet checked or crawled, with the
    main process's ``worker``; ``scope``: the crawl's scope (an off-scope target is checked only
    with ``check_external``, and never at a private address); each result is journalled."""
    cfg = ctx.config.crawl
    targets: set[str] = set()
    if cfg.check_images:
        targets.update(ctx.images)
    if cfg.check_links:
        targets.update(ctx.links)
    for url in sorted(t for t in targets if t not in ctx.checked and url_problem(t)):
        # written so that no request can be made: broken as it stands
        ctx.checked[url] = FetchResult(url=url, error=url_problem(url))
    if not cfg.check_external:
        targets = {t for t in targets if scope.contains(t)}
    todo = sorted(t for t in targets if t.startswith(("http://", "https://"))
                  and t not in ctx.checked and t not in ctx.pages)
    done = 0

    async def check(url: str) -> None:
        nonlocal done
        result = worker.robots_refusal(url)
        if result is None:
            external = not scope.contains(url)
            result, _ = await worker.fetch(session, url, method="HEAD", external=external)
            if result.status in (405, 501):  # servers that do not do HEAD
                result, _ = await worker.fetch(session, url, external=external)
        ctx.checked[url] = result
        if journal:
            journal.checked(result)
        done += 1
        progress("links", done, len(todo))

    async with worker.session() as session:
        await asyncio.gather(*(check(u) for u in todo))
