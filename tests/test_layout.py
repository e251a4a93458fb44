"""The package's layout: no import cycle, no module too long to read."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SOURCE = Path(__file__).parents[1] / "src"
PACKAGE = SOURCE / "schemalaggning"
#: The longest a module may grow before it is split by responsibility.
MAX_LINES = 700


def module_names() -> dict[str, Path]:
    """Every module of the package by its dotted name; a package is its ``__init__``."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported(module: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The package's modules that ``module`` imports anywhere in it: at the top, inside
    functions and under ``TYPE_CHECKING`` alike, for each of them makes a dependency."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from package import module`` imports the module; ``from module import name``
            # imports the module holding the name.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            if target in modules and target != module:
                yield target
                break


def import_cycles() -> list[list[str]]:
    """The groups of modules that import each other, directly or around a ring."""
    modules = module_names()
    graph = {m: set(imported(m, p, modules)) for m, p in modules.items()}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for other in graph[module]:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return cycles


def test_no_module_imports_itself_around_a_ring() -> None:
    assert import_cycles() == []


def test_the_cycle_finder_sees_a_ring_through_a_function(tmp_path: Path) -> None:
    ring = {
        "a.py": "def f():\n    from schemalaggning import b\n",
        "b.py": "import schemalaggning.a\n",
    }
    modules = {}
    for name, text in ring.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        modules[f"schemalaggning.{name[:-3]}"] = tmp_path / name
    found = {m: set(imported(m, p, modules)) for m, p in modules.items()}
    assert found == {
        "schemalaggning.a": {"schemalaggning.b"},
        "schemalaggning.b": {"schemalaggning.a"},
    }


def test_no_module_is_too_long_to_read() -> None:
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


#: The layers of docs/architecture.md, bottom first: each top-level module or package of
#: ``schemalaggning`` and its layer. A module imports only from its own layer or those
#: below, and packages side by side in a layer do not import each other.
LAYERS = {
    "domain": 1,
    "fields": 1,
    "references": 1,
    "problems": 1,
    "rules": 1,
    "exits": 1,
    "i18n": 1,
    "timegrid": 2,
    "io": 2,
    "swedish": 2,
    "interrupts": 2,
    "progress": 2,
    "engine": 3,
    "check": 3,
    "generate": 3,
    "describe": 3,
    "month": 4,
    "export": 4,
    "whatif": 5,
    "explain": 5,
    "web": 6,
    "cli": 7,
}
#: Modules that may reach past the layers: the package's lazy public API.
ABOVE_THE_LAYERS = {"schemalaggning"}


def part_of(module: str) -> str:
    """The top-level module or package a dotted module name belongs to."""
    return module.split(".")[1]


def layer_breaches() -> list[str]:
    modules = module_names()
    found = []
    for module, path in sorted(modules.items()):
        if module in ABOVE_THE_LAYERS:
            continue
        own = part_of(module)
        for target in imported(module, path, modules):
            other = part_of(target) if target != "schemalaggning" else "schemalaggning"
            if other == own:
                continue
            if is_breach(own, other):
                found.append(f"{module} imports {target}")
    return found


def is_breach(own: str, other: str) -> bool:
    """Whether ``own`` may not import ``other``: a layer above, or a package beside it
    from layer 3 up (the small shared modules of layers 1 and 2 use each other)."""
    if other not in LAYERS:
        return True
    upward = LAYERS[other] > LAYERS[own]
    sideways = LAYERS[other] == LAYERS[own] and own != other and LAYERS[own] > 2
    return upward or sideways


def test_the_layer_rule_tells_a_breach() -> None:
    assert is_breach("engine", "check") and is_breach("engine", "month")
    assert is_breach("export", "month") and is_breach("io", "engine")
    assert not is_breach("cli", "engine") and not is_breach("io", "timegrid")
    assert not is_breach("month", "engine") and not is_breach("whatif", "export")


def test_every_top_level_part_has_a_layer() -> None:
    parts = {part_of(m) for m in module_names() if m not in ABOVE_THE_LAYERS}
    assert parts - set(LAYERS) == set()


def test_no_module_imports_a_layer_above_or_a_package_beside_it() -> None:
    assert layer_breaches() == []
