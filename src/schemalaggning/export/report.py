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
from schemalaggning.export.change_rows import change_rows
from schemalaggning.export.held import held_seats
from schemalaggning.export.report_charts import (
    ClosedStretch,
    closed_note,
    closed_periods,
    district_away,
    horizon_weeks,
    trainer_load,
)
from schemalaggning.export.summary_words import key_figures
from schemalaggning.export.views_data import Views
from schemalaggning.export.words import VERDICT_WORDS, and_words, number, rule_words
from schemalaggning.i18n import _, language
from schemalaggning.problems import InputError
from schemalaggning.swedish import HALF_NAMES, MONTHS, WEEKDAYS, full_date, long_date, weekday


def environment() -> Environment:
    """The Jinja2 environment of the templates shipped in ``export/templates``: their
    words come from the catalogues through ``_`` (:mod:`schemalaggning.i18n`)."""
    env = Environment(
        loader=PackageLoader("schemalaggning.export", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["_"] = _
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
        return _("all {count}").format(count=len(all_names))
    if len(all_names) > 4 and 0 < len(missing) <= 2:
        return _("all but {names}").format(names=and_words(missing))
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
            "when": full_date(view.first_day),
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


def week_span(year: int, week: int) -> str:
    """A week's Monday to Friday in words: ``4–8 januari 2027``."""
    monday = date.fromisocalendar(year, week, 1)
    friday = date.fromisocalendar(year, week, 5)
    if monday.month == friday.month:
        return _("{first}–{last} {month} {year}").format(
            first=monday.day, last=friday.day, month=MONTHS[friday.month - 1], year=friday.year
        )
    return _("{first} {month} – {last}").format(
        first=monday.day, month=MONTHS[monday.month - 1], last=long_date(friday)
    )


def _closed_weeks(
    closed: list[tuple[int, int]], periods: list[ClosedStretch]
) -> dict[str, str] | None:
    """Weeks in a row with no open day, in words (``Vecka 26–31: stängt
    (sommaruppehåll), inga pass``), or ``None`` for no weeks."""
    if not closed:
        return None
    monday = date.fromisocalendar(*closed[0], 1)
    names = [p.name for p in periods if p.start <= monday + timedelta(days=4) and monday < p.end]
    weeks = str(closed[0][1]) if len(closed) == 1 else f"{closed[0][1]}–{closed[-1][1]}"
    label = _("Week {weeks}: closed ({why}), no sessions").format(
        weeks=weeks, why=names[0] if names else _("public holidays")
    )
    return {"closed": "1", "label": label}


def _weeks(views: Views, sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The weeks that have sessions, each with its sessions, for the calendar; between
    them, the weeks with no open day, said as closed."""
    weeks: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for view, row in zip(views.sessions, sessions, strict=True):
        weeks.setdefault(view.week, []).append(row)
    open_weeks = set(views.weeks)
    periods = closed_periods(views)
    closed: list[tuple[int, int]] = []
    shown: list[dict[str, Any]] = []
    first = min(weeks, default=None)
    for week in horizon_weeks(views.grid):
        if first is None or week < first:
            continue
        if week not in open_weeks:
            closed.append(week)
            continue
        said = _closed_weeks(closed, periods)
        if said:
            shown.append(said)
        closed = []
        rows = weeks.get(week)
        if not rows:
            continue
        shown.append(
            {
                "label": _("Week {week}").format(week=week[1]),
                "span": week_span(*week),
                "sessions": rows,
            }
        )
    return shown


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
                    "text": (
                        _("{held} of at least {least}").format(held=held, least=least)
                        if entry.short(year)
                        else str(held)
                    ),
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
        "owed": and_words([str(y.year) for y in owed]),
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
    """The changes of a re-plan in words (:mod:`~schemalaggning.export.change_rows`)."""
    return [
        {
            "what": row.what,
            "session": row.session_id,
            "course": row.course,
            "person": row.person,
            "before": row.before,
            "after": row.after,
            "why": row.why,
        }
        for row in change_rows(views)
    ]


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
    closed = closed_periods(views)
    return {
        "lang": language(),
        "title": instance.settings.name or _("Schedule"),
        "horizon": _("{first} to {last}").format(
            first=long_date(instance.settings.horizon_start),
            last=long_date(instance.settings.horizon_end),
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
        "load": trainer_load(views),
        "away": district_away(views),
        "closed": [period.shown() for period in closed],
        "closed_note": closed_note(closed),
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
        "words": _chart_words(),
        "halves": {half.value: name for half, name in HALF_NAMES.items()},
        "am": Half.AM.value,
    }


def _chart_words() -> dict[str, str]:
    """The words the report's script writes into its charts."""
    return {
        "lang": language(),
        # Translators: a session's head count in a chart's tooltip; keep {count}.
        "participants": _("{count} participants"),
        "half": _("half"),
        "limit": _("at the limit"),
        "load_title": _("Half-days per week against the limit"),
        "load_hover": "<b>%{y}</b><br>"
        + _("the week from {monday}").format(monday="%{x|%-d %B %Y}")
        + "<br>"
        + _("{load} of at most {limit} half-days").format(
            load="%{customdata[0]}", limit="%{customdata[1]}"
        )
        + "<extra></extra>",
        "away_title": _("Away at once against the district's limit"),
        "away_hover": "<b>%{y}</b><br>%{x|%A %-d %B %Y %H:%M}<br>"
        + _("{away} of at most {limit} away").format(
            away="%{customdata[0]}", limit="%{customdata[1]}"
        )
        + "<extra></extra>",
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
        {
            "key": "sessions",
            "value": summary.get("sessions", len(views.sessions)),
            "label": _("sessions in the schedule"),
        },
        {
            "key": "required_attendances",
            "value": summary.get("required_attendances", 0),
            "label": _("required attendances"),
        },
        {
            "key": "unscheduled",
            "value": summary.get("unscheduled", len(views.unscheduled)),
            "label": _("cannot be scheduled"),
        },
    ]
    half_days = summary.get("trainer_half_days")
    if isinstance(half_days, int):
        cards.append(
            {"key": "trainer_half_days", "value": half_days, "label": _("trainer half-days")}
        )
    mean = summary.get("mean_days_to_part1")
    if isinstance(mean, int | float):
        cards.append(
            {"key": "mean_days_to_part1", "value": mean, "label": _("days to part 1 (mean)")}
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
