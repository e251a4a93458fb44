"""The changes of a re-plan against the published schedule, for machines and in words.

:func:`compare` lists every difference (one line per change, with the ids);
:func:`in_words` adds what a coordinator reads: the person's and the course's names, the
dates before and after, and why, in the current language from the catalogue ("passet
12 mars ställdes in: Anna Persson är ledig", "för att ge plats åt den nyanställda Sara
Ek"). The ``why`` that :func:`compare` and the freeze write is for the code only: every
change is given its words here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from schemalaggning.domain import Assignment, Instance, Session, trainer_half_days
from schemalaggning.i18n import _
from schemalaggning.io.schedule import Schedule
from schemalaggning.swedish import long_date

#: The machine-readable columns, then the readable ones.
CHANGE_COLUMNS = (
    "change",
    "session_id",
    "course_id",
    "person_id",
    "before",
    "after",
    "why",
    "name",
    "course",
    "before_date",
    "after_date",
)

#: The ``why`` of changes that the Swedish words name on their own (written by
#: :mod:`schemalaggning.month.replan`, recognised here by these constants, not by wording).
COURSE_GONE = "the course is no longer offered"
TRAINER_GONE = "no longer a trainer"
PERSON_GONE = "no longer in people.csv"
#: ... and of a person taken out of a seat that no unmet attendance's reason explains.
NOT_PLANNED = "no longer planned in this run"


@dataclass(frozen=True)
class Change:
    """One change against the published schedule."""

    change: str
    session_id: str
    course_id: str
    person_id: str = ""
    before: str = ""
    after: str = ""
    why: str = ""
    #: The approved elective a person was taken out for (not a column of ``changes.csv``).
    elective_id: str = ""
    name: str = ""
    course: str = ""
    before_date: str = ""
    after_date: str = ""

    def row(self) -> dict[str, str]:
        """The change as a row of ``changes.csv``."""
        return {name: getattr(self, name) for name in CHANGE_COLUMNS}


def when(session: Session) -> str:
    """A session's time, as the schedule files write it."""
    return f"{session.start} to {session.end}" if session.start else str(session.slots[0])


def cancelled_sessions(before: dict[str, Session], after: dict[str, Session]) -> list[Change]:
    """The published sessions the new schedule no longer has."""
    return [
        Change(
            "session_cancelled",
            sid,
            before[sid].course_id,
            before=when(before[sid]),
            why="re-planned",
        )
        for sid in sorted(before.keys() - after.keys())
    ]


def added_sessions(before: dict[str, Session], after: dict[str, Session]) -> list[Change]:
    """The sessions of the new schedule that were not published."""
    return [
        Change(
            "session_added",
            sid,
            after[sid].course_id,
            after=when(after[sid]),
            why="new or re-planned attendances",
        )
        for sid in sorted(after.keys() - before.keys())
    ]


def session_differences(sid: str, old: Session, new: Session) -> list[Change]:
    """What changed in a session kept: its time, its room, its trainers."""
    changes: list[Change] = []
    if old.slots != new.slots:
        changes.append(
            Change(
                "session_moved",
                sid,
                new.course_id,
                before=when(old),
                after=when(new),
                why="re-planned",
            )
        )
    if old.room_id != new.room_id:
        changes.append(
            Change(
                "room_changed",
                sid,
                new.course_id,
                before=old.room_id,
                after=new.room_id,
                why="re-planned",
            )
        )
    if set(old.trainer_ids) != set(new.trainer_ids):
        changes.append(
            Change(
                "trainer_changed",
                sid,
                new.course_id,
                before="|".join(old.trainer_ids),
                after="|".join(new.trainer_ids),
                why="re-planned",
            )
        )
    return changes


def person_change(
    key: tuple[str, str],
    old_sid: str | None,
    new_sid: str | None,
    reasons: dict[tuple[str, str], str],
) -> Change:
    """A person added to, taken out of, or moved to another session of a course."""
    person_id, course_id = key
    if old_sid is None:
        return Change(
            "person_added",
            new_sid or "",
            course_id,
            person_id,
            after=new_sid or "",
            why="new or re-planned attendance",
        )
    if new_sid is None:
        return Change(
            "person_removed",
            old_sid,
            course_id,
            person_id,
            before=old_sid,
            why=reasons.get(key, NOT_PLANNED),
        )
    return Change(
        "person_moved",
        new_sid,
        course_id,
        person_id,
        before=old_sid,
        after=new_sid,
        why="re-planned",
    )


