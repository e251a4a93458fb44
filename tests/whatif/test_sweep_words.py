"""A sweep in the coordinator's words: sweep.md and the grid's problems in Swedish (English
with --lang en), and nothing of Dask's on the terminal."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from english import english_words
from schemalaggning.check import check, check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.generate.params import MAX_HIRES_PER_YEAR
from schemalaggning.i18n import use_language
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.problems import InputError
from schemalaggning.whatif.sweep import (
    Grid,
    Outcome,
    Scenario,
    read_grid,
    run_scenario,
    scenario_instance,
)
from schemalaggning.whatif.sweep_report import SUMMARY, write_summary

TINY = Path(__file__).parents[2] / "instances" / "tiny"
#: Dask's own port for a scheduler's dashboard, which another cluster may hold.
DASHBOARD_PORT = 8787


def words_of_path(path: Path) -> list[str]:
    """The words of a folder's path (pytest's ``/tmp/pytest-of-...``), which are not the
    command's."""
    return re.findall(r"[A-Za-z]+", str(path))


def test_a_bad_grid_is_said_in_english_with_lang_en(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text("[grid]\nrooms = [0]\n", encoding="utf-8")
    args = ["--lang", "en", "sweep", str(TINY), "--grid", str(path), "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_BAD_INPUT
    assert "expected a list of whole numbers from 1 to 100" in result.stderr


def test_a_grid_of_too_many_scenarios_says_how_many_in_swedish(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text("[grid]\nrooms = [1, 2]\nseeds = " + str(list(range(600))) + "\n")
    with pytest.raises(InputError) as raised:
        read_grid(path, MAX_HIRES_PER_YEAR)
    [problem] = raised.value.problems
    assert problem.expected.startswith("förväntade högst 1\u00a0000 scenarier")
    assert "det här rutnätet har 1\u00a0200" in problem.expected


def test_sweep_md_is_in_swedish_and_in_english_with_english(tmp_path: Path) -> None:
    instance = read_instance(TINY)
    scenario = Scenario({"max_absent": 2}, 0)
    outcome = run_scenario(instance, scenario, 3, 1)
    assert outcome.result is not None, outcome.row
    result = outcome.result
    changed = scenario_instance(instance, scenario)
    assert check(changed, result.sessions, result.assignments, result.unscheduled) == []
    failed = Outcome(Scenario({"max_absent": 4}, 0), {"status": "failed", "error": "Boom"})
    grid = Grid({"max_absent": (2, 4)})

    text = write_summary(tmp_path, grid, [outcome, failed]).read_text(encoding="utf-8")
    assert text.startswith("# Scenarier per kalenderår")
    assert "## högst borta samtidigt per stadsdel 2, frö 0" in text
    assert "| år | dagar i planen | utbildardagar |" in text
    assert "Misslyckades: Boom" in text
    assert english_words(text, allowed=["Boom"]) == []

    with use_language("en"):
        english_row = run_scenario(instance, scenario, 3, 1).row
        english = write_summary(tmp_path, grid, [outcome, failed]).read_text(encoding="utf-8")
    assert english.startswith("# Scenarios by calendar year")
    assert "## most away at once in a district 2, seed 0" in english
    assert "Failed: Boom" in english
    assert english_row["comparison"].startswith("The full year 2027 has ")
    # The language of the comparison is the one given to the task, whatever the worker's.
    assert (
        run_scenario(instance, scenario, 3, 1, "en")
        .row["comparison"]
        .startswith("The full year 2027 has ")
    )


@pytest.fixture
def dashboard_port_taken() -> Iterator[None]:
    """Dask's dashboard port held by another program (as by another cluster), when free."""
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", DASHBOARD_PORT))
        holder.listen()
    except OSError:
        pass  # Taken already: by another program, which is what the test needs.
    try:
        yield
    finally:
        holder.close()


def test_the_sweeps_terminal_has_nothing_of_dasks(
    tmp_path: Path, dashboard_port_taken: None
) -> None:
    # Dask warned "UserWarning: Port 8787 is already in use" on the coordinator's
    # terminal when another cluster held its dashboard's port, and distributed's logging
    # went there too.
    grid = tmp_path / "grid.toml"
    grid.write_text("[grid]\nmax_absent = [2, 4]\n", encoding="utf-8")
    out = tmp_path / "svep"
    args = ["sweep", str(TINY), "--grid", str(grid), "-o", str(out), "--time-limit", "3"]
    done = subprocess.run(
        [sys.executable, "-m", "schemalaggning.cli", *args, "--tasks", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for leak in ("Warning", str(DASHBOARD_PORT), "distributed", "dask", "INFO", "Traceback"):
        assert leak not in output
    assert english_words(output, allowed=words_of_path(tmp_path)) == [], output
    instance = read_instance(TINY)
    for scenario in read_grid(grid, MAX_HIRES_PER_YEAR).scenarios():
        folder = out / "scenarios" / scenario.name
        assert check_schedule(scenario_instance(instance, scenario), read_schedule(folder)) == []
    summary = (out / SUMMARY).read_text(encoding="utf-8")
    assert english_words(summary) == []
