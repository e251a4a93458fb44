"""``rapport.html``: one page that shows a schedule at a glance, offline.

The key figures in sentences, a week-by-week calendar of the sessions with filters
(course, district, trainer, room) and a timeline of the whole horizon, each course's
sessions per calendar year against its yearly minimum, the trainers' load per week
against their limits, each district's people away per half-day against its limit, the
attendances that cannot be met and the courses that cannot be held often enough in a
year, with the reason, and after a re-plan what changed.

The page is one file that works from a file share without a network: the template is
rendered with Jinja2 and the charts are drawn by Plotly, whose JavaScript is written into
the page (``plotly.offline.get_plotlyjs``). The filters are read from and written to the
address's fragment (``rapport.html#stadsdel=D1&kurs=P1``), so that a filtered view can be
bookmarked or sent on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from schemalaggning.domain import OFFERING_YEAR_DAYS, Half, Instance
from schemalaggning.export.held import held_seats
from schemalaggning.export.views_data import Views, key_figures
from schemalaggning.export.words import (
    CHANGE_WORDS,
    VERDICT_WORDS,
    number,
    rule_words,
    week_label,
)
from schemalaggning.problems import InputError
from schemalaggning.swedish import HALF_NAMES, MONTHS, WEEKDAYS, long_date, weekday


def environment() -> Environment:
    """The Jinja2 environment of the templates shipped in ``export/templates``."""
    env = Environment(
        loader=PackageLoader("schemalaggning.export", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["long_date"] = long_date
    env.filters["weekday"] = weekday
    return env


def plotly_js() -> str:
    """Plotly's JavaScript, to write into the page."""
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def districts_text(names: list[str], all_names: list[str]) -> str:
    """The districts of a session, short: ``alla 10``, ``alla utom Angered`` or the names."""
    missing = [name for name in all_names if name not in names]
    if len(all_names) > 2 and not missing:
        return f"alla {len(all_names)}"
    if len(all_names) > 4 and 0 < len(missing) <= 2:
        return f"alla utom {' och '.join(missing)}"
    return ", ".join(names)


def _session_rows(views: Views) -> list[dict[str, Any]]:
    all_names = [d.name or d.district_id for d in views.instance.districts]
    return [
        {
            "id": view.session_id,
            "course": view.course.course_id,
            "course_name": view.course.name or view.course.course_id,
            "part": view.course.part,
            "day": view.first_day.isoformat(),
            "start": f"{view.first_day.isoformat()} {view.days[0].start:%H:%M}",
            "when": f"{weekday(view.first_day)} {long_date(view.first_day)}",
            "time": view.time_text,
            "room": view.room.room_id,
            "room_name": view.room.name or view.room.room_id,
            "address": view.room.address,
            "trainers": [t.trainer_id for t in view.trainers],
            "trainer_names": view.trainer_names,
            "districts": [d.district_id for d in view.districts],
            "district_names": view.district_names,
            "district_short": districts_text(
                [d.name or d.district_id for d in view.districts], all_names
            ),
            "participants": view.session.participants,
        }
        for view in views.sessions
    ]


