"""Seats held for expected hires: the hiring plan (``forecast.csv``) in the schedule.

A district's forecast says how many required new hires start in a month in all; the
required people of ``people.csv`` who start then count toward it, and for the rest the
schedule holds seats. Each hire expected but not yet named is planned as a person of
the district who stands for the hire (an *expected hire*): the solver gives them seats
like anyone else, so their seats count for rooms, ``max_group`` and the district's
``max_absent`` as the real hire's will; in the records they become the ``held`` and
``held_for`` columns of ``sessions.csv`` and never an assignment.

An expected hire's window is the part every hire of the month shares: it starts with
the month (its start date is the month's first day, so its windows close when those of
a hire starting on the 1st do), and no session begins before the window of a hire
starting on the month's last day opens (:func:`schemalaggning.engine.plan.held_earliest`).
Any real hire of the month can therefore take the seat.

Their attendances are soft: one that cannot be planned is reported in the summary
(``held_unplanned``), never in ``unscheduled.csv``, and the objective ranks them below
the real people's attendances and below keeping a published plan.

Without ``forecast.csv``, ``--forecast auto`` estimates the plan from ``people.csv``
(:func:`auto_forecast`).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from schemalaggning.domain import (
    Assignment,
    Course,
    Forecast,
    Instance,
    Person,
    Session,
    Unscheduled,
    add_months,
)
from schemalaggning.engine.outcome import UNMET_PENALTY
from schemalaggning.engine.params import Progress, SolveParams
from schemalaggning.engine.plan import topological_courses
from schemalaggning.engine.result import Result, Status, Summary
from schemalaggning.engine.solve import solve
from schemalaggning.i18n import N_, _
from schemalaggning.io.schedule import Schedule

#: Prefix of the ids of expected hires (an id no coordinator types: see :func:`held_prefix`).
HELD_PREFIX = "_held."


def month_of(day: date) -> str:
    """The month ``YYYY-MM`` of a day."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(month: str) -> date:
    """The first day of a month ``YYYY-MM``."""
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def month_end(month: str) -> date:
    """The last day of a month ``YYYY-MM``."""
    return date.fromordinal(add_months(month_start(month), 1).toordinal() - 1)


def shift_month(month: str, months: int) -> str:
    """The month ``months`` after (or before, if negative) ``month``."""
    return month_of(add_months(month_start(month), months))


def hires_by_month(people: Iterable[Person]) -> Counter[tuple[str, str]]:
    """Required people by district and start month."""
    return Counter((p.district_id, month_of(p.start_date)) for p in people if p.required)


def auto_forecast(instance: Instance) -> list[Forecast]:
    """Estimate the hiring plan from the start dates in ``people.csv``.

    The hiring record runs up to the last month in which a required person starts; the
    months after it, up to the horizon's end, are estimated for each district as the
    same month a year earlier (two years, ... while that is after the record), or,
    when the record does not reach back to it, as the district's mean hires per month
    of the record (rounded). Months inside the record are taken as they are.
    """
    known = hires_by_month(instance.people)
    starts = [p.start_date for p in instance.people if p.required]
    if not starts:
        return []
    first, last = month_of(min(starts)), month_of(max(starts))
    record = months_from_to(first, last)
    rows: list[Forecast] = []
    end = month_of(instance.settings.horizon_end)
    for district in instance.districts:
        did = district.district_id
        mean = round(statistics.fmean(known[did, m] for m in record))
        for month in months_from_to(shift_month(last, 1), end):
            earlier = year_in_record(month, last)
            hires = known[did, earlier] if earlier >= first else mean
            if hires:
                rows.append(Forecast(district_id=did, month=month, hires=hires))
    return rows


