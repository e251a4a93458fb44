"""A schedule joined with its instance and named as people read it.

The workbook (:mod:`~schemalaggning.export.workbook`), the report
(:mod:`~schemalaggning.export.report`) and the personal plans
(:mod:`~schemalaggning.export.plans`) all show the same things: a session with its
course, room, trainers and participants by name, a person's courses with their dates or
windows, a trainer's load per week, a district's people away per half-day. They are
computed once here, by :func:`build_views`, in plain data the three views only format:
the courses held per calendar year against their yearly minimum (format 1.2) too, and the
offerings that cannot be held, told apart from the people whose course cannot be met
(those two in :mod:`~schemalaggning.export.views_years`). The key figures of the
schedule's summary, in sentences, are in :mod:`~schemalaggning.export.summary_words`.

The words the views share are in :mod:`~schemalaggning.export.words`, and the Swedish
dates in :mod:`schemalaggning.swedish`, written without the system's locale, so that
every machine writes the same files.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from schemalaggning.domain import (
    Assignment,
    Course,
    District,
    Half,
    Instance,
    Person,
    Room,
    Session,
    Slot,
    Trainer,
    Unscheduled,
)
from schemalaggning.export.views_years import (
    CourseYears,
    ReportYear,
    UnheldOffering,
    course_years,
    report_years,
    unheld_offerings,
)
from schemalaggning.export.words import and_words, clock
from schemalaggning.i18n import N_, Messages, _
from schemalaggning.io.tables import read_csv
from schemalaggning.swedish import full_date, weekday
from schemalaggning.timegrid import TimeGrid, elective_slots, iso_week


@dataclass(frozen=True)
class SessionDay:
    """One day of a session: the day and the clock times it runs."""

    day: date
    start: time
    end: time
    halves: tuple[Half, ...]

    @property
    def text(self) -> str:
        """``08:30–16:30``."""
        return f"{clock(self.start)}–{clock(self.end)}"


@dataclass
class SessionView:
    """A session with everything named: course, room, trainers, participants by name.

    Its texts are made once: the views show a session on every row and page of each of
    its participants.
    """

    session: Session
    course: Course
    room: Room
    trainers: list[Trainer]
    days: list[SessionDay]
    people: list[Person]
    districts: list[District]

    @property
    def session_id(self) -> str:
        """The session's id."""
        return self.session.session_id

    @property
    def first_day(self) -> date:
        """The session's first day."""
        return self.days[0].day

    @property
    def last_day(self) -> date:
        """The session's last day."""
        return self.days[-1].day

    @property
    def week(self) -> tuple[int, int]:
        """The ISO week the session is held in (a session never spans weeks)."""
        return iso_week(self.first_day)

    @cached_property
    def time_text(self) -> str:
        """The clock times: ``08:30–16:30``, or per day for a session of several days."""
        if len(self.days) == 1:
            return self.days[0].text
        return ", ".join(
            _("{day} {time}").format(day=weekday(d.day)[:3], time=d.text) for d in self.days
        )

    @cached_property
    def when_text(self) -> str:
        """``måndag 11 januari 2027, 08:30–16:30`` (every day of a longer session)."""
        return "; ".join(
            _("{day}, {time}").format(day=full_date(d.day), time=d.text) for d in self.days
        )

    @cached_property
    def trainer_names(self) -> str:
        """The trainers' names, joined."""
        return ", ".join(t.name or t.trainer_id for t in self.trainers)

    @cached_property
    def district_names(self) -> str:
        """The districts represented, joined."""
        return ", ".join(d.name or d.district_id for d in self.districts)

    @property
    def half_days(self) -> int:
        """How many half-days the session lasts."""
        return len(self.session.slots)


class CourseState(StrEnum):
    """Where a person stands with a course."""

    DONE = "done"
    SCHEDULED = "scheduled"
    UNMET = "unmet"
    LATER = "later"

    @property
    def words(self) -> str:
        """The state in words."""
        return STATE_WORDS[self]


