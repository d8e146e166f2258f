"""The configuration an audit runs with: the config file, then the command line's overrides on top
(shared by ``checker audit`` and ``checker config``), and ``checker config``, which prints every
effective value with where it came from (default, file:line, command line)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from checker.config import Config, ConfigError, find_config, load_config, parse_promotion
from checker.configtext import key_line, label


def effective_config(config_path: Path | None, *, select: str | None = None, ignore: str | None = None,
                     fail_on: str | None = None, no_cache: bool = False,
                     promotion: str | None = None) -> tuple[Config, set[tuple]]:
    """The config file (found from the current folder up when not given) with the command line on top;
    and the keys the command line set.  ConfigError or ValueError name the problem."""
    if config_path is None:
        config_path = find_config()
    elif not config_path.is_file():
        raise ConfigError(f"{config_path}: config file not found")
    config = load_config(config_path)
    overrides: dict[str, Any] = {}
    given: set[tuple] = set()
    if select:
        overrides["select"] = [c.strip() for c in select.split(",") if c.strip()]
        given.add(("select",))
    if ignore:
        overrides["ignore"] = config.ignore + [c.strip() for c in ignore.split(",") if c.strip()]
        given.add(("ignore",))
    if fail_on:
        overrides["fail_on"] = fail_on
        given.add(("fail_on",))
    if no_cache:
        overrides["crawl"] = {**config.crawl.model_dump(), "cache": False}
        given.add(("crawl", "cache"))
    if promotion:
        try:
            first, last = parse_promotion(promotion)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        overrides["promotion"] = {**config.promotion.model_dump(), "start": first, "end": last}
        given |= {("promotion", "start"), ("promotion", "end")}
    if overrides:
        try:
            merged = config.model_validate({**config.model_dump(), **overrides})
        except ValueError as exc:  # pydantic, from a command-line value
            raise ConfigError(str(exc).splitlines()[0] + ": " + " ".join(str(exc).splitlines()[1:3])) from None
        merged._path, merged._source_text, merged._key_prefix = config._path, config._source_text, config._key_prefix
        config = merged
    return config, given


def _leaves(value: Any, loc: tuple = ()) -> list[tuple[tuple, Any]]:
    """``(key path, value)`` of every setting: tables and lists of tables opened, lists of values kept."""
    if isinstance(value, BaseModel):
        value = {name: getattr(value, name) for name in type(value).model_fields}
    if isinstance(value, dict) and (value or not loc):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*loc, key))]
    if isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        return [leaf for n, item in enumerate(value) for leaf in _leaves(item, (*loc, n))]
    return [(loc, value)]


def _in_file(data: Any, loc: tuple) -> bool:
    for part in loc:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return False
        elif not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def origin_of(config: Config, loc: tuple, given: set[tuple]) -> str:
    """Where a value came from: ``command line``, ``file:line`` or ``default``."""
    if loc in given:
        return "command line 命令行"
    if config.path is not None:
        data = tomllib.loads(config._source_text)
        for part in config._key_prefix:
            data = data.get(part, {})
        if _in_file(data, loc):
            line = key_line(config._source_text, config._key_prefix + loc)
            return f"{config.path}:{line}" if line else str(config.path)
    return "default 默认"


def _shown(value: Any) -> str:
    if hasattr(value, "value"):  # an enum
        value = value.value
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else "(not set)" if value is None else str(value)


@click.command("config")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="checker.toml or pyproject.toml; default: searched from the current folder up.")
@click.option("--select", help="As for `checker audit`.")
@click.option("--ignore", help="As for `checker audit`.")
@click.option("--fail-on", help="As for `checker audit`.")
@click.option("--promotion", metavar="START[:END]", help="As for `checker audit`.")
@click.option("--no-cache", is_flag=True, help="As for `checker audit`.")
def config_command(config_path, select, ignore, fail_on, promotion, no_cache):
    """Print the effective configuration, each value with where it came from (default, file:line,
    command line).  有效配置及每个值的来源。"""
    try:
        config, given = effective_config(config_path, select=select, ignore=ignore, fail_on=fail_on,
                                         no_cache=no_cache, promotion=promotion)
    except (ConfigError, ValueError) as exc:
        for line in str(exc).splitlines():
            click.echo(f"error: {line}", err=True)
        raise SystemExit(2) from None
    click.echo(f"# config file 配置文件: {config.path or '(none: defaults)'}")
    rows = [(label(loc), _shown(value), origin_of(config, loc, given)) for loc, value in _leaves(config)]
    width = min(max(len(key) + len(value) for key, value, _ in rows) + 3, 56)
    for key, value, origin in rows:
        click.echo(f"{f'{key} = {value}':<{width}}  # {origin}")
