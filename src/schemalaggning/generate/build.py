"""The generator: an instance's settings and courses, then its parts, in a fixed order."""

from __future__ import annotations

from datetime import date

from schemalaggning.domain import (
    ClosedPeriod,
    Course,
    Instance,
    Organizer,
    Person,
    Settings,
)
from schemalaggning.generate.names import CITIES, City, EmailBook
from schemalaggning.generate.params import GeneratorParams
from schemalaggning.generate.people import make_people
from schemalaggning.generate.programme import PROGRAMMES, WITHIN_MONTHS
from schemalaggning.generate.resources import (
    make_districts,
    make_rooms,
    make_trainers,
    make_unavailability,
)
from schemalaggning.timegrid import TimeGrid


def make_settings(params: GeneratorParams, city: City) -> Settings:
    """Horizon, closed periods (summer break, Christmas week) and the organizer."""
    start, end = params.horizon_start, params.horizon_end
    closed: list[ClosedPeriod] = []
    for year in range(start.year, end.year + 1):
        # The summer break: from the Monday of ISO week 26 to the Friday of week 31.
        summer = (date.fromisocalendar(year, 26, 1), date.fromisocalendar(year, 31, 5))
        christmas = (date(year, 12, 27), date(year, 12, 30))
        periods = [(summer, "sommaruppehåll")]
        if params.christmas_break:
            periods.append((christmas, "mellandagar"))
        for (first, last), name in periods:
            if first <= end and last >= start:
                closed.append(ClosedPeriod(start=first, end=last, name=name))
    name = params.name or (
        f"{city.display_name}, introduktionsprogram för socialsekreterare {start.year}–{end.year}"
    )
    return Settings(
        name=name,
        horizon_start=start,
        horizon_end=end,
        holidays="SE",
        closed=tuple(sorted(closed, key=lambda p: (p.start, p.end))),
        organizer=Organizer(
            name=f"Introduktionsprogrammet, {city.authority}",
            email=f"introduktion@{city.email_domain}",
        ),
    )


def make_courses(params: GeneratorParams) -> tuple[Course, ...]:
    """The programme's courses with group sizes, trainers and prerequisites."""
    templates = PROGRAMMES[params.programme]
    part1 = tuple(t.course_id for t in templates if t.part == "1")
    chained: dict[str, list[str]] = {}
    for theme, before in params.theme_chains:
        chained.setdefault(theme, []).append(before)
    courses = []
    for template in templates:
        is_part1 = template.part == "1"
        # Every theme comes after all of part 1, and after its own chained prerequisites.
        after = () if is_part1 else part1 + tuple(sorted(chained.get(template.course_id, ())))
        courses.append(
            Course(
                course_id=template.course_id,
                name=template.name,
                part=template.part,
                half_days=template.half_days,
                min_group=params.part1_min_group if is_part1 else params.theme_min_group,
                max_group=params.part1_max_group if is_part1 else params.theme_max_group,
                trainers=2 if template.course_id in params.two_trainer_themes else 1,
                within_months=WITHIN_MONTHS[template.part],
                not_before_months=0,
                after=after,
                # Written out (format 1.2), so that the file says what the part's default
                # would: part 2 is given in full every year, part 1 as the hiring needs.
                min_per_year=0 if is_part1 else 1,
            )
        )
    return tuple(courses)


def generate_instance(params: GeneratorParams) -> Instance:
    """Generate a realistic synthetic instance (format 1.2), deterministic by seed.

    Parameters
    ----------
    params
        What to generate; see :class:`GeneratorParams` and :data:`PRESETS`.

    Returns
    -------
    Instance
        Districts, people, courses, trainers, rooms and unavailability, every table
        sorted, ready for :func:`schemalaggning.io.write_instance`.
    """
    city = CITIES[params.city]
    settings = make_settings(params, city)
    grid = TimeGrid(settings)
    courses = make_courses(params)
    districts, sizes = make_districts(params, city)
    rooms = make_rooms(params, city)
    emails = EmailBook(city.email_domain)

    trainers = make_trainers(params, districts, courses, emails)
    drafts = make_people(params, districts, sizes, courses, grid)
    width = max(4, len(str(len(drafts))))
    people = tuple(
        Person(
            person_id=f"P{number:0{width}d}",
            name=draft.name,
            email=emails.address(draft.name),
            district_id=draft.district_id,
            start_date=draft.start_date,
            required=draft.required,
            done=draft.done,
        )
        for number, draft in enumerate(drafts, start=1)
    )
    room_ids = {room.room_id for room in rooms}
    unavailability = make_unavailability(
        params, [t.trainer_id for t in trainers] + sorted(room_ids), room_ids, grid
    )
    return Instance(
        settings=settings,
        districts=districts,
        people=people,
        courses=courses,
        trainers=trainers,
        rooms=rooms,
        unavailability=unavailability,
    )