#: Where a person stands with a course, in words.
STATE_WORDS: Mapping[CourseState, str] = Messages(
    {
        CourseState.DONE: N_("done"),
        CourseState.SCHEDULED: N_("scheduled"),
        CourseState.UNMET: N_("cannot be scheduled"),
        CourseState.LATER: N_("not scheduled yet"),
    }
)


@dataclass
class CourseStatus:
    """One course of a person: done, in a session, unmet (with the reason) or later."""

    course: Course
    state: CourseState
    #: The first day a session of the course may be for the person: the window's opening,
    #: or the day after their prerequisites' sessions end (:func:`earliest_day`).
    earliest: date
    #: The window's close.
    deadline: date
    session: SessionView | None = None
    reason: str = ""
    #: The prerequisites the person has neither done nor a session of yet.
    waits_for: tuple[Course, ...] = ()

    @property
    def waits_text(self) -> str:
        """What the course waits for, in words: ``del 1`` when it is several courses of
        one part, else the courses' names (empty when it waits for nothing)."""
        if not self.waits_for:
            return ""
        parts = {course.part for course in self.waits_for}
        if len(self.waits_for) > 1 and len(parts) == 1 and "" not in parts:
            return _("part {part}").format(part=parts.pop())
        return and_words([course.name or course.course_id for course in self.waits_for])


@dataclass
class PersonPlan:
    """A person's courses, in the programme's order."""

    person: Person
    district: District
    courses: list[CourseStatus]

    @property
    def done(self) -> list[CourseStatus]:
        """The courses done before this schedule."""
        return [c for c in self.courses if c.state is CourseState.DONE]

    @property
    def scheduled(self) -> list[CourseStatus]:
        """The courses with a session, by date."""
        found = [c for c in self.courses if c.session is not None]
        return sorted(found, key=lambda c: c.session.first_day if c.session else date.min)

    @property
    def open(self) -> list[CourseStatus]:
        """The courses not done and without a session (unmet or later)."""
        return [c for c in self.courses if c.state in (CourseState.UNMET, CourseState.LATER)]


@dataclass
class TrainerPlan:
    """A trainer's sessions and half-days per week."""

    trainer: Trainer
    sessions: list[SessionView]
    weeks: dict[tuple[int, int], int]

    @property
    def half_days(self) -> int:
        """Half-days taught in all."""
        return sum(self.weeks.values())

    @property
    def busiest(self) -> int:
        """The most half-days taught in one week."""
        return max(self.weeks.values(), default=0)


@dataclass
class DistrictAway:
    """A district's people away in each open half-day (sessions and approved electives)."""

    district: District
    away: dict[Slot, int]

    @property
    def at_limit(self) -> int:
        """In how many half-days the district is at its limit (or above it)."""
        return sum(1 for n in self.away.values() if n >= self.district.max_absent > 0)


def held_per_year(sessions: Iterable[SessionView]) -> Counter[tuple[str, int]]:
    """Sessions by course and calendar year of their first day, those with participants
    only: as the yearly offerings count them (the count
    :mod:`~schemalaggning.export.views_years` sets against each course's minimum)."""
    return Counter((view.course.course_id, view.first_day.year) for view in sessions if view.people)