def person_changes(
    published: Schedule, assignments: list[Assignment], unscheduled: list[Any]
) -> list[Change]:
    """Every person whose session of a course differs, by person and course."""
    was = {(a.person_id, a.course_id): a.session_id for _, a in published.assignments}
    now = {(a.person_id, a.course_id): a.session_id for a in assignments}
    reasons = {(u.person_id, u.course_id): u.reason for u in unscheduled}
    return [
        person_change(key, was.get(key), now.get(key), reasons)
        for key in sorted(was.keys() | now.keys())
        if was.get(key) != now.get(key)
    ]


def compare(
    published: Schedule,
    sessions: list[Session],
    assignments: list[Assignment],
    unscheduled: list[Any],
) -> list[Change]:
    """Every difference between the published schedule and the new one."""
    before = {s.session_id: s for _, s in published.sessions}
    after = {s.session_id: s for s in sessions}
    changes = cancelled_sessions(before, after) + added_sessions(before, after)
    for sid in sorted(before.keys() & after.keys()):
        changes += session_differences(sid, before[sid], after[sid])
    return changes + person_changes(published, assignments, unscheduled)


def first_day(session: Session | None) -> date | None:
    """The day a session begins (None without slots)."""
    return session.slots[0].day if session is not None and session.slots else None


@dataclass
class Context:
    """What the words of the changes are made from."""

    instance: Instance
    before: dict[str, Session]
    after: dict[str, Session]
    missed: dict[tuple[str, str], Session]
    walk_ins: dict[tuple[str, str], Session]
    new_hires: set[str]

    def person(self, person_id: str) -> str:
        person = self.instance.person_by_id.get(person_id)
        return person.name or person_id if person is not None else person_id

    def trainer(self, trainer_id: str) -> str:
        trainer = self.instance.trainer_by_id.get(trainer_id)
        return trainer.name or trainer_id if trainer is not None else trainer_id

    def room(self, room_id: str) -> str:
        room = self.instance.room_by_id.get(room_id)
        return room.name or room_id if room is not None else room_id

    def date(self, session_id: str, old: bool) -> str:
        day = first_day((self.before if old else self.after).get(session_id))
        return day.isoformat() if day else ""

    def words(self, session_id: str, old: bool = True) -> str:
        day = first_day((self.before if old else self.after).get(session_id))
        if day is None:
            return _("the session {session}").format(session=session_id)
        return _("the session on {day}").format(day=long_date(day))


def cancel_reason(change: Change, ctx: Context) -> str:
    """Why a session was cancelled, in words."""
    if change.why == COURSE_GONE:
        return _("the course is no longer given")
    lost = change.after
    if lost in ctx.instance.trainer_by_id:
        words = _("{trainer} is on leave and no other qualified trainer is free then")
        return words.format(trainer=ctx.trainer(lost))
    if lost in ctx.instance.room_by_id:
        words = _("the room {room} is taken and no other room is free then")
        return words.format(room=ctx.room(lost))
    return _("the session is no longer needed after the re-plan")


def once_each(changes: list[Change]) -> list[Change]:
    """The changes with each session's trainer swap and room swap once (the first)."""
    seen: set[tuple[str, str]] = set()
    kept: list[Change] = []
    group = {"trainer_changed": "trainer", "room_changed": "room"}
    for change in changes:
        key = (group.get(change.change, change.change), change.session_id + change.person_id)
        if change.change in group and key in seen:
            continue
        seen.add(key)
        kept.append(change)
    return kept


def newcomers_by_session(changes: list[Change], new_hires: set[str]) -> dict[str, list[str]]:
    """The new hires added or moved to each session, in the changes' order."""
    newcomers: dict[str, list[str]] = defaultdict(list)
    for c in changes:
        if c.change in ("person_added", "person_moved") and c.person_id in new_hires:
            newcomers[c.after].append(c.person_id)
    return newcomers


def in_words(
    instance: Instance,
    published_sessions: list[Session],
    published_assignments: list[Assignment],
    sessions: list[Session],
    changes: list[Change],
    missed: dict[tuple[str, str], Session],
    walk_ins: dict[tuple[str, str], Session],
) -> list[Change]:
    """The changes with names, dates and why in Swedish, each change once.

    A trainer or room swap found both when pinning the freeze and when comparing the
    schedules is listed once (the first, which says why).
    """
    assigned = {a.person_id for a in published_assignments}
    ctx = Context(
        instance,
        {s.session_id: s for s in published_sessions},
        {s.session_id: s for s in sessions},
        missed,
        walk_ins,
        {p.person_id for p in instance.people if p.required and p.person_id not in assigned},
    )
    kept = once_each(changes)
    cancelled = {c.session_id: c for c in kept if c.change == "session_cancelled"}
    newcomers = newcomers_by_session(kept, ctx.new_hires)
    return [describe(c, ctx, cancelled, newcomers) for c in kept]


