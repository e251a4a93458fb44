"""The checker's own calendar: which days are open, and when a half-day starts and ends.

Written apart from the optimiser's time grid on purpose: the checker shares no code with
the optimiser, so a mistake in the optimiser's calendar (a missed holiday, a wrong slot
time) shows up as a broken rule instead of passing both. It asks the ``holidays``
package directly and works day by day, with no slot indices.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date

from schemalaggning.domain import Half, Settings, Slot
from schemalaggning.i18n import N_, Messages, _, locale

#: The kinds of holiday that close a day: public holidays, and the days off Swedes take
#: as if they were (Midsummer Eve, Christmas Eve, New Year's Eve), where a country has them.
CLOSING = ("public", "de_facto")
#: A calendar year owes its yearly offerings when the horizon covers at least this many of
#: its days, both ends counted (FORMATS 1.2, "Yearly offerings").
YEAR_DAYS_COVERED = 183


def week_of(day: date) -> tuple[int, int]:
    """The ISO year and week number a day belongs to."""
    calendar = day.isocalendar()
    return calendar.year, calendar.week


#: The half-days as a person writes them after a day: ``FM``, ``EM``.
HALF_WORDS = Messages({Half.AM: N_("AM"), Half.PM: N_("PM")})


def day_words(day: date) -> str:
    """A day in words, with its weekday: ``måndag 11 januari 2027``.

    The checker formats its days itself, with Babel in the current language, rather than
    ask the optimiser's side of the package (the words, like the calendar, are its own).
    """
    return format_date(day, "full", locale=locale())


def date_words(day: date) -> str:
    """A day in words: ``11 januari 2027``."""
    return format_date(day, "long", locale=locale())


def slot_words(slot: Slot) -> str:
    """A half-day in words: ``måndag 11 januari 2027 FM``."""
    return _("{day} {half}").format(day=day_words(slot.day), half=HALF_WORDS[slot.half])


def week_words(year: int, week: int) -> str:
    """An ISO week in words: ``vecka 3, 2027``."""
    return _("week {week}, {year}").format(week=week, year=year)


def local_text(moment: datetime) -> str:
    """A local date-time as the schedule format writes it: ``YYYY-MM-DDTHH:MM``."""
    return f"{moment.date().isoformat()}T{moment.hour:02d}:{moment.minute:02d}"


class CheckCalendar:
    """The open days of an instance's horizon, as the checker sees them.

    Parameters
    ----------
    settings
        The instance's settings: horizon, holiday country, closed periods, slot times.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self.holidays: dict[date, str] = {}
        if settings.holidays:
            years = list(range(settings.horizon_start.year, settings.horizon_end.year + 1))
            known = holidays.country_holidays(settings.holidays, years=years[:1])
            kinds = [k for k in CLOSING if k in getattr(known, "supported_categories", ("public",))]
            table = holidays.country_holidays(settings.holidays, years=years, categories=kinds)
            self.holidays = {day: str(name) for day, name in table.items()}

    def why_closed(self, day: date) -> str:
        """Why no session may be held on the day; empty when it is open."""
        if day < self.settings.horizon_start:
            return _("before the horizon")
        if day > self.settings.horizon_end:
            return _("after the horizon")
        if day.isoweekday() > 5:
            return _("weekend")
        if day in self.holidays:
            return self.holidays[day]
        for period in self.settings.closed:
            if period.start <= day <= period.end:
                return period.name or _("closed period")
        return ""

    def is_open(self, day: date) -> bool:
        """Whether sessions may be held on the day."""
        return not self.why_closed(day)

    def starts(self, slot: Slot) -> datetime:
        """When the half-day starts, in the instance's time zone."""
        return datetime.combine(slot.day, self.settings.slots[slot.half][0], tzinfo=self.zone)

    def ends(self, slot: Slot) -> datetime:
        """When the half-day ends, in the instance's time zone."""
        return datetime.combine(slot.day, self.settings.slots[slot.half][1], tzinfo=self.zone)

    def offering_years(self) -> list[int]:
        """The calendar years of which the horizon covers at least ``YEAR_DAYS_COVERED``
        days, both ends counted: the years in which courses owe their yearly offerings."""
        start, end = self.settings.horizon_start, self.settings.horizon_end
        years = []
        for year in range(start.year, end.year + 1):
            first = max(start, date(year, 1, 1))
            last = min(end, date(year, 12, 31))
            if (last - first).days + 1 >= YEAR_DAYS_COVERED:
                years.append(year)
        return years

    def last_open_day(self, year: int) -> date | None:
        """The year's last open day inside the horizon (the deadline of an offering that
        cannot be held); ``None`` when the horizon has no open day in the year."""
        first = max(self.settings.horizon_start, date(year, 1, 1))
        day = min(self.settings.horizon_end, date(year, 12, 31))
        while day >= first:
            if self.is_open(day):
                return day
            day -= timedelta(days=1)
        return None

    def open_days(self, first: date, last: date) -> list[date]:
        """The open days from ``first`` to ``last``, inclusive."""
        days = []
        day = first
        while day <= last:
            if self.is_open(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def consecutive(previous: Slot, current: Slot) -> bool:
    """Whether ``current`` is the half-day right after ``previous`` (the next calendar day's AM
    after a PM)."""
    if previous.day == current.day:
        return previous.half is Half.AM and current.half is Half.PM
    return (
        current.day == previous.day + timedelta(days=1)
        and previous.half is Half.PM
        and current.half is Half.AM
    )
