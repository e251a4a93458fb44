"""The package declares exactly what it imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
#: Declared for what they give other than a module to import.
DATA_ONLY = {
    "tzdata": "the time zones zoneinfo reads where the system has none",
    "python_multipart": "the form and upload parser Starlette imports when a form is read",
}
#: A distribution's name where its module is named otherwise.
MODULE_OF = {"tomli-w": "tomli_w", "argon2-cffi": "argon2"}


def third_party_imports(folder: Path) -> set[str]:
    """The top-level modules imported anywhere under a folder (inside functions too) that
    are neither the standard library's nor the project's own."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return {
        name
        for name in found
        if name not in sys.stdlib_module_names and name not in ("schemalaggning", "__future__")
    }


def declared(requirements: list[str]) -> set[str]:
    """The module names of requirement strings such as ``dask[distributed]>=2024.1``."""
    names = set()
    for requirement in requirements:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement)
        assert name is not None, requirement
        names.add(MODULE_OF.get(name.group(0).lower(), name.group(0).lower().replace("-", "_")))
    return names


def test_the_dependencies_are_exactly_what_the_package_imports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = declared(project["dependencies"]) - set(DATA_ONLY)
    assert third_party_imports(ROOT / "src") == dependencies
