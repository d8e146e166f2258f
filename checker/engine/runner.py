"""Runs the selected rules over the audit's items, scope by scope.

One rule crashing never stops the audit: its exception becomes an error row naming the rule.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from checker.config import Config, ConfigError, config_key_line
from checker.configtext import plain_message
from checker.engine.context import AuditContext, no_gc
from checker.engine.registry import is_selected, load_plugins, pack_of, resolve_by_prefix
from checker.engine.rule import Rule, iter_findings
from checker.models import ErrorRecord, Finding, Severity


def build_rules(config: Config, registry: dict[str, type[Rule]] | None = None) -> list[Rule]:
    """Instantiate every selected rule with its validated options and configured severity."""
    registry = load_plugins() if registry is None else registry
    for code in config.rules:
        if code.upper() not in registry:
            near = difflib.get_close_matches(code.upper(), list(registry), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise ConfigError(f"{config_key_line(config, ('rules', code))}: rules.{code}: no rule with this code{hint}")
    for key in config.severity:
        if key.upper() != "ALL" and not any(c.startswith(key.upper()) for c in registry):
            raise ConfigError(f"{config_key_line(config, ('severity', key))}: severity.{key}: matches no rule")
    rules: list[Rule] = []
    for code, cls in registry.items():
        if not is_selected(code, config.select, config.ignore):
            continue
        raw = {k.upper(): v for k, v in config.rules.items()}.get(code, {})
        try:
            options = cls.Options.model_validate(raw)
        except ValidationError as exc:  # every problem of the rule's options, in plain words
            raise ConfigError("\n".join(
                f"{config_key_line(config, loc)}: {'.'.join(map(str, loc))}: {plain_message(err, cls.Options)}"
                for err in exc.errors() for loc in [("rules", code, *err["loc"])])) from None
        level = resolve_by_prefix(code, config.severity)
        rules.append(cls(options, Severity(level) if level else None))
    return rules


class Engine:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.by_scope: dict[str, list[Rule]] = {}
        for rule in rules:
            self.by_scope.setdefault(rule.scope, []).append(rule)
        self.by_scope.get("post", []).sort(key=lambda r: r.post_order)  # stable: by code within an order
        packs = {id(p): p for p in (pack_of(r.code) for r in rules) if p is not None and p.keep_sentence}
        #: What the selected rules' packs keep of a page's description for the site rules.
        self.sentence_keepers: tuple = tuple(p.keep_sentence for p in packs.values())

    @classmethod
    def from_config(cls, config: Config) -> Engine:
        return cls(build_rules(config))

    def _run(self, rule: Rule, item: Any, ctx: AuditContext, where: str) -> Iterable[Finding]:
        try:
            return list(iter_findings(rule.check(item, ctx)))
        except Exception as exc:  # a broken rule must not end the audit
            ctx.errors.append(
                ErrorRecord(stage="rule", source=where, location=rule.code, reason=f"{type(exc).__name__}: {exc}")
            )
            return []

    def check_scope(self, scope: str, item: Any, ctx: AuditContext, where: str = "") -> list[Finding]:
        out: list[Finding] = []
        rules = self.by_scope.get(scope, ())
        if rules:
            ctx.memo.start(item)
        for rule in rules:
            out.extend(self._run(rule, item, ctx, where))
        return out

    def check_page(self, page, ctx: AuditContext) -> list[Finding]:
        out = self.check_scope("page", page, ctx, page.url)
        if page.product is not None:
            out.extend(self.check_scope("product", page.product, ctx, page.url))
        return out

    def check_site(self, ctx: AuditContext) -> list[Finding]:
        """The site rules, with the cyclic garbage collector off: they make findings by the hundred
        thousand (acyclic), and each collection would rescan every lot and page of the audit
        (ST002 over 1,000,000 lots: 8.4 s with it, see benchmarks/README.md)."""
        with no_gc():
            return self.check_scope("site", ctx, ctx, "site")

    def revise(self, findings: list[Finding], ctx: AuditContext) -> list[Finding]:
        for rule in self.by_scope.get("post", ()):
            try:
                findings = list(rule.revise(findings, ctx))
            except Exception as exc:
                ctx.errors.append(
                    ErrorRecord(stage="rule", source="post", location=rule.code, reason=f"{type(exc).__name__}: {exc}")
                )
        return findings
