"""A sweep's grid is bounded: every value in its parameter's range, at most a thousand
scenarios, each problem located in the grid file (exit 2, nothing written)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from schemalaggning.cli import EXIT_BAD_INPUT
from schemalaggning.generate.params import MAX_HIRES_PER_YEAR
from schemalaggning.i18n import use_language
from schemalaggning.problems import InputError
from schemalaggning.whatif.sweep import MAX_SCENARIOS, RANGES, read_grid

TINY = Path(__file__).parents[2] / "instances" / "tiny"
#: A bound on the sweep's run; a grid refused ends at once. No test measures time.
PATIENCE = 120


def refused(tmp_path: Path, text: str) -> str:
    """The problems read_grid finds in the grid file, as the user reads them."""
    path = tmp_path / "grid.toml"
    path.write_text(text, encoding="utf-8")
    # In English, as the words are asserted (the Swedish: test_sweep_words).
    with use_language("en"):
        with pytest.raises(InputError) as refusal:
            read_grid(path, MAX_HIRES_PER_YEAR)
        return "\n".join(str(p) for p in refusal.value.problems)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        # A typing error of a hiring volume used to draw a hundred million hires.
        ("hires_per_year", 100_000_000, "from 1 to 100,000"),
        ("hires_per_year", MAX_HIRES_PER_YEAR + 1, "from 1 to 100,000"),
        # A hundred million rooms or trainers used to be made one by one.
        ("rooms", 100_000_000, "from 1 to 100"),
        ("trainers", 101, "from 1 to 100"),
        ("max_absent", 1_001, "from 0 to 1,000"),
        ("max_absent", -1, "from 0 to 1,000"),
        ("seeds", 1_000_001, "from 0 to 1,000,000"),
    ],
)
def test_a_grid_value_outside_its_range_is_located(
    key: str, value: int, expected: str, tmp_path: Path
) -> None:
    words = refused(tmp_path, f"[grid]\n{key} = [2, {value}]\n")
    assert words == (
        f"grid.toml, key grid.{key}: '[2, {value}]': expected a list of whole numbers {expected}"
    )


def test_the_largest_values_of_each_range_are_taken(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    lines = [f"{key} = [{low}, {high}]" for key, (low, high) in RANGES.items()]
    path.write_text(
        "\n".join(["[grid]", f"hires_per_year = [1, {MAX_HIRES_PER_YEAR}]", *lines]) + "\n",
        encoding="utf-8",
    )
    grid = read_grid(path, MAX_HIRES_PER_YEAR)
    assert grid.values["hires_per_year"] == (1, MAX_HIRES_PER_YEAR)
    assert grid.values["rooms"] == RANGES["rooms"]
    assert grid.seeds == RANGES["seeds"]
    assert grid.size == len(grid.scenarios()) == 2**5


def test_a_grid_of_more_scenarios_than_the_limit_says_how_many(tmp_path: Path) -> None:
    # 102 x 10 x 100 = 102 000 scenarios used to be made and sent to Dask one by one.
    hires = list(range(1, 103))
    limits = list(range(10))
    rooms = list(range(1, 101))
    words = refused(
        tmp_path, f"[grid]\nhires_per_year = {hires}\nmax_absent = {limits}\nrooms = {rooms}\n"
    )
    assert words == (
        "grid.toml, key grid: expected at most 1,000 scenarios; this grid has 102,000 "
        "(every combination of the values, once per seed): vary fewer values, or split "
        "the grid into several sweeps"
    )


def test_a_grid_at_the_limit_of_scenarios_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(
        f"[grid]\nmax_absent = {list(range(10))}\nseeds = {list(range(100))}\n", encoding="utf-8"
    )
    assert read_grid(path, MAX_HIRES_PER_YEAR).size == MAX_SCENARIOS


@pytest.mark.parametrize(
    ("grid", "words"),
    [
        (
            "[grid]\nhires_per_year = [100000000]\n",
            "grid.toml, key grid.hires_per_year: '[100000000]': expected a list of whole "
            "numbers from 1 to 100,000",
        ),
        (
            "[grid]\nrooms = [100000000]\n",
            "grid.toml, key grid.rooms: '[100000000]': expected a list of whole numbers "
            "from 1 to 100",
        ),
        (
            f"[grid]\nmax_absent = {list(range(11))}\nseeds = {list(range(100))}\n",
            "grid.toml, key grid: expected at most 1,000 scenarios; this grid has 1,100",
        ),
    ],
    ids=["hires", "rooms", "scenarios"],
)
def test_the_sweep_command_refuses_an_unbounded_grid(grid: str, words: str, tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(grid, encoding="utf-8")
    out = tmp_path / "sweep"

    args = ["sweep", str(TINY), "--grid", str(path), "-o", str(out), "--time-limit", "1"]

    # A process of its own: a grid that was not refused would start a Dask cluster.
    done = subprocess.run(
        [sys.executable, "-m", "schemalaggning.cli", "--lang", "en", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=PATIENCE,
    )

    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert "Traceback" not in done.stderr
    assert f"error: {words}" in done.stderr
    assert not out.exists()


def test_a_long_list_of_values_is_shown_cut_short(tmp_path: Path) -> None:
    values = list(range(-1, 5000))
    words = refused(tmp_path, f"[grid]\nseeds = {values}\n")
    assert words.startswith("grid.toml, key grid.seeds: '[-1, 0, 1, 2,")
    assert "...': expected a list of whole numbers from 0 to 1,000,000" in words
    assert len(words) < 200
