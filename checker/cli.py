"""Command line: ``checker audit``, ``checker rules``, ``checker inspect``.

Exit codes: 0 no finding at or above ``--fail-on`` (``never``: findings never fail; a finding a manager
Accepted in the ``--baseline`` never fails; with ``--new-only`` only new ones do); 1 there are;
2 usage or config error, found before the crawl; 3 the audit crashed (a partial workbook is still written);
4 nothing was audited: no page could be read, or a start sitemap could not be; 130 interrupted (Ctrl-C,
partial); 143 terminated (SIGTERM, partial).  The order when several apply: 143/130, 3, 4, 1.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from pathlib import Path

import click

from checker import __version__
from checker.config import ConfigError, config_key_line, find_config, load_config
from checker.configcli import config_command, effective_config
from checker.engine import Engine, load_packs, load_plugins
from checker.engine.registry import RuleRegistrationError
from checker.messages import NO_PAGE_AUDITED, SITEMAP_UNREAD, reason_label, stage_label
from checker.models import Severity
from checker.preflight import (
    check_output,
    check_rule_data,
    check_selection,
    check_sources,
    check_start_urls,
    report_path,
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CRASH, EXIT_NOT_AUDITED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended


def _fail_usage(message: str) -> None:
    for line in message.splitlines():  # config errors come all at once, one a line
        click.echo(f"error: {line}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="store-checker")
def main() -> None:
    """store-checker: audit an online shop before a promotion goes live.

    店铺活动上线前自检：链接配置、广告用语、价格规格、库存、日期、历史投诉。
    """


@main.command()
@click.argument("start", nargs=-1)
@click.option("--serve", "serve_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="在 127.0.0.1 上提供此文件夹并审核 / Serve this folder on 127.0.0.1 and audit it (demo / fixture store).")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="配置文件 / checker.toml or pyproject.toml; default: searched from the current folder up.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="报告路径或文件夹 / Workbook path, or a folder to write audit-*.xlsx in (default: `output` in the config, reports/).")
@click.option("--select", help="只运行这些规则 / Comma-separated codes or prefixes to run (overrides config).")
@click.option("--ignore", help="跳过这些规则 / Comma-separated codes or prefixes to skip (added to config).")
@click.option("--fail-on", type=click.Choice([*(s.value for s in Severity), "never"]),
              help="达到此级别即失败 / Lowest severity that fails (default error); never: findings never fail the run.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="审计日期 / Audit as of this date (YYYY-MM-DD).")
@click.option("--promotion", metavar="START[:END]",
              help="促销期 / The promotion's first and last day, e.g. 2026-12-10:2026-12-12 (one day: 2026-12-10); "
                   "overrides [promotion] start/end.")
@click.option("--urls", "url_file", type=click.File("r", encoding="utf-8"),
              help="起始网址列表文件 / A file of start URLs, one per line (# comments allowed).")
@click.option("--resume", is_flag=True, help="继续中断的抓取 / Continue an interrupted crawl from its state file.")
@click.option("--no-cache", is_flag=True, help="不用缓存 / Fetch every page again (ignore ETag/Last-Modified cache).")
@click.option("--ocr", type=click.Choice(["off", "main", "all"]),
              help="读取图片文字 / Read the text in product images: off, main images (default), or all (main and detail).")
@click.option("--ocr-limit", type=click.IntRange(min=0), help="最多读取图片数 / Images read per audit, at most.")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度 / No progress output.")
@click.option("--format", "formats", metavar="xlsx,json,sarif,junit,github",
              help="报告格式 / Reports to write beside the workbook, same stem (default xlsx); github: annotations "
                   "on stdout (also whenever GITHUB_ACTIONS is set).")
@click.option("--baseline", type=click.Path(path_type=Path),
              help="上次的报告 / The previous run's workbook or JSON: findings marked New / Still open / Fixed, "
                   "Status, Owner and Note carried over, Accepted ones never fail.")
@click.option("--new-only", is_flag=True, help="只有新问题才失败 / Only findings new since --baseline fail the run.")
@click.option("--changed-only", metavar="REV",
              help="只审核变化的 SKU / Only the SKUs whose export rows changed since git REV, and their pages "
                   "(everything when the config or rule files changed).")
def audit(start, serve_dir, config_path, output, select, ignore, fail_on, today, promotion, url_file, resume, no_cache,
          ocr, ocr_limit, quiet, formats, baseline, new_only, changed_only):
    """审核起始网址（页面或 sitemap.xml）和配置的导出文件，写出 Excel 报告。
    Audit START URLs (pages or sitemap.xml) and the configured sources; write a workbook.

    \b
    退出码 Exit codes:
      0  通过 / no finding at or above --fail-on (Accepted in --baseline: never)
      1  有问题 / findings at or above --fail-on (--new-only: new ones only)
      2  用法或配置错误（抓取前）/ usage or config error, before the crawl
      3  崩溃 / the audit crashed (partial workbook)
      4  未审核 / nothing audited: a start sitemap unreadable, or no page read
      130 中断 / interrupted (partial workbook; --resume continues)
      143 终止 / terminated by SIGTERM (partial workbook)
    """
    from checker.audit import Terminated, default_report_path, run_audit, terminate_like_ctrl_c
    from checker.crawl.journal import resume_note, resume_port
    from checker.crawl.serve import serve_directory
    from checker.prices import CurrencyTableError, currency_table
    from checker.reports.baseline import BaselineError, read_baseline
    from checker.reports.console import ProgressPrinter, print_summary
    from checker.reports.outputs import parse_formats

    try:
        config, _ = effective_config(config_path, select=select, ignore=ignore, fail_on=fail_on, no_cache=no_cache,
                                     promotion=promotion)
        ocr_update = {"ocr": ocr, "ocr_max_images": ocr_limit}
        if ocr or ocr_limit is not None:
            config.crawl = config.crawl.model_copy(update={k: v for k, v in ocr_update.items() if v is not None})
        engine = Engine.from_config(config)
        currency_table()  # checked before the crawl forks: a broken checker/currencies.toml is a usage error
    except (ConfigError, RuleRegistrationError, CurrencyTableError) as exc:
        _fail_usage(str(exc))
    try:
        formats = parse_formats(formats)
        if new_only and baseline is None:
            raise ValueError("--new-only 需要 --baseline / --new-only needs --baseline PREVIOUS.xlsx|json")
        previous = read_baseline(baseline) if baseline is not None else None
    except (ValueError, BaselineError) as exc:
        _fail_usage(str(exc))

    start_urls = list(start) or list(config.start)
    if url_file is not None:
        start_urls += [line.split("#", 1)[0].strip() for line in url_file if line.split("#", 1)[0].strip()]
    if serve_dir is None and not start_urls and not config.sources:
        _fail_usage("nothing to audit: give START URLs, --serve DIR, or `start`/`sources` in the config")
    workbook = report_path(output) if output else default_report_path(config)
    _preflight(config, engine, start_urls, workbook, select=select, ignore=ignore)

    serving = contextlib.nullcontext(None)
    if serve_dir is not None:
        serving = serve_directory(serve_dir, port=_free_port(resume_port(workbook.parent)) if resume else 0)
    with serving as origin:
        if origin is not None:
            entry = "sitemap.xml" if (serve_dir / "sitemap.xml").is_file() else ""
            start_urls = [f"{origin}/{entry}"] + [u for u in start_urls if u.startswith(origin)]
            if not quiet:
                click.echo(f"serving {serve_dir} at {origin}", err=True)
        scope = None
        if changed_only:
            config, start_urls, scope = _changed_only(config, changed_only, start_urls)
        progress = ProgressPrinter(quiet=quiet)
        try:
            with terminate_like_ctrl_c():
                result = run_audit(config, start_urls, output=workbook, today=today.date() if today else None,
                                   progress=progress, engine=engine, resume=resume, formats=formats,
                                   baseline=previous, changed=scope)
        except Terminated:  # after the crawl, while the rules ran or the workbook was written
            click.echo("terminated (SIGTERM) before the workbook was written", err=True)
            sys.exit(EXIT_TERMINATED)
        except KeyboardInterrupt:  # a second Ctrl-C, while the partial workbook was written (not click's exit 1)
            click.echo("interrupted again: the workbook may not be written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        finally:
            progress.close()

    for error in result.ctx.errors[:50]:
        head = "报告说明 report note" if error.stage == "report" else "输入错误 input error"  # a cut sheet is no bad input
        click.echo(f"{head}: [{stage_label(error.stage)}] {error.source} {error.location} "
                   f"{reason_label(error.reason)}".rstrip(), err=True)
    if len(result.ctx.errors) > 50:
        click.echo(f"... 另有 {len(result.ctx.errors) - 50} 个输入错误 / and {len(result.ctx.errors) - 50} more input "
                   "errors: see the Errors sheet", err=True)
    if resume and start_urls:
        click.echo(resume_note(result.ctx.resumed_pages, workbook.parent), err=True)
    unaudited = not_audited(result.ctx, start_urls)
    print_summary(result.findings, result.ctx, result.workbook, config.fail_on, incomplete=bool(unaudited),
                  rules=result.rules)
    for line in unaudited:
        click.secho(line, fg="red", bold=True, err=True)
    _print_reports(result, formats, previous)

    if isinstance(result.exception, KeyboardInterrupt):
        click.echo("interrupted: the workbook holds what was done (marked PARTIAL); "
                   "run the same command with --resume to continue", err=True)
        sys.exit(EXIT_TERMINATED if isinstance(result.exception, Terminated) else EXIT_INTERRUPTED)
    if result.exception is not None:
        traceback.print_exception(result.exception, file=sys.stderr)
        sys.exit(EXIT_CRASH)
    if unaudited:
        sys.exit(EXIT_NOT_AUDITED)
    from checker.reports.junit import fails

    failing = any(fails(row, config.fail_on) and (not new_only or row.baseline_state == "new") for row in result.rows)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _changed_only(config, rev: str, start_urls: list[str]):
    """``--changed-only REV``: the config (links not followed), start URLs and scope of the audit."""
    from checker.changed import ChangedOnlyError, changed_scope

    try:
        scope = changed_scope(config, rev, start_urls)
    except ChangedOnlyError as exc:
        _fail_usage(str(exc))
    click.echo(f"changed-only 变更审核: {scope.why}", err=True)
    if scope.everything:
        return config, start_urls, scope
    crawl = config.crawl.model_copy(update={"max_depth": 0})
    return config.model_copy(update={"crawl": crawl}), scope.pages, scope


def _print_reports(result, formats, previous) -> None:
    """The machine reports written, the baseline's counts, and GitHub annotations when asked for."""
    import os

    from checker.reports.github import annotations
    from checker.reports.sarif import sources_base

    for fmt, path in result.reports.items():
        if fmt != "xlsx":
            click.echo(f"{fmt}: {path}")
    if previous is not None:
        new = sum(r.baseline_state == "new" for r in result.rows)
        fixed = len(previous.fixed({r.fingerprint for r in result.rows}))
        click.echo(f"baseline 基线 {previous.path}: 新 new {new}, 仍存在 still open {len(result.rows) - new}, "
                   f"已修复 fixed {fixed}")
    if "github" in formats or os.environ.get("GITHUB_ACTIONS") == "true":
        for line in annotations(result.rows, sources_base(result.ctx)):
            click.echo(line)


