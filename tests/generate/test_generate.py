"""Tests of the whole generator (``generate_instance``), the bundled instances and the
``generate`` command; its parts have their own modules (``test_generate_*.py``)."""

from __future__ import annotations

import csv
import tomllib
from bisect import bisect_right
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from schemalaggning.cli import main
from schemalaggning.domain import Instance
from schemalaggning.generate import PRESETS, generate_instance
from schemalaggning.io import read_instance, read_instance_with_warnings, write_instance
from schemalaggning.timegrid import TimeGrid

INSTANCES = Path(__file__).resolve().parents[2] / "instances"
BUNDLED = sorted(path.name for path in INSTANCES.iterdir() if (path / "instance.toml").is_file())


@pytest.fixture(scope="module")
def generated() -> dict[str, Instance]:
    """Every preset's instance, generated once for the whole module."""
    return {name: generate_instance(params) for name, params in PRESETS.items()}


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by name, with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def instance_files(folder: Path) -> dict[str, bytes]:
    """The files of an instance folder that the writer writes (not its README)."""
    return {
        name: data
        for name, data in folder_bytes(folder).items()
        if name.endswith(".csv") or name == "instance.toml"
    }


# ---------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    # Two separate generations (not one instance written twice) must agree to the byte.
    params = PRESETS["small"]
    first = write_instance(generate_instance(params), tmp_path / "first")
    second = write_instance(generate_instance(params), tmp_path / "second")
    assert folder_bytes(first) == folder_bytes(second)
    assert set(folder_bytes(first)) >= {"people.csv", "trainers.csv", "unavailability.csv"}


def test_different_seed_gives_different_people(tmp_path: Path) -> None:
    base = PRESETS["small"]
    other = base.model_copy(update={"seed": base.seed + 1})
    first = write_instance(generate_instance(base), tmp_path / "first")
    second = write_instance(generate_instance(other), tmp_path / "second")
    assert (first / "people.csv").read_bytes() != (second / "people.csv").read_bytes()
    assert (first / "courses.csv").read_bytes() == (second / "courses.csv").read_bytes()


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_bundled_instance_is_what_its_preset_generates(name: str, tmp_path: Path) -> None:
    # instances/README.md promises that `generate --preset NAME` rebuilds the bundled files.
    written = write_instance(generate_instance(PRESETS[name]), tmp_path / name)
    assert instance_files(written) == instance_files(INSTANCES / name)


# ---------------------------------------------------------------------------------------------
# Validity and sizes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_instance_reads_without_problems(name: str) -> None:
    instance, warnings = read_instance_with_warnings(INSTANCES / name)
    assert warnings == []
    assert instance.people and instance.courses and instance.trainers and instance.rooms


def test_every_preset_is_bundled() -> None:
    # Besides the presets: the format's example, and one-part1 (benchmarks/one_part1.py).
    assert set(PRESETS) | {"example", "one-part1"} == set(BUNDLED)


# Due attendances by format 1.2's rule: the themes of the horizon's first year's hires
# are due too (most of their two-year window lies inside a two-year horizon).
@pytest.mark.parametrize(
    ("name", "people", "due"),
    [
        ("goteborg", (1100, 1300), (12000, 15000)),
        ("stockholm", (2900, 3300), (31000, 39000)),
        ("tight", (1100, 1300), (11500, 15000)),
        ("small", (100, 170), (250, 600)),
        ("tiny", (20, 60), (8, 40)),
    ],
)
def test_preset_sizes(
    generated: dict[str, Instance], name: str, people: tuple[int, int], due: tuple[int, int]
) -> None:
    instance = generated[name]
    assert people[0] <= len(instance.people) <= people[1]
    assert due[0] <= len(instance.due_attendances) <= due[1]


