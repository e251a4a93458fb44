"""The package stays readable: small functions, and each name one idea.

Complexity is radon's cyclomatic complexity, counted as ``radon cc -a`` counts it (every
function, method and class); lengths are lines of a function's source, docstring included.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from radon.complexity import cc_visit, sorted_results

PACKAGE = Path(__file__).parents[1] / "src" / "schemalaggning"
#: The most branches a function may have (radon's rank C ends at 20).
MAX_COMPLEXITY = 20
#: The longest a function may be, in lines.
MAX_FUNCTION_LINES = 100
#: The package's mean complexity may not rise above this.
MAX_MEAN_COMPLEXITY = 4.5
#: Names that may stand in several modules: a command of the command line bears the name
#: of the library function it runs, and an entry point is ``main``.
SHARED_NAMES = frozenset({"main"})


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def label(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def test_no_function_has_too_many_branches() -> None:
    found = [
        f"{label(path)}:{block.lineno} {block.fullname} ({block.complexity})"
        for path in modules()
        for block in sorted_results(cc_visit(path.read_text(encoding="utf-8")))
        if block.complexity > MAX_COMPLEXITY
    ]
    assert found == [], "split along their ideas: " + ", ".join(found)


def test_no_function_is_too_long() -> None:
    found = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append(f"{label(path)}:{node.lineno} {node.name} ({lines} lines)")
    assert found == [], "split along their ideas: " + ", ".join(found)


def test_the_mean_complexity_stays_low() -> None:
    blocks = [
        block
        for path in modules()
        for block in sorted_results(cc_visit(path.read_text(encoding="utf-8")))
    ]
    mean = sum(block.complexity for block in blocks) / len(blocks)
    assert mean <= MAX_MEAN_COMPLEXITY, f"mean complexity {mean:.2f} over {len(blocks)} blocks"


def top_level_names(path: Path) -> set[str]:
    """The public classes, functions and constants a module defines."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def is_command(path: Path, name: str) -> bool:
    """Whether ``name`` in ``path`` is a command of the command line."""
    if path.parent.name != "cli":
        return False
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return any("command" in ast.unparse(d) for d in node.decorator_list)
    return False


def test_each_name_is_one_idea() -> None:
    where: dict[str, list[Path]] = defaultdict(list)
    for path in modules():
        for name in top_level_names(path):
            where[name].append(path)
    twice = {
        name: [label(p) for p in paths]
        for name, paths in where.items()
        if name not in SHARED_NAMES and len([p for p in paths if not is_command(p, name)]) > 1
    }
    assert twice == {}, f"names defined in more than one module: {twice}"


def test_the_name_test_sees_a_name_defined_twice(tmp_path: Path) -> None:
    first = tmp_path / "a.py"
    first.write_text("LIMIT = 1\n\ndef read() -> None:\n    pass\n", encoding="utf-8")
    assert top_level_names(first) == {"LIMIT", "read"}
