"""No import cycle between the modules of `clausier/`, at any distance.

`.importlinter`'s contracts compare packages and layers; this test looks at the modules
themselves: the strongly connected components of the import graph (grimp, the graph
import-linter builds on) must all be single modules. A planted cycle shows it can fail.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def cycles(package: str) -> list[list[str]]:
    """The groups of modules that import one another, directly or through others."""
    graph = grimp.build_graph(package, cache_dir=None)
    modules = graph.modules
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in modules:
                continue
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 10_000))
    try:
        for module in sorted(modules):
            if module not in order:
                visit(module)
    finally:
        sys.setrecursionlimit(previous)
    return found


def test_no_module_of_clausier_imports_itself_back():
    assert cycles("clausier") == []


def test_a_planted_cycle_is_found(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "clausier",
        tree / "clausier",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "templates", "static"),
    )
    # The lowest module of money handling importing a billing module: a cycle through
    # everything that imports core.money.
    money = tree / "clausier/core/money.py"
    money.write_text(money.read_text() + "\nfrom clausier.billing import services\n")
    monkeypatch.syspath_prepend(str(tree))
    for name in [m for m in sys.modules if m == "clausier" or m.startswith("clausier.")]:
        monkeypatch.delitem(sys.modules, name)
    found = cycles("clausier")
    assert found, "the planted cycle went unnoticed"
    assert any("clausier.core.money" in group for group in found)