def test_goteborg_follows_the_report(generated: dict[str, Instance]) -> None:
    instance = generated["goteborg"]
    settings = instance.settings
    assert (settings.horizon_start, settings.horizon_end) == (date(2027, 1, 4), date(2028, 12, 22))
    names = [d.name for d in instance.districts]
    assert names[:3] == ["Angered", "Östra Göteborg", "Örgryte-Härlanda"]
    assert len(instance.districts) == 10
    # About a tenth of a district's staff (about 101 on average) may be away at once.
    assert all(7 <= d.max_absent <= 13 for d in instance.districts)
    summer = [(p.start, p.end) for p in settings.closed if p.name == "sommaruppehåll"]
    assert summer[0] == (date(2027, 6, 28), date(2027, 8, 6))
    assert len(summer) == 2
    assert settings.organizer is not None and settings.organizer.email
    experienced = [p for p in instance.people if not p.required]
    assert 40 <= len(experienced) <= 120
    assert all({"P1A", "P1B", "P1C"} <= set(p.done) for p in experienced)


def test_generated_instances_are_written_in_format_1_2(tmp_path: Path) -> None:
    # plan_ahead in instance.toml, and min_per_year filled for every course (0 for part 1,
    # 1 for every theme: part 2 in full every year), so that courses.csv has the column.
    written = write_instance(generate_instance(PRESETS["tiny"]), tmp_path / "tiny")
    settings = tomllib.loads((written / "instance.toml").read_text(encoding="utf-8"))
    assert settings["plan_ahead"] == 0.5
    with (written / "courses.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["course_id"]: row["min_per_year"] for row in rows} == {
        "P1": "0",
        "T01": "1",
        "T02": "1",
    }
    instance = read_instance(written)
    assert instance.settings.plan_ahead == 0.5
    assert [c.per_year for c in instance.courses] == [0, 1, 1]


def test_every_theme_of_the_full_programme_is_held_every_year(
    generated: dict[str, Instance],
) -> None:
    for name in ("goteborg", "stockholm", "tight", "small"):
        courses = generated[name].courses
        assert {c.course_id: c.min_per_year for c in courses if c.part == "1"} == {
            "P1A": 0,
            "P1B": 0,
            "P1C": 0,
        }
        assert {c.min_per_year for c in courses if c.part == "2"} == {1}, name


def test_courses_come_after_part_1_within_their_windows() -> None:
    courses = generate_instance(PRESETS["small"]).courses
    part1 = tuple(c.course_id for c in courses if c.part == "1")
    assert part1 == ("P1A", "P1B", "P1C")
    for course in courses:
        if course.part == "1":
            assert (course.within_months, course.after) == (4, ())
        else:
            assert course.within_months == 24
            assert course.after == part1


def test_chained_themes_come_after_their_prerequisites_too() -> None:
    # The tight preset chains T05 after T04 and T08 after T05, and T07 needs two trainers.
    courses = {c.course_id: c for c in generate_instance(PRESETS["tight"]).courses}
    assert courses["T05"].after == ("P1A", "P1B", "P1C", "T04")
    assert courses["T08"].after == ("P1A", "P1B", "P1C", "T05")
    assert courses["T04"].after == ("P1A", "P1B", "P1C")
    assert (courses["T07"].trainers, courses["T06"].trainers) == (2, 1)


def test_emails_are_unique_and_in_the_city_domain(generated: dict[str, Instance]) -> None:
    for name in ("goteborg", "stockholm"):
        instance = generated[name]
        emails = [p.email for p in instance.people] + [t.email for t in instance.trainers]
        assert len(set(emails)) == len(emails)
        assert all(email.endswith(f"@{name}.example.se") and email.isascii() for email in emails)


