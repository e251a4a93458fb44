"""The people: hires in the programme when the horizon opens, hires during it, and
experienced staff who may take free seats."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from schemalaggning.domain import Course, District, add_months
from schemalaggning.generate.names import random_name
from schemalaggning.generate.params import GeneratorParams, stream
from schemalaggning.generate.programme import ancestors
from schemalaggning.timegrid import TimeGrid, holiday_names, workdays_of_month


@dataclass(frozen=True)
class Draft:
    """A person before ids and e-mails are handed out (in start-date order)."""

    start_date: date
    district_id: str
    name: str
    required: bool
    done: tuple[str, ...]


def hire_dates(params: GeneratorParams, first: date, last: date) -> list[date]:
    """Start dates of every hire between ``first`` and ``last`` (inclusive), in order.

    Each month gets its share of ``hires_per_year`` by ``monthly_weights`` (scaled by the
    part of the month inside the range), rounded on the running total so that no hire is
    lost to rounding. Many contracts start on the month's first working day; the others
    on any working day of the month.
    """
    rng = stream(params.seed, "hires")
    holidays = holiday_names("SE", range(first.year, last.year + 1))
    weight_sum = sum(params.monthly_weights)
    dates: list[date] = []
    expected = 0.0
    emitted = 0
    month = date(first.year, first.month, 1)
    while month <= last:
        workdays = workdays_of_month(month, holidays)
        inside = [day for day in workdays if first <= day <= last]
        if workdays:
            share = params.monthly_weights[month.month - 1] / weight_sum
            expected += params.hires_per_year * share * len(inside) / len(workdays)
        count = round(expected) - emitted
        emitted += count
        for _ in range(count):
            if inside[0] == workdays[0] and rng.random() < 0.3:
                dates.append(inside[0])
            else:
                dates.append(rng.choice(inside))
        month = add_months(month, 1)
    return sorted(dates)


def done_for_hire(
    start: date,
    courses: Sequence[Course],
    closure: Mapping[str, frozenset[str]],
    params: GeneratorParams,
    open_days: Sequence[date],
    rng: random.Random,
) -> tuple[str, ...]:
    """What a hire who started before the horizon has plausibly done already.

    A course whose window closes with fewer than ``done_margin_open_days`` open days left
    is done (it would be an impossible due attendance otherwise). Any other is done with
    a probability that grows with the share of its window already gone. Every done
    course's prerequisites are done too.
    """
    horizon_start = params.horizon_start
    chosen: set[str] = set()
    for course in courses:
        deadline = add_months(start, course.within_months)
        draw = rng.random()
        if bisect_right(open_days, deadline) < params.done_margin_open_days:
            chosen.add(course.course_id)
            continue
        window = (deadline - start).days
        left = (deadline - horizon_start).days / window if window > 0 else 0.0
        if draw < 1.0 - left**params.done_exponent:
            chosen.add(course.course_id)
    done = set(chosen)
    for course_id in chosen:
        done |= closure[course_id]
    return tuple(c.course_id for c in courses if c.course_id in done)


def make_people(
    params: GeneratorParams,
    districts: Sequence[District],
    sizes: Sequence[float],
    courses: Sequence[Course],
    grid: TimeGrid,
) -> list[Draft]:
    """Hires in the programme, new hires during the horizon and experienced staff."""
    rng = stream(params.seed, "people")
    district_ids = [d.district_id for d in districts]
    closure = ancestors({c.course_id: c.after for c in courses})
    first_start = add_months(params.horizon_start, -12 * params.in_flight_years)
    drafts: list[Draft] = []
    for start in hire_dates(params, first_start, params.horizon_end):
        district_id = rng.choices(district_ids, weights=sizes)[0]
        name = random_name(rng)
        done: tuple[str, ...] = ()
        if start < params.horizon_start:
            done = done_for_hire(start, courses, closure, params, grid.days, rng)
        drafts.append(Draft(start, district_id, name, True, done))

    # Experienced staff have done part 1 long ago and some of the themes; they started
    # between two and twenty years before the horizon.
    part1 = {c.course_id for c in courses if c.part == "1"}
    themes = [c.course_id for c in courses if c.part == "2"]
    experienced = round(params.experienced_share * params.total_staff)
    latest = add_months(params.horizon_start, -12 * max(params.in_flight_years, 2)) - timedelta(
        days=1
    )
    earliest = add_months(params.horizon_start, -12 * 20)
    for _ in range(experienced):
        start = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
        start -= timedelta(days=max(0, start.weekday() - 4))
        district_id = rng.choices(district_ids, weights=sizes)[0]
        name = random_name(rng)
        done_set = set(part1)
        for theme in themes:
            if rng.random() < params.experienced_theme_done:
                done_set.add(theme)
                done_set |= closure[theme]
        done = tuple(c.course_id for c in courses if c.course_id in done_set)
        drafts.append(Draft(start, district_id, name, False, done))

    # Python's sort is stable, so equal keys keep their (deterministic) drawing order.
    drafts.sort(key=lambda d: (d.start_date, d.district_id, d.name, not d.required))
    return drafts
