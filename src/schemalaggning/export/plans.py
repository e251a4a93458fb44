"""``planer/``: every new hire's written introduction plan, and every trainer's sessions.

One printable HTML file per person and per trainer, so that a plan can be printed or
mailed on its own:

- ``planer/personer/<person_id>.html``: a required person's name, district, first day
  and deadlines; each session with its date, time, room and address, and trainers; what
  is done; what is not yet scheduled: the earliest day it may come (after the window
  opens and after the person's sessions of its prerequisites), the deadline, and why it
  is not scheduled (left for a later schedule, or the reason it cannot be met);
- ``planer/utbildare/<trainer_id>.html``: a trainer's sessions, each with its
  participants' names and districts (the list to bring);
- ``planer/index.html``: links to them all.

Ids are safe file names (the instance's reader makes sure), so they name the files.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from schemalaggning.domain import HISTORY_ORDER
from schemalaggning.export.report import environment
from schemalaggning.export.views_data import (
    CourseState,
    PersonPlan,
    SessionView,
    TrainerPlan,
    Views,
)
from schemalaggning.export.words import rule_words
from schemalaggning.i18n import _, language
from schemalaggning.swedish import full_date, long_date

PEOPLE_FOLDER = "personer"
TRAINERS_FOLDER = "utbildare"
INDEX_FILE = "index.html"


def _session(view: SessionView) -> dict[str, Any]:
    name = view.course.name or view.course.course_id
    return {
        "id": view.session_id,
        "course_id": view.course.course_id,
        "course": name,
        # "(del 1)" after the name, unless the name says it already.
        "part": "" if name.lower().startswith(_part_word()) else view.course.part,
        "when": full_date(view.first_day),
        "when_full": view.when_text,
        "time": view.time_text,
        "room": view.room.name or view.room.room_id,
        "address": view.room.address,
        "trainers": view.trainer_names,
    }


def _part_word() -> str:
    """How a course's name that says its part begins: ``del `` in Swedish."""
    return _("part {part}").format(part="").lower()


def _shown(view: SessionView, shown: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    """What a session shows, made once per session when ``shown`` keeps them."""
    if shown is None:
        return _session(view)
    found = shown.get(view.session_id)
    if found is None:
        found = shown[view.session_id] = _session(view)
    return found


def person_context(
    plan: PersonPlan, shown: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """What a person's plan shows.

    ``shown`` keeps what each session shows, by id, for the next plans to reuse.
    """
    parts: dict[str, Any] = {}
    for status in plan.courses:
        if status.state is not CourseState.DONE and status.course.part:
            part = status.course.part
            parts[part] = max(parts.get(part, status.deadline), status.deadline)
    open_courses = []
    for status in plan.open:
        _, why = rule_words(status.reason)
        open_courses.append(
            {
                "course_id": status.course.course_id,
                "course": status.course.name or status.course.course_id,
                "earliest": long_date(status.earliest),
                "deadline": long_date(status.deadline),
                "unmet": why.rstrip(".") if status.state is CourseState.UNMET else "",
                "after": status.waits_text,
            }
        )
    return {
        "name": plan.person.name or plan.person.person_id,
        "district": plan.district.name or plan.district.district_id,
        "start": long_date(plan.person.start_date),
        "parts": [
            {"part": part, "deadline": long_date(day)} for part, day in sorted(parts.items())
        ],
        "sessions": [_shown(c.session, shown) for c in plan.scheduled if c.session is not None],
        "open": open_courses,
        "done": [c.course.name or c.course.course_id for c in plan.done],
    }


def trainer_context(plan: TrainerPlan, views: Views) -> dict[str, Any]:
    """What a trainer's plan shows."""
    districts = views.instance.district_by_id
    trainer = plan.trainer
    sessions = []
    for view in plan.sessions:
        shown = _session(view)
        shown["others"] = ", ".join(
            t.name or t.trainer_id for t in view.trainers if t.trainer_id != trainer.trainer_id
        )
        shown["people"] = [
            {
                "id": person.person_id,
                "name": person.name or person.person_id,
                "district": districts[person.district_id].name,
            }
            for person in view.people
        ]
        sessions.append(shown)
    district = districts.get(trainer.district_id or "")
    return {
        "name": trainer.name or trainer.trainer_id,
        "district": district.name if district else "",
        "sessions": sessions,
        "half_days": plan.half_days,
        "busiest": plan.busiest,
        "limit": trainer.max_half_days_per_week,
    }


def write_plans(folder: Path, views: Views, written: datetime | None = None) -> Path:
    """Write the personal plans into ``folder`` (``planer/`` of a schedule folder).

    Parameters
    ----------
    folder
        The folder to make and fill.
    views
        The schedule joined with its instance (:func:`~.views_data.build_views`).
    written
        When the schedule was written (shown at the foot of every page; default now).
    """
    env = environment()
    settings = views.instance.settings
    organizer = settings.organizer
    common = {
        "lang": language(),
        "programme": settings.name,
        "organizer": (
            " ".join(part for part in (organizer.name, organizer.email) if part)
            if organizer
            else ""
        ),
        "written": long_date((written or datetime.now()).date()),
    }
    people_folder = folder / PEOPLE_FOLDER
    trainers_folder = folder / TRAINERS_FOLDER
    people_folder.mkdir(parents=True)
    trainers_folder.mkdir()
    person_page = env.get_template("person.html.j2")
    session_row = env.get_template("_person_session.html.j2")
    index_people: list[dict[str, str]] = []
    # A session is in the plans of all its participants: what it shows, and its row in a
    # plan's table, are made once.
    shown: dict[str, dict[str, Any]] = {}
    rows: dict[str, str] = {}
    # What history did against the courses' order, by person (changes.csv of a re-plan).
    history: dict[str, list[str]] = {}
    for change in views.changes:
        if change.get("change") == HISTORY_ORDER:
            history.setdefault(change.get("person_id", ""), []).append(change.get("why", ""))
    for plan in views.people:
        name = f"{plan.person.person_id}.html"
        context = person_context(plan, shown)
        context["history"] = history.get(plan.person.person_id, [])
        for session in context["sessions"]:
            if session["id"] not in rows:
                rows[session["id"]] = session_row.render(s=session)
        context["session_rows"] = [rows[session["id"]] for session in context["sessions"]]
        (people_folder / name).write_text(person_page.render(**common, **context), encoding="utf-8")
        index_people.append(
            {
                "file": name,
                "name": plan.person.name or plan.person.person_id,
                "district": plan.district.name,
                "start": long_date(plan.person.start_date),
            }
        )
    trainer_page = env.get_template("trainer.html.j2")
    index_trainers: list[dict[str, Any]] = []
    for trainer_plan in views.trainers:
        name = f"{trainer_plan.trainer.trainer_id}.html"
        (trainers_folder / name).write_text(
            trainer_page.render(**common, **trainer_context(trainer_plan, views)),
            encoding="utf-8",
        )
        index_trainers.append(
            {
                "file": name,
                "name": trainer_plan.trainer.name or trainer_plan.trainer.trainer_id,
                "sessions": len(trainer_plan.sessions),
            }
        )
    index_people.sort(key=lambda row: (row["district"], row["name"]))
    index_trainers.sort(key=lambda row: str(row["name"]))
    (folder / INDEX_FILE).write_text(
        env.get_template("plans_index.html.j2").render(
            **common, people=index_people, trainers=index_trainers
        ),
        encoding="utf-8",
    )
    return folder
