"""The rules of docs/architecture.md, read from the code: no import cycles, data flowing one way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "blocksstate"


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _imported(module: str, is_package: bool, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The package modules an import statement runs (a submodule's packages' ``__init__`` too)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = module.split(".") if is_package else module.split(".")[:-1]
        if node.level:
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        names = [
            f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source for a in node.names
        ]
    targets = set()
    for name in names:
        while name not in MODULES and "." in name:
            name = name.rsplit(".", 1)[0]
        while name in MODULES and name != "blocksstate":  # the root package is set up first
            targets.add(name)
            name = name.rsplit(".", 1)[0]
    return sorted(t for t in targets if t != module and not module.startswith(t + "."))


# Module-level imports of a name from ``blocksstate/__init__.py`` (the public names), by module.
FROM_ROOT: list[tuple[str, str]] = []


def _graph() -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """Module-level imports (outside ``if TYPE_CHECKING``), and the ones made inside functions."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    deferred: list[tuple[str, str]] = []

    def visit(module: str, is_package: bool, body: list[ast.stmt], in_function: bool) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and not in_function and module != "blocksstate":
                base = module.split(".") if is_package else module.split(".")[:-1]
                root = ".".join(base[: len(base) - (node.level - 1)]) if node.level else ""
                if (node.module or root) == "blocksstate" and not (node.level and node.module):
                    for alias in node.names:
                        if f"blocksstate.{alias.name}" not in MODULES:
                            FROM_ROOT.append((module, alias.name))
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _imported(module, is_package, node):
                    if in_function:
                        deferred.append((module, target))
                    else:
                        graph[module].add(target)
            inner = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list) and children and isinstance(children[0], ast.AST):
                    visit(module, is_package, children, in_function or inner)

    for module, (path, is_package) in MODULES.items():
        visit(module, is_package, ast.parse(path.read_text()).body, False)
    return graph, deferred


GRAPH, DEFERRED = _graph()


def _reaches(start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(GRAPH[module])
    return False


def test_no_module_imports_itself_through_others():
    cycles = [(a, b) for a in GRAPH for b in GRAPH[a] if _reaches(b, a)]
    assert cycles == []


def test_no_import_inside_a_function_dodges_a_cycle():
    dodges = [(a, b) for a, b in DEFERRED if _reaches(b, a)]
    assert dodges == []


def _imports_of(prefix: str) -> set[str]:
    return {t for m, targets in GRAPH.items() if m.startswith(prefix) for t in targets}


def test_no_module_imports_the_public_names_of_the_package_it_is_part_of():
    """``blocksstate/__init__`` imports nearly every module: one importing a name from it
    at module level would run into a half-made package."""
    assert FROM_ROOT == []


def test_data_flows_one_way():
    def inside(names: set[str], *packages: str) -> list[str]:
        return sorted(n for n in names if any(n.startswith(f"blocksstate.{p}") for p in packages))

    assert inside(_imports_of("blocksstate.engine"), "transport", "sessions") == []
    assert inside(_imports_of("blocksstate.components"), "engine", "transport", "sessions") == []
    assert inside(_imports_of("blocksstate.state"), "sessions", "transport", "engine") == []
    # What components and the engine use of files: below them, beside state.
    stored = set().union(*(_imports_of(f"blocksstate.files.{m}") for m in ("store", "access")))
    assert inside(stored, "engine", "transport", "sessions", "components", "state") == []


def test_the_checks_see_the_imports():
    """The graph is not empty by mistake: a known import is in it."""
    assert "blocksstate.transport.connection" in GRAPH["blocksstate.transport.consumer"]
    assert "blocksstate.sessions.base" in GRAPH["blocksstate.transport.page_events"]
