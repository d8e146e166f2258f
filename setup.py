"""Only what pyproject.toml cannot say: ship the top-level ``rules/`` folder under the unique
import name ``checker_rules`` (a bare ``rules`` package would shadow others in site-packages)."""

from setuptools import find_packages, setup

rule_packs = ["checker_rules" + name[len("rules"):] for name in find_packages(include=["rules", "rules.*"])]

setup(
    packages=find_packages(include=["checker", "checker.*"]) + rule_packs,
    package_dir={"checker_rules": "rules"},
)
