"""The package's folders are its layers: imports point down them, never up, and no module
takes part in an import cycle, inside a layer or across layers."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Each subpackage's layer; a module may import modules of its own layer or a lower one.
LAYERS = {
    "core": 0, "sources": 1, "model": 2, "render": 3, "outputs": 4, "engine": 5,
    "preview": 6, "commands": 6, "cli": 7,
}
TOP = {"__init__": 0, "__main__": 8}  # the package itself, and `python -m generator`


def modules() -> dict[str, Path]:
    """Every module by dotted name under generator ('engine.build', '__init__')."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def layer_of(name: str) -> int | None:
    if name in TOP:
        return TOP[name]
    return LAYERS.get(name.split(".")[0])


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of the package this file imports, by dotted name (a package import
    counts as its __init__)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "generator" or node.module.startswith("generator."):
                base = node.module.removeprefix("generator").lstrip(".")
                for alias in node.names:
                    full = f"{base}.{alias.name}" if base else alias.name
                    names.add(full if full in known else base or "__init__")
        elif isinstance(node, ast.Import):
            names.update(a.name.removeprefix("generator.") for a in node.names
                         if a.name.startswith("generator."))
    resolved = set()
    for name in names:
        resolved.add(name if name in known else f"{name}.__init__")
    return {n for n in resolved if n in known}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(path, known) - {name} for name, path in known.items()}


def test_every_module_lies_in_a_layer():
    assert [name for name in modules() if layer_of(name) is None] == [], \
        "put new modules in a layer package, or add the package to LAYERS"


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{name} imports {other}" for name, others in sorted(import_graph().items())
              for other in sorted(others)
              if name != "__main__" and other != "__init__"
              and layer_of(other) > layer_of(name)]
    assert upward == []


def test_no_import_cycles():
    graph = import_graph()
    cycles = [cycle for cycle in strongly_connected(graph) if len(cycle) > 1]
    assert cycles == []


def test_the_cycle_check_finds_a_cycle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) in (
        [["a", "b", "c"], ["d"]], [["d"], ["a", "b", "c"]])


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of the graph, each sorted (iterative: no recursion limit)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
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
            if child is None:
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
                    found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found
