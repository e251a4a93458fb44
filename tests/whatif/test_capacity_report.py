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
from english import english_words
from schemalaggning.cli import main
from schemalaggning.i18n import use_language
from schemalaggning.io import read_instance
from schemalaggning.whatif.capacity import CapacityReport, plan_capacity, report_tables
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


def rendered(renderable: RenderableType, width: int = 200) -> str:
    """What a terminal ``width`` columns wide shows of a table or a text."""
    buffer = io.StringIO()
    Console(file=buffer, width=width).print(renderable)
    return buffer.getvalue()


def report_text(report: CapacityReport) -> str:
    """The whole report as a terminal wide enough for every sentence shows it."""
    return "".join(rendered(renderable, 400) for renderable in report_tables(report))


def test_the_report_is_a_heading_and_four_tables() -> None:
    # The hand-made instance at 36 hires a year (see test_capacity_figures): one theme T
    # of 5 sessions, 11 rounds by the report's rule.
    report = plan_capacity(hand_made(), hires_per_year=36, scenarios=(24,))
    heading, *renderables = report_tables(report)
    assert rendered(heading).startswith(
        "hand-made: 36 nyanställda om året (jämnt fördelade över månaderna), 3 stadsdelar."
    )
    tables = [table for table in renderables if isinstance(table, Table)]
    assert [str(table.title).split(":")[0] for table in tables] == [
        "Del 1",
        "Del 2",
        "Utbildardagar och bemanning",
        "Scenarier",
    ]
    part1, part2, staff, _ = (rendered(table, 400) for table in tables)
    # The report's rule in words: a round a month outside July (11), and 36 hires in
    # rounds of at most 9 need 4; the larger is 11.
    assert "en omgång i månaden utom de 1 semestermånaderna (juli): 11 omgångar" in part1
    assert "36 nyanställda om året, högst 9 per omgång: 4 omgångar" in part1
    assert "det största av de två: 11" in part1
    # One row for the theme T and one for all themes together.
    assert tables[1].row_count == 2
    assert "alla" in part2
    # The instance's trainers may teach, so their load is shown.
    assert "deras belastning" in staff


@pytest.mark.parametrize("hires", [None, 400])
def test_the_report_is_in_swedish_without_a_formula(hires: int | None) -> None:
    instance = read_instance(GOTEBORG)
    text = report_text(plan_capacity(instance, hires_per_year=hires))
    courses = [course.course_id for course in instance.courses]
    # December is the same word in Swedish (the hiring is counted up to 22 december 2028).
    assert english_words(text, allowed=[*courses, "december"]) == []
    assert "ceil(" not in text and "max(" not in text and "max_group" not in text
    # Numbers as Swedes write them: a decimal comma, a space before the percent sign.
    assert "147,5" in text or "207,5" in text
    assert "\u00a0%" in text
    if hires == 400:
        assert "400 nyanställda om året, högst 32 per omgång: 13 omgångar" in text
        assert "(juni, juli och augusti)" in text


def test_the_report_in_english() -> None:
    report = plan_capacity(read_instance(GOTEBORG), hires_per_year=400)
    with use_language("en"):
        text = report_text(report)
    assert "400 new hires a year, at most 32 a round: 13 rounds" in text
    assert "(June, July and August)" in text
    assert "Trainer days and staff" in text
    assert "207.5" in text
    assert "nyanställda" not in text


def test_the_scenarios_table_marks_the_runs_own_volume() -> None:
    report = plan_capacity(hand_made(), hires_per_year=36, scenarios=(24, 48))
    table = rendered(scenarios_table(report))
    assert "36 (den här körningen)" in table
    assert "24 (den här körningen)" not in table and "48 (den här körningen)" not in table
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
    # A wide terminal, so that no sentence is wrapped across lines.
    result = CliRunner().invoke(
        main, ["capacity", "--hires-per-year", "280"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "omgångar av del 1, rapportens regel" in result.output
    assert "280 nyanställda om året, högst 32 per omgång: 9 omgångar" in result.output
    assert "Scenarier" in result.output


@pytest.mark.parametrize("args", [[], ["--hires-per-year", "400"]])
def test_cli_capacity_says_it_in_swedish(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["capacity", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    courses = [course.course_id for course in read_instance(GOTEBORG).courses]
    # December is the same word in Swedish: the instance's hiring is counted up to the
    # 22nd of it.
    assert english_words(result.output, allowed=[*courses, "december"]) == []


def test_cli_capacity_in_english() -> None:
    result = CliRunner().invoke(
        main, ["--lang", "en", "capacity", "--hires-per-year", "400"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "400 new hires a year, at most 32 a round: 13 rounds" in result.output


def test_cli_json_keeps_its_words() -> None:
    # --json is for machines: its keys and formulas are the same in every language.
    payload = run_json(["--hires-per-year", "400"])
    assert payload["formulas"]["part2_sessions"].startswith("ceil(hires / seats)")
    assert payload["hiring_profile"]["note"] == "spread evenly over the months"


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
