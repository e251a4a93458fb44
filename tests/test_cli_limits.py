"""Every time limit of the command line is a finite number of seconds, located when not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalaggning.cli import main

EXAMPLE = Path(__file__).parent / "data" / "example" / "instance"


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "700000", "tio"])
@pytest.mark.parametrize("command", ["solve", "bench", "sweep"])
def test_a_time_limit_that_is_not_a_finite_number_of_seconds_is_refused(
    command: str, value: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = {
        "solve": ["solve", str(EXAMPLE), "--no-ics", "-o", str(out)],
        "bench": ["bench", "smoke", "--out", str(out)],
        "sweep": ["sweep", str(EXAMPLE), "--grid", str(tmp_path / "grid.toml"), "-o", str(out)],
    }[command]
    result = CliRunner().invoke(main, [*args, "--time-limit", value])
    assert result.exit_code == 2, result.output
    assert "--time-limit" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
