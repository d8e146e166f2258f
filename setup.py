"""Only what pyproject.toml cannot say: ship the top-level ``rules/`` folder under the unique
import name ``checker_rules`` (a bare ``rules`` package would shadow others in site-packages)."""

from setuptools import find_namespace_packages, setup

# Namespace packages too: the data folders (rules/ad/lexicon, cases/) are then listed, not warned about.
rule_packs = ["checker_rules" + name[len("rules"):]
              for name in find_namespace_packages(include=["rules", "rules.*"], exclude=["*.__pycache__"])]

setup(
    packages=find_namespace_packages(include=["checker", "checker.*"], exclude=["*.__pycache__"]) + rule_packs,
    package_dir={"checker_rules": "rules"},
)
