"""Tests of the instance generator, its presets, the bundled instances and ``generate``."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from schemalaggning.cli import main
from schemalaggning.domain import ALL_COURSES, Instance
from schemalaggning.generate import (
    PART1_MODULES,
    PART2_THEMES,
    PRESETS,
    GeneratorParams,
    generate_instance,
    preset,
)
from schemalaggning.io import read_instance, read_instance_with_warnings, write_instance
from schemalaggning.timegrid import TimeGrid

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
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
    assert set(PRESETS) | {"example"} == set(BUNDLED)


@pytest.mark.parametrize(
    ("name", "people", "due"),
    [
        ("goteborg", (1100, 1300), (7200, 8800)),
        ("stockholm", (2900, 3300), (19000, 23000)),
        ("tight", (1100, 1300), (6500, 8800)),
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


def test_goteborg_preset_is_the_default_with_its_seed() -> None:
    # instances/README.md gives the explicit options as an equivalent of the preset.
    assert PRESETS["goteborg"] == GeneratorParams(hires_per_year=280, districts=10, years=2, seed=1)


def test_theme_list_is_said_to_be_illustrative() -> None:
    readme = (INSTANCES / "goteborg" / "README.md").read_text(encoding="utf-8")
    assert "illustrative" in readme
    assert all(theme.name in readme for theme in PART2_THEMES)


def test_programme_keeps_the_report_totals() -> None:
    assert [m.half_days for m in PART1_MODULES] == [3, 1, 1]
    assert len(PART2_THEMES) == 19
    assert sum(t.half_days for t in PART2_THEMES) == 25
    assert all(1 <= t.half_days <= 10 for t in PART2_THEMES)
    courses = generate_instance(PRESETS["small"]).courses
    part1 = tuple(c.course_id for c in courses if c.part == "1")
    for course in courses:
        if course.part == "1":
            assert (course.within_months, course.after) == (4, ())
        else:
            assert course.within_months == 24
            assert course.after == part1


def test_trainers_are_coordinators_and_district_support(generated: dict[str, Instance]) -> None:
    instance = generated["goteborg"]
    central = [t for t in instance.trainers if t.district_id is None]
    local = [t for t in instance.trainers if t.district_id is not None]
    assert len(central) == 2
    assert all(t.courses == (ALL_COURSES,) and t.max_half_days_per_week == 8 for t in central)
    assert sorted(str(t.district_id) for t in local) == sorted(
        d.district_id for d in instance.districts
    )
    themes = {c.course_id for c in instance.courses if c.part == "2"}
    assert all(set(t.courses) <= themes and t.max_half_days_per_week == 2 for t in local)
    for theme in themes:
        assert sum(theme in t.courses for t in local) >= 2


def test_emails_are_unique_and_in_the_city_domain(generated: dict[str, Instance]) -> None:
    for name in ("goteborg", "stockholm"):
        instance = generated[name]
        emails = [p.email for p in instance.people] + [t.email for t in instance.trainers]
        assert len(set(emails)) == len(emails)
        assert all(email.endswith(f"@{name}.example.se") and email.isascii() for email in emails)


# ---------------------------------------------------------------------------------------------
# Realism: peaks, done-lists, deadlines
# ---------------------------------------------------------------------------------------------


def test_hiring_peaks_in_august_september_and_january(generated: dict[str, Instance]) -> None:
    instance = generated["goteborg"]
    start = instance.settings.horizon_start
    months = Counter(p.start_date.month for p in instance.people if p.start_date >= start)
    others = [months[m] for m in range(1, 13) if m not in (1, 8, 9)]
    for peak in (1, 8, 9):
        assert months[peak] > 1.3 * sum(others) / len(others)
    # About 280 hires start each year of the horizon.
    assert 500 <= sum(months.values()) <= 600


@pytest.mark.parametrize("name", ["goteborg", "tight", "small", "tiny"])
def test_done_lists_respect_prerequisites(generated: dict[str, Instance], name: str) -> None:
    instance = generated[name]
    for person in instance.people:
        done = set(person.done)
        for course_id in done:
            assert set(instance.course_by_id[course_id].after) <= done, person.person_id


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


def test_in_flight_hires_have_done_part_of_the_programme(generated: dict[str, Instance]) -> None:
    instance = generated["goteborg"]
    start = instance.settings.horizon_start
    in_flight = [p for p in instance.people if p.required and p.start_date < start]
    new = [p for p in instance.people if p.required and p.start_date >= start]
    assert all(not p.done for p in new)
    sizes = Counter(len(p.done) for p in in_flight)
    assert sizes[len(instance.courses)] > 0  # some are through
    assert sum(n for size, n in sizes.items() if 0 < size < len(instance.courses)) > 100


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
# Parameters
# ---------------------------------------------------------------------------------------------


def test_horizon_ends_before_christmas() -> None:
    assert GeneratorParams().horizon_end == date(2028, 12, 22)
    assert GeneratorParams(years=1).horizon_end == date(2027, 12, 22)
    assert GeneratorParams(horizon_start=date(2027, 3, 1), years=1).horizon_end == date(2028, 2, 29)


def test_more_districts_than_the_city_has_get_generic_names() -> None:
    instance = generate_instance(
        GeneratorParams(districts=12, hires_per_year=30, years=1, programme="mini")
    )
    assert [d.name for d in instance.districts][-2:] == ["Stadsdel 11", "Stadsdel 12"]
    assert len({d.district_id for d in instance.districts}) == 12


@pytest.mark.parametrize(
    "changes",
    [
        {"two_trainer_themes": ("T99",)},
        {"theme_chains": (("T02", "T01"), ("T01", "T02"))},
        {"part1_min_group": 40},
        {"room_capacities": (4,)},
    ],
)
def test_inconsistent_parameters_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        GeneratorParams.model_validate({**GeneratorParams().model_dump(), **changes})


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="goteborg"):
        preset("malmo")


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
    assert "due attendances" in result.output
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
    workbook = tmp_path / "tiny.xlsx"
    result = CliRunner().invoke(main, ["generate", str(workbook), "--preset", "tiny", "--xlsx"])
    assert result.exit_code == 0, result.output
    from_xlsx = read_instance(workbook)
    from_folder = read_instance(INSTANCES / "tiny")
    assert from_xlsx.settings == from_folder.settings
    for table in ("districts", "people", "courses", "trainers", "rooms", "unavailability"):
        assert getattr(from_xlsx, table) == getattr(from_folder, table), table
    assert from_xlsx.due_attendances == from_folder.due_attendances
