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


@pytest.mark.parametrize("command", ["generate", "capacity"])
def test_a_hiring_volume_beyond_any_city_is_refused(command: str, tmp_path: Path) -> None:
    # 100 000 hires a year at most: a larger number is a typing error, and used to run
    # for minutes (capacity) or end in a traceback (generate).
    out = tmp_path / "out"
    args = ["generate", str(out)] if command == "generate" else ["capacity"]
    result = CliRunner().invoke(main, [*args, "--hires-per-year", "100000000"])
    assert result.exit_code == 2, result.output
    assert "--hires-per-year" in result.output
    assert not out.exists()


def test_generate_xlsx_writes_a_workbook_named_so(tmp_path: Path) -> None:
    # The workbook gets its .xlsx ending, which validate then takes for a workbook.
    result = CliRunner().invoke(
        main, ["generate", str(tmp_path / "stad"), "--preset", "tiny", "--xlsx"]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["stad.xlsx"]
    checked = CliRunner().invoke(main, ["validate", str(tmp_path / "stad.xlsx")])
    assert checked.exit_code == 0, checked.output


def test_a_capacity_scenario_beyond_any_city_is_refused() -> None:
    # A scenario of a hundred million hires a year ran capacity for minutes.
    result = CliRunner().invoke(main, ["capacity", "--scenario", "400", "--scenario", "100000000"])
    assert result.exit_code == 2, result.output
    assert "--scenario" in result.output
    assert "förväntat ett heltal som är minst 1 och högst 100\u00a0000, hittade '100000000'" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_sweep_of_more_worker_processes_than_any_machine_is_refused(tmp_path: Path) -> None:
    # Each task is a worker process of the local cluster: a hundred thousand would be
    # started before the first scenario.
    out = tmp_path / "out"
    grid = tmp_path / "grid.toml"
    grid.write_text("[grid]\nseeds = [0]\n", encoding="utf-8")
    args = ["sweep", str(EXAMPLE), "--grid", str(grid), "-o", str(out), "--tasks", "100000"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "--tasks" in result.output
    assert "förväntat ett heltal som är minst 1 och högst 256, hittade '100000'" in result.output
    assert not out.exists()