@dataclass
class Views:
    """Everything the workbook, the report and the plans show, joined and named."""

    instance: Instance
    grid: TimeGrid
    summary: dict[str, Any]
    sessions: list[SessionView]
    assignments: list[Assignment]
    unscheduled: list[Unscheduled]
    people: list[PersonPlan]
    trainers: list[TrainerPlan]
    districts: list[DistrictAway]
    years: list[ReportYear] = field(default_factory=list)
    offerings: list[CourseYears] = field(default_factory=list)
    unheld: list[UnheldOffering] = field(default_factory=list)
    changes: list[dict[str, str]] = field(default_factory=list)
    electives: list[dict[str, str]] = field(default_factory=list)

    @property
    def unmet(self) -> list[Unscheduled]:
        """The due attendances not met: the rows of ``unscheduled.csv`` with a person
        (the yearly offerings not held are :attr:`unheld`)."""
        return [row for row in self.unscheduled if not row.offering]

    @property
    def session_by_id(self) -> dict[str, SessionView]:
        """The sessions by id."""
        return {view.session_id: view for view in self.sessions}

    @property
    def weeks(self) -> list[tuple[int, int]]:
        """Every ISO week of the horizon with an open day, in order."""
        return sorted({iso_week(day) for day in self.grid.days})


def _session_days(grid: TimeGrid, slots: tuple[Slot, ...]) -> list[SessionDay]:
    by_day: dict[date, list[Half]] = defaultdict(list)
    for slot in slots:
        by_day[slot.day].append(slot.half)
    days = []
    for day, halves in sorted(by_day.items()):
        start = grid.slot_start(Slot(day, halves[0])).time()
        end = grid.slot_end(Slot(day, halves[-1])).time()
        days.append(SessionDay(day, start, end, tuple(halves)))
    return days


def _unknown_room(room_id: str) -> Room:
    return Room(room_id=room_id, name=room_id, capacity=1)


def build_views(
    instance: Instance,
    sessions: list[Session],
    assignments: list[Assignment],
    unscheduled: list[Unscheduled],
    summary: dict[str, Any],
    changes: list[dict[str, str]] | None = None,
    electives: list[dict[str, str]] | None = None,
) -> Views:
    """Join a schedule with its instance.

    Parameters
    ----------
    instance
        The schedule's instance (its ids are checked against the schedule before).
    sessions, assignments, unscheduled, summary
        The schedule, in the order of its files.
    changes, electives
        The rows of ``changes.csv`` and ``electives.csv`` when the folder has them.
    """
    grid = TimeGrid.of(instance)
    people = instance.person_by_id
    districts = instance.district_by_id
    ordered = sorted(sessions, key=lambda s: (s.slots[0].day, s.slots[0].half, s.session_id))
    members: dict[str, list[Person]] = defaultdict(list)
    for assignment in assignments:
        members[assignment.session_id].append(people[assignment.person_id])
    views: list[SessionView] = []
    for session in ordered:
        group = sorted(
            members[session.session_id],
            key=lambda p: (districts[p.district_id].name, p.name, p.person_id),
        )
        represented = sorted({p.district_id for p in group}, key=lambda d: districts[d].name)
        views.append(
            SessionView(
                session=session,
                course=instance.course_by_id[session.course_id],
                room=instance.room_by_id.get(session.room_id) or _unknown_room(session.room_id),
                trainers=[instance.trainer_by_id[t] for t in session.trainer_ids],
                days=_session_days(grid, session.slots),
                people=group,
                districts=[districts[d] for d in represented],
            )
        )
    by_id = {view.session_id: view for view in views}
    years = report_years(instance)
    held = held_per_year(views)
    return Views(
        instance=instance,
        grid=grid,
        summary=summary,
        sessions=views,
        assignments=list(assignments),
        unscheduled=list(unscheduled),
        people=_person_plans(instance, assignments, unscheduled, by_id),
        trainers=_trainer_plans(instance, views),
        districts=_district_away(instance, grid, views),
        years=years,
        offerings=course_years(instance, years, held),
        unheld=unheld_offerings(instance, unscheduled, held),
        changes=list(changes or []),
        electives=list(electives or []),
    )


