"""The independent checker: every rule a schedule must keep, checked without the optimiser.

It reads only the instance, the schedule, its own calendar
(:mod:`schemalaggning.check.days`, not the optimiser's time grid) and its own windows
(:mod:`schemalaggning.check.windows`), and names each broken rule (see
:mod:`schemalaggning.rules`) with the session, person or resource and the slot.

A rule broken in a past session because someone missed a prerequisite is history, not a
fault of the plan (FORMATS 1.2, "Past sessions"): it is a :class:`Note`
(:mod:`schemalaggning.check.notes`), which :func:`check_with_notes` returns beside the
violations, and :func:`check` leaves out. The group sizes
(:mod:`schemalaggning.check.groups`), the yearly offerings
(:mod:`schemalaggning.check.offerings`) and the rows of ``unscheduled.csv``
(:mod:`schemalaggning.check.unscheduled`) are checked in modules of their own too.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from schemalaggning.check.days import (
    CheckCalendar,
    consecutive,
    date_words,
    day_words,
    local_text,
    slot_words,
    week_of,
    week_words,
)
from schemalaggning.check.findings import Note, Violation
from schemalaggning.check.groups import group_faults
from schemalaggning.check.ids import assignment_id_faults, session_id_faults, unscheduled_id_faults
from schemalaggning.check.notes import missed_sessions, prerequisite_note
from schemalaggning.check.offerings import offering_faults
from schemalaggning.check.unscheduled import unscheduled_faults
from schemalaggning.check.windows import window
from schemalaggning.domain import (
    Assignment,
    Course,
    Half,
    Instance,
    Person,
    Session,
    Slot,
    Unavailability,
    Unscheduled,
)
from schemalaggning.i18n import N_, _
from schemalaggning.io.schedule import Schedule
from schemalaggning.rules import Rule


@dataclass(frozen=True)
class CheckResult:
    """What the checker found: the broken rules, and the notes about past sessions."""

    violations: list[Violation]
    notes: list[Note]

    @property
    def ok(self) -> bool:
        """Whether the schedule breaks no rule (notes do not count)."""
        return not self.violations


def check_schedule(instance: Instance, schedule: Schedule) -> list[Violation]:
    """Check a schedule read from a folder; rows that did not parse are ``format`` violations."""
    return check_schedule_with_notes(instance, schedule).violations


def check_schedule_with_notes(instance: Instance, schedule: Schedule) -> CheckResult:
    """Check a schedule read from a folder, with the notes about its past sessions."""
    found = check_with_notes(
        instance,
        [s for _, s in schedule.sessions],
        [a for _, a in schedule.assignments],
        [u for _, u in schedule.unscheduled],
    )
    problems = [Violation(Rule.FORMAT, str(problem)) for problem in schedule.problems]
    return CheckResult([*problems, *found.violations], found.notes)


def check(
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    unscheduled: Sequence[Unscheduled],
) -> list[Violation]:
    """Every rule the schedule breaks, in a stable order (empty when it breaks none)."""
    return check_with_notes(instance, sessions, assignments, unscheduled).violations


def check_with_notes(
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    unscheduled: Sequence[Unscheduled],
) -> CheckResult:
    """Every rule the schedule breaks, and the notes about its past sessions, each in a
    stable order."""
    return _Checker(instance, sessions, assignments, unscheduled).run()


class _Checker:
    """Holds the indexes the rules share; each ``_rule`` method checks one family."""

    def __init__(
        self,
        instance: Instance,
        sessions: Sequence[Session],
        assignments: Sequence[Assignment],
        unscheduled: Sequence[Unscheduled],
    ) -> None:
        self.instance = instance
        self.calendar = CheckCalendar(instance.settings)
        self.unavailability: dict[str, list[Unavailability]] = defaultdict(list)
        for entry in instance.unavailability:
            self.unavailability[entry.resource_id].append(entry)
        self.sessions = list(sessions)
        self.assignments = list(assignments)
        self.unscheduled = list(unscheduled)
        self.violations: list[Violation] = []
        self.notes: list[Note] = []
        self.session_by_id: dict[str, Session] = {}
        for session in self.sessions:
            self.session_by_id.setdefault(session.session_id, session)
        # Only assignments to known sessions and people take part in the rules below; the
        # others are reported as unknown ids.
        self.members: dict[str, list[str]] = defaultdict(list)
        self.valid_assignments: list[Assignment] = []

    def add(self, rule: Rule, message: str, **where: str | None) -> None:
        self.violations.append(Violation(rule, message, **where))

    def run(self) -> CheckResult:
        self._ids()
        self._session_shape()
        self._group_sizes()
        self._trainers()
        self._rooms()
        self._overlaps()
        self._trainer_weeks()
        self._district_absence()
        self._electives()
        self._attendance()
        self._fixed()
        self._due()
        self._yearly_offerings()
        return CheckResult(self.violations, self.notes)

    # -- ids -----------------------------------------------------------------------------

    def _ids(self) -> None:
        """Every id in the schedule names something in the instance; session ids are unique
        (see :mod:`schemalaggning.check.ids`)."""
        self.violations += session_id_faults(self.instance, self.sessions)
        for a in self.assignments:
            faults = assignment_id_faults(self.instance, a, self.session_by_id)
            self.violations += faults
            if not faults:
                self.valid_assignments.append(a)
                self.members[a.session_id].append(a.person_id)
        self.violations += unscheduled_id_faults(self.instance, self.unscheduled)

    # -- the session itself --------------------------------------------------------------

    def _course(self, session: Session) -> Course | None:
        return self.instance.course_by_id.get(session.course_id)

    def _session_shape(self) -> None:
        """A valid block on open days, with start and end matching, and an honest count."""
        for session in self.sessions:
            sid = session.session_id
            course = self._course(session)
            slots = session.slots
            for slot in slots:
                if not self.calendar.is_open(slot.day):
                    self.add(
                        Rule.CLOSED_DAY,
                        _("session {sid} is held on {day} ({why})").format(
                            sid=sid, day=day_words(slot.day), why=self.calendar.why_closed(slot.day)
                        ),
                        session_id=sid,
                        slot=str(slot),
                    )
            if course is not None:
                problems = []
                if len(slots) != course.half_days:
                    problems.append(
                        _("{count} half-day slot(s), the course needs {half_days}").format(
                            count=len(slots), half_days=course.half_days
                        )
                    )
                if any(not consecutive(a, b) for a, b in itertools.pairwise(slots)):
                    problems.append(_("slots are not consecutive half-days in order"))
                if len({week_of(slot.day) for slot in slots}) > 1:
                    problems.append(_("slots span more than one week"))
                if problems:
                    self.add(
                        Rule.SESSION_BLOCK,
                        _("session {sid} ({course_id}): ").format(
                            sid=sid, course_id=course.course_id
                        )
                        + "; ".join(problems),
                        session_id=sid,
                        slot=str(slots[0]) if slots else None,
                    )
            if slots:
                start = local_text(self.calendar.starts(slots[0]))
                end = local_text(self.calendar.ends(slots[-1]))
                wrong_start = bool(session.start) and session.start != start
                wrong_end = bool(session.end) and session.end != end
                if wrong_start or wrong_end:
                    self.add(
                        Rule.SESSION_TIMES,
                        _(
                            "session {sid} says {start} to {end}; its slots run {start2} to {end2}"
                        ).format(
                            sid=sid, start=session.start, end=session.end, start2=start, end2=end
                        ),
                        session_id=sid,
                    )
            count = len(self.members.get(sid, []))
            if session.participants != count:
                self.add(
                    Rule.PARTICIPANTS_COUNT,
                    _(
                        "session {sid} says {participants} participants; {count} are assigned"
                    ).format(sid=sid, participants=session.participants, count=count),
                    session_id=sid,
                )

    def _group_sizes(self) -> None:
        """Room seats, max_group and min_group (see :mod:`schemalaggning.check.groups`)."""
        for fault in group_faults(self.instance, self.sessions, self.members):
            self.add(
                fault.rule,
                fault.message,
                session_id=fault.session_id,
                resource_id=fault.resource_id,
            )

    def _trainers(self) -> None:
        """The right number of qualified trainers, each available in every slot."""
        for session in self.sessions:
            sid = session.session_id
            course = self._course(session)
            distinct = set(session.trainer_ids)
            if course is not None and (
                len(distinct) != course.trainers or len(session.trainer_ids) != len(distinct)
            ):
                self.add(
                    Rule.TRAINER_COUNT,
                    _(
                        "session {sid}: trainers {trainers_given}, {course_id} needs {trainers} "
                        "distinct"
                    ).format(
                        sid=sid,
                        trainers_given="|".join(session.trainer_ids) or _("(none)"),
                        course_id=course.course_id,
                        trainers=course.trainers,
                    ),
                    session_id=sid,
                )
            for trainer_id in sorted(distinct):
                trainer = self.instance.trainer_by_id.get(trainer_id)
                if trainer is None:
                    continue
                if course is not None and not trainer.qualified(course.course_id):
                    self.add(
                        Rule.TRAINER_QUALIFIED,
                        _(
                            "session {sid}: trainer {trainer_id} is not qualified for {course_id}"
                        ).format(sid=sid, trainer_id=trainer_id, course_id=course.course_id),
                        session_id=sid,
                        resource_id=trainer_id,
                    )
                for slot in session.slots:
                    if self._away(trainer_id, slot):
                        self.add(
                            Rule.TRAINER_AVAILABLE,
                            _(
                                "session {sid}: trainer {trainer_id} is unavailable at {slot}"
                            ).format(sid=sid, trainer_id=trainer_id, slot=slot_words(slot)),
                            session_id=sid,
                            resource_id=trainer_id,
                            slot=str(slot),
                        )

    def _away(self, resource: str, slot: Slot) -> bool:
        """Whether the trainer or room is unavailable in the slot."""
        return any(entry.covers(slot) for entry in self.unavailability.get(resource, ()))

    def _rooms(self) -> None:
        """Every room available in every slot of its sessions."""
        for session in self.sessions:
            for slot in session.slots:
                if self._away(session.room_id, slot):
                    self.add(
                        Rule.ROOM_AVAILABLE,
                        _("session {session_id}: room {room_id} is unavailable at {slot}").format(
                            session_id=session.session_id,
                            room_id=session.room_id,
                            slot=slot_words(slot),
                        ),
                        session_id=session.session_id,
                        resource_id=session.room_id,
                        slot=str(slot),
                    )

    def _overlaps(self) -> None:
        """Trainers, rooms and people are in one session at a time."""
        trainer_at: dict[tuple[str, Slot], list[str]] = defaultdict(list)
        room_at: dict[tuple[str, Slot], list[str]] = defaultdict(list)
        person_at: dict[tuple[str, Slot], list[str]] = defaultdict(list)
        for session in self.sessions:
            for slot in set(session.slots):
                for trainer_id in set(session.trainer_ids):
                    trainer_at[trainer_id, slot].append(session.session_id)
                room_at[session.room_id, slot].append(session.session_id)
        for a in self.valid_assignments:
            for slot in set(self.session_by_id[a.session_id].slots):
                person_at[a.person_id, slot].append(a.session_id)
        for rule, table, what, key in (
            (Rule.TRAINER_OVERLAP, trainer_at, N_("trainer"), "resource_id"),
            (Rule.ROOM_OVERLAP, room_at, N_("room"), "resource_id"),
            (Rule.PERSON_OVERLAP, person_at, N_("person"), "person_id"),
        ):
            for (who, slot), ids in sorted(table.items()):
                if len(ids) > 1:
                    self.add(
                        rule,
                        _("{what} {who} is in {count} sessions at {slot}: {sessions}").format(
                            what=_(what),
                            who=who,
                            count=len(ids),
                            slot=slot_words(slot),
                            sessions=", ".join(sorted(ids)),
                        ),
                        session_id=sorted(ids)[0],
                        slot=str(slot),
                        **{key: who},
                    )

    def _trainer_weeks(self) -> None:
        """A trainer's half-days in each ISO week stay within max_half_days_per_week."""
        load: dict[tuple[str, tuple[int, int]], set[Slot]] = defaultdict(set)
        for session in self.sessions:
            for trainer_id in set(session.trainer_ids):
                for slot in session.slots:
                    load[trainer_id, week_of(slot.day)].add(slot)
        for (trainer_id, (year, week)), slots in sorted(load.items()):
            trainer = self.instance.trainer_by_id.get(trainer_id)
            if trainer is not None and len(slots) > trainer.max_half_days_per_week:
                self.add(
                    Rule.TRAINER_WEEK_LIMIT,
                    _(
                        "trainer {trainer_id} teaches {count} half-days in {week}, at most "
                        "{max_half_days_per_week} allowed"
                    ).format(
                        trainer_id=trainer_id,
                        count=len(slots),
                        week=week_words(year, week),
                        max_half_days_per_week=trainer.max_half_days_per_week,
                    ),
                    resource_id=trainer_id,
                    slot=str(min(slots)),
                )

    def _elective_slots(self) -> dict[str, set[Slot]]:
        """The open slots each person is away in on approved electives, by person id."""
        away: dict[str, set[Slot]] = defaultdict(set)
        for elective in self.instance.electives:
            if not elective.approved:
                continue
            day = elective.start
            while day <= elective.end:
                if self.calendar.is_open(day):
                    for half in (Half.AM, Half.PM):
                        if elective.half is None or elective.half is half:
                            away[elective.person_id].add(Slot(day, half))
                day += timedelta(days=1)
        return away

    def _district_absence(self) -> None:
        """At most max_absent of a district's people away in the same half-day: in sessions,
        or on approved electives.

        A slot is reported only when someone of the district is in a session then: approved
        electives alone above the limit are the managers' decision, not the schedule's.
        """
        in_sessions: dict[tuple[str, Slot], set[str]] = defaultdict(set)
        for a in self.valid_assignments:
            district_id = self.instance.person_by_id[a.person_id].district_id
            for slot in self.session_by_id[a.session_id].slots:
                in_sessions[district_id, slot].add(a.person_id)
        on_electives: dict[tuple[str, Slot], set[str]] = defaultdict(set)
        for person_id, slots in self._elective_slots().items():
            person = self.instance.person_by_id.get(person_id)
            if person is None:
                continue
            for slot in slots:
                on_electives[person.district_id, slot].add(person_id)
        held: Counter[tuple[str, Slot]] = Counter()
        for session in self.sessions:
            for item in session.held_for:
                district_id, count = item.split("@", 1)[0], int(item.rsplit(":", 1)[1])
                for slot in session.slots:
                    held[district_id, slot] += count
                    in_sessions.setdefault((district_id, slot), set())
        for (district_id, slot), people in sorted(in_sessions.items()):
            district = self.instance.district_by_id.get(district_id)
            away = people | on_electives.get((district_id, slot), set())
            seats = held[district_id, slot]
            if district is not None and len(away) + seats > district.max_absent:
                electives = len(away - people)
                also = (
                    _(" and {electives} more on approved electives").format(electives=electives)
                    if electives
                    else ""
                )
                also += (
                    _(" and {seats} seats held for expected hires").format(seats=seats)
                    if seats
                    else ""
                )
                self.add(
                    Rule.DISTRICT_ABSENCE,
                    _(
                        "district {district_id} has {count} people in sessions{also} at {slot}, "
                        "at most {max_absent} allowed"
                    ).format(
                        district_id=district_id,
                        count=len(people),
                        also=also,
                        slot=slot_words(slot),
                        max_absent=district.max_absent,
                    ),
                    resource_id=district_id,
                    slot=str(slot),
                )

    def _electives(self) -> None:
        """Nobody is in a session in a slot of their approved elective."""
        away = self._elective_slots()
        for a in self.valid_assignments:
            slots = away.get(a.person_id)
            if not slots:
                continue
            session = self.session_by_id[a.session_id]
            clash = sorted(set(session.slots) & slots)
            if clash:
                self.add(
                    Rule.ELECTIVE_AWAY,
                    _(
                        "{person_id} is in session {session_id} at {slot} while away on an "
                        "approved elective"
                    ).format(
                        person_id=a.person_id,
                        session_id=session.session_id,
                        slot=slot_words(clash[0]),
                    ),
                    session_id=session.session_id,
                    person_id=a.person_id,
                    slot=str(clash[0]),
                )

    # -- attendances ---------------------------------------------------------------------

    def _attendance(self) -> None:
        """Once per course, never one done, inside the window, after the prerequisites."""
        inst = self.instance
        taken: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for a in self.valid_assignments:
            taken[a.person_id, a.course_id].append(self.session_by_id[a.session_id])
        missed = missed_sessions(self.instance, self.session_by_id)
        for (person_id, course_id), sessions in sorted(taken.items()):
            person = inst.person_by_id[person_id]
            course = inst.course_by_id[course_id]
            if len(sessions) > 1:
                self.add(
                    Rule.ATTEND_ONCE,
                    _("{person_id} attends {course_id} {count} times: {sessions}").format(
                        person_id=person_id,
                        course_id=course_id,
                        count=len(sessions),
                        sessions=", ".join(s.session_id for s in sessions),
                    ),
                    person_id=person_id,
                    session_id=sessions[1].session_id,
                )
            if course_id in person.done:
                self.add(
                    Rule.ALREADY_DONE,
                    _("{person_id} attends {course_id}, which is in their done list").format(
                        person_id=person_id, course_id=course_id
                    ),
                    person_id=person_id,
                    session_id=sessions[0].session_id,
                )
            for session in sessions:
                if not session.slots:
                    continue
                self._in_window(person, course, session)
                for before in course.after:
                    if before in person.done:
                        continue
                    first = session.slots[0]
                    if not any(
                        earlier.slots and earlier.slots[-1] < first
                        for earlier in taken.get((person_id, before), [])
                    ):
                        self._prerequisite_missing(
                            person_id, session, before, missed.get((person_id, before), [])
                        )

    def _in_window(self, person: Person, course: Course, session: Session) -> None:
        """Nobody attends before their start date; a required person attends inside their
        window (the checker's own, :func:`schemalaggning.check.windows.window`)."""
        first, last = session.slots[0], session.slots[-1]
        sid, person_id, course_id = session.session_id, person.person_id, course.course_id
        if first.day < person.start_date:
            self.add(
                Rule.BEFORE_START,
                _(
                    "{person_id} attends {course_id} in {sid} on {day}, before their start date "
                    "{start_date}"
                ).format(
                    person_id=person_id,
                    course_id=course_id,
                    sid=sid,
                    day=day_words(first.day),
                    start_date=date_words(person.start_date),
                ),
                person_id=person_id,
                session_id=sid,
                slot=str(first),
            )
        if person.required:
            earliest, deadline = window(person, course)
            if first.day < earliest or last.day > deadline:
                self.add(
                    Rule.WINDOW,
                    _(
                        "{person_id} attends {course_id} in {sid} ({day} to {day2}), outside the "
                        "window {earliest} to {deadline}"
                    ).format(
                        person_id=person_id,
                        course_id=course_id,
                        sid=sid,
                        day=day_words(first.day),
                        day2=day_words(last.day),
                        earliest=date_words(earliest),
                        deadline=date_words(deadline),
                    ),
                    person_id=person_id,
                    session_id=sid,
                    slot=str(first),
                )

    def _prerequisite_missing(
        self, person_id: str, session: Session, before: str, missed: Sequence[Session]
    ) -> None:
        """The person attends the session without completing ``before`` first: a violation,
        or a note about a past session (see :mod:`schemalaggning.check.notes`)."""
        note = prerequisite_note(person_id, session, before, missed)
        if note is not None:
            self.notes.append(note)
            return
        first = session.slots[0]
        sid, course_id = session.session_id, session.course_id
        self.add(
            Rule.PREREQUISITE,
            _(
                "{person_id} attends {course_id} in {sid} at {first} without completing {before} "
                "before it"
            ).format(
                person_id=person_id,
                course_id=course_id,
                sid=sid,
                first=slot_words(first),
                before=before,
            ),
            person_id=person_id,
            session_id=sid,
            slot=str(first),
        )

    def _fixed(self) -> None:
        """Pinned sessions and assignments are in the schedule, unchanged."""
        for fixed in self.instance.fixed_sessions:
            sid = fixed.session_id
            session = self.session_by_id.get(sid)
            if session is None:
                self.add(
                    Rule.FIXED_KEPT,
                    _("pinned session {sid} is missing").format(sid=sid),
                    session_id=sid,
                )
                continue
            changed = [
                name
                for name, a, b in (
                    (N_("course"), fixed.course_id, session.course_id),
                    (N_("room"), fixed.room_id, session.room_id),
                    (N_("trainers"), sorted(fixed.trainer_ids), sorted(session.trainer_ids)),
                    (N_("half-days"), list(fixed.slots), list(session.slots)),
                )
                if a != b
            ]
            if changed:
                self.add(
                    Rule.FIXED_KEPT,
                    _("pinned session {sid} changed its {what}").format(
                        sid=sid, what=", ".join(_(name) for name in changed)
                    ),
                    session_id=sid,
                )
        present = {(a.person_id, a.course_id, a.session_id) for a in self.assignments}
        for fixed_assignment in self.instance.fixed_assignments:
            key = (
                fixed_assignment.person_id,
                fixed_assignment.course_id,
                fixed_assignment.session_id,
            )
            if key not in present:
                self.add(
                    Rule.FIXED_KEPT,
                    _(
                        "pinned assignment of {person_id} to {course_id} in {session_id} is missing"
                    ).format(person_id=key[0], course_id=key[1], session_id=key[2]),
                    person_id=key[0],
                    session_id=key[2],
                )

    def _due(self) -> None:
        """Every due attendance is met or listed, and unscheduled.csv says why in the
        rules' words (see :mod:`schemalaggning.check.unscheduled`)."""
        self.violations += unscheduled_faults(
            self.instance, self.valid_assignments, self.unscheduled
        )

    def _yearly_offerings(self) -> None:
        """Every course held ``min_per_year`` times a year or its offering listed, and every
        listed offering owed (see :mod:`schemalaggning.check.offerings`)."""
        for fault in offering_faults(
            self.instance, self.calendar, self.sessions, self.members, self.unscheduled
        ):
            self.add(fault.rule, fault.message)
