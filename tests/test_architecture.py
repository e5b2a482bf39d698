"""The shape of the package: no import cycles, no private names across modules, small modules.

The import graph is built from the source with ``ast`` (every import, also those inside
functions and ``TYPE_CHECKING`` blocks: a cycle there is still a cycle a reader has to untangle).
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "geoevents"

#: Modules allowed over the size limit, each with the reason (kept short on purpose).
LONG_MODULES: dict[str, str] = {}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str, known: dict[str, Path]) -> bool:
    return known[name].name == "__init__.py"


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported from it or None, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if is_package(name, known) else name.rpartition(".")[0]
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                found.append((target, alias.name, node.lineno))
    return found


def edges(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the geoevents modules it imports (a submodule when the name is one)."""
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, attr, _ in imports_of(name, path, known):
            if not target.startswith("geoevents"):
                continue
            sub = f"{target}.{attr}" if attr else None
            dest = sub if sub in known else target
            if dest in known and dest != name:
                graph[name].add(dest)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_imports_inside_functions():
    # The checker itself must see a late import, or a cycle hidden in a function passes.
    known = modules()
    graph = edges(known)
    assert "geoevents.io.atomic" in graph["geoevents.render.save"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    found = cycles(edges(modules()))
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_no_private_names_across_modules():
    known = modules()
    bad = []
    for name, path in known.items():
        for target, attr, line in imports_of(name, path, known):
            if not target.startswith("geoevents"):
                continue
            where = f"{path.relative_to(ROOT)}:{line}"
            sub = f"{target}.{attr}" if attr else target
            if sub in known:
                # A private module may be used inside the package that holds it.
                parts = sub.split(".")
                for i, part in enumerate(parts):
                    owner = ".".join(parts[:i])
                    private = part.startswith("_") and not part.startswith("__")
                    inside = name == owner or name.startswith(owner + ".")
                    if private and not inside:
                        bad.append(f"{where}: {sub}")
            elif attr and attr.startswith("_") and not attr.startswith("__") and target != name:
                bad.append(f"{where}: {target}.{attr}")
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


def test_modules_stay_small():
    long = {}
    for name, path in modules().items():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES and name not in LONG_MODULES:
            long[name] = count
    assert not long, f"modules over {MAX_LINES} lines (split them, or say why): {long}"


def test_version_has_one_home():
    # Everything reads __version__ from geoevents._version, never from the package root.
    known = modules()
    bad = [
        f"{path.relative_to(ROOT)}:{line}"
        for name, path in known.items()
        for target, attr, line in imports_of(name, path, known)
        if target == "geoevents" and attr == "__version__"
    ]
    assert not bad, bad
