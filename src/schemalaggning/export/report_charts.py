"""The data of the report's charts over time: the trainers' load per week, the districts'
people away per half-day, and the closed periods every chart shades.

A chart over time draws what is true: a week with no open day (the summer break, the
Christmas week) has no square of its own in the load per week, and the half-days
around a closed stretch end where it begins, so that no cell stretches across a break;
the closed periods themselves are shaded in every chart, the longer ones named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from schemalaggning.export.views_data import Views
from schemalaggning.export.words import week_label
from schemalaggning.i18n import _
from schemalaggning.swedish import HALF_NAMES, full_date, long_date
from schemalaggning.timegrid import TimeGrid, iso_week

#: A closed stretch of at least this many weekdays is named in the charts.
NAMED_DAYS = 5


@dataclass(frozen=True)
class ClosedStretch:
    """A stretch of closed weekdays (with the weekends beside it), from ``start`` to
    ``end`` (the day after its last), and why it is closed."""

    start: date
    end: date
    weekdays: int
    name: str
    #: The first and the last closed day.
    first: date
    last: date

    @property
    def named(self) -> bool:
        """Whether the charts write the period's name on it."""
        return self.weekdays >= NAMED_DAYS

    def shown(self) -> dict[str, Any]:
        """The period as the report's script draws it."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "middle": (self.start + (self.end - self.start) / 2).isoformat(),
            "name": self.name,
            "named": self.named,
        }


def closed_periods(views: Views) -> list[ClosedStretch]:
    """The closed stretches of the horizon, in order: closed weekdays next to each other
    (a weekend between them does not part them), each widened over the weekends beside it."""
    grid = views.grid
    names = {period.name for period in views.instance.settings.closed if period.name}
    runs: list[list[date]] = []
    for day in sorted(grid.closed):
        if runs and _only_weekend_between(runs[-1][-1], day):
            runs[-1].append(day)
        else:
            runs.append([day])
    periods = []
    for run in runs:
        start, end = run[0], run[-1] + timedelta(days=1)
        while start.weekday() == 0 and (start - timedelta(days=1)) >= grid.settings.horizon_start:
            start -= timedelta(days=2)
        while end.weekday() == 5 and end + timedelta(days=1) <= grid.settings.horizon_end:
            end += timedelta(days=2)
        name = _run_name(grid, run, names)
        periods.append(ClosedStretch(start, end, len(run), name, run[0], run[-1]))
    return periods


def _only_weekend_between(before: date, after: date) -> bool:
    day = before + timedelta(days=1)
    while day < after:
        if day.weekday() < 5:
            return False
        day += timedelta(days=1)
    return True


def _run_name(grid: TimeGrid, run: list[date], names: set[str]) -> str:
    """A closed stretch's name: the closed period's it is part of (``sommaruppehåll``),
    else the holiday's when it is one, else words for public holidays."""
    reasons = [grid.why_closed(day) for day in run]
    own = [reason for reason in reasons if reason in names]
    if own:
        return own[0]
    if len(set(reasons)) == 1:
        return reasons[0]
    return _("public holidays")


def closed_note(periods: list[ClosedStretch]) -> str:
    """The sentence under a chart that names the longer closed periods."""
    named = [p for p in periods if p.named]
    if not named:
        return ""
    said = [
        _("{name} {first} to {last}").format(
            name=p.name, first=long_date(p.first), last=long_date(p.last)
        )
        for p in named
    ]
    return _("Grey: closed ({periods}); no session is held then.").format(periods="; ".join(said))


def horizon_weeks(grid: TimeGrid) -> Iterator[tuple[int, int]]:
    """Every ISO week of the horizon, closed or not, in order."""
    monday = grid.settings.horizon_start - timedelta(days=grid.settings.horizon_start.weekday())
    while monday <= grid.settings.horizon_end:
        yield iso_week(monday)
        monday += timedelta(days=7)


