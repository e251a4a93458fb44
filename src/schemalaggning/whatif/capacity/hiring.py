"""The hiring profile: new hires a year by the calendar month they start in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from schemalaggning.domain import Instance, add_months
from schemalaggning.i18n import _
from schemalaggning.swedish import decimal, long_date, number


@dataclass(frozen=True)
class HiringProfile:
    """New hires a year by the calendar month they start in (January first).

    Parameters
    ----------
    monthly
        Twelve figures, hires a year who start in each calendar month.
    source
        ``people`` when counted from an instance's start dates, ``even`` when a
        volume is spread evenly over the months.
    note
        How the figures were found, in words (English: ``--json`` gives it).
    counted
        The required people counted, the first and last day of the span counted and its
        length in years, when the figures come from an instance's people.
    scaled_to
        The volume the profile was scaled to, if it was.
    """

    monthly: tuple[float, ...]
    source: str
    note: str
    counted: tuple[int, date, date, float] | None = None
    scaled_to: float | None = None

    def words(self) -> str:
        """How the figures were found, in the language's words."""
        if self.counted is not None:
            count, first, last, years = self.counted
            text = _(
                "{count} new hires who start from {first} to {last} ({years} years), "
                "counted by month"
            ).format(
                count=number(count),
                first=long_date(first),
                last=long_date(last),
                years=decimal(years, 2),
            )
        else:
            text = _("spread evenly over the months")
        if self.scaled_to is not None:
            text += _(", scaled to {hires} a year").format(hires=number(self.scaled_to))
        return text

    @property
    def hires_per_year(self) -> float:
        """All hires of a year."""
        return sum(self.monthly)

    @classmethod
    def even(cls, hires_per_year: float) -> HiringProfile:
        """A volume spread evenly over the twelve months, as the report assumes."""
        return cls(
            monthly=(hires_per_year / 12,) * 12,
            source="even",
            note="spread evenly over the months",
        )

    @classmethod
    def of_people(cls, instance: Instance) -> HiringProfile:
        """The hiring of an instance: its required people's start dates, per month.

        The span counted runs from the month of the earliest required start, but no earlier
        than the longest course window before the horizon (hires who started before
        that are stragglers, not the yearly intake), to the horizon's end. Each
        calendar month's count is divided by how much of that month the span covers,
        so a span of partial years still gives a rate a year; a month the span does not
        reach at all gets the average month's rate.
        """
        settings = instance.settings
        longest = max((course.within_months for course in instance.courses), default=0)
        starts = [p.start_date for p in instance.required_people]
        # The span opens with the month of the earliest start, not its day: hiring is
        # counted by whole months, and a first hire late in a month says nothing of the
        # days before it.
        earliest = min([*starts, settings.horizon_start])
        first = max(
            add_months(settings.horizon_start, -longest),
            date(earliest.year, earliest.month, 1),
        )
        last = settings.horizon_end
        counts = Counter(day.month for day in starts if first <= day <= last)
        covered = [0.0] * 12
        month = date(first.year, first.month, 1)
        while month <= last:
            following = add_months(month, 1)
            inside = (min(following - timedelta(days=1), last) - max(month, first)).days + 1
            covered[month.month - 1] += inside / (following - month).days
            month = following
        total = sum(counts.values())
        years = sum(covered) / 12
        average = total / (12 * years) if years > 0 else 0.0
        monthly = tuple(
            counts.get(number, 0) / covered[number - 1] if covered[number - 1] else average
            for number in range(1, 13)
        )
        return cls(
            monthly=monthly,
            source="people",
            note=(
                f"{total} required people who start from {first} to {last} "
                f"({years:.2f} years), counted by month"
            ),
            counted=(total, first, last, years),
        )

    def scaled(self, hires_per_year: float) -> HiringProfile:
        """The same months' shares at another volume (evenly spread if there is no hiring)."""
        total = self.hires_per_year
        if total <= 0:
            return HiringProfile.even(hires_per_year)
        return HiringProfile(
            monthly=tuple(value * hires_per_year / total for value in self.monthly),
            source=self.source,
            note=f"{self.note}, scaled to {hires_per_year:g} a year",
            counted=self.counted,
            scaled_to=hires_per_year,
        )