def months_from_to(first: str, last: str) -> list[str]:
    """The months from ``first`` to ``last``, both included (none when ``last`` is
    before ``first``)."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = shift_month(month, 1)
    return months


def year_in_record(month: str, last: str) -> str:
    """The same month a year earlier, or two, ..., until it is no later than ``last``."""
    earlier = shift_month(month, -12)
    while earlier > last:
        earlier = shift_month(earlier, -12)
    return earlier


def held_prefix(instance: Instance) -> str:
    """A prefix for expected hires' ids that no person's id of the instance starts with."""
    prefix = HELD_PREFIX
    while any(p.person_id.startswith(prefix) for p in instance.people):
        prefix = "_" + prefix
    return prefix


def expected_hires(
    instance: Instance, forecast: Sequence[Forecast], from_day: date | None = None
) -> list[Person]:
    """The expected hires to hold seats for: per district and month of the forecast, the
    hires beyond the required people already in ``people.csv`` (months that end before
    ``from_day`` are over: their hires have come)."""
    known = hires_by_month(instance.people)
    prefix = held_prefix(instance)
    people: list[Person] = []
    for row in sorted(forecast, key=lambda r: (r.month, r.district_id)):
        if from_day is not None and month_end(row.month) < from_day:
            continue
        for k in range(row.hires - known[row.district_id, row.month]):
            people.append(
                Person(
                    person_id=f"{prefix}{len(people) + 1}",
                    name=_("expected hire {district} {month} no. {number}").format(
                        district=row.district_id, month=row.month, number=k + 1
                    ),
                    district_id=row.district_id,
                    start_date=month_start(row.month),
                    required=True,
                )
            )
    return people


def with_held(instance: Instance, expected: Sequence[Person]) -> Instance:
    """The instance with the expected hires added as people who hold seats."""
    if not expected:
        return instance
    return instance.replace(
        people=(*instance.people, *expected),
        held_ids=instance.held_ids | {p.person_id for p in expected},
    )


def held_key(person: Person) -> str:
    """What a held seat is for: ``district_id@YYYY-MM``."""
    return f"{person.district_id}@{month_of(person.start_date)}"


@dataclass
class HeldSplit:
    """A schedule with the expected hires taken out: the real records and what was held."""

    sessions: list[Session]
    assignments: list[Assignment]
    unscheduled: list[Unscheduled]
    unplanned: list[Unscheduled]


def split_held(
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    unscheduled: Sequence[Unscheduled],
) -> HeldSplit:
    """Turn the expected hires' assignments into each session's ``held`` seats.

    ``instance`` holds the expected hires (see :func:`with_held`). Participants count the
    real people only; the expected hires' unmet attendances are returned apart.
    """
    held = instance.held_ids
    people = instance.person_by_id
    real: list[Assignment] = []
    counts: Counter[str] = Counter()
    held_for: dict[str, Counter[str]] = defaultdict(Counter)
    for a in assignments:
        if a.person_id in held:
            held_for[a.session_id][held_key(people[a.person_id])] += 1
        else:
            real.append(a)
            counts[a.session_id] += 1
    records = []
    for s in sessions:
        seats = held_for.get(s.session_id, Counter())
        records.append(
            s.model_copy(
                update={
                    "participants": counts[s.session_id],
                    "held": sum(seats.values()),
                    "held_for": tuple(f"{k}:{n}" for k, n in sorted(seats.items())),
                }
            )
        )
    return HeldSplit(
        records,
        real,
        [u for u in unscheduled if u.person_id not in held],
        [u for u in unscheduled if u.person_id in held],
    )


#: What ``--forecast auto`` says when it estimates no hires.
NO_ESTIMATE = N_(
    "No seats are held for expected hires: people.csv gives no hires to estimate from "
    "after the last month of starts."
)


def held_summary(
    instance: Instance, split: HeldSplit, expected: Sequence[Person], source: str
) -> dict[str, Any]:
    """The summary's figures of the held seats (``source``: ``forecast.csv`` or ``auto``)."""
    people = instance.person_by_id
    unplanned = Counter(held_key(people[u.person_id]) for u in split.unplanned)
    return {
        "forecast": source,
        "expected_hires": len(expected),
        "held_seats": sum(s.held for s in split.sessions),
        "held_unplanned": len(split.unplanned),
        "held_unplanned_by_month": dict(sorted(unplanned.items())),
    }


def forecast_rows(instance: Instance, mode: str) -> tuple[list[Forecast], str]:
    """The hiring plan to hold seats for, and where it came from.

    ``mode`` ``file`` takes ``forecast.csv`` (none without it), ``auto`` takes it too when
    the instance has one and estimates it from ``people.csv`` otherwise, ``none`` holds
    no seats.
    """
    if mode == "none":
        return [], "none"
    if instance.forecast:
        return list(instance.forecast), "forecast.csv"
    if mode == "auto":
        return auto_forecast(instance), "auto"
    return [], "none"


def real_record(
    record: Summary, instance: Instance, split: HeldSplit, unmet_weight: int
) -> Summary:
    """The run's figures of people and attendances for the real people only."""
    due = len(instance.due_attendances)
    unmet = len(split.unscheduled)
    return replace(
        record,
        required_attendances=due,
        unscheduled=unmet,
        due_met=due - unmet,
        objective=unmet_weight * unmet + (record.trainer_half_days or 0),
    )


