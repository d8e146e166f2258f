"""The shape of the code: no import cycles in the ``checker`` package, and no module too long to read.

The import graph is read from the source with ``ast``, so nothing is imported to build it:

* every ``import`` and ``from ... import`` counts, at module level or inside a function or an
  ``if TYPE_CHECKING:`` block (an import moved into a function to dodge a cycle is still one);
* relative imports are resolved against the importing module's package;
* ``from pkg import name`` imports the module ``pkg.name`` when there is one, else ``pkg``;
* importing ``checker.a.b`` runs ``checker/a/__init__.py`` first, so it imports the package
  ``checker.a`` too, unless the importer is inside ``checker.a`` (Python has started that
  package before any module in it).
"""

from __future__ import annotations

import ast
import itertools
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (importing module, imported module) -> where: "checker/x.py:12"
Edges = dict[tuple[str, str], str]


def import_graph(root: Path, package: str = "checker") -> tuple[dict[str, set[str]], Edges]:
    """Module -> the modules of ``package`` it imports, and where each import is written."""
    modules: dict[str, tuple[Path, bool]] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)

    def existing(name: str) -> str | None:
        """The module ``name`` names, or the nearest package above it that exists."""
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    where: Edges = {}
    for name, (path, is_package) in modules.items():
        own_package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = own_package.split(".")
                    parts = parts[:len(parts) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                wanted = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for target in filter(None, map(existing, wanted)):
                # the module itself and every package above it that the importer is not inside
                chain = [target]
                parent = target.rpartition(".")[0]
                while parent:
                    if parent in modules and not name.startswith(parent + "."):
                        chain.append(parent)
                    parent = parent.rpartition(".")[0]
                for imported in chain:
                    if imported != name:
                        graph[name].add(imported)
                        how = "" if imported == target else f", imports {target}"
                        where.setdefault((name, imported), f"{path.relative_to(root)}:{node.lineno}{how}")
    return graph, where


def shortest_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """The shortest way from ``start`` back to itself, as ``[start, ..., start]``; None if none."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for imported in sorted(graph[node]):
            if imported == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if imported not in previous:
                previous[imported] = node
                queue.append(imported)
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The shortest cycle through each module that is on one, each cycle once."""
    found: dict[tuple[str, ...], list[str]] = {}
    for start in sorted(graph):
        cycle = shortest_cycle(graph, start)
        if cycle:
            ring = cycle[:-1]
            turn = ring.index(min(ring))  # the same cycle, found from another of its modules
            found.setdefault(tuple(ring[turn:] + ring[:turn]), cycle)
    return list(found.values())


def describe(cycle: list[str], where: Edges) -> str:
    """The cycle on one line, then each of its imports and where it is written."""
    steps = [f"{a} -> {b}  ({where[a, b]})" for a, b in itertools.pairwise(cycle)]
    return "\n    ".join([" -> ".join(cycle), *steps])


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_graph_sees_deferred_relative_and_package_imports(tmp_path):
    """The checker of the checker: cycles hidden in functions, behind relative imports, in
    ``from pkg import module`` and through a package's ``__init__`` are all found."""
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from . import b\n",
        "b.py": "def f():\n    from pkg.a import x\n",
        "sub/__init__.py": "from pkg.sub.d import y\n",
        "sub/d.py": "from ..c import z\n",
        "c.py": "import pkg.sub.e\n",  # runs pkg/sub/__init__.py, which imports d, which imports c
        "sub/e.py": "",
        "f.py": "from pkg.sub import e\n",  # no cycle: e imports nothing
    })
    graph, where = import_graph(root, "pkg")
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg.a"}
    assert graph["pkg.f"] == {"pkg.sub", "pkg.sub.e"}
    assert graph["pkg.sub.d"] == {"pkg.c"}  # its own package is not an import of it
    assert where["pkg.b", "pkg.a"] == "pkg/b.py:2"
    assert sorted(cycles(graph)) == [["pkg.a", "pkg.b", "pkg.a"], ["pkg.c", "pkg.sub", "pkg.sub.d", "pkg.c"]]


def test_no_import_cycles():
    graph, where = import_graph(ROOT)
    found = cycles(graph)
    assert not found, "import cycles in checker/:\n  " + "\n  ".join(describe(c, where) for c in found)


#: A module may be longer than this when its docstring says why ("Over 400 lines on purpose: ...").
MAX_LINES = 400


def test_no_module_over_400_lines_without_a_reason():
    too_long = []
    for path in sorted([*(ROOT / "checker").rglob("*.py"), *(ROOT / "rules").rglob("*.py")]):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if lines > MAX_LINES and "Over 400 lines on purpose" not in docstring:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not too_long, "split these, or say in the docstring why not (\"Over 400 lines on purpose: ...\"):\n  " + \
        "\n  ".join(too_long)