def trainer_load(views: Views) -> dict[str, Any]:
    """Half-days per week of every trainer who teaches, against the weekly limit: a
    square for every week of the horizon, none for a week with no open day."""
    open_weeks = set(views.weeks)
    weeks = list(horizon_weeks(views.grid))
    mondays = [date.fromisocalendar(y, w, 1).isoformat() for y, w in weeks]
    names, share, cells = [], [], []
    over: list[str] = []
    busiest: tuple[float, str] = (-1.0, "")
    for plan in views.trainers:
        if not plan.sessions:
            continue
        limit = plan.trainer.max_half_days_per_week
        name = plan.trainer.name or plan.trainer.trainer_id
        names.append(name)
        row_share: list[float | None] = []
        row_cells: list[list[int] | None] = []
        for week in weeks:
            if week not in open_weeks:
                row_share.append(None)
                row_cells.append(None)
                continue
            load = plan.weeks.get(week, 0)
            row_share.append(None if load == 0 else (load / limit if limit else 1.0))
            row_cells.append([load, limit])
            said = _("{load} of at most {limit} half-days").format(load=load, limit=limit)
            if load > limit:
                over.append(f"{name} {week_label(week)} ({said})")
            ratio = load / limit if limit else 0.0
            if ratio > busiest[0]:
                busiest = (ratio, f"{name}, {said} {week_label(week)}")
        share.append(row_share)
        cells.append(row_cells)
    return {
        "x": mondays,
        "y": names,
        "z": share,
        "customdata": cells,
        "over": over,
        "busiest": busiest[1],
    }


def _moment(day: date, clock: time) -> str:
    return datetime.combine(day, clock).strftime("%Y-%m-%d %H:%M")


def away_columns(grid: TimeGrid) -> list[tuple[str, int | None]]:
    """The columns of the absence chart: each open half-day (its start, its index), and
    an empty column where each closed stretch (a weekend too) begins and one at the
    midnight it ends, so that the half-days beside it end and begin at their own times,
    and none is drawn across the stretch."""
    columns: list[tuple[str, int | None]] = []
    previous = None
    for index, slot in enumerate(grid.slots):
        start = grid.slot_start(slot)
        if previous is not None and (slot.day - previous.day).days > 1:
            end = grid.slot_end(previous)
            columns.append((_moment(end.date(), end.time()), None))
            columns.append((_moment(slot.day, time(0, 0)), None))
        columns.append((_moment(start.date(), start.time()), index))
        previous = slot
    return columns


def district_away(views: Views) -> dict[str, Any]:
    """People away per open half-day of every district, against its limit."""
    grid = views.grid
    columns = away_columns(grid)
    names, share, cells, notes = [], [], [], []
    for entry in views.districts:
        limit = entry.district.max_absent
        name = entry.district.name or entry.district.district_id
        names.append(name)
        row_share: list[float | None] = []
        row_cells: list[list[int] | None] = []
        for _start, index in columns:
            if index is None:
                row_share.append(None)
                row_cells.append(None)
                continue
            away = entry.away.get(grid.slots[index], 0)
            row_share.append(None if away == 0 else (away / limit if limit else 1.0))
            row_cells.append([away, limit])
        share.append(row_share)
        cells.append(row_cells)
        notes.append(_district_note(views, entry.away, name, limit))
    return {
        "x": [start for start, _ in columns],
        "y": names,
        "z": share,
        "customdata": cells,
        "notes": notes,
    }


def _district_note(views: Views, away: dict[Any, int], name: str, limit: int) -> str:
    full = [slot for slot in views.grid.slots if limit and away.get(slot, 0) >= limit]
    if not full:
        return _("{name} (at most {limit} away at once) never reaches the limit.").format(
            name=name, limit=limit
        )
    first = full[0]
    once = _("{name} (at most {limit} away at once) is at the limit one half-day, {when} {half}.")
    many = _(
        "{name} (at most {limit} away at once) is at the limit {count} half-days, "
        "the first time {when} {half}."
    )
    return (once if len(full) == 1 else many).format(
        name=name,
        limit=limit,
        count=len(full),
        when=full_date(first.day),
        half=HALF_NAMES[first.half],
    )
