"""Assessing personal course requests (the competence-development allowance).

A manager approves a person's elective if it is relevant and causes no unreasonable
trouble for the staffing: only the schedule knows how many of a district are away on a
given half-day. Each request of ``electives.csv`` gets a verdict against a schedule:

- ``approved``: already approved (listed for completeness);
- ``clash``: the person is in a session of the schedule then;
- ``staffing``: the district would have more than ``max_absent`` away in a slot (people
  in sessions, on approved electives, and on the earlier requests found ``ok``);
- ``budget``: the person's electives of the calendar year would cost more than
  ``elective_budget_sek``;
- ``ok``: none of these.

When several apply, the first in the order clash, staffing, budget is the verdict (a
clash concerns the person themselves and cannot be approved without moving a session;
staffing concerns the district; the budget only money), and the reason names the
others too. Requests are assessed in file order, each as if the earlier ``ok`` ones
were approved. Only open half-day slots count: no session is held on a closed day.

A request refused for ``staffing`` gets the nearest alternatives that would be ``ok``:
the same number of open days, with the same half, starting within four weeks either way.

The assessment reads only the instance and the schedule; it never solves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from schemalaggning.domain import Assignment, Elective, Half, Instance, Session, Slot
from schemalaggning.engine.names import listed
from schemalaggning.i18n import N_, Messages, _
from schemalaggning.swedish import HALF_NAMES, long_date, number
from schemalaggning.timegrid import TimeGrid

#: The columns of the schedule folder's ``electives.csv``: the contract's four, then the
#: alternative days of a request refused for staffing.
ASSESSMENT_COLUMNS = ("request_id", "person_id", "verdict", "reason", "alternatives")
#: The file the assessment is written to in a schedule folder.
ASSESSMENT_FILE = "electives.csv"
#: How far from the requested start an alternative may start, either way.
ALTERNATIVE_REACH = timedelta(weeks=4)
#: How many alternatives a refused request is offered.
MAX_ALTERNATIVES = 3
#: The half-days as the coordinators write them (förmiddag, eftermiddag).


class Verdict(StrEnum):
    """What the assessment says about one request."""

    APPROVED = "approved"
    OK = "ok"
    STAFFING = "staffing"
    CLASH = "clash"
    BUDGET = "budget"

    @property
    def swedish(self) -> str:
        """The verdict in the managers' words, in the current language."""
        return VERDICT_NAMES[self]


#: The verdicts in the managers' words (the words of the report and the workbook too).
VERDICT_NAMES: Mapping[Verdict, str] = Messages(
    {
        Verdict.APPROVED: N_("approved"),
        Verdict.OK: N_("can be approved"),
        Verdict.STAFFING: N_("staffing"),
        Verdict.CLASH: N_("clash"),
        Verdict.BUDGET: N_("budget"),
    }
)


@dataclass(frozen=True)
class Assessment:
    """The verdict on one request, with the reason in plain Swedish.

    ``alternatives`` holds, for a request refused for staffing, the nearest first and
    last days that would be ``ok`` instead.
    """

    request_id: str
    person_id: str
    verdict: Verdict
    reason: str
    alternatives: tuple[tuple[date, date], ...] = ()

    def row(self) -> dict[str, str]:
        """The assessment as a row of ``electives.csv``."""
        return {
            "request_id": self.request_id,
            "person_id": self.person_id,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "alternatives": "|".join(f"{first}..{last}" for first, last in self.alternatives),
        }

    def as_dict(self) -> dict[str, Any]:
        """The assessment as plain data, for ``--json`` output."""
        return {
            "request_id": self.request_id,
            "person_id": self.person_id,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "alternatives": [
                {"from": first.isoformat(), "to": last.isoformat()}
                for first, last in self.alternatives
            ],
        }


def slot_name(slot: Slot) -> str:
    """A slot as the managers read it: ``12 mars 2027 FM``."""
    return f"{long_date(slot.day)} {HALF_NAMES[slot.half]}"


def kronor(amount: int) -> str:
    """An amount in the Swedish way: ``12 000 kr``."""
    # Translators: an amount of Swedish crowns.
    return _("{amount} kr").format(amount=number(amount, " "))


def slots_between(grid: TimeGrid, first: date, last: date, half: Half | None) -> list[Slot]:
    """The open half-day slots from ``first`` to ``last`` (one half, or whole days)."""
    halves = (half,) if half is not None else (Half.AM, Half.PM)
    found = []
    day = first
    while day <= last:
        if grid.is_open(day):
            found += [Slot(day, h) for h in halves]
        day += timedelta(days=1)
    return found


