"""The working calendar: open days, half-day slots and the blocks a session can occupy.

A day is open when it lies inside the horizon, is a weekday, is not a public holiday
or a de-facto day off (Midsummer Eve, Christmas Eve, New Year's Eve in Sweden), and
is not in one of the instance's closed periods. Each open day has an AM and a PM slot.
A session of ``n`` half-days occupies a *block*: ``n`` consecutive half-day slots on
consecutive calendar days, every one of them open, inside one ISO week.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from schemalaggning.domain import Half, Instance, Settings, Slot
from schemalaggning.i18n import _

#: Holiday categories that close a day, where the country's calendar has them.
CLOSING_CATEGORIES = (holidays_lib.PUBLIC, "de_facto")


def holiday_names(country: str, years: Iterable[int]) -> dict[date, str]:
    """Public holidays and de-facto days off of a country, by day.

    Raises
    ------
    ValueError
        If the country code is not known to the ``holidays`` package.
    """
    year_list = sorted(set(years))
    try:
        country_class = holidays_lib.country_holidays(country, years=year_list[:1] or None)
    except NotImplementedError:
        raise ValueError(f"unknown country code for holidays: {country!r}") from None
    supported = set(getattr(country_class, "supported_categories", (holidays_lib.PUBLIC,)))
    categories = tuple(c for c in CLOSING_CATEGORIES if c in supported)
    calendar = holidays_lib.country_holidays(country, years=year_list, categories=categories)
    return {day: str(name) for day, name in calendar.items()}


def workdays_of_month(first: date, holidays: Mapping[date, str]) -> list[date]:
    """The weekdays of the month beginning on ``first`` that are not public holidays.

    Hires start on working days, in a closed period too, so only the public holidays
    (``holidays``, as :func:`holiday_names` gives them) are left out.
    """
    days = (first + timedelta(days=offset) for offset in range(31))
    return [
        day
        for day in days
        if day.month == first.month and day.weekday() < 5 and day not in holidays
    ]


def closed_days(settings: Settings) -> dict[date, str]:
    """Every weekday inside the horizon that is closed, with the reason."""
    years = range(settings.horizon_start.year, settings.horizon_end.year + 1)
    closed: dict[date, str] = {}
    if settings.holidays:
        for day, name in holiday_names(settings.holidays, years).items():
            if settings.horizon_start <= day <= settings.horizon_end:
                closed[day] = name
    for period in settings.closed:
        day = max(period.start, settings.horizon_start)
        while day <= min(period.end, settings.horizon_end):
            closed.setdefault(day, period.name or _("closed period"))
            day += timedelta(days=1)
    return {day: why for day, why in closed.items() if day.weekday() < 5}


def iso_week(day: date) -> tuple[int, int]:
    """The ISO (year, week) of a day."""
    year, week, _ = day.isocalendar()
    return year, week


class TimeGrid:
    """Open days and half-day slots of an instance's horizon, indexed in time order.

    Parameters
    ----------
    settings
        The instance's settings: horizon, holidays, closed periods, slot times, time zone.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self.closed = closed_days(settings)
        days: list[date] = []
        day = settings.horizon_start
        while day <= settings.horizon_end:
            if day.weekday() < 5 and day not in self.closed:
                days.append(day)
            day += timedelta(days=1)
        self.days: tuple[date, ...] = tuple(days)
        self.slots: tuple[Slot, ...] = tuple(Slot(d, h) for d in days for h in (Half.AM, Half.PM))
        self.slot_idx: dict[Slot, int] = {slot: idx for idx, slot in enumerate(self.slots)}
        self._blocks: dict[int, tuple[tuple[int, ...], ...]] = {}
        #: First slot on or after a day, by day: asked for every attendance's window
        #: (millions of times for 50 000 people, on a few hundred distinct days).
        self._first_on_or_after: dict[date, int] = {}

    @classmethod
    def of(cls, instance: Instance) -> TimeGrid:
        """The time grid of an instance."""
        return cls(instance.settings)

    @property
    def num_slots(self) -> int:
        """How many half-day slots the horizon has."""
        return len(self.slots)

    def is_open(self, day: date) -> bool:
        """Whether sessions may be held on the day."""
        return (
            self.settings.horizon_start <= day <= self.settings.horizon_end
            and day.weekday() < 5
            and day not in self.closed
        )

    def why_closed(self, day: date) -> str:
        """Why a day is closed (empty when it is open)."""
        if day < self.settings.horizon_start:
            return "before the horizon"
        if day > self.settings.horizon_end:
            return "after the horizon"
        if day.weekday() >= 5:
            return "weekend"
        return self.closed.get(day, "")

    @cached_property
    def slot_week(self) -> tuple[tuple[int, int], ...]:
        """The ISO week of each slot, by slot index."""
        return tuple(iso_week(slot.day) for slot in self.slots)

    def blocks(self, half_days: int) -> tuple[tuple[int, ...], ...]:
        """Every block of ``half_days`` slots a session may occupy, as slot indices, by start."""
        if half_days not in self._blocks:
            found = []
            for first in range(len(self.slots) - half_days + 1):
                block = tuple(range(first, first + half_days))
                if self.is_block([self.slots[idx] for idx in block]):
                    found.append(block)
            self._blocks[half_days] = tuple(found)
        return self._blocks[half_days]

    def is_block(self, slots: Sequence[Slot]) -> bool:
        """Whether the slots, in order, form one valid block.

        Consecutive half-day slots, on consecutive calendar days, every day open,
        all inside one ISO week.
        """
        if not slots:
            return False
        if not all(self.is_open(slot.day) for slot in slots):
            return False
        week = iso_week(slots[0].day)
        for previous, current in itertools.pairwise(slots):
            if iso_week(current.day) != week:
                return False
            same_day = previous.day == current.day
            if same_day and not (previous.half is Half.AM and current.half is Half.PM):
                return False
            next_day = current.day == previous.day + timedelta(days=1)
            if not same_day and not (
                next_day and previous.half is Half.PM and current.half is Half.AM
            ):
                return False
        return True

    def slot_start(self, slot: Slot) -> datetime:
        """When the slot starts, in the instance's time zone."""
        start, _ = self.settings.slots[slot.half]
        return datetime.combine(slot.day, start, tzinfo=self.zone)

    def slot_end(self, slot: Slot) -> datetime:
        """When the slot ends, in the instance's time zone."""
        _, end = self.settings.slots[slot.half]
        return datetime.combine(slot.day, end, tzinfo=self.zone)

    def first_slot_on_or_after(self, day: date) -> int:
        """Index of the first slot on or after the day (``num_slots`` if none)."""
        known = self._first_on_or_after.get(day)
        if known is not None:
            return known
        lo, hi = 0, len(self.slots)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.slots[mid].day < day:
                lo = mid + 1
            else:
                hi = mid
        self._first_on_or_after[day] = lo
        return lo

    def last_slot_on_or_before(self, day: date) -> int:
        """Index of the last slot on or before the day (-1 if none)."""
        return self.first_slot_on_or_after(day + timedelta(days=1)) - 1


