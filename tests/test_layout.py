"""The code's shape: no import cycles, modules of at most 400 lines, simple functions.

Complexity is radon's cyclomatic complexity. The functions still above the ceiling
are listed by name below; the list may only shrink (a listed function that is now
simple enough fails the test until it is taken off).
"""

import ast

from radon.complexity import cc_visit

from support import PROJECT

PACKAGES = ("survey_app", "analysis")
MAX_LINES = 400
MAX_COMPLEXITY = 15
# (module path, function): over the ceiling today, to be split by their owners.
TOO_COMPLEX_TODAY: set[tuple[str, str]] = set()
# Import cycles found today, to be broken by their owners (the list may only shrink).
CYCLES_TODAY: list[list[str]] = []


def _modules() -> dict[str, object]:
    found = {}
    for package in PACKAGES:
        for path in sorted((PROJECT / package).rglob("*.py")):
            relative = path.relative_to(PROJECT).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            found[".".join(parts)] = path
    return found


def _top_level_imports(tree: ast.Module):
    """Imports run when the module is imported (not those under TYPE_CHECKING or in functions)."""
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else ():
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child


def _graph(modules: dict) -> dict[str, set[str]]:
    graph = {}
    for name, path in modules.items():
        edges = set()
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            edges |= {t for t in targets if t in modules and t != name}
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    # A package imports its parent's __init__ when it is imported: that edge is not a cycle.
    graph = _graph(_modules())
    graph = {name: {t for t in targets if not name.startswith(t + ".")}
             for name, targets in graph.items()}
    assert _cycles(graph) == CYCLES_TODAY


def test_no_module_over_400_lines():
    long = {str(path.relative_to(PROJECT)): n for path in _modules().values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_function_above_the_complexity_ceiling():
    over = set()
    for path in _modules().values():
        relative = str(path.relative_to(PROJECT))
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > MAX_COMPLEXITY:
                over.add((relative, block.name))
    assert over - TOO_COMPLEX_TODAY == set(), "split these functions"
    assert TOO_COMPLEX_TODAY - over == set(), "simple enough now: take them off the list"
