"""Part-1 rounds: the report's rule, and the least the windows and seats allow.

The least is counted on *model years*: consecutive years of hiring on the instance's
calendar (its holidays and closed periods repeated in every year), with each month's
hires spread over its working days and each hire's window from the start date to
``start + within_months`` on open days.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date, timedelta

from schemalaggning.domain import ClosedPeriod, Settings, add_months
from schemalaggning.engine.bound import stabbing_sessions
from schemalaggning.timegrid import TimeGrid, holiday_names, workdays_of_month
from schemalaggning.whatif.capacity.hiring import HiringProfile

#: A closed period of at least this many weekdays is a holiday period (the summer
#: break), not a day off: the report runs no part-1 round in the months it touches.
HOLIDAY_PERIOD_WEEKDAYS = 5

#: Years of hiring over which the steady rate of part-1 rounds is measured, after a
#: first year that starts from an empty programme.
STEADY_YEARS = 3


def holiday_months(settings: Settings) -> tuple[int, ...]:
    """The calendar months (1-12) a holiday period touches.

    A holiday period is a closed period of at least :data:`HOLIDAY_PERIOD_WEEKDAYS`
    weekdays, such as the summer break; a few days between Christmas and New Year are
    not one. A month counts when any weekday of such a period falls in it: the report
    runs no part-1 round in "the holiday period", June to August in Gothenburg.
    """
    months: set[int] = set()
    for period in settings.closed:
        # A period of a year or more touches every month; looking at its first 366 days
        # says so without walking through decades of days.
        length = min((period.end - period.start).days + 1, 366)
        weekdays = [
            day
            for day in (period.start + timedelta(days=offset) for offset in range(length))
            if day.weekday() < 5
        ]
        if len(weekdays) >= HOLIDAY_PERIOD_WEEKDAYS:
            months.update(day.month for day in weekdays)
    return tuple(sorted(months))


def repeated_closed_periods(
    closed: Sequence[ClosedPeriod], years: Sequence[int]
) -> tuple[ClosedPeriod, ...]:
    """Every closed period moved into each of the years (same days of the year).

    The instance's calendar covers its horizon only; repeating its breaks lets years
    of hiring be modelled. Breaks that differ a little from year to year (the summer
    break follows the weeks) are all kept, so a model year is closed a day or two
    longer than any single year of the instance, never shorter.
    """
    periods: dict[tuple[date, date], ClosedPeriod] = {}
    for period in closed:
        for year in years:
            shift = 12 * (year - period.start.year)
            start, end = add_months(period.start, shift), add_months(period.end, shift)
            periods.setdefault((start, end), ClosedPeriod(start=start, end=end, name=period.name))
    return tuple(periods[key] for key in sorted(periods))


class ModelYears:
    """Consecutive years of hiring on the instance's calendar, for the round counts.

    Parameters
    ----------
    settings
        The instance's settings: its holidays and closed periods are repeated in
        every model year.
    years
        Years of hiring to model, from January of the horizon's first year.
    tail_months
        Months after the last year that windows may run into.
    """

    def __init__(self, settings: Settings, years: int, tail_months: int) -> None:
        self.first_year = settings.horizon_start.year
        self.years = years
        start = date(self.first_year, 1, 1)
        end = add_months(date(self.first_year + years, 1, 1), tail_months) - timedelta(days=1)
        year_range = range(self.first_year - 1, end.year + 1)
        model = Settings(
            name="model years",
            timezone=settings.timezone,
            horizon_start=start,
            horizon_end=end,
            holidays=settings.holidays,
            closed=repeated_closed_periods(settings.closed, year_range),
        )
        #: The days a round may be held on, in order.
        self.open_days: tuple[date, ...] = TimeGrid(model).days
        holidays = holiday_names(settings.holidays, year_range) if settings.holidays else {}
        # Hires start on working days, also in the summer break, so their start days
        # come from the public holidays alone, month by month.
        self.workdays: tuple[tuple[date, ...], ...] = tuple(
            tuple(workdays_of_month(date(self.first_year + idx // 12, idx % 12 + 1, 1), holidays))
            for idx in range(12 * years)
        )

    def start_dates(self, profile: HiringProfile, years: int) -> list[date]:
        """Start dates of ``years`` years of hires by the profile, spread over each month.

        Each month's hires are rounded on the running total, so that no hire is lost to
        rounding, and placed evenly over the month's working days.
        """
        starts: list[date] = []
        expected = 0.0
        emitted = 0
        for idx in range(12 * min(years, self.years)):
            expected += profile.monthly[idx % 12]
            count = round(expected) - emitted
            emitted += count
            days = self.workdays[idx]
            starts += [days[(2 * k + 1) * len(days) // (2 * count)] for k in range(count)]
        return starts

    def window(self, start: date, not_before_months: int, within_months: int) -> tuple[date, date]:
        """The first and last open day a hire starting on ``start`` may attend on.

        An empty window comes back with its first day after its last.
        """
        earliest = max(start, add_months(start, not_before_months))
        latest = add_months(start, within_months)
        first_idx = bisect_left(self.open_days, earliest)
        last_idx = bisect_right(self.open_days, latest) - 1
        first = self.open_days[first_idx] if first_idx < len(self.open_days) else date.max
        last = self.open_days[last_idx] if last_idx >= 0 else date.min
        return first, last

    def fewest_rounds(
        self,
        profile: HiringProfile,
        years: int,
        seats: int,
        not_before_months: int,
        within_months: int,
    ) -> int:
        """``S(years)``: the fewest rounds of ``seats`` seats that serve ``years`` of hiring."""
        windows = [
            self.window(start, not_before_months, within_months)
            for start in self.start_dates(profile, years)
        ]
        return stabbing_sessions(windows, seats)

    def rounds_per_year(
        self, profile: HiringProfile, seats: int, not_before_months: int, within_months: int
    ) -> int:
        """The steady rounds a year: ``ceil((S(1 + STEADY_YEARS) - S(1)) / STEADY_YEARS)``.

        The first year starts from an empty programme and the last one's final round is
        half empty; the difference leaves both out and keeps what each further year of
        hiring adds.
        """
        first = self.fewest_rounds(profile, 1, seats, not_before_months, within_months)
        full = self.fewest_rounds(
            profile, 1 + STEADY_YEARS, seats, not_before_months, within_months
        )
        return max(0, math.ceil((full - first) / STEADY_YEARS))


def ceil_div(count: int, size: int) -> int:
    """``ceil(count / size)`` in whole numbers; nothing fits in no seats."""
    return -(-count // size) if size > 0 else 0


def report_rounds(hires: int, seats: int, holiday_month_count: int) -> int:
    """The report's part-1 rounds a year: ``max(12 - holiday months, ceil(hires / seats))``.

    A round a month outside the holiday period (the report: "once a month, the holiday
    period excepted", nine for Gothenburg), and more rounds when that many would not
    seat the year's hires. No hires need no round.

    >>> report_rounds(280, 32, 3)
    9
    >>> report_rounds(400, 32, 3)
    13
    """
    if hires <= 0:
        return 0
    return max(12 - holiday_month_count, ceil_div(hires, seats))
