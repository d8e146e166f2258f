"""The rule engine: rule base class, packs and registry (entry points), audit context and runner."""

from checker.engine.context import AuditContext
from checker.engine.pack import RulePack
from checker.engine.registry import is_selected, load_packs, load_plugins, register
from checker.engine.rule import Rule
from checker.engine.runner import Engine, build_rules

__all__ = [
    "AuditContext", "Engine", "Rule", "RulePack", "build_rules", "is_selected", "load_packs", "load_plugins", "register",
]