def describe(
    c: Change, ctx: Context, cancelled: dict[str, Change], newcomers: dict[str, list[str]]
) -> Change:
    """One change with its readable columns."""
    course = ctx.instance.course_by_id.get(c.course_id)
    fields: dict[str, Any] = {
        "name": ctx.person(c.person_id) if c.person_id else "",
        "course": course.name if course is not None else c.course_id,
    }
    key = (c.person_id, c.course_id)
    if c.change in ("person_moved", "person_removed"):
        fields["before_date"] = ctx.date(c.before or c.session_id, True)
    if c.change in ("person_moved", "person_added"):
        fields["after_date"] = ctx.date(c.after or c.session_id, False)
    if c.change in ("session_cancelled", "session_moved", "trainer_changed"):
        fields["before_date"] = ctx.date(c.session_id, True)
    if c.change in ("session_added", "session_moved", "room_changed"):
        fields["after_date"] = ctx.date(c.session_id, False)
    fields["why"] = why(c, ctx, cancelled, newcomers, key)
    return replace(c, **fields)


def trainer_why(c: Change, ctx: Context) -> str:
    """Why a session has another trainer, in words."""
    old = [t for t in c.before.split("|") if t]
    new = [t for t in c.after.split("|") if t]
    gone = ", ".join(ctx.trainer(t) for t in old if t not in new) or _("the trainer")
    came = ", ".join(ctx.trainer(t) for t in new if t not in old) or _("another trainer")
    session = ctx.words(c.session_id)
    if c.why == TRAINER_GONE:
        words = _("{gone} is no longer a trainer; {came} leads {session}")
    else:
        words = _("{gone} cannot lead {session}; {came} leads it")
    return words.format(gone=gone, came=came, session=session)


def session_why(c: Change, ctx: Context) -> str | None:
    """Why a session was cancelled, added, moved or given another trainer or room, in
    Swedish (None for a change of a person)."""
    kind = c.change
    if kind == "session_cancelled":
        return cancelled_words(ctx.words(c.session_id), cancel_reason(c, ctx))
    if kind == "trainer_changed":
        return trainer_why(c, ctx)
    if kind == "room_changed":
        words = _("the room {before} is taken; the session is held in {after}")
        return words.format(before=ctx.room(c.before), after=ctx.room(c.after))
    if kind == "session_added":
        return _("a new session for new hires or re-planned participants")
    if kind == "session_moved":
        return _("the session was moved in the re-plan (trainer, room or group)")
    return None


def cancelled_words(session: str, reason: str) -> str:
    """A session cancelled, and why."""
    return _("{session} was cancelled: {reason}").format(session=session, reason=reason)


def walk_in_why(c: Change, ctx: Context, key: tuple[str, str]) -> str:
    """Why a person who came without a seat is added, or gives up a later seat."""
    if c.change == "person_added":
        words = _("came to {session} without being invited: the course counts as done")
        return words.format(session=ctx.words(c.session_id))
    day = first_day(ctx.walk_ins[key])
    if day is None:
        return _("has already taken the course")
    return _("has already taken the course on {day}").format(day=long_date(day))


def added_why(c: Change, ctx: Context) -> str:
    """Why a person is added to a session, in words."""
    if c.person_id in ctx.new_hires:
        person = ctx.instance.person_by_id[c.person_id]
        return _("new hire, starts on {day}").format(day=long_date(person.start_date))
    return _("gets a seat after the re-plan")


def removed_why(c: Change, ctx: Context) -> str:
    """Why a person is taken out of a session, in words: gone from ``people.csv``, away
    on an approved elective, the reason the course cannot be planned for them (after the
    rule's name), or, for a seat that was not due, that the new plan does not give it."""
    if c.why == PERSON_GONE:
        return _("no longer in people.csv")
    if c.elective_id:
        return _("away on an approved elective ({request})").format(request=c.elective_id)
    if c.why == NOT_PLANNED:
        person = ctx.instance.person_by_id.get(c.person_id)
        if person is not None and c.course_id in person.done:
            return _("has taken the course already, as people.csv says")
        return _(
            "had a spare seat without being due for the course; the new plan does not "
            "give the seat again"
        )
    _rule, colon, words = c.why.partition(":")
    return _("cannot be planned: {reason}").format(reason=(words if colon else c.why).strip())


