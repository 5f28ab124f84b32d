"""The house stays in order (issue #12): no import circles, small modules, small folders, and
format families that import only the layers below them."""

from __future__ import annotations

import ast
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "deident"
# Format packages that are not families: the layers below them (shared by several families).
FORMAT_LAYERS = {"base", "common", "ocr"}


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every deident module `name` imports, at module level or inside functions (a lazy import
    is still a dependency: it only hides a circle from the interpreter)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                yield target


def _graph() -> dict[str, set[str]]:
    return {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

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
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _package_parents(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    # A package's __init__ importing its own submodule is not a circle by itself: drop edges from
    # a package to its children, as Python imports the parent first anyway.
    return {v: {w for w in ws if not w.startswith(v + ".")} for v, ws in graph.items()}


def test_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    assert _cycles(_package_parents(_graph())) == []


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_modules_are_small() -> None:
    sizes = {name: _lines(path) for name, path in MODULES.items()}
    assert {n: s for n, s in sizes.items() if s > 500} == {}
    assert statistics.median(sizes.values()) < 150


def test_folders_are_small() -> None:
    crowded = {}
    for folder in [PACKAGE, *(p for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        n = sum(1 for p in folder.glob("*.py") if p.name != "__init__.py")
        if n > 15:
            crowded[str(folder.relative_to(PACKAGE))] = n
    assert crowded == {}


def _family(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 3 and parts[:2] == ["deident", "formats"] and parts[2] not in FORMAT_LAYERS:
        return parts[2]
    return None


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _family(n)))
def test_a_format_family_imports_no_other_family(name: str) -> None:
    mine = _family(name)
    others = sorted(t for t in _imports(name, MODULES[name]) if _family(t) not in (None, mine))
    assert others == []


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if n.startswith("deident.formats.") and not _family(n))
)
def test_format_layers_import_no_family(name: str) -> None:
    assert sorted(t for t in _imports(name, MODULES[name]) if _family(t)) == []
