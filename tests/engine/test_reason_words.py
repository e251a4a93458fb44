"""The reasons unscheduled.csv gives, in the coordinator's words: for every kind of unmet
attendance a tiny instance that produces it, and its reason read as a coordinator reads
it. The reason keeps the rule's name before the colon (the checker and the views read
it), and after it is Swedish with the course by name, the days in words and no English;
``use_language("en")`` gives English."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from builders import (
    DUE_FRIDAY,
    MONDAY,
    away,
    course,
    district,
    elective,
    make_instance,
    person,
    settings,
    solve_checked,
    trainer,
)
from english import english_words
from schemalaggning.check import check
from schemalaggning.domain import Course, Instance, Person
from schemalaggning.engine.greedy import GreedyBuilder
from schemalaggning.engine.outcome import unscheduled_records
from schemalaggning.engine.plan import SolveData
from schemalaggning.i18n import misses, use_language
from schemalaggning.rules import Rule
from schemalaggning.timegrid import TimeGrid

#: The course's and the person's names: the reason names them, not their ids.
COURSE_NAME = "Samtal med barn"
PERSON_NAME = "Sara Ek"
#: Names of the data the English check passes over (and the rule's name before the colon).
ALLOWED = ["Sara", "Ek", "Samtal", "med", "barn", "D1", "T1", "R1", "E1", "januari", "december"]
FRIDAY = MONDAY + timedelta(days=4)


def named(c: Course) -> Course:
    """The course with a coordinator's name."""
    return c.model_copy(update={"name": COURSE_NAME})


def hire(start: date = DUE_FRIDAY, **changes: object) -> Person:
    """The new hire ``A``, with a name."""
    return person("A", start=start).model_copy(update={"name": PERSON_NAME, **changes})


def only_reason(instance: Instance) -> str:
    """The one reason of the schedule solved (checked with the checker), for ``A``."""
    result = solve_checked(instance, improve=False)
    (row,) = [u for u in result.unscheduled if u.person_id == "A"]
    return row.reason


def assert_words(reason: str, rule: str) -> str:
    """The reason starts with the rule's name; after it is Swedish with no English word,
    naming the course; returns the words after the colon."""
    name, colon, words = reason.partition(":")
    assert (name, colon) == (rule, ":"), reason
    assert english_words(words, allowed=ALLOWED) == [], reason
    assert COURSE_NAME in words, reason
    return words


def test_a_window_that_closed_before_the_plan_says_so_with_its_day() -> None:
    instance = make_instance(people=[hire(start=date(2026, 11, 1))], courses=[named(course())])
    words = assert_words(only_reason(instance), Rule.WINDOW.value)
    assert "stängde 1 december 2026, innan planen börjar 11 januari 2027" in words


def test_no_block_in_the_window_says_the_days_and_the_half_days_needed() -> None:
    # Wednesday is closed: no three days in a row remain in the week for a course of six
    # half-days.
    horizon = settings(closed=[(MONDAY + timedelta(days=2), MONDAY + timedelta(days=2))])
    instance = make_instance(people=[hire()], courses=[named(course(half_days=6))], horizon=horizon)
    reason = only_reason(instance)
    words = assert_words(reason, reason.partition(":")[0])
    assert reason.partition(":")[0] in {Rule.SESSION_BLOCK.value, Rule.CLOSED_DAY.value}
    assert "6" in words and "januari 2027" in words


def test_a_prerequisite_not_planned_is_named_by_its_course() -> None:
    first = course("P", trainers=2).model_copy(update={"name": "Del 1"})
    then = named(course("C", after=("P",)))
    instance = make_instance(people=[hire()], courses=[first, then])
    result = solve_checked(instance, improve=False)
    reason = next(u.reason for u in result.unscheduled if u.course_id == "C")
    words = assert_words(reason, Rule.PREREQUISITE.value)
    assert "Del 1 måste gås före Samtal med barn" in words


def test_too_few_qualified_trainers_counts_them() -> None:
    instance = make_instance(
        people=[hire(done=("X",))],
        courses=[named(course()), course("X")],
        trainers=[trainer(courses=("X",))],
    )
    words = assert_words(only_reason(instance), Rule.TRAINER_QUALIFIED.value)
    assert "0 utbildare är behöriga" in words


def test_no_room_for_the_least_group_names_the_size() -> None:
    instance = make_instance(people=[hire()], courses=[named(course(min_group=12, max_group=20))])
    words = assert_words(only_reason(instance), Rule.ROOM_CAPACITY.value)
    assert "minst 12 deltagare" in words


