"""The package's face: the names a library user imports from ``schemalaggning``."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import schemalaggning

ROOT = Path(__file__).parents[1]


def readme_example() -> str:
    """The README's library example, the block after its marker."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- library example.*?-->\n```python\n(.*?)```", text, re.S)
    assert found, "the README has no library example"
    return found.group(1)


def test_the_readme_library_example_runs_and_its_schedule_is_checked() -> None:
    # Run as a user would, from the repository's root, in a process of its own.
    done = subprocess.run(
        [sys.executable, "-c", readme_example()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.returncode == 0, done.stderr
    status, half_days, sessions = done.stdout.split()
    assert status == "optimal"
    assert int(half_days) == 3 and int(sessions) == 2


def test_all_names_the_public_api() -> None:
    assert set(schemalaggning.__all__) == {"__version__", *schemalaggning.API}


@pytest.mark.parametrize("name", schemalaggning.API)
def test_every_public_name_is_importable_from_the_package(name: str) -> None:
    # Also after the subpackages are imported (schemalaggning.check is both a package and
    # the checker's function).
    importlib.import_module(schemalaggning.API[name])
    assert getattr(schemalaggning, name) is getattr(
        __import__(schemalaggning.API[name], fromlist=[name]), name
    )


def test_importing_the_package_loads_no_solver() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, schemalaggning; print('ortools' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.stdout.strip() == "False"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = schemalaggning.no_such_name
