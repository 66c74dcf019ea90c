"""No import cycle between the top-level packages of `clausier/`.

`test_no_module_imports_itself_back` looks at modules; two packages can still import
each other through different modules (`accounts.services` queuing mail through
`notify`, `notify.admin` scoping by `accounts`). Here every import of the grimp graph
counts for the top-level package (or module) it comes from and the one it goes to, and
that graph must have no cycle: the packages form layers, as docs/architecture.md draws
them. A planted import shows the test can fail.
"""

from __future__ import annotations

import shutil
import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def package_imports(package: str) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """For each top-level package, the ones it imports, each with the imports that do."""
    graph = grimp.build_graph(package, cache_dir=None)
    edges: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))

    def top(module: str) -> str:
        return ".".join(module.split(".")[:2])

    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported in graph.modules and top(imported) != top(module):
                edges[top(module)][top(imported)].append((module, imported))
    return edges


def package_cycles(package: str) -> list[list[str]]:
    """Groups of top-level packages that import one another, with the imports that close
    each group (so a failure says which import to remove)."""
    edges = package_imports(package)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, {}):
            if target not in order:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], order[target])
        if low[node] == order[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                members = set(group)
                found.append(
                    sorted(
                        f"{source} -> {target}: {imports[0][0]} imports {imports[0][1]}"
                        for source in members
                        for target, imports in edges[source].items()
                        if target in members
                    )
                )

    for node in sorted(edges):
        if node not in order:
            visit(node)
    return found


def test_the_top_level_packages_of_clausier_import_one_way():
    assert package_cycles("clausier") == []


def test_accounts_and_notify_and_the_api_toolkit_sit_where_the_layers_say():
    edges = package_imports("clausier")
    assert "clausier.notify" not in edges["clausier.accounts"]
    assert set(edges["clausier.apikit"]) <= {"clausier.core"}


def test_a_planted_package_cycle_is_found(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "clausier",
        tree / "clausier",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "templates", "static"),
    )
    # accounts queuing its mail through notify directly again, as it did before the hook:
    # no module imports itself back, but the two packages do.
    planted = tree / "clausier/accounts/planted.py"
    planted.write_text("from clausier.notify import services\n")
    monkeypatch.syspath_prepend(str(tree))
    for name in [m for m in sys.modules if m == "clausier" or m.startswith("clausier.")]:
        monkeypatch.delitem(sys.modules, name)
    [group] = package_cycles("clausier")
    assert any("clausier.accounts.planted imports clausier.notify.services" in e for e in group)
