"""Built-in rule packs of store-checker, installed as ``checker_rules``.

Each pack is a sub-package registered under the ``checker.rules`` entry-point group in
pyproject.toml, keyed by the code prefix it owns.  One module per rule.
"""
