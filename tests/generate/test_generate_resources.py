"""Tests of the generated districts, trainers and rooms, and of their unavailability."""

from __future__ import annotations

import pytest

from schemalaggning.domain import ALL_COURSES, Instance
from schemalaggning.generate import PRESETS, GeneratorParams, generate_instance
from schemalaggning.generate.names import CITIES
from schemalaggning.generate.resources import (
    ROOM_BOOKING_REASONS,
    ROOM_WEEK_REASONS,
    TRAINER_DAY_REASONS,
    TRAINER_LEAVE_REASONS,
    make_districts,
    make_rooms,
)
from schemalaggning.timegrid import TimeGrid


@pytest.fixture(scope="module")
def goteborg() -> Instance:
    """Göteborg's preset, generated once for the module."""
    return generate_instance(PRESETS["goteborg"])


def test_trainers_are_coordinators_and_district_support(goteborg: Instance) -> None:
    central = [t for t in goteborg.trainers if t.district_id is None]
    local = [t for t in goteborg.trainers if t.district_id is not None]
    assert len(central) == 2
    assert all(t.courses == (ALL_COURSES,) and t.max_half_days_per_week == 8 for t in central)
    assert sorted(str(t.district_id) for t in local) == sorted(
        d.district_id for d in goteborg.districts
    )
    themes = {c.course_id for c in goteborg.courses if c.part == "2"}
    assert all(set(t.courses) <= themes and t.max_half_days_per_week == 2 for t in local)
    for theme in themes:
        assert sum(theme in t.courses for t in local) >= 2


def test_more_districts_than_the_city_has_get_generic_names() -> None:
    instance = generate_instance(
        GeneratorParams(districts=12, hires_per_year=30, years=1, programme="mini")
    )
    assert [d.name for d in instance.districts][-2:] == ["Stadsdel 11", "Stadsdel 12"]
    assert len({d.district_id for d in instance.districts}) == 12


def test_districts_differ_in_size_around_the_average() -> None:
    # Sizes are drawn between 0.75 and 1.25 and scaled to average 1; a tenth of a
    # district's staff (101 on average) may be away, unless max_absent says otherwise.
    params = GeneratorParams()
    districts, sizes = make_districts(params, CITIES["goteborg"])
    assert sum(sizes) / len(sizes) == pytest.approx(1.0)
    assert all(0.6 <= size <= 1.4 for size in sizes)
    assert len(set(sizes)) == len(sizes)
    assert all(
        d.max_absent == max(1, round(0.1 * 101 * size))
        for d, size in zip(districts, sizes, strict=True)
    )
    fixed, _ = make_districts(params.model_copy(update={"max_absent": 4}), CITIES["goteborg"])
    assert {d.max_absent for d in fixed} == {4}


def test_rooms_beyond_the_citys_list_are_numbered() -> None:
    city = CITIES["goteborg"]
    params = GeneratorParams(room_capacities=(30,) * (len(city.rooms) + 1))
    rooms = make_rooms(params, city)
    assert [r.room_id for r in rooms][:2] == ["R1", "R2"]
    assert (rooms[0].name, rooms[0].address) == city.rooms[0]
    assert (rooms[-1].name, rooms[-1].address) == (f"Sal {len(rooms)}", city.rooms[0][1])


def test_every_trainer_takes_leave_and_every_room_is_booked(goteborg: Instance) -> None:
    open_days = set(TimeGrid(goteborg.settings).days)
    trainers = {t.trainer_id for t in goteborg.trainers}
    rooms = {r.room_id for r in goteborg.rooms}
    leave = {u.resource_id for u in goteborg.unavailability if u.end > u.start}
    assert trainers <= leave
    for entry in goteborg.unavailability:
        if entry.resource_id in rooms:
            assert entry.reason in ROOM_BOOKING_REASONS + ROOM_WEEK_REASONS
        else:
            assert entry.resource_id in trainers
            assert entry.reason in TRAINER_LEAVE_REASONS + TRAINER_DAY_REASONS
        # Single days and the first day of a week away are open days of the horizon.
        assert entry.start in open_days
    assert {u.resource_id for u in goteborg.unavailability} == trainers | rooms