def solve_held(
    instance: Instance,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    mode: str = "file",
    started: float | None = None,
) -> Result:
    """Solve an instance with seats held for the hires its forecast expects (see the
    module's description); without a forecast this is :func:`schemalaggning.engine.solve.solve`.
    ``started`` is when the run began (:func:`time.perf_counter`), for its time limit."""
    rows, source = forecast_rows(instance, mode)
    expected = expected_hires(instance, rows, instance.settings.horizon_start)
    planned = with_held(instance, expected)
    result = solve(planned, params, progress, started)
    if result.record is None:
        return result
    if not rows:
        if mode == "auto":
            # The message id: summary.json is the same in every language; the views say it.
            held = {"forecast": "none", "forecast_note": NO_ESTIMATE}
            result.record = replace(result.record, held=held)
        return result
    split = split_held(planned, result.sessions, result.assignments, result.unscheduled)
    status = result.status
    if status is Status.OPTIMAL and split.unplanned:
        status = Status.FEASIBLE
    record = replace(
        real_record(result.record, instance, split, UNMET_PENALTY),
        status=status,
        held=held_summary(planned, split, expected, source),
    )
    return Result(
        status,
        split.sessions,
        split.assignments,
        split.unscheduled,
        record.objective or 0,
        result.best_bound,
        record,
    )


def hires_by_key(
    instance: Instance, published: Schedule
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The real hires new to the published schedule and the expected hires, each by
    ``district_id@YYYY-MM``, in the order of ``people.csv``."""
    assigned = {a.person_id for _, a in published.assignments}
    new_hires: dict[str, list[str]] = defaultdict(list)
    expected: dict[str, list[str]] = defaultdict(list)
    for person in instance.people:
        if person.person_id in instance.held_ids:
            expected[held_key(person)].append(person.person_id)
        elif person.required and person.person_id not in assigned:
            new_hires[held_key(person)].append(person.person_id)
    return new_hires, expected


def held_seats_from(published: Schedule, today: date) -> dict[tuple[str, str], list[Session]]:
    """The held seats of the sessions from ``today`` on, by ``district_id@YYYY-MM`` and
    course, a session once for each seat, in time order."""
    seats: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for _row, session in sorted(published.sessions, key=lambda item: item[1].slots):
        if not session.slots or session.slots[0].day < today:
            continue
        for key, count in sorted(session.held_seats.items()):
            seats[key, session.course_id] += [session] * count
    return seats


def give_seats(
    course: Course,
    sessions: list[Session],
    queue: list[str],
    given: dict[str, list[tuple[str, Session]]],
    people: dict[str, Person],
) -> list[tuple[int, Assignment]]:
    """Give the course's held seats, session by session, each to the first in the queue
    who can take it (taken out of the queue, noted in ``given``); returns the seats given
    as assignments."""
    extra: list[tuple[int, Assignment]] = []
    for session in sessions:
        taker = next(
            (pid for pid in queue if _can_take(given[pid], session, course, people[pid].done)),
            None,
        )
        if taker is None:
            continue
        queue.remove(taker)
        given[taker].append((course.course_id, session))
        extra.append(
            (
                0,
                Assignment(
                    person_id=taker, course_id=course.course_id, session_id=session.session_id
                ),
            )
        )
    return extra


def hand_over(instance: Instance, published: Schedule, today: date) -> tuple[Schedule, set[str]]:
    """The published schedule with its held seats given to people (a re-plan's start).

    ``instance`` holds this month's expected hires (:func:`with_held`). The held seats of
    sessions from ``today`` on go, per district and month and per course in time order,
    first to the real hires of that district and month who are new (not in the published
    schedule), then to the expected hires still expected; seats left over are released.
    Seats of sessions before today are over. A seat a person cannot take (a clash with a
    seat given before, or a prerequisite not before it) is left for the re-plan.

    Returns the schedule with the seats given as assignments, and the ids of the real
    hires given seats.
    """
    people = instance.person_by_id
    new_hires, expected = hires_by_key(instance, published)
    seats = held_seats_from(published, today)
    order = {cid: i for i, cid in enumerate(topological_courses(instance))}
    given: dict[str, list[tuple[str, Session]]] = defaultdict(list)
    extra: list[tuple[int, Assignment]] = []
    for (key, course_id), sessions in sorted(seats.items(), key=lambda i: order.get(i[0][1], 0)):
        course = instance.course_by_id.get(course_id)
        if course is None:
            continue
        queue = [
            pid
            for pid in (*new_hires.get(key, []), *expected.get(key, []))
            if course_id not in people[pid].done
        ]
        extra += give_seats(course, sessions, queue, given, people)
    view = Schedule(
        sessions=list(published.sessions),
        assignments=[*published.assignments, *extra],
        unscheduled=list(published.unscheduled),
        summary=dict(published.summary),
    )
    return view, {pid for pid in given if pid not in instance.held_ids}


def _can_take(
    taken: list[tuple[str, Session]], session: Session, course: Course, done: tuple[str, ...]
) -> bool:
    """Whether a person with the seats ``taken`` (and courses ``done``) may also take one
    in ``session``."""
    slots = set(session.slots)
    for course_id, other in taken:
        if slots & set(other.slots):
            return False
        if course_id in course.after and other.slots[-1] >= session.slots[0]:
            return False
    done_before = {course_id for course_id, _ in taken} | set(done)
    return all(b in done_before for b in course.after)
