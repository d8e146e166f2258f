"""Checks made before the crawl, so that an ordinary mistake is one clear line and exit code 2 within a
second, not a traceback after the whole crawl: the start URLs, the rule selection, the output path, the
source files and the data files the selected rules read.

Each check returns every problem it finds (one line each), so the user fixes them all in one go.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from checker.codes import area_of
from checker.config import Config, ConfigError, config_key_line
from checker.engine.registry import is_selected
from checker.engine.rule import Rule
from checker.messages import CANNOT_WRITE, NO_RULE_LEFT, SELECT_UNKNOWN, SOURCE_MISSING, START_NOT_HTTP


def check_start_urls(urls: list[str]) -> list[str]:
    """Only http(s) URLs with a host can be crawled; anything else would be retried and end as an
    LN001 finding about the shop.  A likely fix is suggested."""
    problems = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            continue
        head = START_NOT_HTTP.format(url=url)
        if Path(url).exists():
            problems.append(f"{head}: it is a local path; to audit a folder of pages use --serve DIR")
        elif parts.scheme and parts.scheme not in ("http", "https") and "//" in url:
            problems.append(f"{head}: only http:// and https:// can be crawled")
        else:
            scheme, rest = (parts.scheme, url.split(":", 1)[1]) if parts.scheme in ("http", "https") else ("http", url)
            problems.append(f"{head}: did you mean {scheme}://{rest.lstrip('/:')}?")
    return problems


def check_selection(config: Config, registry: dict[str, type[Rule]], *, select_origin: str,
                    ignore_origin: str) -> list[str]:
    """A ``select`` entry that matches no rule is a typo; a selection that leaves no rule makes an audit
    that checks nothing and passes.  ``*_origin``: where the lists came from, for the message."""
    codes = list(registry)
    known = sorted({*codes, *(area_of(c) for c in codes)})
    problems = []
    for entry in config.select:
        if entry != "ALL" and not any(code.startswith(entry) for code in codes):
            near = difflib.get_close_matches(entry, known, n=1)
            hint = f" (did you mean {near[0]}?)" if near else "; run `checker rules` for the list"
            problems.append(f"{select_origin}: {SELECT_UNKNOWN.format(entry=entry)}{hint}")
    if not problems and not any(is_selected(code, config.select, config.ignore) for code in codes):
        problems.append(f"{select_origin}, {ignore_origin}: {NO_RULE_LEFT.format(select=config.select, ignore=config.ignore)}")
    return problems


def report_path(output: Path | str, now: datetime | None = None) -> Path:
    """A folder (an existing one, a name ending in a slash, or one without a suffix such as ``reports``)
    means a new ``audit-*.xlsx`` in it."""
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", os.sep)) or not path.suffix:
        now = now or datetime.now()
        return path / f"audit-{now:%Y%m%d-%H%M%S}.xlsx"
    return path


def check_output(path: Path) -> list[str]:
    """The workbook's folder must exist (it is made) and take a file, before hours of crawling."""
    head = CANNOT_WRITE.format(path=path)
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        return [f"{head}: {blocking} is a file, not a folder"]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent, prefix=".checker-write-test-"):
            pass
    except OSError as exc:
        return [f"{head}: {exc.strerror or exc} ({exc.filename or path.parent})"]
    return []


def check_sources(config: Config) -> list[str]:
    """Every local source file or glob must name at least one file (URLs are read by the audit)."""
    from checker.sources.errors import SourceError
    from checker.sources.location import expand, is_url

    base = config.path.parent if config.path else Path.cwd()
    problems = []
    for n, source in enumerate(config.sources, start=1):
        if is_url(source.path):
            continue
        try:
            expand(source.path, base)
        except SourceError as exc:
            where = config_key_line(config, ("sources", n - 1, "path"))
            problems.append(f"{where}: sources #{n} ({source.kind}): {SOURCE_MISSING.format(reason=exc)}")
    return problems


def check_rule_data(config: Config, rules: list[Rule]) -> list[str]:
    """Each rule reads its data files now (a custom lexicon), and each pack its own (word lists): a broken
    entry names its file, line and term here instead of turning the rule silent mid-audit."""
    from checker.engine.registry import pack_of

    problems = []
    checks = [lambda rule=rule: rule.preflight(config) for rule in rules]
    packs = {pack.prefix: pack for pack in map(pack_of, (rule.code for rule in rules)) if pack and pack.preflight}
    checks += [pack.preflight for pack in packs.values()]
    for check in checks:
        try:
            check()
        except ConfigError as exc:
            if str(exc) not in problems:  # six AD rules may share one extra file
                problems.append(str(exc))
    return problems