def local_iso(moment: datetime) -> str:
    """A local date-time as the schedule writes it: ``YYYY-MM-DDTHH:MM``."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def unavailable_slots(instance: Instance, grid: TimeGrid) -> dict[str, frozenset[int]]:
    """For each trainer or room id, the indices of the slots it is unavailable in."""
    away: dict[str, set[int]] = {}
    for entry in instance.unavailability:
        first = grid.first_slot_on_or_after(entry.start)
        last = grid.last_slot_on_or_before(entry.end)
        for idx in range(first, last + 1):
            if entry.half is None or grid.slots[idx].half == entry.half:
                away.setdefault(entry.resource_id, set()).add(idx)
    return {resource: frozenset(slots) for resource, slots in away.items()}


def elective_slots(instance: Instance, grid: TimeGrid) -> dict[str, frozenset[int]]:
    """For each person id, the open slots their approved personal courses take them away in.

    Only open half-day slots count: no session is held on a closed day, so a course then
    keeps nobody from one and takes no place of the district's limit.
    """
    away: dict[str, set[int]] = {}
    for elective in instance.approved_electives:
        first = grid.first_slot_on_or_after(elective.start)
        last = grid.last_slot_on_or_before(elective.end)
        for idx in range(first, last + 1):
            if elective.half is None or grid.slots[idx].half == elective.half:
                away.setdefault(elective.person_id, set()).add(idx)
    return {person: frozenset(slots) for person, slots in away.items()}
