"""The VTIMEZONE of every calendar file: yearly rules derived from the zone's transitions.

Nothing but the public ``zoneinfo`` interface is used: the zone is sampled, each change
pinned down to the second, and the changes grouped into yearly RRULEs where they repeat
(``-1SU`` of March, say), so that a client without the zone's database still shows the
right local times.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import (
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
)

#: Transitions are looked for at this step and then pinned down to the second: no zone
#: changes its offset twice within a day.
SCAN_STEP = timedelta(days=1)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class ZoneState:
    """A zone's offset from UTC, whether it is daylight saving time, and its abbreviation."""

    offset: timedelta
    daylight: bool
    name: str


def zone_state(zone: ZoneInfo, moment: datetime) -> ZoneState:
    """The zone's state at an aware instant."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    return ZoneState(offset, bool(local.dst()), local.tzname() or "")


@dataclass(frozen=True)
class Transition:
    """A change of the zone's state, at a UTC instant."""

    at: datetime
    before: ZoneState
    after: ZoneState

    @property
    def onset(self) -> datetime:
        """The local wall-clock time at which the change happens, in the old offset
        (how a VTIMEZONE's DTSTART names it)."""
        return (self.at + self.before.offset).replace(tzinfo=None)


def zone_transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every change of the zone's offset, daylight flag or abbreviation in the years.

    The zone is sampled once a day and each change is then found to the second by
    bisection, which needs nothing but the public ``zoneinfo`` interface.
    """
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    stop = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    state = zone_state(zone, moment)
    found: list[Transition] = []
    while moment < stop:
        later = min(moment + SCAN_STEP, stop)
        if zone_state(zone, later) == state:
            moment = later
            continue
        low, high = moment, later
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
            if zone_state(zone, middle) == state:
                low = middle
            else:
                high = middle
        after = zone_state(zone, high)
        found.append(Transition(high, state, after))
        state, moment = after, high
    return found


def weekday_rules(day: date) -> set[str]:
    """The BYDAY values that name the day within its month: ``4SU``, and ``-1SU`` when it
    is also the month's last such weekday."""
    code = WEEKDAY_CODES[day.weekday()]
    rules = {f"{(day.day - 1) // 7 + 1}{code}"}
    if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
        rules.add(f"-1{code}")
    return rules


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT sub-component of a VTIMEZONE."""

    daylight: bool
    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    month: int | None = None
    byday: str | None = None
    until: datetime | None = None


def _same_shape(a: Transition, b: Transition) -> bool:
    """Whether two transitions could be occurrences of one yearly rule."""
    return (
        a.onset.month == b.onset.month
        and a.onset.time() == b.onset.time()
        and a.before == b.before
        and a.after == b.after
        and b.onset.year == a.onset.year + 1
    )


def observances(zone: ZoneInfo, first_year: int, last_year: int) -> list[Observance]:
    """The zone's observances from ``first_year`` on, as yearly rules where they repeat.

    Transitions into daylight saving time and back are each grouped into runs of
    consecutive years that fall on the same weekday rule (``-1SU`` of March, say); a run
    of two or more years becomes one RRULE, open-ended when it lasts to ``last_year``
    and closed by UNTIL otherwise. A transition that fits no rule stands alone. When
    nothing changes in ``first_year``, the state at its start opens the list, so a zone
    without daylight saving time gets a single STANDARD.
    """
    transitions = zone_transitions(zone, first_year, last_year)
    found: list[Observance] = []
    if not any(t.onset.year == first_year for t in transitions):
        state = zone_state(zone, datetime(first_year, 1, 1, tzinfo=UTC))
        found.append(
            Observance(
                state.daylight,
                datetime(first_year, 1, 1),
                state.offset,
                state.offset,
                state.name,
            )
        )
    for daylight in (False, True):
        runs: list[tuple[list[Transition], set[str]]] = []
        for transition in (t for t in transitions if t.after.daylight == daylight):
            rules = weekday_rules(transition.onset.date())
            if runs:
                run, common = runs[-1]
                if _same_shape(run[-1], transition) and common & rules:
                    run.append(transition)
                    common &= rules
                    continue
            runs.append(([transition], rules))
        for run, common in runs:
            first, last = run[0], run[-1]
            month = byday = until = None
            if len(run) > 1:
                month = first.onset.month
                # "Last Sunday" is how the European rules are written; prefer it when a
                # run's days are both, say, the fourth and the last Sunday of the month.
                byday = min(common, key=lambda rule: (not rule.startswith("-"), rule))
                if last.onset.year < last_year:
                    until = last.at
            found.append(
                Observance(
                    daylight,
                    first.onset,
                    first.before.offset,
                    first.after.offset,
                    first.after.name,
                    month,
                    byday,
                    until,
                )
            )
    return sorted(found, key=lambda o: (o.onset, o.daylight))


def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for the zone, valid from ``first_year`` to ``last_year`` and, where the
    zone follows a yearly rule, beyond.

    Parameters
    ----------
    zone_name
        An IANA zone name, such as ``Europe/Stockholm``; it is also the TZID.
    first_year, last_year
        The years the events fall in. The rules start a year before ``first_year``, so
        that the first events' date is covered by an observance that already began.
    """
    zone = ZoneInfo(zone_name)
    component = Timezone()
    component.add("tzid", zone_name)
    for observance in observances(zone, first_year - 1, last_year):
        sub = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        sub.add("dtstart", observance.onset)
        if observance.byday is not None:
            rule: dict[str, Any] = {
                "freq": "YEARLY",
                "bymonth": observance.month,
                "byday": observance.byday,
            }
            if observance.until is not None:
                rule["until"] = observance.until
            sub.add("rrule", rule)
        sub.add("tzoffsetfrom", observance.offset_from)
        sub.add("tzoffsetto", observance.offset_to)
        if observance.name:
            sub.add("tzname", observance.name)
        component.add_component(sub)
    return component
