"""The checker: the valid example passes, and each copy broken in one way names that rule.

The example (``tests/data/example``, the format's 1.2 pair) has a horizon from 2027-01-04
to 2027-03-31, two districts (D1 allows 2 away, D2 allows 3), courses P1 (part 1, 2
half-days, groups 2..4, one trainer) and T1 (part 2, 1 half-day after P1, groups 2..6),
trainers C1 (everything, 4 half-days a week, away 2027-01-04..08) and U1 (T1 only, 2 a
week), rooms R1 (4 seats, booked 2027-01-12 AM) and R2 (10 seats). Session S1 holds P1 on
Monday 2027-01-11 with A1, A2, B1, B2; session S2 holds T1 on Wednesday 2027-01-13 AM with
A1, A2, B1, B2 and the experienced X1. Eight attendances are due: P1 and T1 of A1, A2 and
B1, whose windows close inside the horizon, and of B2 (started 2027-01-10), two thirds of
whose windows lie inside it (plan-ahead, 1.2). The horizon covers less than 183 days of
2027, so no yearly offering is owed.
"""

from __future__ import annotations

import ast
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from click.testing import CliRunner

from builders import am, make_instance, person, pinned_session, room, trainer
from builders import course as make_course
from builders import settings as weeks_from
from schemalaggning.check import Violation, check, check_schedule, check_with_notes
from schemalaggning.check.days import CheckCalendar, date_words, slot_words, week_words
from schemalaggning.check.windows import due_attendances, is_due
from schemalaggning.cli import main
from schemalaggning.domain import (
    Assignment,
    Elective,
    ElectiveStatus,
    Half,
    Instance,
    Session,
    SessionAttendance,
    Settings,
    Slot,
    Unavailability,
    Unscheduled,
    offering_years,
)
from schemalaggning.i18n import LANGUAGE_VARIABLE, use_language
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.rules import Rule


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the checker's English words (the message ids); the Swedish are
    tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


DATA = Path(__file__).parents[1] / "data" / "example"
INSTANCES = Path(__file__).parents[2] / "instances"
SOURCE = Path(__file__).parents[2] / "src"

Sessions = list[Session]
Assignments = list[Assignment]
Unscheduleds = list[Unscheduled]
Case = tuple[Instance, Sessions, Assignments, Unscheduleds]


@pytest.fixture(scope="module")
def example() -> Case:
    """The valid example pair, as records."""
    instance = read_instance(DATA / "instance")
    schedule = read_schedule(DATA / "schedule")
    assert not schedule.problems
    return (
        instance,
        [s for _, s in schedule.sessions],
        [a for _, a in schedule.assignments],
        [u for _, u in schedule.unscheduled],
    )


def session(sessions: Sessions, session_id: str) -> Session:
    """The session with this id."""
    return next(s for s in sessions if s.session_id == session_id)


def moved(base: Session, slots: list[str], **changes: object) -> Session:
    """A copy of a session in other slots, with start and end to match (default hours)."""
    parsed = [Slot.parse(s) for s in slots]
    start = f"{parsed[0].day}T{'08:30' if parsed[0].half.value == 'AM' else '13:00'}"
    end = f"{parsed[-1].day}T{'12:00' if parsed[-1].half.value == 'AM' else '16:30'}"
    return base.model_copy(update={"slots": tuple(parsed), "start": start, "end": end, **changes})


def replace_session(sessions: Sessions, new: Session) -> Sessions:
    """The sessions with one replaced by id."""
    return [new if s.session_id == new.session_id else s for s in sessions]


def rules_of(violations: list[Violation]) -> set[Rule]:
    """The names of the rules broken."""
    return {v.rule for v in violations}


def test_valid_example_passes(example: Case) -> None:
    assert check(*example) == []


# Each breaker returns a broken copy of the example; the expected set of broken rules is
# exactly the rule under test, or that rule plus the unavoidable companions named.
Breaker = Callable[[Instance, Sessions, Assignments, Unscheduleds], Case]


