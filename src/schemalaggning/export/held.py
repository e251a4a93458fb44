"""The seats held for expected hires, as the report and the workbook show them: by the
month the hires are expected to start and their district."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from schemalaggning.export.views_data import Views
from schemalaggning.i18n import _
from schemalaggning.swedish import MONTHS


@dataclass(frozen=True)
class HeldSeats:
    """The seats held for the expected hires of a district who start in a month."""

    month: str
    district: str
    seats: int
    sessions: int

    @property
    def month_words(self) -> str:
        """``mars 2027``."""
        year, month = self.month.split("-")
        # Translators: a month and its year ("mars 2027").
        return _("{month} {year}").format(month=MONTHS[int(month) - 1], year=year)


def held_seats(views: Views) -> list[HeldSeats]:
    """The held seats of the schedule by start month and district, in that order."""
    seats: Counter[tuple[str, str]] = Counter()
    sessions: Counter[tuple[str, str]] = Counter()
    for view in views.sessions:
        for key, count in view.session.held_seats.items():
            district_id, month = key.split("@")
            seats[month, district_id] += count
            sessions[month, district_id] += 1
    names = {d.district_id: d.name or d.district_id for d in views.instance.districts}
    return [
        HeldSeats(month, names.get(district_id, district_id), count, sessions[month, district_id])
        for (month, district_id), count in sorted(seats.items())
    ]