# ---------------------------------------------------------------------------------------------
# Realism: deadlines and scarce resources
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["goteborg", "stockholm", "tight", "small", "tiny"])
def test_no_due_attendance_is_obviously_impossible(
    generated: dict[str, Instance], name: str
) -> None:
    instance = generated[name]
    params = PRESETS[name]
    open_days = TimeGrid(instance.settings).days
    early = 0
    for attendance in instance.due_attendances:
        person = instance.person_by_id[attendance.person_id]
        deadline = instance.deadline(person, instance.course_by_id[attendance.course_id])
        assert deadline >= instance.settings.horizon_start
        # At least the margin of open days (summer break excluded) lies before the deadline.
        assert bisect_right(open_days, deadline) >= params.done_margin_open_days
        early += deadline <= date(2027, 4, 30)
    # Hires already in the programme do leave some attendances due early in the horizon,
    # so the checks above are not vacuous.
    assert early > 0


def test_tight_preset_is_tight(generated: dict[str, Instance]) -> None:
    instance = generated["tight"]
    assert {d.max_absent for d in instance.districts} == {4}
    assert sum(t.district_id is None for t in instance.trainers) == 1
    assert sorted(r.capacity for r in instance.rooms) == [16, 20, 24]
    assert any(c.trainers == 2 for c in instance.courses)
    themes = {c.course_id for c in instance.courses if c.part == "2"}
    assert any(set(c.after) & themes for c in instance.courses)
    # Part 1 rests on the one coordinator alone; every theme has a trainer to spare.
    for course in instance.courses:
        qualified = sum(t.qualified(course.course_id) for t in instance.trainers)
        assert qualified >= course.trainers + (course.part == "2")


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------


def test_cli_preset_choices_are_the_presets() -> None:
    command = main.commands["generate"]
    option = next(p for p in command.params if p.name == "preset")
    assert isinstance(option.type, click.Choice)
    assert sorted(option.type.choices) == sorted(PRESETS)


def test_cli_generates_a_preset(tmp_path: Path) -> None:
    out = tmp_path / "tiny"
    result = CliRunner().invoke(main, ["generate", str(out), "--preset", "tiny"])
    assert result.exit_code == 0, result.output
    # What it wrote, counted (its words: test_generate_words).
    assert ": 38 " in result.output and " 24 " in result.output
    assert instance_files(out) == instance_files(INSTANCES / "tiny")


def test_cli_explicit_options(tmp_path: Path) -> None:
    out = tmp_path / "custom"
    args = ["generate", str(out), "--hires-per-year", "30", "--districts", "3"]
    args += ["--years", "1", "--seed", "7", "--staff-per-district", "40"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    instance = read_instance(out)
    assert len(instance.districts) == 3
    assert instance.settings.horizon_end == date(2027, 12, 22)
    # 40 staff a district: a tenth of them, give or take the districts' differing sizes.
    assert all(3 <= d.max_absent <= 5 for d in instance.districts)
    assert 20 <= sum(p.start_date.year == 2027 for p in instance.people) <= 40


def test_cli_options_override_the_preset(tmp_path: Path) -> None:
    out = tmp_path / "tiny3"
    args = ["generate", str(out), "--preset", "tiny", "--districts", "3"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    instance = read_instance(out)
    assert len(instance.districts) == 3
    assert len(instance.courses) == 3  # the rest of the preset is kept


def test_cli_refuses_inconsistent_options(tmp_path: Path) -> None:
    # Zero districts is refused with a usage error before anything is written.
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "x"), "--districts", "0"])
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_cli_xlsx_round_trip(tmp_path: Path) -> None:
    # The workbook holds what the folder the same command writes holds.
    workbook = tmp_path / "tiny.xlsx"
    result = CliRunner().invoke(main, ["generate", str(workbook), "--preset", "tiny", "--xlsx"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "tiny"
    result = CliRunner().invoke(main, ["generate", str(folder), "--preset", "tiny"])
    assert result.exit_code == 0, result.output
    from_xlsx = read_instance(workbook)
    from_folder = read_instance(folder)
    assert from_xlsx.settings == from_folder.settings
    for table in ("districts", "people", "courses", "trainers", "rooms", "unavailability"):
        assert getattr(from_xlsx, table) == getattr(from_folder, table), table
    assert from_xlsx.due_attendances == from_folder.due_attendances
