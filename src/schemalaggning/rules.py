"""The rules a schedule must keep, by the names used everywhere.

The checker reports broken rules by these names, the optimiser names its constraint
families after them, and explanations use them, so a coordinator sees the same words
in every output. This module holds only names, plain-language descriptions and the
:class:`Reason` an unmet attendance is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from schemalaggning.i18n import N_, _


class KeptBy(StrEnum):
    """How the optimiser keeps a rule; the checker checks every rule whatever keeps it."""

    #: A constraint family of the CP-SAT model (``engine/model/constraints.py``, ``HARD``).
    MODEL = "model"
    #: How the engine makes its candidates and options (``BY_CONSTRUCTION`` there).
    CONSTRUCTION = "construction"
    #: How a schedule is written (its files, ids and times).
    OUTPUT = "output"


@dataclass(frozen=True)
class RuleText:
    """A rule's description, its words for a coordinator and how it is kept.

    ``words`` is the rule as an unmet attendance's reason names it, a message id (marked
    with :func:`~schemalaggning.i18n.N_`, read in the current language by
    :attr:`Rule.words`; empty for a rule that is never the reason: a rule of the files'
    format).
    """

    description: str
    kept_by: KeptBy
    words: str = ""


class Rule(StrEnum):
    """A rule of the programme, or of the schedule format."""

    FORMAT = "format"
    UNKNOWN_ID = "unknown_id"
    DUPLICATE_SESSION = "duplicate_session"
    SESSION_BLOCK = "session_block"
    CLOSED_DAY = "closed_day"
    SESSION_TIMES = "session_times"
    PARTICIPANTS_COUNT = "participants_count"
    COURSE_MISMATCH = "course_mismatch"
    ROOM_CAPACITY = "room_capacity"
    MAX_GROUP = "max_group"
    MIN_GROUP = "min_group"
    TRAINER_COUNT = "trainer_count"
    TRAINER_QUALIFIED = "trainer_qualified"
    TRAINER_AVAILABLE = "trainer_available"
    ROOM_AVAILABLE = "room_available"
    TRAINER_OVERLAP = "trainer_overlap"
    ROOM_OVERLAP = "room_overlap"
    PERSON_OVERLAP = "person_overlap"
    TRAINER_WEEK_LIMIT = "trainer_week_limit"
    DISTRICT_ABSENCE = "district_absence"
    ELECTIVE_AWAY = "elective_away"
    ATTEND_ONCE = "attend_once"
    ALREADY_DONE = "already_done"
    BEFORE_START = "before_start"
    WINDOW = "window"
    PREREQUISITE = "prerequisite"
    FIXED_KEPT = "fixed_kept"
    DUE_UNMET = "due_unmet"
    YEARLY_OFFERING = "yearly_offering"
    UNSCHEDULED_LISTED = "unscheduled_listed"

    @property
    def description(self) -> str:
        """The rule in plain words."""
        return RULES[self].description

    @property
    def kept_by(self) -> KeptBy:
        """How the optimiser keeps the rule."""
        return RULES[self].kept_by

    @property
    def words(self) -> str:
        """The rule in a coordinator's words, as a reason names it, in the current
        language; empty when none."""
        words = RULES[self].words
        return _(words) if words else ""


#: Every rule, declared once: what it says, how it is kept and its words.
RULES: dict[Rule, RuleText] = {
    Rule.FORMAT: RuleText("every row of the schedule files follows the format", KeptBy.OUTPUT),
    Rule.UNKNOWN_ID: RuleText(
        "every id in the schedule names something in the instance", KeptBy.OUTPUT
    ),
    Rule.DUPLICATE_SESSION: RuleText("every session id is used once", KeptBy.OUTPUT),
    Rule.SESSION_BLOCK: RuleText(
        (
            "a session occupies exactly its course's number of consecutive half-day slots, "
            "on consecutive days inside one week"
        ),
        KeptBy.CONSTRUCTION,
        N_("no consecutive half-days"),
    ),
    Rule.CLOSED_DAY: RuleText(
        (
            "no session on a weekend, a public holiday, a day off, in a closed period or "
            "outside the horizon"
        ),
        KeptBy.CONSTRUCTION,
        N_("closed days"),
    ),
    Rule.SESSION_TIMES: RuleText(
        "a session's start and end are those of its first and last slot", KeptBy.OUTPUT
    ),
    Rule.PARTICIPANTS_COUNT: RuleText(
        "a session's participants column counts its assignments", KeptBy.OUTPUT
    ),
    Rule.COURSE_MISMATCH: RuleText("an assignment's course is its session's course", KeptBy.OUTPUT),
    Rule.ROOM_CAPACITY: RuleText(
        "no more participants than the room seats", KeptBy.MODEL, N_("the rooms' size")
    ),
    Rule.MAX_GROUP: RuleText(
        "no more participants than the course's max_group", KeptBy.MODEL, N_("the groups full")
    ),
    Rule.MIN_GROUP: RuleText(
        "at least the course's min_group participants",
        KeptBy.MODEL,
        N_("too few participants for a group"),
    ),
    Rule.TRAINER_COUNT: RuleText(
        "exactly the course's number of (distinct) trainers", KeptBy.MODEL
    ),
    Rule.TRAINER_QUALIFIED: RuleText(
        "every trainer is qualified for the course", KeptBy.CONSTRUCTION, N_("no qualified trainer")
    ),
    Rule.TRAINER_AVAILABLE: RuleText(
        "no trainer is booked while unavailable", KeptBy.CONSTRUCTION, N_("no trainer free")
    ),
    Rule.ROOM_AVAILABLE: RuleText(
        "no room is booked while unavailable", KeptBy.CONSTRUCTION, N_("no room free")
    ),
    Rule.TRAINER_OVERLAP: RuleText(
        "a trainer is in one session at a time", KeptBy.MODEL, N_("the trainers busy")
    ),
    Rule.ROOM_OVERLAP: RuleText(
        "a room holds one session at a time", KeptBy.MODEL, N_("the rooms busy")
    ),
    Rule.PERSON_OVERLAP: RuleText(
        "a person is in one session at a time", KeptBy.MODEL, N_("the person busy")
    ),
    Rule.TRAINER_WEEK_LIMIT: RuleText(
        "a trainer teaches at most max_half_days_per_week in a week",
        KeptBy.MODEL,
        N_("the trainers' weekly hours"),
    ),
    Rule.DISTRICT_ABSENCE: RuleText(
        (
            "at most max_absent of a district's people away in the same half-day "
            "(in sessions or on approved electives)"
        ),
        KeptBy.MODEL,
        N_("the district's limit on absence"),
    ),
    Rule.ELECTIVE_AWAY: RuleText(
        "nobody is in a session while away on an approved elective",
        KeptBy.CONSTRUCTION,
        N_("an elective at the same time"),
    ),
    Rule.ATTEND_ONCE: RuleText("a person attends a course at most once", KeptBy.MODEL),
    Rule.ALREADY_DONE: RuleText(
        "nobody attends a course they have already done", KeptBy.CONSTRUCTION
    ),
    Rule.BEFORE_START: RuleText(
        "nobody attends anything before their start date",
        KeptBy.CONSTRUCTION,
        N_("before the start date"),
    ),
    Rule.WINDOW: RuleText(
        ("a required person's session lies inside the course's window from their start date"),
        KeptBy.CONSTRUCTION,
        N_("the window"),
    ),
    Rule.PREREQUISITE: RuleText(
        "a course's prerequisites are completed before it starts", KeptBy.MODEL, N_("prerequisites")
    ),
    Rule.FIXED_KEPT: RuleText(
        "pinned sessions and assignments are kept as they are",
        KeptBy.CONSTRUCTION,
        N_("pinned sessions"),
    ),
    Rule.DUE_UNMET: RuleText(
        "every due attendance is scheduled or listed in unscheduled.csv", KeptBy.MODEL
    ),
    Rule.YEARLY_OFFERING: RuleText(
        (
            "a course is held at least min_per_year times, with participants, in every "
            "calendar year the horizon covers for at least 183 days, or the year is listed in "
            "unscheduled.csv"
        ),
        KeptBy.MODEL,
        N_("the course is held too seldom"),
    ),
    Rule.UNSCHEDULED_LISTED: RuleText(
        "unscheduled.csv lists only attendances the schedule does not meet", KeptBy.OUTPUT
    ),
}


#: The obstacles of a yearly offering that cannot be held (format 1.2), as message ids
#: with the figures to fill in (read in the current language with ``_()`` where written).
OFFERING_NO_BLOCK = N_(
    "{year} has no {half_days} consecutive open half-days within a week for a session"
)
OFFERING_NO_ROOM_OR_TRAINERS = N_(
    "no block of {year} has a free room seating {group} and {trainers} qualified trainer(s) free"
)
OFFERING_TOO_FEW = N_(
    "too few people may attend a session in {year}: at most {most} of the {group} a group "
    "needs are free in any block, and no session of the course can spare its due "
    "participants"
)
#: ... and the count that ends the reason.
OFFERING_COUNT = N_("({held} of {needed} sessions held)")

#: The name a reason starts with when no rule is to blame: the run ended first.
TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class Reason:
    """Why a due attendance is unmet: the rule that stops it and the obstacle in words.

    ``rule`` is ``None`` when no rule is to blame: the run ran out of time first. The
    rule travels with the words until the reason is written as text (:attr:`text`,
    ``rule: words`` in ``unscheduled.csv``), so nothing reads it back from the text.
    ``words`` are in the current language, or, for a reason made once at import (one
    without figures, ``message=True``), a message id that :attr:`said` reads in the
    current language.
    """

    rule: Rule | None
    words: str
    message: bool = False

    @property
    def name(self) -> str:
        """The rule's name, or ``time_limit``."""
        return TIME_LIMIT if self.rule is None else self.rule.value

    @property
    def said(self) -> str:
        """The words in the current language."""
        return _(self.words) if self.message else self.words

    @property
    def text(self) -> str:
        """The reason as ``unscheduled.csv`` writes it: the name, then the words."""
        return f"{self.name}: {self.said}"
