"""Command line: ``checker audit``, ``checker rules``, ``checker inspect``.

Exit codes: 0 no finding at or above ``--fail-on``; 1 there are; 2 usage or config error;
3 the audit crashed (a partial workbook is still written); 130 interrupted (Ctrl-C, partial);
143 terminated (SIGTERM, partial).
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from pathlib import Path

import click

from checker import __version__
from checker.config import ConfigError, find_config, load_config, parse_promotion
from checker.engine import Engine, load_packs, load_plugins
from checker.engine.registry import RuleRegistrationError
from checker.models import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CRASH, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended


def _fail_usage(message: str) -> None:
    click.echo(f"error: {message}", err=True)
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
              help="Serve this folder on 127.0.0.1 and audit it (demo / fixture store).")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="checker.toml or pyproject.toml; default: searched from the current folder up.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Workbook path (default reports/audit-*.xlsx).")
@click.option("--select", help="Comma-separated codes or prefixes to run (overrides config).")
@click.option("--ignore", help="Comma-separated codes or prefixes to skip (added to config).")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), help="Lowest severity that fails (default error).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Audit as of this date (YYYY-MM-DD).")
@click.option("--promotion", metavar="START[:END]",
              help="The promotion's first and last day, e.g. 2026-12-10:2026-12-12 (one day: 2026-12-10); "
                   "overrides [promotion] start/end.")
@click.option("--urls", "url_file", type=click.File("r", encoding="utf-8"),
              help="A file of start URLs, one per line (# comments allowed).")
@click.option("--resume", is_flag=True, help="Continue an interrupted crawl from its state file.")
@click.option("--no-cache", is_flag=True, help="Fetch every page again (ignore ETag/Last-Modified cache).")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def audit(start, serve_dir, config_path, output, select, ignore, fail_on, today, promotion, url_file, resume, no_cache,
          quiet):
    """Audit START URLs (pages or sitemap.xml) and the configured sources; write a workbook."""
    from checker.audit import Terminated, run_audit, terminate_like_ctrl_c
    from checker.crawl.serve import serve_directory
    from checker.prices import CurrencyTableError, currency_table
    from checker.reports.console import ProgressPrinter, print_summary

    try:
        if config_path is None:
            config_path = find_config()
        elif not config_path.is_file():
            _fail_usage(f"{config_path}: config file not found")
        config = load_config(config_path)
        overrides = {}
        if select:
            overrides["select"] = [c.strip() for c in select.split(",") if c.strip()]
        if ignore:
            overrides["ignore"] = config.ignore + [c.strip() for c in ignore.split(",") if c.strip()]
        if fail_on:
            overrides["fail_on"] = fail_on
        if no_cache:
            overrides["crawl"] = {**config.crawl.model_dump(), "cache": False}
        if promotion:
            try:
                first, last = parse_promotion(promotion)
            except ValueError as exc:
                _fail_usage(str(exc))
            overrides["promotion"] = {**config.promotion.model_dump(), "start": first, "end": last}
        if overrides:
            merged = config.model_validate({**config.model_dump(), **overrides})
            merged._path, merged._source_text, merged._key_prefix = config._path, config._source_text, config._key_prefix
            config = merged
        engine = Engine.from_config(config)
        currency_table()  # checked before the crawl forks: a broken checker/currencies.toml is a usage error
    except (ConfigError, RuleRegistrationError, CurrencyTableError) as exc:
        _fail_usage(str(exc))
    except ValueError as exc:  # pydantic error from a command-line override
        _fail_usage(str(exc).splitlines()[0] + ": " + " ".join(str(exc).splitlines()[1:3]))

    start_urls = list(start) or list(config.start)
    if url_file is not None:
        start_urls += [line.split("#", 1)[0].strip() for line in url_file if line.split("#", 1)[0].strip()]
    serving = contextlib.nullcontext(None)
    if serve_dir is not None:
        serving = serve_directory(serve_dir)
    elif not start_urls and not config.sources:
        _fail_usage("nothing to audit: give START URLs, --serve DIR, or `start`/`sources` in the config")

    with serving as origin:
        if origin is not None:
            entry = "sitemap.xml" if (serve_dir / "sitemap.xml").is_file() else ""
            start_urls = [f"{origin}/{entry}"] + [u for u in start_urls if u.startswith(origin)]
            if not quiet:
                click.echo(f"serving {serve_dir} at {origin}", err=True)
        try:
            with terminate_like_ctrl_c():
                result = run_audit(config, start_urls, output=output, today=today.date() if today else None,
                                   progress=ProgressPrinter(quiet=quiet), engine=engine, resume=resume)
        except Terminated:  # after the crawl, while the rules ran or the workbook was written
            click.echo("terminated (SIGTERM) before the workbook was written", err=True)
            sys.exit(EXIT_TERMINATED)
        except KeyboardInterrupt:  # a second Ctrl-C, while the partial workbook was written (not click's exit 1)
            click.echo("interrupted again: the workbook may not be written", err=True)
            sys.exit(EXIT_INTERRUPTED)

    for error in result.ctx.errors[:50]:
        click.echo(f"input error: [{error.stage}] {error.source} {error.location} {error.reason}".rstrip(), err=True)
    if len(result.ctx.errors) > 50:
        click.echo(f"... and {len(result.ctx.errors) - 50} more input errors: see the Errors sheet", err=True)
    print_summary(result.findings, result.ctx, result.workbook, config.fail_on)

    if isinstance(result.exception, KeyboardInterrupt):
        click.echo("interrupted: the workbook holds what was done (marked PARTIAL); "
                   "run the same command with --resume to continue", err=True)
        sys.exit(EXIT_TERMINATED if isinstance(result.exception, Terminated) else EXIT_INTERRUPTED)
    if result.exception is not None:
        traceback.print_exception(result.exception, file=sys.stderr)
        sys.exit(EXIT_CRASH)
    failing = any(f.severity.rank >= config.fail_on.rank for f in result.findings)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


@main.command()
@click.argument("code", required=False)
def rules(code):
    """List the rule packs and their rules, or print the docs of rules whose code starts with CODE."""
    from checker.engine.docs import rule_docs

    try:
        registry, packs = load_plugins(), load_packs()
    except RuleRegistrationError as exc:
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
        if cls.legal_basis and "Legal basis" not in docs:
            click.echo(f"\nLegal basis:\n    {cls.legal_basis}")
        fields = cls.Options.model_fields
        if fields and "Options:" not in docs:
            click.echo("\nOptions:")
            for name, f in fields.items():
                click.echo(f"    {name} = {f.default!r}  {f.description or ''}".rstrip())


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