def _weeks(views: Views, sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The weeks that have sessions, each with its sessions, for the calendar."""
    weeks: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for view, row in zip(views.sessions, sessions, strict=True):
        weeks.setdefault(view.week, []).append(row)
    shown = []
    for (year, week), rows in weeks.items():
        monday = date.fromisocalendar(year, week, 1)
        friday = date.fromisocalendar(year, week, 5)
        span = (
            f"{monday.day}–{friday.day} {MONTHS[friday.month - 1]} {friday.year}"
            if monday.month == friday.month
            else f"{monday.day} {MONTHS[monday.month - 1]} – {long_date(friday)}"
        )
        shown.append({"label": f"Vecka {week}", "span": span, "sessions": rows})
    return shown


def _trainer_load(views: Views) -> dict[str, Any]:
    """Half-days per week of every trainer who teaches, against the weekly limit."""
    weeks = views.weeks
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
        row_cells: list[list[int]] = []
        for week in weeks:
            load = plan.weeks.get(week, 0)
            row_share.append(None if load == 0 else (load / limit if limit else 1.0))
            row_cells.append([load, limit])
            if load > limit:
                over.append(f"{name} {week_label(week)} ({load} av högst {limit})")
            ratio = load / limit if limit else 0.0
            if ratio > busiest[0]:
                busiest = (ratio, f"{name}, {load} av högst {limit} halvdagar {week_label(week)}")
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


def _district_away(views: Views) -> dict[str, Any]:
    """People away per open half-day of every district, against its limit."""
    grid = views.grid
    x = [grid.slot_start(slot).strftime("%Y-%m-%d %H:%M") for slot in grid.slots]
    names, share, cells, notes = [], [], [], []
    for entry in views.districts:
        limit = entry.district.max_absent
        name = entry.district.name or entry.district.district_id
        names.append(name)
        row_share: list[float | None] = []
        row_cells: list[list[int]] = []
        full_slots = []
        for slot in grid.slots:
            away = entry.away.get(slot, 0)
            row_share.append(None if away == 0 else (away / limit if limit else 1.0))
            row_cells.append([away, limit])
            if limit and away >= limit:
                full_slots.append(slot)
        share.append(row_share)
        cells.append(row_cells)
        if full_slots:
            first = full_slots[0]
            notes.append(
                f"{name} (högst {limit} borta samtidigt) är vid gränsen {len(full_slots)} "
                f"halvdagar, första gången {weekday(first.day)} {long_date(first.day)} "
                f"{HALF_NAMES[first.half]}."
            )
        else:
            notes.append(f"{name} (högst {limit} borta samtidigt) når aldrig gränsen.")
    return {"x": x, "y": names, "z": share, "customdata": cells, "notes": notes}


def _unmet(views: Views) -> list[dict[str, str]]:
    """The due attendances not met, with the person's name and district."""
    people = views.instance.person_by_id
    courses = views.instance.course_by_id
    districts = views.instance.district_by_id
    shown = []
    for unmet in views.unmet:
        person = people[unmet.person_id]
        rule, why = rule_words(unmet.reason)
        shown.append(
            {
                "name": person.name or person.person_id,
                "district": districts[person.district_id].name,
                "course": courses[unmet.course_id].name or unmet.course_id,
                "deadline": long_date(unmet.deadline),
                "rule": rule,
                "why": why,
            }
        )
    return shown


def _unheld(views: Views) -> list[dict[str, str]]:
    """The yearly offerings that cannot be held, as the course and the year in words."""
    return [
        {
            "course_id": offering.course.course_id,
            "course": offering.course_name,
            "year": str(offering.year),
            "count": offering.count_text,
            "rule": offering.rule,
            "why": offering.why,
        }
        for offering in views.unheld
    ]


def _offerings(views: Views) -> dict[str, Any]:
    """Each course's sessions with participants per calendar year, against the least it
    must be held in a year; a year the horizon cuts short is marked and owes nothing."""
    rows = []
    for entry in views.offerings:
        cells = []
        for year in views.years:
            held = entry.held.get(year.year, 0)
            least = entry.least(year)
            cells.append(
                {
                    "held": held,
                    "least": least,
                    "short": entry.short(year),
                    "text": f"{held} av minst {least}" if entry.short(year) else str(held),
                }
            )
        rows.append(
            {
                "id": entry.course.course_id,
                "name": entry.course.name or entry.course.course_id,
                "part": entry.course.part,
                "per_year": entry.course.per_year,
                "cells": cells,
            }
        )
    owed = [year for year in views.years if year.owed]
    return {
        "years": [
            {"year": y.year, "label": y.label, "owed": y.owed, "note": y.note, "days": y.days}
            for y in views.years
        ],
        "owed": " och ".join(str(y.year) for y in owed),
        "year_days": OFFERING_YEAR_DAYS,
        "rows": rows,
        "short": sum(1 for e in views.offerings for y in views.years if e.short(y)),
    }


def _year_starts(views: Views) -> list[str]:
    """The first day of every calendar year after the horizon's first: where the
    timeline draws a line between years."""
    return [f"{y.year}-01-01" for y in views.years[1:]]


def _year_middles(views: Views) -> list[dict[str, str]]:
    """Where the timeline names each year: the middle of its part inside the horizon."""
    settings = views.instance.settings
    shown = []
    for y in views.years:
        first = max(settings.horizon_start, date(y.year, 1, 1))
        last = min(settings.horizon_end, date(y.year, 12, 31))
        shown.append({"x": (first + (last - first) / 2).isoformat(), "text": y.label})
    return shown


def _changes(views: Views) -> list[dict[str, str]]:
    people = views.instance.person_by_id
    courses = views.instance.course_by_id
    shown = []
    for change in views.changes:
        person = people.get(change.get("person_id", ""))
        course = courses.get(change.get("course_id", ""))
        shown.append(
            {
                "what": CHANGE_WORDS.get(change.get("change", ""), change.get("change", "")),
                "session": change.get("session_id", ""),
                "course": course.name if course else change.get("course_id", ""),
                "person": person.name if person else change.get("person_id", ""),
                "before": change.get("before", ""),
                "after": change.get("after", ""),
                "why": change.get("why", ""),
            }
        )
    return shown


def _electives(views: Views) -> list[dict[str, str]]:
    people = views.instance.person_by_id
    shown = []
    for row in views.electives:
        person = people.get(row.get("person_id", ""))
        shown.append(
            {
                "request": row.get("request_id", ""),
                "person": person.name if person else row.get("person_id", ""),
                "verdict": VERDICT_WORDS.get(row.get("verdict", ""), row.get("verdict", "")),
                "reason": row.get("reason", ""),
            }
        )
    return shown


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"id": key, "name": name} for key, name in sorted(pairs, key=lambda p: p[1])]


