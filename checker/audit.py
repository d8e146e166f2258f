"""One audit, end to end: sources -> crawl -> rules -> findings -> workbook (and the other reports).

Kept apart from the CLI so tests and other front-ends run the same pipeline.  Whatever happens
(Ctrl-C, SIGTERM, a crash in a stage), the reports of what was done are written, marked partial.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from checker.config import Config
from checker.crawl.crawler import Progress, crawl
from checker.engine import AuditContext, Engine
from checker.engine.rule import Rule
from checker.models import ErrorRecord, Finding
from checker.reports.outputs import DEFAULT_FORMATS, write_reports
from checker.reports.records import Row


class Terminated(KeyboardInterrupt):
    """SIGTERM (CI cancellation, ``docker stop``), handled as Ctrl-C is: a partial workbook."""


@contextlib.contextmanager
def terminate_like_ctrl_c():
    """While inside, SIGTERM raises :class:`Terminated` in the main thread, once (a second SIGTERM
    kills at once); the previous handler is put back after.  Off the main thread: nothing."""
    def on_sigterm(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class AuditResult:
    ctx: AuditContext
    findings: list[Finding]
    rules: list[Rule]
    workbook: Path | None = None
    reports: dict[str, Path] = field(default_factory=dict)  # format -> file written (xlsx, json, sarif, junit)
    rows: list[Row] = field(default_factory=list)  # the findings as numbered, with a baseline's Status carried
    exception: BaseException | None = field(default=None, repr=False)


def default_report_path(config: Config, now: datetime | None = None) -> Path:
    now = now or datetime.now()
    return Path(config.output) / f"audit-{now:%Y%m%d-%H%M%S}.xlsx"


def _sort_key(f: Finding):
    return (-f.severity.rank, f.code, f.url or "", f.sku or "", f.field or "")


def load_sources(config: Config, ctx: AuditContext) -> None:
    if not config.sources:
        return
    from checker.sources import load_sources as read_all  # sources are optional for a crawl-only audit

    base = config.path.parent if config.path else Path.cwd()
    read_all(config, ctx, base)


def run_rules(engine: Engine, ctx: AuditContext) -> list[Finding]:
    findings: list[Finding] = list(ctx.page_findings)
    for url in list(ctx.pages):
        if url not in ctx.rules_done:  # crawled pages had theirs in the crawl: only pages filed otherwise
            findings.extend(engine.check_page(ctx.pages[url], ctx))
    for product in ctx.api_products:  # store-API products whose page was not crawled
        findings.extend(engine.check_scope("product", product, ctx, product.url))
    if engine.by_scope.get("lot"):  # none built in: a million lots would each pay for the call
        for lot in ctx.lots:
            findings.extend(engine.check_scope("lot", lot, ctx, str(lot.source or lot.sku)))
    findings.extend(engine.check_site(ctx))
    revised = engine.revise(findings, ctx)
    ctx.release_site_products()  # the workbook's memory came on top of it: 1,012 MB at 100,000 pages
    return sorted(revised, key=_sort_key)


def run_audit(
    config: Config,
    start_urls: list[str],
    *,
    output: Path | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    resume: bool = False,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    baseline=None,
    changed=None,
) -> AuditResult:
    """``formats``: the reports to write beside ``output`` (:mod:`checker.reports.outputs`);
    ``baseline``: a :class:`checker.reports.baseline.Baseline` the findings are compared with;
    ``changed``: a :class:`checker.changed.ChangedScope` (``--changed-only``): only its SKUs' rows are kept."""
    engine = engine or Engine.from_config(config)
    ctx = AuditContext(config=config, today=today or date.today(), start_urls=list(start_urls))
    result = AuditResult(ctx=ctx, findings=[], rules=engine.rules)
    workbook = Path(output or default_report_path(config))
    if workbook.is_dir():  # a folder, as `output` in the config: a new workbook in it
        workbook = workbook / default_report_path(config).name
    stage = "sources"
    try:
        load_sources(config, ctx)
        if changed is not None:
            from checker.changed import restrict

            ctx.scope_note = changed.why
            if not changed.everything:
                restrict(ctx, changed)
        stage = "crawl"
        if start_urls:
            crawl(ctx, start_urls, progress, work_dir=workbook.parent, resume=resume, engine=engine)
            stage = "ocr"
            from checker.ocr.stage import run_ocr  # numpy and the engine only when images are read

            run_ocr(ctx, engine, workbook.parent / ".checker-cache" if config.crawl.cache else None, progress)
            crawled = ctx.pages.final_urls() | set(ctx.pages)
            ctx.api_products = [p for p in ctx.api_products if p.url not in crawled]
        stage = "rules"
    except KeyboardInterrupt as exc:
        ctx.partial, ctx.interrupted_reason = True, f"{'SIGTERM' if isinstance(exc, Terminated) else 'Ctrl-C'} during {stage}"
        result.exception = exc
    except Exception as exc:
        ctx.partial, ctx.interrupted_reason = True, f"crash during {stage}: {type(exc).__name__}: {exc}"
        ctx.errors.append(ErrorRecord(stage=stage, source="store-checker", reason=ctx.interrupted_reason))
        result.exception = exc
    # Rules run on whatever was gathered, so even a partial workbook carries findings.
    result.findings = run_rules(engine, ctx)
    result.rows, result.reports = write_reports(workbook, formats, ctx, result.findings, engine.rules,
                                                baseline=baseline, fail_on=config.fail_on)
    result.workbook = result.reports.get("xlsx")
    return result