@dataclass
class _Ledger:
    """Who is away when, and what each person has spent, as the assessment goes on."""

    #: People away (in sessions or on electives) by (district, slot).
    away: dict[tuple[str, Slot], set[str]] = field(default_factory=lambda: defaultdict(set))
    #: Each person's sessions and the slots they take.
    sessions: dict[str, list[Session]] = field(default_factory=lambda: defaultdict(list))
    #: Each person's electives counted for the budget, by (person, year).
    spent: dict[tuple[str, int], list[Elective]] = field(default_factory=lambda: defaultdict(list))

    def take(self, district_id: str, person_id: str, slots: Iterable[Slot]) -> None:
        """Count the person away in the slots."""
        for slot in slots:
            self.away[district_id, slot].add(person_id)


class ElectiveAssessor:
    """Assesses the requests of an instance against one schedule.

    Parameters
    ----------
    instance
        The instance, with its ``electives``.
    sessions, assignments
        The schedule.
    grid
        The instance's time grid (built when not given).
    """

    def __init__(
        self,
        instance: Instance,
        sessions: Sequence[Session],
        assignments: Sequence[Assignment],
        grid: TimeGrid | None = None,
    ) -> None:
        self.instance = instance
        self.grid = grid or TimeGrid(instance.settings)
        self.budget = instance.settings.elective_budget_sek
        self.ledger = _Ledger()
        session_by_id = {s.session_id: s for s in sessions}
        for a in assignments:
            session = session_by_id.get(a.session_id)
            person = instance.person_by_id.get(a.person_id)
            if session is None or person is None:
                continue
            self.ledger.sessions[a.person_id].append(session)
            self.ledger.take(person.district_id, a.person_id, session.slots)
        for elective in instance.approved_electives:
            self._approve(elective)

    def _slots(self, elective: Elective) -> list[Slot]:
        return slots_between(self.grid, elective.start, elective.end, elective.half)

    def _approve(self, elective: Elective) -> None:
        person = self.instance.person_by_id.get(elective.person_id)
        if person is None:
            return
        self.ledger.take(person.district_id, elective.person_id, self._slots(elective))
        self.ledger.spent[elective.person_id, elective.start.year].append(elective)

    # -- the three tests -----------------------------------------------------------------

    def clash(self, elective: Elective, slots: Sequence[Slot]) -> str | None:
        """Why the person cannot go (a session of theirs then), or ``None``."""
        wanted = set(slots)
        for session in sorted(
            self.ledger.sessions.get(elective.person_id, []), key=lambda s: s.slots[0]
        ):
            taken = [s for s in session.slots if s in wanted]
            if taken:
                course = self.instance.course_by_id.get(session.course_id)
                name = (course.name or course.course_id) if course else session.course_id
                return _("{person} is in a session of {course} on {days}").format(
                    person=self._who(elective), course=name, days=_days_and_halves(taken)
                )
        return None

    def staffing(self, elective: Elective, slots: Sequence[Slot]) -> str | None:
        """Why the district cannot spare the person (its limit is full then), or ``None``."""
        person = self.instance.person_by_id[elective.person_id]
        district = self.instance.district_by_id[person.district_id]
        full: dict[int, list[Slot]] = defaultdict(list)
        for slot in slots:
            others = self.ledger.away.get((district.district_id, slot), set())
            count = len(others - {elective.person_id})
            if count + 1 > district.max_absent:
                full[count].append(slot)
        if not full:
            return None
        name = district.name or district.district_id
        parts = [
            _("{count} of at most {limit} away on {slots}").format(
                count=count, limit=district.max_absent, slots=_list(full[count])
            )
            for count in sorted(full, reverse=True)
        ]
        return _("{district} already has {parts}").format(district=name, parts="; ".join(parts))

    def over_budget(self, elective: Elective) -> str | None:
        """Why the allowance does not stretch to it (the year's sums), or ``None``."""
        year = elective.start.year
        earlier = self.ledger.spent.get((elective.person_id, year), [])
        before = sum(e.cost_sek for e in earlier)
        if before + elective.cost_sek <= self.budget:
            return None
        named = ", ".join(f"{e.request_id} {kronor(e.cost_sek)}" for e in earlier)
        if earlier:
            spent = _("already {amount} ({named})").format(amount=kronor(before), named=named)
        else:
            spent = _("nothing before")
        words = _("{cost} + {spent} = {total} in {year}, more than {budget} per person and year")
        return words.format(
            cost=kronor(elective.cost_sek),
            spent=spent,
            total=kronor(before + elective.cost_sek),
            year=year,
            budget=kronor(self.budget),
        )

    # -- the assessment ------------------------------------------------------------------

    def assess(self, elective: Elective) -> Assessment:
        """Assess one request (and count it, if ``ok``, for the ones after it)."""
        slots = self._slots(elective)
        if elective.approved:
            clash = self.clash(elective, slots)
            reason = _("Approved: {span}.").format(span=self._span(elective, slots))
            if clash:
                reason += " " + _("Note: {clash}; the schedule needs re-planning.").format(
                    clash=clash
                )
            return Assessment(elective.request_id, elective.person_id, Verdict.APPROVED, reason)
        found = [
            (verdict, why)
            for verdict, why in (
                (Verdict.CLASH, self.clash(elective, slots)),
                (Verdict.STAFFING, self.staffing(elective, slots)),
                (Verdict.BUDGET, self.over_budget(elective)),
            )
            if why is not None
        ]
        if not found:
            self._approve(elective)
            return Assessment(
                elective.request_id,
                elective.person_id,
                Verdict.OK,
                _("Can be approved: {span}, {cost}.").format(
                    span=self._span(elective, slots), cost=kronor(elective.cost_sek)
                ),
            )
        verdict, why = found[0]
        reason = why[:1].upper() + why[1:] + "."
        for _verdict, other in found[1:]:
            reason += " " + _("Also: {other}.").format(other=other)
        alternatives: tuple[tuple[date, date], ...] = ()
        if verdict is Verdict.STAFFING:
            alternatives = self.alternatives(elective, slots)
            if alternatives:
                days = ", ".join(_range(first, last) for first, last in alternatives)
                reason += " " + _("Nearest days that work: {days}.").format(days=days)
            else:
                reason += " " + _("No other days within four weeks work.")
        return Assessment(elective.request_id, elective.person_id, verdict, reason, alternatives)

    def alternatives(
        self, elective: Elective, slots: Sequence[Slot]
    ) -> tuple[tuple[date, date], ...]:
        """The nearest first and last days, as long in open days, that would be ``ok``.

        Starts within :data:`ALTERNATIVE_REACH` of the requested start, either way; the
        nearest first, earlier before later at the same distance.
        """
        length = len({slot.day for slot in slots})
        if length == 0:
            return ()
        days = self.grid.days
        starts = [
            i
            for i, day in enumerate(days)
            if abs(day - elective.start) <= ALTERNATIVE_REACH
            and day != elective.start
            and i + length <= len(days)
        ]
        starts.sort(key=lambda i: (abs(days[i] - elective.start), days[i]))
        found: list[tuple[date, date]] = []
        for i in starts:
            first, last = days[i], days[i + length - 1]
            moved = elective.model_copy(update={"start": first, "end": last})
            moved_slots = self._slots(moved)
            if (
                self.clash(moved, moved_slots) is None
                and self.staffing(moved, moved_slots) is None
                and self.over_budget(moved) is None
            ):
                found.append((first, last))
                if len(found) == MAX_ALTERNATIVES:
                    break
        return tuple(found)

    def _who(self, elective: Elective) -> str:
        person = self.instance.person_by_id[elective.person_id]
        return f"{person.name} ({person.person_id})" if person.name else person.person_id

    @staticmethod
    def _span(elective: Elective, slots: Sequence[Slot]) -> str:
        span = _range(elective.start, elective.end)
        half = f" {HALF_NAMES[elective.half]}" if elective.half else ""
        words = _("{span}{half}, {count} half-day(s) on open days")
        return words.format(span=span, half=half, count=len(slots))


