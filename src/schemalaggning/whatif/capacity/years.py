"""A plan's figures per calendar year, to set beside the arithmetic of one year.

``capacity`` works out one year of steady hiring; a plan covers a horizon, which may cut
a calendar year short and which starts with hires already in the programme. Counted by
calendar year, a plan gives the figures ``capacity`` gives: the sessions whose first slot
lies in the year, their trainer days (trainer half-days / 2), and the days the staff are
away in them (each participant's half-days / 2); beside them, who fills the themes.

A year is *full* when the horizon covers at least ``OFFERING_YEAR_DAYS`` (183) of its
days, the years in which format 1.2 holds every course ``per_year`` times; the others
are *cut* by the horizon, and their figures are those of a part of a year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from schemalaggning.domain import (
    OFFERING_YEAR_DAYS,
    Assignment,
    Instance,
    Session,
    calendar_years,
)
from schemalaggning.whatif.capacity.staff import PART1


@dataclass(frozen=True)
class PlanYear:
    """A plan's figures in one calendar year: the sessions whose first slot is in it.

    Parameters
    ----------
    year
        The calendar year.
    horizon_days
        Days of the year the horizon covers.
    trainer_half_days
        The sessions' slots times their trainers.
    sessions
        Sessions of every course.
    part1_sessions
        Sessions of the part-1 modules.
    part1_rounds
        Part-1 rounds: the most sessions of any one part-1 module.
    staff_half_days
        Half-days the participants are away in the sessions (each participant's slots).
    part1_attendances
        Seats taken in part-1 sessions.
    part2_attendances
        Seats taken in sessions of the other courses (the themes).
    part2_before_horizon
        Of them, taken by hires who started before the horizon.
    part2_earlier_year
        Taken by hires who started in an earlier year of the horizon.
    part2_same_year
        Taken by hires who started in this year.
    part2_experienced
        Taken by experienced staff (not required).
    part2_not_due
        Themes of the hires who start in this year that are not due in the plan: too
        little of their window lies inside the horizon (``plan_ahead``).
    """

    year: int
    horizon_days: int
    trainer_half_days: int = 0
    sessions: int = 0
    part1_sessions: int = 0
    part1_rounds: int = 0
    staff_half_days: int = 0
    part1_attendances: int = 0
    part2_attendances: int = 0
    part2_before_horizon: int = 0
    part2_earlier_year: int = 0
    part2_same_year: int = 0
    part2_experienced: int = 0
    part2_not_due: int = 0

    @property
    def cut(self) -> bool:
        """Whether the horizon covers fewer than ``OFFERING_YEAR_DAYS`` days of the year."""
        return self.horizon_days < OFFERING_YEAR_DAYS

    @property
    def trainer_days(self) -> float:
        """Trainer days: ``trainer_half_days / 2``."""
        return self.trainer_half_days / 2

    @property
    def staff_days_away(self) -> float:
        """Days the staff are away in sessions: ``staff_half_days / 2``."""
        return self.staff_half_days / 2

    @property
    def part2_sessions(self) -> int:
        """Sessions of the courses outside part 1."""
        return self.sessions - self.part1_sessions

    def as_row(self) -> dict[str, Any]:
        """The year as plain data: every field, the days and whether the horizon cuts it."""
        return {
            **asdict(self),
            "cut": self.cut,
            "trainer_days": self.trainer_days,
            "staff_days_away": self.staff_days_away,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PlanYear:
        """The year again from :meth:`as_row` (a cached sweep's)."""
        return cls(**{f.name: int(row[f.name]) for f in fields(cls) if f.name in row})


def plan_years(
    instance: Instance, sessions: Iterable[Session], assignments: Iterable[Assignment]
) -> list[PlanYear]:
    """The plan's figures in each calendar year the horizon touches, in order.

    A session counts in the year of its first slot, with all its trainer half-days and
    participants (a session held over New Year counts in the year it begins).
    """
    settings = instance.settings
    part1 = {c.course_id for c in instance.courses if c.part.strip() == PART1}
    by_id = {s.session_id: s for s in sessions}
    counts: dict[int, Counter[str]] = {year: Counter() for year, _ in calendar_years(settings)}
    module_sessions: dict[int, Counter[str]] = {year: Counter() for year in counts}
    for session in by_id.values():
        year = session.slots[0].day.year
        tally = counts.setdefault(year, Counter())
        tally["trainer_half_days"] += len(session.slots) * len(session.trainer_ids)
        tally["sessions"] += 1
        if session.course_id in part1:
            tally["part1_sessions"] += 1
            module_sessions.setdefault(year, Counter())[session.course_id] += 1
    for assignment in assignments:
        session = by_id[assignment.session_id]
        year = session.slots[0].day.year
        tally = counts[year]
        tally["staff_half_days"] += len(session.slots)
        if assignment.course_id in part1:
            tally["part1_attendances"] += 1
        else:
            tally["part2_attendances"] += 1
            tally[_started(instance, assignment.person_id, year)] += 1
    for year, number in _not_due_themes(instance, part1).items():
        counts.setdefault(year, Counter())["part2_not_due"] += number
    covered = dict(calendar_years(settings))
    return [
        PlanYear(
            year=year,
            horizon_days=covered.get(year, 0),
            part1_rounds=max(module_sessions.get(year, Counter()).values(), default=0),
            **counts[year],
        )
        for year in sorted(counts)
    ]


def _started(instance: Instance, person_id: str, year: int) -> str:
    """Which ``PlanYear`` field a theme's seat taken by the person in ``year`` counts in."""
    person = instance.person_by_id[person_id]
    if not person.required:
        return "part2_experienced"
    if person.start_date < instance.settings.horizon_start:
        return "part2_before_horizon"
    return "part2_same_year" if person.start_date.year == year else "part2_earlier_year"


def _not_due_themes(instance: Instance, part1: set[str]) -> Counter[int]:
    """Themes not due for the required hires who start inside the horizon, by start year."""
    start = instance.settings.horizon_start
    themes = [c for c in instance.courses if c.course_id not in part1]
    found: Counter[int] = Counter()
    for person in instance.required_people:
        if person.start_date >= start:
            found[person.start_date.year] += sum(
                1
                for course in themes
                if course.course_id not in person.done and not instance.is_due(person, course)
            )
    return found


@dataclass(frozen=True)
class YearMeans:
    """The plan's figures a year, the mean over its full years.

    Parameters
    ----------
    years
        The full years the means are over.
    trainer_days, sessions, staff_days_away, part1_rounds, part2_attendances,
    part2_sessions, part2_before_horizon, part2_experienced
        The means of :class:`PlanYear`'s figures of the same names.
    """

    years: tuple[int, ...]
    trainer_days: float
    sessions: float
    staff_days_away: float
    part1_rounds: float
    part2_attendances: float
    part2_sessions: float
    part2_before_horizon: float
    part2_experienced: float


def full_year_means(years: Sequence[PlanYear]) -> YearMeans | None:
    """The mean over the full years (``None`` when the horizon covers none)."""
    full = [year for year in years if not year.cut]
    if not full:
        return None

    def mean(values: Iterable[float]) -> float:
        return sum(values) / len(full)

    return YearMeans(
        years=tuple(year.year for year in full),
        trainer_days=mean(y.trainer_days for y in full),
        sessions=mean(y.sessions for y in full),
        staff_days_away=mean(y.staff_days_away for y in full),
        part1_rounds=mean(y.part1_rounds for y in full),
        part2_attendances=mean(y.part2_attendances for y in full),
        part2_sessions=mean(y.part2_sessions for y in full),
        part2_before_horizon=mean(y.part2_before_horizon for y in full),
        part2_experienced=mean(y.part2_experienced for y in full),
    )