def _preflight(config, engine, start_urls: list[str], workbook: Path, *, select: str | None,
               ignore: str | None) -> None:
    """Every mistake found before the crawl, one line each, then exit 2 (see :mod:`checker.preflight`)."""
    select_origin = "--select" if select else f"{config_key_line(config, ('select',))}: select"
    ignore_origin = "--ignore" if ignore else f"{config_key_line(config, ('ignore',))}: ignore"
    problems = [
        *check_start_urls(start_urls),
        *check_selection(config, load_plugins(), select_origin=select_origin, ignore_origin=ignore_origin),
        *check_output(workbook),
        *check_sources(config),
        *check_rule_data(config, engine.rules),
    ]
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_USAGE)


def _free_port(port: int) -> int:
    """``port`` if 127.0.0.1 can listen on it now, else 0 (any: the resume then starts fresh, and says so)."""
    import socket

    if port:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return 0
    return port


def not_audited(ctx, start_urls: list[str]) -> list[str]:
    """Why this run cannot be trusted to have checked the shop (exit 4): a start sitemap that could not
    be read (a child sitemap or one robots.txt names is an error row like any page), or no page audited
    at all.  Empty when the crawl did its job."""
    starts = set(start_urls)
    lines = [SITEMAP_UNREAD.format(url=e.source, reason=e.reason)
             for e in ctx.errors if e.location == "sitemap" and e.source in starts]
    if start_urls and ctx.pages.ok_count == 0 and not ctx.api_products:
        lines.append(NO_PAGE_AUDITED.format(n=len(ctx.pages)))
    return lines