def report_context(views: Views, written: datetime | None = None) -> dict[str, Any]:
    """Everything the report's template shows, as plain data."""
    instance = views.instance
    sessions = _session_rows(views)
    changes = len(views.changes) if "changes" in views.summary else None
    return {
        "title": instance.settings.name or "Schema",
        "horizon": (
            f"{long_date(instance.settings.horizon_start)} – "
            f"{long_date(instance.settings.horizon_end)}"
        ),
        "written": long_date((written or datetime.now()).date()),
        # A week's margin either side, so that the first and last sessions are not drawn
        # on the charts' edges.
        "horizon_range": [
            (instance.settings.horizon_start - timedelta(days=7)).isoformat(),
            (instance.settings.horizon_end + timedelta(days=7)).isoformat(),
        ],
        "figures": [f for f in key_figures(views.summary, changes) if f.sentence],
        "cards": _cards(views),
        "sessions": sessions,
        "weeks": _weeks(views, sessions),
        "filters": _filters(instance, sessions),
        "load": _trainer_load(views),
        "away": _district_away(views),
        "unmet": _unmet(views),
        "unheld": _unheld(views),
        "held": held_seats(views),
        "offerings": _offerings(views),
        "year_lines": _year_starts(views),
        "year_names": _year_middles(views),
        "changes": _changes(views) if changes is not None else None,
        "electives": _electives(views),
        "locale": {
            "months": list(MONTHS),
            "days": [*WEEKDAYS[6:], *WEEKDAYS[:6]],
        },
        "halves": {half.value: name for half, name in HALF_NAMES.items()},
        "am": Half.AM.value,
    }


def _filters(instance: Instance, sessions: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's filters: the courses, trainers and rooms of some session, and every
    district."""
    used_trainers = {t for s in sessions for t in s["trainers"]}
    used_rooms = {s["room"] for s in sessions}
    used_courses = {s["course"] for s in sessions}
    courses = [(c.course_id, c.name or c.course_id) for c in instance.courses]
    trainers = [(t.trainer_id, t.name or t.trainer_id) for t in instance.trainers]
    rooms = [(r.room_id, r.name or r.room_id) for r in instance.rooms]
    return {
        "kurs": _options([c for c in courses if c[0] in used_courses]),
        "stadsdel": _options(
            [(d.district_id, d.name or d.district_id) for d in instance.districts]
        ),
        "utbildare": _options([t for t in trainers if t[0] in used_trainers]),
        "lokal": _options([r for r in rooms if r[0] in used_rooms]),
    }


def _cards(views: Views) -> list[dict[str, Any]]:
    """The figures shown large at the top, each with the summary's key it comes from."""
    summary = views.summary
    cards: list[dict[str, Any]] = [
        {"key": "sessions", "value": summary.get("sessions", len(views.sessions)), "label": "pass"},
        {
            "key": "required_attendances",
            "value": summary.get("required_attendances", 0),
            "label": "obligatoriska kurstillfällen",
        },
        {
            "key": "unscheduled",
            "value": summary.get("unscheduled", len(views.unscheduled)),
            "label": "kan inte schemaläggas",
        },
    ]
    half_days = summary.get("trainer_half_days")
    if isinstance(half_days, int):
        cards.append({"key": "trainer_half_days", "value": half_days, "label": "utbildarhalvdagar"})
    mean = summary.get("mean_days_to_part1")
    if isinstance(mean, int | float):
        cards.append(
            {"key": "mean_days_to_part1", "value": mean, "label": "dagar till del 1 (medel)"}
        )
    for card in cards:
        value = card["value"]
        card["shown"] = number(value) if isinstance(value, int | float) else str(value)
    return cards


def write_report(path: Path, views: Views) -> Path:
    """Write ``rapport.html`` for a schedule.

    Parameters
    ----------
    path
        The file to write.
    views
        The schedule joined with its instance (:func:`~.views_data.build_views`).
    """
    from schemalaggning.export.pending import Pending, pending

    try:
        waiting = pending(path.parent)
    except InputError:
        waiting = Pending()
    template = environment().get_template("report.html.j2")
    html = template.render(
        **report_context(views),
        plotly_js=plotly_js(),
        waiting=waiting.words() if waiting.messages else "",
        waiting_count=waiting.messages,
    )
    path.write_text(html, encoding="utf-8")
    return path
