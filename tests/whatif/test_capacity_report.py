"""Tests of the capacity report as people see it: the tables and ``capacity --json``."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console, RenderableType
from rich.table import Table

from capacity_instances import GOTEBORG, hand_made
from schemalaggning.cli import main
from schemalaggning.whatif.capacity import plan_capacity, report_tables
from schemalaggning.whatif.capacity.report import scenarios_table

#: The keys every ``capacity --json`` answer has.
JSON_KEYS = {
    "hires_per_year",
    "districts",
    "part1_rounds_report",
    "part1_rounds_min",
    "part1",
    "part2_sessions",
    "part2_sessions_per_year",
    "trainer_days",
    "fte",
    "instance_trainers",
    "scenarios",
    "formulas",
}


def rendered(renderable: RenderableType) -> str:
    """What a terminal 200 columns wide shows of a table or a text."""
    buffer = io.StringIO()
    Console(file=buffer, width=200).print(renderable)
    return buffer.getvalue()


def test_the_report_is_a_heading_and_four_tables() -> None:
    # The hand-made instance at 36 hires a year (see test_capacity_figures): one theme T
    # of 5 sessions, 11 rounds by the report's rule.
    report = plan_capacity(hand_made(), hires_per_year=36, scenarios=(24,))
    heading, *renderables = report_tables(report)
    assert rendered(heading).startswith("hand-made: 36 hires a year (spread evenly")
    tables = [table for table in renderables if isinstance(table, Table)]
    assert [str(table.title).split(":")[0] for table in tables] == [
        "Part 1",
        "Part 2",
        "Trainer days and staff",
        "Scenarios",
    ]
    part1, part2, staff, _ = (rendered(table) for table in tables)
    assert "max(12 - 1 holiday months (Jul), ceil(36 / 9) = 4)" in part1
    # One row for the theme T and one for all themes together.
    assert tables[1].row_count == 2
    assert "all" in part2
    # The instance's trainers may teach, so their load is shown.
    assert "their load" in staff


def test_the_scenarios_table_marks_the_runs_own_volume() -> None:
    report = plan_capacity(hand_made(), hires_per_year=36, scenarios=(24, 48))
    table = rendered(scenarios_table(report))
    assert "36 (this run)" in table
    assert "24 (this run)" not in table and "48 (this run)" not in table
    assert scenarios_table(report).row_count == 3


def run_json(args: list[str]) -> dict[str, Any]:
    """Run ``capacity --json`` and read its one JSON object."""
    result = CliRunner().invoke(main, ["capacity", *args, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)  # One object: anything more would not parse.
    assert isinstance(payload, dict)
    return payload


def test_cli_json_is_one_object_with_the_keys() -> None:
    payload = run_json(["--hires-per-year", "280", "--districts", "10"])
    assert set(payload) >= JSON_KEYS
    assert payload["part1_rounds_report"] == 9
    assert payload["part1_rounds_min"] == 9
    assert [row["hires_per_year"] for row in payload["scenarios"]] == [200, 280, 400, 600]


def test_cli_instance_and_volume_agree_with_the_report() -> None:
    from_people = run_json([str(GOTEBORG)])
    from_volume = run_json([str(GOTEBORG), "--hires-per-year", "280"])
    for payload in (from_people, from_volume):
        assert payload["part1_rounds_report"] == 9
        assert payload["part1_rounds_min"] == 9
        assert payload["part2_sessions_per_year"] == 19 * math.ceil(280 / 30)
    sessions = [
        {c: t["sessions_per_year"] for c, t in payload["part2_sessions"].items()}
        for payload in (from_people, from_volume)
    ]
    assert sessions[0] == sessions[1]
    assert from_people["trainer_days"]["total"] == from_volume["trainer_days"]["total"] == 147.5
    # Only the instance's own hiring has a window bound to show.
    assert from_people["part1"]["window_bound_per_year"] is not None
    assert from_volume["part1"]["window_bound_per_year"] is None


def test_cli_prints_tables() -> None:
    # A wide terminal, so that no formula is wrapped across lines.
    result = CliRunner().invoke(
        main, ["capacity", "--hires-per-year", "280"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "part-1 rounds, the report's rule" in result.output
    assert "max(12 - 3 holiday months (Jun, Jul, Aug), ceil(280 / 32) = 9)" in result.output
    assert "Scenarios" in result.output


@pytest.mark.parametrize("as_json", [False, True])
def test_cli_bad_input_exits_2(tmp_path: Path, as_json: bool) -> None:
    missing = tmp_path / "nowhere"
    args = ["capacity", str(missing), *(["--json"] if as_json else [])]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "nowhere" in result.output
    assert "Traceback" not in result.output
    if as_json:
        assert json.loads(result.output)["ok"] is False