def _unknown_person(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    return i, s, [*a, Assignment(person_id="Z9", course_id="T1", session_id="S2")], u


def _duplicate_session(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A second row for S2 in another week: the id is ambiguous. The five assigned to S2 count
    # for both rows, so the copy says 5 and stays in R2 (R1 seats only 4).
    copy = moved(session(s, "S2"), ["2027-01-20/AM"], participants=5)
    return i, [*s, copy], a, u


def _not_a_block(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # Monday AM then Tuesday PM: two half-days, but not consecutive ones.
    return i, replace_session(s, moved(session(s, "S1"), ["2027-01-11/AM", "2027-01-12/PM"])), a, u


def _closed_day(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # 2027-02-23 lies in the instance's closed period (sportlov).
    return i, replace_session(s, moved(session(s, "S2"), ["2027-02-23/AM"])), a, u


def _session_times(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    wrong = session(s, "S1").model_copy(update={"end": "2027-01-11T16:00"})
    return i, replace_session(s, wrong), a, u


def _participants_count(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    return i, replace_session(s, session(s, "S1").model_copy(update={"participants": 3})), a, u


def _course_mismatch(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    return i, s, [*a, Assignment(person_id="X1", course_id="T1", session_id="S1")], u


def _room_capacity(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # S2 moves to R1 (4 seats, free on Wednesday) with its 5 people, within T1's max_group
    # of 6.
    s2 = session(s, "S2").model_copy(update={"room_id": "R1"})
    return i, replace_session(s, s2), a, u


def _max_group(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    courses = tuple(
        c.model_copy(update={"max_group": 3}) if c.course_id == "T1" else c for c in i.courses
    )
    return i.replace(courses=courses), s, a, u


def _min_group(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # Only A1 stays in S2; A2's, B1's and B2's due T1 are listed as unscheduled, X1 drops out.
    keep = [x for x in a if x.session_id != "S2" or x.person_id == "A1"]
    s2 = session(s, "S2").model_copy(update={"participants": 1})
    deadlines = {"A2": date(2027, 3, 20), "B1": date(2027, 3, 25), "B2": date(2027, 5, 10)}
    listed = [
        Unscheduled(person_id=p, course_id="T1", deadline=deadline, reason="min_group: x")
        for p, deadline in deadlines.items()
    ]
    return i, replace_session(s, s2), keep, [*u, *listed]


def _trainer_count(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    s2 = session(s, "S2").model_copy(update={"trainer_ids": ("U1", "C1")})
    return i, replace_session(s, s2), a, u


def _trainer_qualified(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # U1 teaches only T1; C1 takes S2 instead so that no week limit is passed.
    s1 = session(s, "S1").model_copy(update={"trainer_ids": ("U1",)})
    s2 = session(s, "S2").model_copy(update={"trainer_ids": ("C1",)})
    return i, replace_session(replace_session(s, s1), s2), a, u


def _trainer_available(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    leave = Unavailability(
        resource_id="C1",
        start=date(2027, 1, 11),
        end=date(2027, 1, 11),
        half="PM",
        reason="tandläkare",
    )
    return i.replace(unavailability=(*i.unavailability, leave)), s, a, u


def _room_available(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    booking = Unavailability(
        resource_id="R2", start=date(2027, 1, 13), end=date(2027, 1, 13), reason="bokad"
    )
    return i.replace(unavailability=(*i.unavailability, booking)), s, a, u


def _trainer_overlap(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # An empty T1 session with C1 while C1 teaches S1 (empty, so below min_group too).
    extra = moved(
        session(s, "S2"), ["2027-01-11/AM"], session_id="S3", trainer_ids=("C1",), participants=0
    )
    return i, [*s, extra], a, u


def _room_overlap(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    extra = moved(
        session(s, "S2"), ["2027-01-11/PM"], session_id="S3", room_id="R1", participants=0
    )
    return i, [*s, extra], a, u


def _person_overlap(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # P1 moves to Wednesday AM + PM in R1, over T1 on Wednesday AM in R2: everyone in S1
    # overlaps (and P1 no longer ends before T1 starts).
    s1 = moved(session(s, "S1"), ["2027-01-13/AM", "2027-01-13/PM"])
    return i, replace_session(s, s1), a, u


def _trainer_week_limit(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    trainers = tuple(
        t.model_copy(update={"max_half_days_per_week": 0}) if t.trainer_id == "U1" else t
        for t in i.trainers
    )
    return i.replace(trainers=trainers), s, a, u


def _district_absence(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    districts = tuple(
        d.model_copy(update={"max_absent": 1}) if d.district_id == "D1" else d for d in i.districts
    )
    return i.replace(districts=districts), s, a, u


def _elective_away(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A1 is on an approved course on Monday, the day of S1 (A1 is counted once in D1).
    course = Elective(
        request_id="E1",
        person_id="A1",
        start=date(2027, 1, 11),
        end=date(2027, 1, 11),
        status=ElectiveStatus.APPROVED,
    )
    return i.replace(electives=(course,)), s, a, u


def _district_absence_by_elective(
    i: Instance, s: Sessions, a: Assignments, u: Unscheduleds
) -> Case:
    # D1 allows 2 away; A1 and A2 are in S1 on Monday, and the experienced Y1 of D1 is on
    # an approved course that Monday afternoon: 3 away.
    y1 = i.person_by_id["X1"].model_copy(update={"person_id": "Y1", "district_id": "D1"})
    course = Elective(
        request_id="E1",
        person_id="Y1",
        start=date(2027, 1, 11),
        end=date(2027, 1, 11),
        half=Half.PM,
        status=ElectiveStatus.APPROVED,
    )
    return i.replace(people=(*i.people, y1), electives=(course,)), s, a, u


def _attend_once(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A second P1 session on Thursday for A1 alone (P1's min_group lowered to 1 for it).
    courses = tuple(
        c.model_copy(update={"min_group": 1}) if c.course_id == "P1" else c for c in i.courses
    )
    extra = moved(
        session(s, "S1"), ["2027-01-14/AM", "2027-01-14/PM"], session_id="S3", participants=1
    )
    return (
        i.replace(courses=courses),
        [*s, extra],
        [*a, Assignment(person_id="A1", course_id="P1", session_id="S3")],
        u,
    )


def _already_done(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    people = tuple(
        p.model_copy(update={"done": ("T1",)}) if p.person_id == "A1" else p for p in i.people
    )
    return i.replace(people=people), s, a, u


def _before_start(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # X1 is experienced (no window), but starts the day after S2.
    people = tuple(
        p.model_copy(update={"start_date": date(2027, 1, 14)}) if p.person_id == "X1" else p
        for p in i.people
    )
    return i.replace(people=people), s, a, u


def _window(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A1 started 2026-09-01: both four-month windows closed on 2027-01-01.
    people = tuple(
        p.model_copy(update={"start_date": date(2026, 9, 1)}) if p.person_id == "A1" else p
        for p in i.people
    )
    return i.replace(people=people), s, a, u


def _prerequisite(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # P1 moves to Thursday, after T1 on Wednesday.
    return i, replace_session(s, moved(session(s, "S1"), ["2027-01-14/AM", "2027-01-14/PM"])), a, u


def _fixed_kept(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    pinned = session(s, "S1").model_copy(update={"room_id": "R2"})
    return i.replace(fixed_sessions=(pinned,)), s, a, u


def without(
    s: Sessions, a: Assignments, person_id: str, course_id: str
) -> tuple[Sessions, Assignments]:
    """The sessions and assignments without the person's attendance of the course."""
    gone = next(x for x in a if (x.person_id, x.course_id) == (person_id, course_id))
    smaller = session(s, gone.session_id)
    smaller = smaller.model_copy(update={"participants": smaller.participants - 1})
    return replace_session(s, smaller), [x for x in a if x != gone]


def _due_unmet(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # B1's T1 window closes on 2027-03-25, inside the horizon.
    return i, *without(s, a, "B1", "T1"), u


def _due_unmet_by_plan_ahead(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # B2's T1 window (2027-01-10 to 2027-05-10) closes after the horizon, but 80 of its 120
    # days lie inside it: due with plan_ahead 0.5.
    return i, *without(s, a, "B2", "T1"), u


def _unscheduled_listed(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    listed = Unscheduled(
        person_id="A1", course_id="T1", deadline=date(2027, 3, 15), reason="min_group: x"
    )
    return i, s, a, [*u, listed]


def _yearly_offering(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # The horizon runs to 2027-12-22, so 2027 owes its offerings, and P1 is to be held twice
    # a year; S1 is its only session, and no offering is listed as unscheduled.
    horizon = i.settings.model_copy(update={"horizon_end": date(2027, 12, 22)})
    courses = tuple(
        c.model_copy(update={"min_per_year": 2}) if c.course_id == "P1" else c for c in i.courses
    )
    return i.replace(settings=horizon, courses=courses), s, a, u


BREAKERS: list[tuple[Rule, Breaker, set[Rule]]] = [
    (Rule.UNKNOWN_ID, _unknown_person, set()),
    (Rule.DUPLICATE_SESSION, _duplicate_session, set()),
    (Rule.SESSION_BLOCK, _not_a_block, set()),
    (Rule.CLOSED_DAY, _closed_day, set()),
    (Rule.SESSION_TIMES, _session_times, set()),
    (Rule.PARTICIPANTS_COUNT, _participants_count, set()),
    (Rule.COURSE_MISMATCH, _course_mismatch, set()),
    (Rule.ROOM_CAPACITY, _room_capacity, set()),
    (Rule.MAX_GROUP, _max_group, set()),
    (Rule.MIN_GROUP, _min_group, set()),
    (Rule.TRAINER_COUNT, _trainer_count, set()),
    (Rule.TRAINER_QUALIFIED, _trainer_qualified, set()),
    (Rule.TRAINER_AVAILABLE, _trainer_available, set()),
    (Rule.ROOM_AVAILABLE, _room_available, set()),
    (Rule.TRAINER_OVERLAP, _trainer_overlap, {Rule.MIN_GROUP}),
    (Rule.ROOM_OVERLAP, _room_overlap, {Rule.MIN_GROUP}),
    (Rule.PERSON_OVERLAP, _person_overlap, {Rule.PREREQUISITE}),
    (Rule.TRAINER_WEEK_LIMIT, _trainer_week_limit, set()),
    (Rule.DISTRICT_ABSENCE, _district_absence, set()),
    (Rule.DISTRICT_ABSENCE, _district_absence_by_elective, set()),
    (Rule.ELECTIVE_AWAY, _elective_away, set()),
    (Rule.ATTEND_ONCE, _attend_once, set()),
    (Rule.ALREADY_DONE, _already_done, set()),
    (Rule.BEFORE_START, _before_start, set()),
    (Rule.WINDOW, _window, set()),
    (Rule.PREREQUISITE, _prerequisite, set()),
    (Rule.FIXED_KEPT, _fixed_kept, set()),
    (Rule.DUE_UNMET, _due_unmet, set()),
    (Rule.DUE_UNMET, _due_unmet_by_plan_ahead, set()),
    (Rule.YEARLY_OFFERING, _yearly_offering, set()),
    (Rule.UNSCHEDULED_LISTED, _unscheduled_listed, set()),
]


@pytest.mark.parametrize(
    ("rule", "breaker", "companions"), BREAKERS, ids=[rule.value for rule, _, _ in BREAKERS]
)
def test_each_rule_is_named(
    example: Case, rule: Rule, breaker: Breaker, companions: set[Rule]
) -> None:
    violations = check(*breaker(*example))
    assert rules_of(violations) == {rule} | companions, [str(v) for v in violations]
    named = [v for v in violations if v.rule is rule]
    assert all(rule.value in str(v) for v in named)


def test_requested_electives_and_electives_on_closed_days_count_for_nothing(
    example: Case,
) -> None:
    # The same courses as above, but only requested, or on the weekend: nothing is broken.
    instance, sessions, assignments, unscheduled = _district_absence_by_elective(*example)
    requested = instance.electives[0].model_copy(update={"status": ElectiveStatus.REQUESTED})
    weekend = Elective(
        request_id="E2",
        person_id="A1",
        start=date(2027, 1, 9),
        end=date(2027, 1, 10),
        status=ElectiveStatus.APPROVED,
    )
    relaxed = instance.replace(electives=(requested, weekend))

    assert check(relaxed, sessions, assignments, unscheduled) == []


def test_district_absence_names_the_electives(example: Case) -> None:
    violations = check(*_district_absence_by_elective(*example))

    assert [v.slot for v in violations] == ["2027-01-11/PM"]
    assert "2 people in sessions and 1 more on approved electives" in violations[0].message


def test_every_rule_has_a_test() -> None:
    tested = {rule for rule, _, _ in BREAKERS} | {Rule.FORMAT}
    assert tested == set(Rule)


def test_violation_names_person_resource_and_slot(example: Case) -> None:
    instance, sessions, assignments, unscheduled = _district_absence(*example)
    violations = check(instance, sessions, assignments, unscheduled)
    slots = sorted(v.slot or "" for v in violations)
    assert slots == ["2027-01-11/AM", "2027-01-11/PM", "2027-01-13/AM"]
    assert {v.resource_id for v in violations} == {"D1"}
    window = check(*_window(*example))
    assert {v.person_id for v in window} == {"A1"}
    assert {v.session_id for v in window} == {"S1", "S2"}


def test_unavailable_half_is_respected(example: Case) -> None:
    # R1 is booked only on Tuesday AM: P1 may use it Tuesday PM + Wednesday AM, not Tuesday AM.
    instance, sessions, assignments, unscheduled = example
    s2 = moved(session(sessions, "S2"), ["2027-01-13/PM"])
    ok = moved(session(sessions, "S1"), ["2027-01-12/PM", "2027-01-13/AM"])
    assert (
        check(
            instance, replace_session(replace_session(sessions, ok), s2), assignments, unscheduled
        )
        == []
    )
    bad = moved(session(sessions, "S1"), ["2027-01-12/AM", "2027-01-12/PM"])
    assert rules_of(check(instance, replace_session(sessions, bad), assignments, unscheduled)) == {
        Rule.ROOM_AVAILABLE
    }


# -- due attendances under plan-ahead (FORMATS 1.2) ----------------------------------------


@pytest.mark.parametrize(
    "folder",
    sorted(p for p in INSTANCES.iterdir() if (p / "instance.toml").exists()),
    ids=lambda p: p.name,
)
def test_due_set_is_the_instances_on_every_bundled_instance(folder: Path) -> None:
    instance = read_instance(folder)
    assert due_attendances(instance) == [tuple(a) for a in instance.due_attendances]


def test_due_set_of_the_example_counts_plan_ahead(example: Case) -> None:
    due = due_attendances(example[0])
    assert len(due) == 8
    assert {("B2", "P1"), ("B2", "T1")} <= set(due)


def horizon_to(end: date, share: float = 0.5) -> Settings:
    """A horizon from Monday 2027-01-11 to ``end``, without holidays."""
    return Settings(
        name="test",
        horizon_start=date(2027, 1, 11),
        horizon_end=end,
        holidays=None,
        plan_ahead=share,
    )


# (start date, within_months, not_before_months, horizon end, plan_ahead, due?)
THRESHOLDS = [
    # The window 2027-04-01..2027-05-01 has 30 days: 15 inside is exactly half.
    (date(2027, 4, 1), 1, 0, date(2027, 4, 16), 0.5, True),
    (date(2027, 4, 1), 1, 0, date(2027, 4, 15), 0.5, False),
    # plan_ahead 1 is the rule of 1.1: due only when the window closes inside.
    (date(2027, 4, 1), 1, 0, date(2027, 4, 30), 1.0, False),
    (date(2027, 4, 1), 1, 0, date(2027, 5, 1), 1.0, True),
    # A window that opens before the horizon counts only its days inside: 2026-12-11 to
    # 2027-03-11 has 90 days, 45 from the horizon's start to 2027-02-25.
    (date(2026, 12, 11), 3, 0, date(2027, 2, 25), 0.5, True),
    (date(2026, 12, 11), 3, 0, date(2027, 2, 24), 0.5, False),
    # not_before_months moves the window's opening: 2027-05-01..2027-06-01, 31 days.
    (date(2027, 4, 1), 2, 1, date(2027, 5, 17), 0.5, True),
    (date(2027, 4, 1), 2, 1, date(2027, 5, 16), 0.5, False),
    # A window of no days is due when it closes inside the horizon, never by a share.
    (date(2027, 4, 30), 0, 0, date(2027, 4, 30), 0.5, True),
    (date(2027, 5, 3), 0, 0, date(2027, 4, 30), 0.5, False),
    # not_before equal to within: a window of no days, opening and closing on 2027-05-01.
    (date(2027, 4, 1), 1, 1, date(2027, 4, 30), 0.5, False),
    (date(2027, 4, 1), 1, 1, date(2027, 5, 1), 0.5, True),
    # Month ends: 2027-01-31 plus one month is 2027-02-28 (28 days), 14 inside is half.
    (date(2027, 1, 31), 1, 0, date(2027, 2, 14), 0.5, True),
    (date(2027, 1, 31), 1, 0, date(2027, 2, 13), 0.5, False),
]


@pytest.mark.parametrize(
    ("start", "within", "not_before", "end", "share", "due"),
    THRESHOLDS,
    ids=[f"{s}+{w}m-{n}m-to-{e}-at-{p}" for s, w, n, e, p, _ in THRESHOLDS],
)
def test_plan_ahead_around_the_threshold(
    start: date, within: int, not_before: int, end: date, share: float, due: bool
) -> None:
    instance = make_instance(
        people=[person("A", start=start)],
        courses=[make_course("C", within=within, not_before=not_before)],
        horizon=horizon_to(end, share),
    )
    assert is_due(instance.settings, instance.people[0], instance.courses[0]) is due
    assert due_attendances(instance) == [tuple(a) for a in instance.due_attendances]


def test_plan_ahead_compares_the_share_as_written() -> None:
    # 84 of the 150 days of 2027-02-01..2027-07-01 lie inside: exactly 0.56, which is due.
    # (As floats, 84 < 0.56 * 150 = 84.00000000000001.)
    instance = make_instance(
        people=[person("A", start=date(2027, 2, 1))],
        courses=[make_course("C", within=5)],
        horizon=horizon_to(date(2027, 4, 26), 0.56),
    )
    assert due_attendances(instance) == [("A", "C")]


def test_not_required_or_done_is_never_due() -> None:
    instance = make_instance(
        people=[person("X", required=False), person("D", done=("C",))],
        courses=[make_course("C")],
    )
    assert due_attendances(instance) == []


def test_plan_ahead_one_does_not_ask_for_b2(example: Case) -> None:
    # Without B2's T1, the example is fine under 1.1's rule (plan_ahead 1).
    instance, sessions, assignments, unscheduled = _due_unmet_by_plan_ahead(*example)
    strict = instance.replace(settings=instance.settings.model_copy(update={"plan_ahead": 1.0}))
    assert check(strict, sessions, assignments, unscheduled) == []
    violations = check(instance, sessions, assignments, unscheduled)
    assert [(v.rule, v.person_id) for v in violations] == [(Rule.DUE_UNMET, "B2")]
    assert "by 10 May 2027" in violations[0].message


# -- yearly offerings (FORMATS 1.2) ----------------------------------------------------------

#: 2027-01-11 to 2028-12-08 with Swedish holidays: it covers 355 days of 2027 and 343 of
#: 2028, so both years owe their offerings. 2027's last open day is Thursday 2027-12-30
#: (New Year's Eve is a day off); 2028's inside the horizon is its last day, 2028-12-08.
TWO_YEARS = weeks_from(weeks=100, holidays="SE")
LAST_OPEN = {2027: date(2027, 12, 30), 2028: date(2028, 12, 8)}
HELD_ON = {2027: date(2027, 3, 1), 2028: date(2028, 3, 6)}


def yearly_case(held: tuple[int, ...], listed: dict[int, date] | None = None) -> Case:
    """Course C (min_per_year 1) held in the given years, by one experienced person a
    session (nobody is due), with the offerings of ``listed`` years as unscheduled rows."""
    yearly = make_course("C").model_copy(update={"min_per_year": 1})
    instance = make_instance(
        people=[person(f"X{year}", start=date(2026, 1, 1), required=False) for year in HELD_ON],
        courses=[yearly],
        trainers=[trainer()],
        rooms=[room()],
        horizon=TWO_YEARS,
    )
    sessions = [
        pinned_session(f"S{year}", "C", (am(HELD_ON[year]),), ("T1",), participants=1)
        for year in held
    ]
    assignments = [
        Assignment(person_id=f"X{year}", course_id="C", session_id=f"S{year}") for year in held
    ]
    rows = [
        Unscheduled(
            person_id="", course_id="C", deadline=day, reason="trainer_available: no trainer"
        )
        for day in (listed or {}).values()
    ]
    return instance, sessions, assignments, rows


def test_offering_years_need_183_days_of_the_year() -> None:
    # 2027-07-02 to 2027-12-31 is 183 days, both ends counted; from 2027-07-03, 182.
    for first, years in ((date(2027, 7, 2), [2027]), (date(2027, 7, 3), [])):
        horizon = Settings(horizon_start=first, horizon_end=date(2028, 1, 10), holidays=None)
        assert CheckCalendar(horizon).offering_years() == years
        assert list(offering_years(horizon)) == years
    assert CheckCalendar(TWO_YEARS).offering_years() == [2027, 2028]


def test_yearly_offering_held_every_year_passes() -> None:
    assert check(*yearly_case(held=(2027, 2028))) == []


def test_yearly_offering_missing_in_a_year_is_named() -> None:
    violations = check(*yearly_case(held=(2027,)))
    assert rules_of(violations) == {Rule.YEARLY_OFFERING}
    assert "C is held 0 time(s) with participants in 2028, at least 1 needed" in str(violations[0])


def test_yearly_offering_listed_as_unscheduled_passes() -> None:
    assert check(*yearly_case(held=(2027,), listed={2028: LAST_OPEN[2028]})) == []
    assert check(*yearly_case(held=(2028,), listed={2027: LAST_OPEN[2027]})) == []


def english_date(day: date) -> str:
    """A day as the checker's English words write it: ``8 December 2028``."""
    return format_date(day, "long", locale="en_GB")


@pytest.mark.parametrize(
    ("held", "year", "deadline"),
    [
        (2027, 2028, date(2028, 12, 22)),  # the calendar's last working day, after the horizon
        (2027, 2028, date(2028, 6, 30)),
        (2028, 2027, date(2027, 12, 31)),  # New Year's Eve is closed
    ],
)
def test_yearly_offering_listed_with_another_deadline_is_named(
    held: int, year: int, deadline: date
) -> None:
    violations = check(*yearly_case(held=(held,), listed={year: deadline}))
    assert rules_of(violations) == {Rule.YEARLY_OFFERING}
    assert english_date(LAST_OPEN[year]) in violations[0].message
    assert f"deadline {english_date(deadline)}" in violations[0].message


def test_yearly_offering_listed_but_held_is_named() -> None:
    violations = check(*yearly_case(held=(2027, 2028), listed={2028: LAST_OPEN[2028]}))
    assert rules_of(violations) == {Rule.UNSCHEDULED_LISTED}
    assert "offering of C in 2028, which the schedule meets" in violations[0].message


@pytest.mark.parametrize(
    ("course_id", "deadline", "rule"),
    [
        ("Q", date(2028, 12, 8), Rule.UNKNOWN_ID),
        ("C", date(2029, 6, 29), Rule.UNSCHEDULED_LISTED),  # 2029 owes nothing
        ("P", date(2028, 12, 8), Rule.UNSCHEDULED_LISTED),  # part 1 owes nothing a year
    ],
)
def test_offering_rows_that_owe_nothing_are_named(
    course_id: str, deadline: date, rule: Rule
) -> None:
    instance, sessions, assignments, _ = yearly_case(held=(2027, 2028))
    part1 = make_course("P", part="1")
    instance = instance.replace(courses=(*instance.courses, part1))
    row = Unscheduled(person_id="", course_id=course_id, deadline=deadline, reason="min_group: x")
    assert rules_of(check(instance, sessions, assignments, [row])) == {rule}


def test_per_year_defaults_by_part() -> None:
    # Without min_per_year, a part-2 course owes a session a year and a part-1 course none.
    instance, sessions, assignments, unscheduled = yearly_case(held=(2027, 2028))
    themes = (make_course("P", part="1"), make_course("T", part="2"))
    instance = instance.replace(courses=(*instance.courses, *themes))
    violations = check(instance, sessions, assignments, unscheduled)
    assert sorted(v.message.split(" is held")[0] for v in violations) == ["T", "T"]
    assert rules_of(violations) == {Rule.YEARLY_OFFERING}


def test_sessions_without_participants_do_not_count() -> None:
    instance, sessions, assignments, unscheduled = yearly_case(held=(2027, 2028))
    alone = [x for x in assignments if x.session_id != "S2028"]
    empty = [
        s.model_copy(update={"participants": 0}) if s.session_id == "S2028" else s for s in sessions
    ]
    violations = check(instance, empty, alone, unscheduled)
    assert rules_of(violations) == {Rule.YEARLY_OFFERING, Rule.MIN_GROUP}


# -- past sessions (FORMATS 1.2) -------------------------------------------------------------


def missed_p1(
    i: Instance,
    s: Sessions,
    a: Assignments,
    u: Unscheduleds,
    past: bool = True,
    no_show: bool = True,
) -> Case:
    """B2 did not come to P1 in S1 on Monday but came to T1 in S2 on Wednesday (both past,
    unless ``past`` is false); B2's P1 is listed as unscheduled. With ``no_show`` false,
    attendance.csv does not record that B2 missed S1."""
    rows = (SessionAttendance(session_id="S1", person_id="B2", attended=False),)
    s1 = session(s, "S1").model_copy(update={"participants": 3, "past": past})
    s2 = session(s, "S2").model_copy(update={"past": past})
    kept = [x for x in a if (x.person_id, x.course_id) != ("B2", "P1")]
    listed = Unscheduled(
        person_id="B2", course_id="P1", deadline=date(2027, 5, 10), reason="window: missed S1"
    )
    return (
        i.replace(attendance=rows if no_show else ()),
        replace_session(replace_session(s, s1), s2),
        kept,
        [*u, listed],
    )


def test_missed_prerequisite_in_a_past_session_is_a_note(example: Case) -> None:
    found = check_with_notes(*missed_p1(*example))
    assert found.violations == []
    assert found.ok
    assert [(n.rule, n.person_id, n.session_id) for n in found.notes] == [
        (Rule.PREREQUISITE, "B2", "S2")
    ]
    assert "did not come to P1 in S1" in found.notes[0].message
    assert check(*missed_p1(*example)) == []


@pytest.mark.parametrize(
    ("past", "no_show"),
    [(True, False), (False, True)],
    ids=["no recorded no-show", "not past"],
)
def test_broken_order_is_a_violation_otherwise(example: Case, past: bool, no_show: bool) -> None:
    found = check_with_notes(*missed_p1(*example, past=past, no_show=no_show))
    assert [(v.rule, v.person_id, v.session_id) for v in found.violations] == [
        (Rule.PREREQUISITE, "B2", "S2")
    ]
    assert found.notes == []


def test_a_no_show_after_the_session_explains_nothing(example: Case) -> None:
    # B2 did not come to a P1 session on Thursday, after T1 on Wednesday: that absence is not
    # why B2 took T1 without P1. (Nobody came to S3; P1's min_group is 1 here, so that the
    # no-show alone keeps it.)
    instance, sessions, assignments, unscheduled = missed_p1(*example, no_show=False)
    courses = tuple(
        c.model_copy(update={"min_group": 1}) if c.course_id == "P1" else c
        for c in instance.courses
    )
    later = moved(
        session(sessions, "S1"),
        ["2027-01-14/AM", "2027-01-14/PM"],
        session_id="S3",
        participants=0,
        past=True,
    )
    rows = (SessionAttendance(session_id="S3", person_id="B2", attended=False),)
    found = check_with_notes(
        instance.replace(attendance=rows, courses=courses),
        [*sessions, later],
        assignments,
        unscheduled,
    )
    assert [(v.rule, v.session_id) for v in found.violations] == [(Rule.PREREQUISITE, "S2")]
    assert found.notes == []


def test_other_rules_broken_in_a_past_session_are_violations(example: Case) -> None:
    instance, sessions, assignments, unscheduled = missed_p1(*example)
    leave = Unavailability(
        resource_id="U1", start=date(2027, 1, 13), end=date(2027, 1, 13), reason="sjuk"
    )
    found = check_with_notes(
        instance.replace(unavailability=(*instance.unavailability, leave)),
        sessions,
        assignments,
        unscheduled,
    )
    assert rules_of(found.violations) == {Rule.TRAINER_AVAILABLE}
    assert len(found.notes) == 1


def test_past_session_min_group_counts_who_did_not_come(example: Case) -> None:
    # Only A1 and A2 came to the past S2; B1, B2 and X1 did not, and B1's and B2's T1 are
    # planned again (listed here). With T1's min_group raised to 3, S2 keeps it only by
    # counting who did not come.
    instance, sessions, assignments, unscheduled = example
    gone = ("B1", "B2", "X1")
    rows = tuple(SessionAttendance(session_id="S2", person_id=p, attended=False) for p in gone)
    courses = tuple(
        c.model_copy(update={"min_group": 3}) if c.course_id == "T1" else c
        for c in instance.courses
    )
    s2 = session(sessions, "S2").model_copy(update={"participants": 2, "past": True})
    kept = [x for x in assignments if x.session_id != "S2" or x.person_id not in gone]
    listed = [
        Unscheduled(person_id=p, course_id="T1", deadline=day, reason="window: did not come")
        for p, day in (("B1", date(2027, 3, 25)), ("B2", date(2027, 5, 10)))
    ]
    schedule = (replace_session(sessions, s2), kept, [*unscheduled, *listed])
    assert check(instance.replace(attendance=rows, courses=courses), *schedule) == []
    unrecorded = check(instance.replace(courses=courses), *schedule)
    assert rules_of(unrecorded) == {Rule.MIN_GROUP}
    assert "2 participants, T1 needs at least 3" in unrecorded[0].message


def copy_schedule(tmp_path: Path) -> Path:
    """A writable copy of the example schedule folder."""
    target = tmp_path / "schedule"
    shutil.copytree(DATA / "schedule", target)
    return target


def test_format_errors_are_violations(tmp_path: Path) -> None:
    folder = copy_schedule(tmp_path)
    with (folder / "unscheduled.csv").open("a", encoding="utf-8") as handle:
        handle.write("A1,T1,2027-13-45,no such day\n")
    violations = check_schedule(read_instance(DATA / "instance"), read_schedule(folder))
    assert rules_of(violations) == {Rule.FORMAT}
    assert "unscheduled.csv, row 2, column deadline" in str(violations[0])


def test_cli_exit_status_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(main, ["check", str(DATA / "instance"), str(DATA / "schedule")])
    assert good.exit_code == 0, good.output
    assert "breaks no rule" in good.output

    folder = copy_schedule(tmp_path)
    text = (folder / "sessions.csv").read_text(encoding="utf-8-sig")
    (folder / "sessions.csv").write_text(text.replace("R2,U1", "R2,U1|C1"), encoding="utf-8")
    bad = runner.invoke(main, ["check", str(DATA / "instance"), str(folder)])
    assert bad.exit_code == 1
    assert "[trainer_count]" in bad.output
    as_json = runner.invoke(main, ["check", "--json", str(DATA / "instance"), str(folder)])
    assert as_json.exit_code == 1
    payload = json.loads(as_json.output)
    assert payload["ok"] is False
    assert [v["rule"] for v in payload["violations"]] == ["trainer_count"]
    assert payload["violations"][0]["session_id"] == "S2"


def test_cli_prints_notes_apart_and_exits_zero(tmp_path: Path) -> None:
    # The missed-prerequisite case above, as folders: B2 did not come to S1 (attendance.csv)
    # and came to T1 in S2; both sessions are past.
    instance = tmp_path / "instance"
    shutil.copytree(DATA / "instance", instance)
    (instance / "attendance.csv").write_text(
        "session_id,person_id,attended\nS1,B2,no\n", encoding="utf-8"
    )
    folder = copy_schedule(tmp_path)
    sessions = (folder / "sessions.csv").read_text(encoding="utf-8-sig").splitlines()
    sessions = [sessions[0] + ",past", *(line + ",yes" for line in sessions[1:])]
    sessions[1] = sessions[1].replace(",4,yes", ",3,yes")
    (folder / "sessions.csv").write_text("\n".join(sessions) + "\n", encoding="utf-8")
    assignments = (folder / "assignments.csv").read_text(encoding="utf-8-sig")
    (folder / "assignments.csv").write_text(assignments.replace("B2,P1,S1\n", ""), "utf-8")
    with (folder / "unscheduled.csv").open("a", encoding="utf-8") as handle:
        handle.write("B2,P1,2027-05-10,window: missed S1\n")

    runner = CliRunner()
    result = runner.invoke(main, ["check", str(instance), str(folder)])
    assert result.exit_code == 0, result.output
    assert "Notes on past sessions" in result.output
    assert "[prerequisite] B2 attended T1 in past session S2" in result.output
    assert "breaks no rule" in result.output
    as_json = runner.invoke(main, ["check", "--json", str(instance), str(folder)])
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.output)
    assert payload["ok"] is True
    assert payload["violations"] == []
    assert [(n["rule"], n["person_id"]) for n in payload["notes"]] == [("prerequisite", "B2")]


def _source(module: str) -> Path | None:
    """The file of one of the project's modules (a package's ``__init__``), if it is one."""
    path = SOURCE / Path(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _package_imports(module: str) -> set[str]:
    """The project's modules a module imports, imports inside functions included; ``from
    package import module`` counts the module as well as the package."""
    path = _source(module)
    assert path is not None, module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _source(f"{node.module}.{alias.name}") is not None
            )
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("schemalaggning")}


def test_the_checker_shares_no_code_with_the_optimiser_or_its_calendar() -> None:
    reached: set[str] = set()
    todo = ["schemalaggning.check"]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(_package_imports(module))
    # The engine (the solver's indices, the greedy plan, the model, the bounds, the
    # blocking analysis), the re-plan built on it, and the optimiser's time grid.
    optimiser = {"timegrid", "engine", "month"}
    shared = {m for m in reached if m.split(".")[1] in optimiser}
    assert shared == set(), f"the checker reaches {sorted(shared)}"
    assert "schemalaggning.check.days" in reached


@pytest.mark.parametrize(
    ("reason", "deadline", "words"),
    [
        # The reason must say which rule stops it, in the rules' words.
        ("nonsense: I did not feel like it", date(2027, 3, 25), "does not begin with a rule"),
        ("", date(2027, 3, 25), "does not begin with a rule"),
        # The deadline is the attendance's own: B1 started 2026-11-25, T1 within 4 months.
        ("min_group: too few others", date(2099, 1, 1), "window closes on 25 March 2027"),
    ],
)
def test_an_unmet_rows_reason_and_deadline_are_checked(
    example: Case, reason: str, deadline: date, words: str
) -> None:
    instance, sessions, assignments, unscheduled = example
    sessions, assignments = without(sessions, assignments, "B1", "T1")
    row = Unscheduled(person_id="B1", course_id="T1", deadline=deadline, reason=reason)
    found = check(instance, sessions, assignments, [*unscheduled, row])
    assert [v.rule for v in found] == [Rule.UNSCHEDULED_LISTED]
    assert words in found[0].message


def test_an_unmet_row_in_the_rules_words_with_its_deadline_passes(example: Case) -> None:
    instance, sessions, assignments, unscheduled = example
    sessions, assignments = without(sessions, assignments, "B1", "T1")
    row = Unscheduled(
        person_id="B1", course_id="T1", deadline=date(2027, 3, 25), reason="time_limit: ran out"
    )
    assert check(instance, sessions, assignments, [*unscheduled, row]) == []


def test_the_checker_writes_its_days_and_weeks_in_words() -> None:
    """A half-day, a day and an ISO week as a coordinator reads them, in both languages."""
    slot = Slot.parse("2027-01-11/PM")
    with use_language("sv"):
        assert slot_words(slot) == "måndag 11 januari 2027 EM"
        assert date_words(date(2027, 3, 25)) == "25 mars 2027"
        assert week_words(2027, 3) == "vecka 3, 2027"
    assert slot_words(slot) == "Monday, 11 January 2027 PM"
    assert week_words(2027, 3) == "week 3, 2027"