def _range(first: date, last: date) -> str:
    return long_date(first) if first == last else f"{long_date(first)}–{long_date(last)}"


def _list(slots: Sequence[Slot]) -> str:
    return ", ".join(slot_name(slot) for slot in slots)


def _days_and_halves(slots: Sequence[Slot]) -> str:
    """Slots grouped by day: ``11 januari 2027 FM och EM, 12 januari 2027 FM``."""
    by_day: dict[date, list[str]] = defaultdict(list)
    for slot in slots:
        by_day[slot.day].append(HALF_NAMES[slot.half])
    return ", ".join(f"{long_date(day)} {listed(halves)}" for day, halves in by_day.items())


def assess_electives(
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    grid: TimeGrid | None = None,
) -> list[Assessment]:
    """Assess every request of the instance against a schedule, in file order.

    Parameters
    ----------
    instance
        The instance, with its electives and ``elective_budget_sek``.
    sessions, assignments
        The schedule the requests are assessed against.
    grid
        The instance's time grid (built when not given).

    Returns
    -------
    One assessment per row of ``electives.csv``, in file order.
    """
    assessor = ElectiveAssessor(instance, sessions, assignments, grid)
    return [assessor.assess(elective) for elective in instance.electives]


def assessment_tables(
    instance: Instance, sessions: Sequence[Session], assignments: Sequence[Assignment]
) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """The schedule folder's ``electives.csv``, when the instance has electives.

    Returns
    -------
    File name -> (columns, rows), as :func:`schemalaggning.export.folder.write_result` takes
    them; empty when the instance has no electives.
    """
    if not instance.electives:
        return {}
    rows = [a.row() for a in assess_electives(instance, sessions, assignments)]
    return {ASSESSMENT_FILE: (list(ASSESSMENT_COLUMNS), rows)}
