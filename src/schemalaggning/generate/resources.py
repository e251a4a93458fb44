"""Districts, trainers and rooms, and when the trainers and rooms are unavailable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from schemalaggning.domain import (
    ALL_COURSES,
    Course,
    District,
    Half,
    Room,
    Trainer,
    Unavailability,
)
from schemalaggning.generate.names import City, EmailBook, name_id, random_name
from schemalaggning.generate.params import GeneratorParams, stream
from schemalaggning.timegrid import TimeGrid

#: Reasons of a trainer's week or two of leave.
TRAINER_LEAVE_REASONS = ("ledighet", "semester")
#: Reasons of a trainer's single day or half-day away.
TRAINER_DAY_REASONS = ("kompetensutveckling", "ledighet", "nätverksmöte", "tjänsteresa")
#: Reasons of a room's booking for a day or half-day.
ROOM_BOOKING_REASONS = (
    "bokad: arbetsplatsträff",
    "bokad: ledningsgrupp",
    "bokad: nämndsammanträde",
    "bokad: konferens",
)
#: Reasons of a room's booking for a whole week.
ROOM_WEEK_REASONS = ("renovering", "bokad: konferensvecka")


def district_names(params: GeneratorParams, city: City) -> list[str]:
    """The city's district names, then ``Stadsdel N`` for any beyond its list."""
    names = list(city.districts[: params.districts])
    names += [f"Stadsdel {number}" for number in range(len(names) + 1, params.districts + 1)]
    return names


def make_districts(params: GeneratorParams, city: City) -> tuple[tuple[District, ...], list[float]]:
    """The districts and their relative sizes (which also weight where hires go).

    Districts differ in size by up to a quarter either way of the average, so that
    their staffing limits differ as they do in a real city.
    The sizes are factors around 1 (drawn between 0.75 and 1.25, then scaled to mean 1).
    """
    rng = stream(params.seed, "districts")
    names = district_names(params, city)
    factors = [rng.uniform(0.75, 1.25) for _ in names]
    mean = sum(factors) / len(factors)
    sizes = [factor / mean for factor in factors]
    average_staff = params.total_staff / params.districts
    districts = []
    for name, size in zip(names, sizes, strict=True):
        staff = average_staff * size
        max_absent = params.max_absent or max(1, round(params.max_absent_share * staff))
        districts.append(District(district_id=name_id(name), name=name, max_absent=max_absent))
    return tuple(districts), sizes


def make_trainers(
    params: GeneratorParams,
    districts: Sequence[District],
    courses: Sequence[Course],
    emails: EmailBook,
) -> tuple[Trainer, ...]:
    """The central coordinators, then each district's trainer support.

    Central coordinators teach everything. Each district's trainer support is qualified
    for ``themes_per_district_trainer`` part-2 themes, dealt round a shuffled list so
    that every theme has about as many qualified trainers as any other.
    """
    rng = stream(params.seed, "trainers")
    order = {c.course_id: idx for idx, c in enumerate(courses)}
    trainers: list[Trainer] = []
    for number in range(1, params.central_trainers + 1):
        name = random_name(rng)
        trainers.append(
            Trainer(
                trainer_id=f"samordnare-{number}",
                name=name,
                email=emails.address(name),
                district_id=None,
                courses=(ALL_COURSES,),
                max_half_days_per_week=params.central_half_days_per_week,
            )
        )
    dealt = [c.course_id for c in courses if c.part == "2"]
    rng.shuffle(dealt)
    per_trainer = min(params.themes_per_district_trainer, len(dealt))
    for idx, district in enumerate(districts):
        qualified = {dealt[(idx * per_trainer + k) % len(dealt)] for k in range(per_trainer)}
        name = random_name(rng)
        trainers.append(
            Trainer(
                trainer_id=f"utbildarstod-{district.district_id}",
                name=name,
                email=emails.address(name),
                district_id=district.district_id,
                courses=tuple(sorted(qualified, key=order.__getitem__)),
                max_half_days_per_week=params.district_trainer_half_days_per_week,
            )
        )
    return tuple(trainers)


def make_rooms(params: GeneratorParams, city: City) -> tuple[Room, ...]:
    """One room per capacity, named and addressed from the city's list."""
    rooms = []
    for number, capacity in enumerate(params.room_capacities, start=1):
        if number <= len(city.rooms):
            name, address = city.rooms[number - 1]
        else:
            name, address = f"Sal {number}", city.rooms[0][1]
        rooms.append(Room(room_id=f"R{number}", name=name, capacity=capacity, address=address))
    return tuple(rooms)


def make_unavailability(
    params: GeneratorParams, resource_ids: Sequence[str], rooms: set[str], grid: TimeGrid
) -> tuple[Unavailability, ...]:
    """Trainers' leave and room bookings, inside the horizon's open days.

    Every trainer takes a week or two of leave a year outside the summer break, and
    is away a few single days or half-days. Every room is booked for other meetings a
    few days or half-days a year, and now and then for a whole week.
    """
    rng = stream(params.seed, "unavailability")
    days_by_year: dict[int, list[date]] = {}
    for day in grid.days:
        days_by_year.setdefault(day.year, []).append(day)
    halves: tuple[Half | None, ...] = (None, None, Half.AM, Half.PM)
    entries: set[tuple[str, date, date, str, str]] = set()

    def add(resource: str, first: date, last: date, half: Half | None, reason: str) -> None:
        entries.add((resource, first, last, half.value if half else "", reason))

    for resource in sorted(resource_ids):
        is_room = resource in rooms
        for year in sorted(days_by_year):
            days = days_by_year[year]
            mondays = [
                day for day in days if day.weekday() == 0 and day + timedelta(days=11) <= days[-1]
            ]
            if is_room:
                for _ in range(rng.randint(3, 6)):
                    day = rng.choice(days)
                    add(resource, day, day, rng.choice(halves), rng.choice(ROOM_BOOKING_REASONS))
                if mondays and rng.random() < 0.25:
                    monday = rng.choice(mondays)
                    add(
                        resource,
                        monday,
                        monday + timedelta(days=4),
                        None,
                        rng.choice(ROOM_WEEK_REASONS),
                    )
            else:
                if mondays:
                    weeks = rng.choice((1, 2))
                    monday = rng.choice(mondays)
                    friday = monday + timedelta(days=7 * weeks - 3)
                    add(resource, monday, friday, None, rng.choice(TRAINER_LEAVE_REASONS))
                for _ in range(rng.randint(2, 4)):
                    day = rng.choice(days)
                    add(resource, day, day, rng.choice(halves), rng.choice(TRAINER_DAY_REASONS))
    return tuple(
        Unavailability(resource_id=resource, start=first, end=last, half=half or None, reason=why)
        for resource, first, last, half, why in sorted(entries)
    )
