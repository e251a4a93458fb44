"""Format 1.2 in the engine: attendances due by plan-ahead, and each course held
``min_per_year`` times in every year of the plan (:mod:`schemalaggning.engine.offerings`).

Each test builds a tiny instance where the rule binds, solves it with the optimiser and
the greedy plan (``solve_checked`` runs both and the independent checker on each), and
says why the expected schedule is the best one.
"""

from __future__ import annotations

from datetime import date, timedelta

from builders import MONDAY, course, make_instance, person, settings, solve_checked
from schemalaggning.domain import Instance, Settings
from schemalaggning.engine.bound import window_bound
from schemalaggning.engine.result import Result
from schemalaggning.i18n import _
from schemalaggning.rules import OFFERING_COUNT, Rule

#: Two calendar years, 2027-01-11 to 2028-12-08: each covered for more than 183 days.
TWO_YEARS = settings(weeks=100)
#: Experienced staff: they may take free seats of part 2 and are never required.
VETERAN = date(2015, 1, 1)


def two_year_instance(veterans: int) -> Instance:
    """A and B must attend T by 11 April 2027; ``veterans`` experienced colleagues may."""
    people = [person("A", start=MONDAY), person("B", start=MONDAY)]
    people += [person(f"X{i}", start=VETERAN, required=False) for i in range(veterans)]
    return make_instance(
        people=people, courses=[course("T", min_group=2, within=3)], horizon=TWO_YEARS
    )


def sessions_by_year(result: Result) -> dict[int, int]:
    """Sessions with participants per calendar year of their first slot."""
    counts: dict[int, int] = {}
    for session in result.sessions:
        if session.participants:
            year = session.slots[0].day.year
            counts[year] = counts.get(year, 0) + 1
    return counts


def test_a_course_is_held_in_a_year_without_due_attendances() -> None:
    # A and B are due in 2027; nobody is due in 2028, but T is held every year: two
    # experienced colleagues make its 2028 group (min_group 2). Optimum: one session a
    # year, 2 trainer half-days, which the window bound proves.
    instance = two_year_instance(veterans=2)
    result = solve_checked(instance)
    assert sessions_by_year(result) == {2027: 1, 2028: 1}
    assert result.summary["trainer_half_days"] == 2
    assert result.summary["trainer_half_days_bound"] == 2
    assert result.unscheduled == []


def test_an_offering_that_cannot_be_held_is_listed_with_the_year() -> None:
    # One experienced colleague cannot make a group of two in 2028: the offering is a row
    # of unscheduled.csv without a person, dated the year's last open day (Friday 8
    # December, the horizon's end), with the rule and the count of sessions held.
    instance = two_year_instance(veterans=1)
    result = solve_checked(instance)
    offerings = [u for u in result.unscheduled if u.offering]
    assert len(offerings) == 1
    row = offerings[0]
    assert (row.person_id, row.course_id, row.deadline) == ("", "T", date(2028, 12, 8))
    assert row.reason.startswith(f"{Rule.MIN_GROUP.value}: ")
    assert row.reason.endswith(_(OFFERING_COUNT).format(held=0, needed=1))
    assert result.summary["due_met"] == result.summary["required_attendances"] == 2


def test_min_per_year_zero_asks_for_no_session() -> None:
    # With min_per_year 0, T is held only for A and B: one session in 2027.
    instance = two_year_instance(veterans=2)
    instance = instance.replace(
        courses=tuple(c.model_copy(update={"min_per_year": 0}) for c in instance.courses)
    )
    result = solve_checked(instance)
    assert sessions_by_year(result) == {2027: 1}
    assert result.summary["trainer_half_days"] == 1


def test_the_window_bound_counts_each_years_offering() -> None:
    # Two due attendances fit one session, but T is owed a session in 2027 and in 2028.
    bound = window_bound(two_year_instance(veterans=2))["T"]
    assert (bound.sessions, bound.trainer_half_days) == (2, 2)


def ahead_instance(plan_ahead: float, blocked: bool = False) -> Instance:
    """P starts with the horizon (Monday 11 January 2027), which ends on Friday 29
    January; P's month-long window closes on 11 February: 18 of its 31 days lie inside."""
    wednesdays = [MONDAY + timedelta(days=7 * week + 2) for week in range(3)]
    closed = [(day, day) for day in wednesdays] if blocked else []
    base = settings(weeks=3, closed=closed)
    horizon = Settings(**{**base.model_dump(), "plan_ahead": plan_ahead})
    half_days = 10 if blocked else 1
    return make_instance(
        people=[person("P", start=MONDAY)],
        courses=[course("T", half_days=half_days, within=1)],
        horizon=horizon,
    )


def test_an_attendance_mostly_inside_the_horizon_is_due_and_met_inside_it() -> None:
    # 18 / 31 = 0.58 of P's window lies inside: due with plan_ahead 0.5, met by 29 January.
    instance = ahead_instance(0.5)
    assert [tuple(a) for a in instance.due_attendances] == [("P", "T")]
    result = solve_checked(instance)
    assert result.unscheduled == []
    assert result.sessions[0].slots[-1].day <= date(2027, 1, 29)


def test_plan_ahead_one_keeps_the_rule_of_version_1_1() -> None:
    # With plan_ahead 1 only windows that close inside the horizon are due.
    assert ahead_instance(1.0).due_attendances == ()
    assert ahead_instance(0.6).due_attendances == ()
    assert len(ahead_instance(0.58).due_attendances) == 1


def test_an_unmet_planned_ahead_attendance_says_the_plan_ends_first() -> None:
    # Every Wednesday is closed, so no week holds T's ten half-days: the reason names the
    # horizon's end as the last day, and says the window closes after it.
    instance = ahead_instance(0.5, blocked=True)
    result = solve_checked(instance)
    [row] = result.unscheduled
    assert row.deadline == date(2027, 2, 11)
    assert row.reason.startswith(f"{Rule.SESSION_BLOCK.value}: ")
    assert "och 29 januari 2027" in row.reason
    assert "efter planens slut" in row.reason
