"""No import cycle anywhere in the package, and every module imports on its own.

Two complementary checks:

- a static import graph of the package's own modules, from their source: every ``import`` at
  module level *and* inside functions (a function-level import that closes a cycle is a layering
  bug waiting to become an import-order bug), leaving out ``if TYPE_CHECKING:`` blocks (type
  hints only). Any strongly connected component of more than one module fails, with the cycle.
- one fresh interpreter that imports each module with no twitchscope module loaded before it,
  so a module that only works when something else was imported first fails too.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "twitchscope"


@cache
def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Package modules ``name`` imports anywhere except under ``if TYPE_CHECKING:``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def target(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = target(node)
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                found.add(sub if sub in modules else mod)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    found.discard(name)
    return {m for m in found if m in modules}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One cycle through the component, as ``a -> b -> a`` (for the failure message)."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    node = start
    while True:
        nxt = sorted(graph[node] & members)
        back = [n for n in nxt if n == start]
        if back and len(path) > 1:
            return " -> ".join([*path, start])
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return " -> ".join([*path, nxt[0]]) if nxt else " <-> ".join(component)
        node = fresh[0]
        path.append(node)
        seen.add(node)


def test_checker_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycle_path(graph, ["a", "b", "c"]) == "a -> b -> c -> a"
    assert _cycles({"a": {"b"}, "b": set()}) == []


@cache
def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_no_import_cycle_in_the_package() -> None:
    assert len(_modules()) > 50
    graph = _graph()
    cycles = [_cycle_path(graph, c) for c in _cycles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_core_imports_no_clinical_report_or_cli_code() -> None:
    """The layering: io, detect and scoring import nothing from the layers above."""
    graph = _graph()
    upper = ("twitchscope.clinical", "twitchscope.report", "twitchscope.cli", "twitchscope.api")
    bad = [
        f"{name} -> {dep}"
        for name, deps in graph.items()
        if name.startswith(("twitchscope.io", "twitchscope.detect", "twitchscope.scoring"))
        for dep in deps
        if dep.startswith(upper)
    ]
    assert not bad, bad


_IMPORT_EACH = r"""
import importlib, json, sys
results = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m == "twitchscope" or m.startswith("twitchscope.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        ours = missing == "twitchscope" or missing.startswith("twitchscope.")
        results[name] = ("error" if ours else "optional") + f": {exc!r}"
    except Exception as exc:
        results[name] = f"error: {exc!r}"
    else:
        results[name] = "ok"
print(json.dumps(results))
"""


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    # __main__ runs the command line when imported: it is a program, not a module to import
    names = sorted(n for n in _modules() if not n.endswith("__main__"))
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert proc.returncode == 0, proc.stderr
    results: dict[str, str] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(results) == set(names)
    # "optional": a module that needs an extra that is not installed; anything else fails
    errors = {k: v for k, v in results.items() if not v.startswith(("ok", "optional"))}
    assert not errors, errors