@main.command()
@click.argument("code", required=False)
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Read this config's rule options and data files (default: searched from the current folder up).")
def rules(code, config_path):
    """List the rule packs and their rules, or print the docs of rules whose code starts with CODE
    (with the configured options' data files read and checked, e.g. a shop's own lexicon)."""
    from checker.engine.docs import rule_docs

    try:
        registry, packs = load_plugins(), load_packs()
        config = load_config(config_path or find_config()) if code else None
    except (RuleRegistrationError, ConfigError) as exc:
        _fail_usage(str(exc))
    if not code:
        for prefix, pack in packs.items():
            click.echo(f"{prefix}  {pack.area_name}  ({pack.module}){f'  — {pack.check}' if pack.check else ''}")
            for c in pack.codes:
                cls = registry[c]
                click.echo(f"  {c}  {cls.severity.value:<7}  {cls.name:<34} {cls.summary}")
        return
    matches = [cls for c, cls in registry.items() if c.startswith(code.upper())]
    if not matches:
        _fail_usage(f"no rule matches {code!r}; run `checker rules` for the list")
    for i, cls in enumerate(matches):
        if i:
            click.echo("\n" + "-" * 72 + "\n")
        pack = packs[cls.area()]
        click.echo(f"{cls.code}  {cls.name}  (default severity: {cls.severity.value}, scope: {cls.scope}, "
                   f"area: {pack.area_name})")
        click.echo(cls.summary)
        click.echo("")
        docs = rule_docs(cls)
        click.echo(docs)
        configured = _configured_docs(cls, config)
        if configured:
            click.echo(f"\n{configured}")
        if cls.legal_basis and "Legal basis" not in docs:
            click.echo(f"\nLegal basis:\n    {cls.legal_basis}")
        fields = cls.Options.model_fields
        if fields and "Options:" not in docs:
            click.echo("\nOptions:")
            for name, f in fields.items():
                click.echo(f"    {name} = {f.default!r}  {f.description or ''}".rstrip())


def _configured_docs(cls, config) -> str:
    """The rule as the config sets it up, its data files read (exit 2 on a broken one)."""
    raw = {k.upper(): v for k, v in config.rules.items()}.get(cls.code) if config is not None else None
    if not raw:
        return ""
    try:
        rule = cls(cls.Options.model_validate(raw))
        rule.preflight(config)
    except ConfigError as exc:
        _fail_usage(str(exc))
    except ValueError as exc:  # the options themselves
        _fail_usage(f"{config_key_line(config, ('rules', cls.code))}: rules.{cls.code}: {exc}")
    return rule.config_docs()


main.add_command(config_command)


def _register_optional_commands() -> None:
    """Commands whose module may be absent in a trimmed install."""
    try:
        from checker.sources.cli import inspect_command
    except ImportError:
        return
    main.add_command(inspect_command, "inspect")


_register_optional_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