def _person_plans(
    instance: Instance,
    assignments: list[Assignment],
    unscheduled: list[Unscheduled],
    sessions: dict[str, SessionView],
) -> list[PersonPlan]:
    """The plan of every required person, in file order."""
    attends = {(a.person_id, a.course_id): sessions[a.session_id] for a in assignments}
    unmet = {(u.person_id, u.course_id): u.reason for u in unscheduled if not u.offering}
    plans = []
    for person in instance.required_people:
        courses = []
        earliest: dict[str, date] = {}
        for course in instance.courses:
            key = (person.person_id, course.course_id)
            session = attends.get(key)
            if session is not None:
                state = CourseState.SCHEDULED
            elif course.course_id in person.done:
                state = CourseState.DONE
            elif key in unmet:
                state = CourseState.UNMET
            else:
                state = CourseState.LATER
            courses.append(
                CourseStatus(
                    course=course,
                    state=state,
                    earliest=earliest_day(instance, person, course, attends, earliest),
                    deadline=instance.deadline(person, course),
                    session=session,
                    reason=unmet.get(key, ""),
                    waits_for=_waiting_for(instance, person, course, attends),
                )
            )
        plans.append(PersonPlan(person, instance.district_by_id[person.district_id], courses))
    return plans


def _waiting_for(
    instance: Instance,
    person: Person,
    course: Course,
    attends: dict[tuple[str, str], SessionView],
) -> tuple[Course, ...]:
    """The course's prerequisites the person has neither done nor a session of."""
    return tuple(
        before
        for before in (instance.course_by_id.get(b) for b in course.after)
        if before is not None
        and before.course_id not in person.done
        and (person.person_id, before.course_id) not in attends
    )


def earliest_day(
    instance: Instance,
    person: Person,
    course: Course,
    attends: dict[tuple[str, str], SessionView],
    known: dict[str, date],
) -> date:
    """The first day a session of the course may be for the person.

    The later of the window's opening and, for every prerequisite (``after``) not done
    before, the day after the person's session of it ends, or, when it has no session
    yet, the day after the earliest a session of it could end (its own first day and as
    many days as its half-days fill): the course comes after them (the order rule), on
    a later day.

    Parameters
    ----------
    attends
        The person's sessions by (person, course).
    known
        The first days found so far for the person, by course (filled in).
    """
    found = known.get(course.course_id)
    if found is not None:
        return found
    day = instance.earliest(person, course)
    for before_id in course.after:
        before = instance.course_by_id.get(before_id)
        if before is None or before_id in person.done:
            continue
        session = attends.get((person.person_id, before_id))
        if session is not None:
            last = session.last_day
        else:
            first = earliest_day(instance, person, before, attends, known)
            last = first + timedelta(days=(before.half_days + 1) // 2 - 1)
        day = max(day, last + timedelta(days=1))
    known[course.course_id] = day
    return day


def _trainer_plans(instance: Instance, sessions: list[SessionView]) -> list[TrainerPlan]:
    """Every trainer's sessions and load per week, in file order."""
    plans = {t.trainer_id: TrainerPlan(t, [], {}) for t in instance.trainers}
    for view in sessions:
        for trainer in view.trainers:
            plan = plans[trainer.trainer_id]
            plan.sessions.append(view)
            plan.weeks[view.week] = plan.weeks.get(view.week, 0) + view.half_days
    return list(plans.values())


def _district_away(
    instance: Instance, grid: TimeGrid, sessions: list[SessionView]
) -> list[DistrictAway]:
    """Each district's people away per open half-day: in sessions or on approved electives,
    as the rule ``district_absence`` counts them."""
    counts: dict[str, Counter[Slot]] = {d.district_id: Counter() for d in instance.districts}
    for view in sessions:
        for person in view.people:
            counts[person.district_id].update(view.session.slots)
    people = instance.person_by_id
    for person_id, slot_indices in elective_slots(instance, grid).items():
        district = people[person_id].district_id
        counts[district].update(grid.slots[idx] for idx in slot_indices)
    return [DistrictAway(d, dict(counts[d.district_id])) for d in instance.districts]


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of an optional CSV file of the schedule folder (empty when it is missing)."""
    if not path.is_file():
        return []
    return [row.cells for row in read_csv(path, path.stem).rows]