# The obstacles of a plan are confirmed on the data (the blocking rules), each said with
# the data behind it.
CONFIRMED = [
    pytest.param(
        make_instance(
            people=[hire()], courses=[named(course())], districts=[district(max_absent=0)]
        ),
        Rule.DISTRICT_ABSENCE,
        "stadsdelen D1 får ha högst 0 borta samtidigt",
        id="district_absence",
    ),
    pytest.param(
        make_instance(
            people=[hire()],
            courses=[named(course())],
            unavailability=[away("T1", MONDAY, FRIDAY)],
        ),
        Rule.TRAINER_AVAILABLE,
        "T1 upptagen 11 januari 2027–15 januari 2027",
        id="trainer_available",
    ),
    pytest.param(
        make_instance(
            people=[hire()],
            courses=[named(course())],
            unavailability=[away("R1", MONDAY, FRIDAY)],
        ),
        Rule.ROOM_AVAILABLE,
        "R1 upptagen 11 januari 2027–15 januari 2027",
        id="room_available",
    ),
    pytest.param(
        make_instance(people=[hire()], courses=[named(course(min_group=2))]),
        Rule.MIN_GROUP,
        "behöver 2 deltagare i ett pass; som mest 1 kan komma",
        id="min_group",
    ),
    pytest.param(
        make_instance(
            people=[hire()],
            courses=[named(course(half_days=2))],
            trainers=[trainer(per_week=1)],
        ),
        Rule.TRAINER_WEEK_LIMIT,
        "T1 1 halvdag(ar)",
        id="trainer_week_limit",
    ),
    pytest.param(
        make_instance(people=[hire()], courses=[named(course())]).replace(
            electives=(elective("E1", "A", MONDAY, FRIDAY),)
        ),
        Rule.ELECTIVE_AWAY,
        "Sara Ek är borta på godkända individuella kurser: E1 11 januari 2027–15 januari 2027",
        id="elective_away",
    ),
]


@pytest.mark.parametrize(("instance", "rule", "said"), CONFIRMED)
def test_an_obstacle_the_data_confirm_is_said_with_its_data(
    instance: Instance, rule: Rule, said: str
) -> None:
    reason = only_reason(instance)
    assert reason.startswith(f"{rule.value}: "), reason
    # The first rule names its data; a second (after "; rule:") may follow.
    first = reason.split("; " + Rule.WINDOW.value + ":")[0]
    assert english_words(first.partition(":")[2], allowed=ALLOWED) == [], reason
    assert said in reason


def test_time_running_out_says_so_in_plain_words() -> None:
    # A plan whose time is up before it starts lists every due attendance for lack of
    # time (a deadline in the past: no timing involved).
    instance = make_instance(people=[hire()], courses=[named(course())])
    data = SolveData(instance, TimeGrid(instance.settings))
    builder = GreedyBuilder(data, deadline=0.0)
    plan = builder.build()
    (row,) = unscheduled_records(data, plan, builder.unmet)
    assert check(instance, [], [], [row]) == []
    name, colon, words = row.reason.partition(":")
    assert (name, colon) == ("time_limit", ":")
    assert english_words(words, allowed=["time", "limit"]) == []
    assert "tiden för planeringen tog slut" in words
    with use_language("en"):
        english = unscheduled_records(data, plan, builder.unmet)[0].reason
    assert english.startswith("time_limit: the planning ran out of time")


def test_the_reasons_are_english_with_english_chosen() -> None:
    instance = make_instance(
        people=[hire(done=("X",))],
        courses=[named(course()), course("X")],
        trainers=[trainer(courses=("X",))],
    )
    with use_language("en"):
        reason = only_reason(instance)
    assert reason == (
        "trainer_qualified: 0 trainer(s) are qualified for Samtal med barn; a session needs 1"
    )


def test_a_yearly_offering_not_held_names_the_course_the_year_and_the_count() -> None:
    # One experienced colleague cannot make T's group of two in 2028.
    two_years = settings(weeks=100)
    people = [hire(start=MONDAY), person("B", start=MONDAY)]
    people.append(person("X", start=date(2015, 1, 1), required=False))
    instance = make_instance(
        people=people, courses=[named(course("T", min_group=2, within=3))], horizon=two_years
    )
    result = solve_checked(instance)
    (row,) = [u for u in result.unscheduled if u.offering]
    words = assert_words(row.reason, Rule.MIN_GROUP.value)
    assert words.startswith(" Samtal med barn kan inte ges 1 gång(er) under 2028: ")
    assert words.endswith("(0 av 1 pass hålls)")


def test_a_held_seat_no_group_can_take_says_so_in_swedish() -> None:
    from schemalaggning.engine.greedy import HELD_ALONE_REASON

    name, _colon, words = HELD_ALONE_REASON.text.partition(":")
    assert name == Rule.MIN_GROUP.value
    assert english_words(words) == [] and "hållna platsen" in words


def test_a_reason_in_words_is_not_looked_up_again_as_a_message() -> None:
    """A reason's words are in the language already; only a reason made at import (a
    message id) is looked up when written, so no reason is a catalogue miss."""
    instance = make_instance(
        people=[hire(done=("X",))],
        courses=[named(course()), course("X")],
        trainers=[trainer(courses=("X",))],
    )
    with use_language("sv"):
        before = misses("sv")
        only_reason(instance)
        assert misses("sv") - before == frozenset()
