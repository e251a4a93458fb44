"""Why a due attendance is unmet in a plan: the first obstacle that stops every session.

The greedy plan names it when it gives an attendance up, and the records of a plan name
it for every due attendance left unmet (:func:`schemalaggning.engine.outcome.unscheduled_records`).
An obstacle of the plan (another session took the place) is checked on the data later
(:mod:`schemalaggning.engine.reasons`).

The words are the coordinator's, from the catalogue: the course and the person by name,
the days in words (``4 januari 2027``), the counts as the data give them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from schemalaggning.domain import Course, Person
from schemalaggning.engine.names import course_name, district_name, listed, person_name
from schemalaggning.engine.plan import Plan, SolverAttendance, free_rooms, pick_trainers
from schemalaggning.i18n import N_, _
from schemalaggning.rules import Reason, Rule
from schemalaggning.swedish import long_date, number

#: The obstacle that every possible time of a session meets, by the rule it breaks;
#: the time span and the count of possible times follow (:data:`SPAN`).
OBSTACLES: dict[Rule, str] = {
    Rule.PERSON_OVERLAP: N_("{person} is in other sessions at every possible time for {course}"),
    Rule.ELECTIVE_AWAY: N_(
        "{person} is away on approved electives or in other sessions at every possible "
        "time for {course}"
    ),
    Rule.DISTRICT_ABSENCE: N_(
        "district {district} already has {limit} of at most {limit} away at every possible "
        "time for {course}"
    ),
    Rule.ROOM_AVAILABLE: N_(
        "no room that seats the group is free at any possible time for {course}"
    ),
    Rule.TRAINER_AVAILABLE: N_(
        "{trainers} qualified trainer(s) for {course} are not free at the same time at any "
        "possible time (leave or weekly limits)"
    ),
    Rule.MIN_GROUP: N_(
        "too few others can come at the same time to make the least group of {least} for {course}"
    ),
}
#: The span the obstacles are met in, and how many possible times it holds.
SPAN = N_("{obstacle} between {first} and {until} ({count} possible times)")
#: ... or the one day it is met on.
ONE_DAY = N_("{obstacle} on {first} ({count} possible times)")


@dataclass(frozen=True)
class WindowWords:
    """What the words of an attendance's window are made from."""

    course: Course
    person: Person
    first: date
    until: date
    #: Words after the reason for a planned-ahead attendance (format 1.2), or empty.
    ahead: str

    def fields(self) -> dict[str, str]:
        """The placeholders every reason may use."""
        return {
            "course": course_name(self.course),
            "person": person_name(self.person),
            "first": long_date(self.first),
            "until": long_date(self.until),
            "half_days": number(self.course.half_days),
        }


def ahead_words(deadline: date, horizon_end: date) -> str:
    """The words after a reason when the window closes after the plan ends."""
    if deadline <= horizon_end:
        return ""
    return " " + _(
        "(the window closes on {deadline}, after the plan ends: the course is planned "
        "within the plan)"
    ).format(deadline=long_date(deadline))


def window_closed(plan: Plan, att: SolverAttendance, course: Course) -> Reason | None:
    """The reason when the window closed before the plan starts, or closes before new
    sessions may start (a re-plan keeps the weeks before as they are); None otherwise."""
    data = plan.data
    settings = data.instance.settings
    name = course_name(course)
    if att.deadline_date < settings.horizon_start:
        words = _("the window for {course} closed on {deadline}, before the plan starts on {start}")
        return Reason(
            Rule.WINDOW,
            words.format(
                course=name,
                deadline=long_date(att.deadline_date),
                start=long_date(settings.horizon_start),
            ),
        )
    first_new = data.first_new_slot
    if 0 < first_new < data.num_slots and att.deadline < first_new + course.half_days - 1:
        words = _(
            "the window for {course} closes on {deadline}, before new sessions may start "
            "on {start} (the weeks before are kept as published)"
        )
        return Reason(
            Rule.WINDOW,
            words.format(
                course=name,
                deadline=long_date(att.deadline_date),
                start=long_date(data.grid.slots[first_new].day),
            ),
        )
    return None


def unplanned_prerequisite(plan: Plan, att: SolverAttendance, course: Course) -> Reason | None:
    """The reason when a prerequisite is not planned for the person; None otherwise."""
    data = plan.data
    for prereq in att.prereqs:
        if (att.person, prereq) not in plan.person_course_end:
            words = _("{first} must come before {course} and is not planned")
            first = course_name(data.courses[prereq].course)
            return Reason(Rule.PREREQUISITE, words.format(first=first, course=course_name(course)))
    return None