def moved_why(
    c: Change, ctx: Context, cancelled: dict[str, Change], newcomers: dict[str, list[str]]
) -> str:
    """Why a person is moved from the session they left, in words."""
    left = c.before
    if left in cancelled:
        return cancelled_words(ctx.words(left), cancel_reason(cancelled[left], ctx))
    if newcomers.get(left):
        names = [ctx.person(p) for p in newcomers[left][:2]]
        if len(names) == 1:
            return _("to make room for the new hire {name}").format(name=names[0])
        return _("to make room for the new hires {names}").format(names=", ".join(names))
    if left not in ctx.after:
        return _("{session} was merged with another session").format(session=ctx.words(left))
    return _("moved so that the groups come together after the month's changes")


def person_why(
    c: Change,
    ctx: Context,
    cancelled: dict[str, Change],
    newcomers: dict[str, list[str]],
    key: tuple[str, str],
) -> str:
    """Why a person was added, taken out or moved, in words."""
    if key in ctx.walk_ins:
        return walk_in_why(c, ctx, key)
    if key in ctx.missed:
        return _("did not come to {session}").format(session=ctx.words(ctx.missed[key].session_id))
    if c.change == "person_added":
        return added_why(c, ctx)
    if c.change == "person_removed":
        return removed_why(c, ctx)
    return moved_why(c, ctx, cancelled, newcomers)


def why(
    c: Change,
    ctx: Context,
    cancelled: dict[str, Change],
    newcomers: dict[str, list[str]],
    key: tuple[str, str],
) -> str:
    """Why the change was made, in words."""
    words = session_why(c, ctx)
    if words is not None:
        return words
    return person_why(c, ctx, cancelled, newcomers, key)


#: The invitations a change of a person means for them: (new, cancelled).
PERSON_INVITATIONS = {"person_added": (1, 0), "person_moved": (1, 1), "person_removed": (0, 1)}

#: The changes of a session that send everyone in it an update.
SESSION_UPDATES = ("session_moved", "room_changed", "trainer_changed")


def invitations(changes: list[Change], sessions: list[Session]) -> dict[str, int]:
    """The invitations the changes mean, per recipient: new, updated and cancelled.

    A person added gets a new invitation, one moved a new one and a cancellation, one
    taken out a cancellation; a session moved or given another room or trainer an update
    for everyone in it; a new or cancelled session one for each of its trainers.
    """
    count: Counter[str] = Counter()
    by_id = {s.session_id: s for s in sessions}
    updated: set[str] = set()
    for c in changes:
        if c.change in PERSON_INVITATIONS:
            new, gone = PERSON_INVITATIONS[c.change]
            count["new"] += new
            count["cancelled"] += gone
        elif c.change in SESSION_UPDATES:
            updated.add(c.session_id)
        elif c.change == "session_added" and c.session_id in by_id:
            count["new"] += len(by_id[c.session_id].trainer_ids)
        elif c.change == "session_cancelled":
            count["cancelled"] += 1
    count["updated"] += sum(
        by_id[sid].participants + len(by_id[sid].trainer_ids) for sid in updated if sid in by_id
    )
    return {kind: count[kind] for kind in ("new", "updated", "cancelled")}


def people_with_a_new_date(changes: list[Change], assignments: list[Assignment]) -> int:
    """How many people get a new date: added, moved or taken out, or in a moved session."""
    moved_sessions = {c.session_id for c in changes if c.change == "session_moved"}
    people = {
        c.person_id
        for c in changes
        if c.change in ("person_added", "person_moved", "person_removed")
    }
    people |= {a.person_id for a in assignments if a.session_id in moved_sessions}
    return len(people)


def replan_figures(
    published: list[Session],
    sessions: list[Session],
    assignments: list[Assignment],
    changes: list[Change],
    missed: Collection[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The re-plan's figures against the published plan (the summary's ``replan``).

    ``people_moved`` counts the people the re-plan moved out of a seat they could keep;
    a no-show (``missed``: person and course) planned again is counted apart
    (``no_shows_planned_again``): they need a new date whatever the re-plan does.
    """

    missed = set(missed)
    seated = {(a.person_id, a.course_id) for a in assignments}
    return {
        "trainer_half_days_published": trainer_half_days(published),
        "trainer_half_days": trainer_half_days(sessions),
        "people_moved": len(
            {
                c.person_id
                for c in changes
                if c.change in ("person_moved", "person_removed")
                and (c.person_id, c.course_id) not in missed
            }
        ),
        "no_shows": len(missed),
        "no_shows_planned_again": len(missed & seated),
        "people_new_date": people_with_a_new_date(changes, assignments),
        "invitations": invitations(changes, sessions),
    }
