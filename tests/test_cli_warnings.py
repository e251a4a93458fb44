"""A library's warning never reaches the coordinator's terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TINY = Path(__file__).parents[1] / "instances" / "tiny"
#: ``validate`` in a process of its own, with a library that warns while it runs.
SCRIPT = """
import sys, warnings
from schemalaggning import describe
from schemalaggning.cli import main

described = describe.describe_instance

def warns(instance):
    warnings.warn("Port 8787 is already in use", UserWarning, stacklevel=1)
    return described(instance)

describe.describe_instance = warns
main(["validate", sys.argv[1]])
"""


def test_a_libraries_warning_is_kept_off_the_terminal() -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(TINY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Liten testinstans" in run.stdout
    assert "8787" not in run.stdout + run.stderr
    assert "UserWarning" not in run.stdout + run.stderr