def no_block(plan: Plan, att: SolverAttendance, window: WindowWords) -> Reason:
    """The reason when no block is left in the window: the prerequisites end too late,
    or the calendar has none."""
    data = plan.data
    fields = window.fields()
    if data.blocks_between(att.course, att.release, att.deadline):
        # The window has blocks, but none after the prerequisites end.
        names = listed(course_name(data.courses[p].course) for p in att.prereqs)
        words = _(
            "{course} must start after {names} ends, and no {half_days} half-day(s) in a row "
            "are left between then and {until}"
        )
        return Reason(Rule.PREREQUISITE, words.format(names=names, **fields) + window.ahead)
    if window.course.half_days == 1:
        words = _("between {first} and {until} there is no open half-day for {course}")
    else:
        words = _(
            "between {first} and {until} there are no {half_days} open half-days in a row "
            "within one week for {course}"
        )
    return Reason(Rule.SESSION_BLOCK, words.format(**fields) + window.ahead)


def resource_shortage(plan: Plan, att: SolverAttendance, course: Course) -> Reason | None:
    """The reason when too few trainers are qualified or no room seats the least group;
    None otherwise."""
    data = plan.data
    info = data.courses[att.course]
    if len(info.qualified) < course.trainers:
        words = _("{count} trainer(s) are qualified for {course}; a session needs {needed}")
        return Reason(
            Rule.TRAINER_QUALIFIED,
            words.format(
                count=number(len(info.qualified)),
                course=course_name(course),
                needed=number(course.trainers),
            ),
        )
    if not any(c >= course.min_group for c in data.room_capacity):
        words = _("no room seats the {least} participants {course} needs at the least")
        return Reason(
            Rule.ROOM_CAPACITY,
            words.format(least=number(course.min_group), course=course_name(course)),
        )
    return None


def explain_unmet(plan: Plan, att: SolverAttendance) -> Reason:
    """Name the first obstacle that stops every possible session for the attendance: the
    rule (:class:`schemalaggning.rules.Rule`) and the obstacle in words."""
    data = plan.data
    course = data.courses[att.course].course
    horizon = data.instance.settings
    found = window_closed(plan, att, course) or unplanned_prerequisite(plan, att, course)
    if found is not None:
        return found
    # A planned-ahead attendance (format 1.2) is met inside the plan, which ends first.
    release = plan.release(att)
    assert release is not None
    window = WindowWords(
        course,
        data.instance.people[att.person],
        data.grid.slots[release].day if release < data.num_slots else att.deadline_date,
        min(att.deadline_date, horizon.horizon_end),
        ahead_words(att.deadline_date, horizon.horizon_end),
    )
    blocks = data.blocks_between(att.course, release, att.deadline)
    if not blocks:
        return no_block(plan, att, window)
    return resource_shortage(plan, att, course) or tallied(plan, att, window, blocks)


def tallied(plan: Plan, att: SolverAttendance, window: WindowWords, blocks: list[int]) -> Reason:
    """The obstacle most possible times of a session meet, in words."""
    rule = most_common_obstacle(plan, att, blocks)
    inst = plan.data.instance
    district = inst.district_by_id[window.person.district_id]
    obstacle = _(OBSTACLES[rule]).format(
        district=district_name(district),
        limit=number(district.max_absent),
        trainers=number(window.course.trainers),
        least=number(window.course.min_group),
        **window.fields(),
    )
    span = _(SPAN) if window.first != window.until else _(ONE_DAY)
    words = span.format(
        obstacle=obstacle,
        first=long_date(window.first),
        until=long_date(window.until),
        count=number(len(blocks)),
    )
    return Reason(rule, words + window.ahead)


def most_common_obstacle(plan: Plan, att: SolverAttendance, blocks: list[int]) -> Rule:
    """The rule the most possible times of a session break first."""
    data = plan.data
    tally: Counter[Rule] = Counter()
    length = data.courses[att.course].course.half_days
    away = data.person_away.get(att.person, frozenset())
    for start in blocks:
        if away.intersection(range(start, start + length)):
            tally[Rule.ELECTIVE_AWAY] += 1
        elif not plan.person_free(att.person, start, length):
            tally[Rule.PERSON_OVERLAP] += 1
        elif plan.district_spare(data.person_district[att.person], start, length) < 1:
            tally[Rule.DISTRICT_ABSENCE] += 1
        elif not free_rooms(plan, att.course, start):
            tally[Rule.ROOM_AVAILABLE] += 1
        elif pick_trainers(plan, att.course, start) is None:
            tally[Rule.TRAINER_AVAILABLE] += 1
        else:
            tally[Rule.MIN_GROUP] += 1
    return tally.most_common(1)[0][0]
