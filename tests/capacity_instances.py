"""Instances the capacity tests share: the bundled Göteborg and a hand-made year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from schemalaggning.domain import (
    ClosedPeriod,
    Course,
    District,
    Instance,
    Person,
    Room,
    Settings,
    Trainer,
)

GOTEBORG = Path(__file__).resolve().parents[1] / "instances" / "goteborg"


def course(course_id: str, part: str, half_days: int, max_group: int, trainers: int) -> Course:
    """A course with a four-month (part 1) or two-year (otherwise) window."""
    return Course(
        course_id=course_id,
        part=part,
        half_days=half_days,
        min_group=1,
        max_group=max_group,
        trainers=trainers,
        within_months=4 if part == "1" else 24,
    )


def hand_made(
    people: tuple[Person, ...] = (), room_capacities: tuple[int, ...] = (9, 6)
) -> Instance:
    """A year of 2027 without public holidays, closed four whole weeks in July.

    Part 1 is two modules: A (3 half-days, 1 trainer, groups up to 10) and B (1 half-day,
    2 trainers, groups up to 12); part 2 is one theme T (2 half-days, 2 trainers, groups
    up to 8). Three districts, a coordinator (4 half-days a week) and a district trainer
    support (2 half-days a week).
    """
    settings = Settings(
        name="hand-made",
        horizon_start=date(2027, 1, 4),  # a Monday, ISO week 1
        horizon_end=date(2027, 12, 22),  # a Wednesday, ISO week 51
        holidays=None,
        closed=(ClosedPeriod(start=date(2027, 7, 5), end=date(2027, 7, 30), name="summer"),),
    )
    return Instance(
        settings=settings,
        districts=tuple(District(district_id=f"D{n}", max_absent=5) for n in range(1, 4)),
        people=people,
        courses=(
            course("A", "1", half_days=3, max_group=10, trainers=1),
            course("B", "1", half_days=1, max_group=12, trainers=2),
            course("T", "2", half_days=2, max_group=8, trainers=2),
        ),
        trainers=(
            Trainer(trainer_id="C1", courses=("*",), max_half_days_per_week=4),
            Trainer(trainer_id="S1", district_id="D1", courses=("T",), max_half_days_per_week=2),
        ),
        rooms=tuple(
            Room(room_id=f"R{n}", capacity=capacity)
            for n, capacity in enumerate(room_capacities, start=1)
        ),
    )
