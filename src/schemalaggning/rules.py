"""The rules a schedule must keep, by the names used everywhere.

The checker reports broken rules by these names, the optimiser names its constraint
families after them, and explanations use them, so a coordinator sees the same words
in every output. This module holds only names, plain-language descriptions and the
:class:`Reason` an unmet attendance is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
        return DESCRIPTIONS[self]


DESCRIPTIONS: dict[Rule, str] = {
    Rule.FORMAT: "every row of the schedule files follows the format",
    Rule.UNKNOWN_ID: "every id in the schedule names something in the instance",
    Rule.DUPLICATE_SESSION: "every session id is used once",
    Rule.SESSION_BLOCK: (
        "a session occupies exactly its course's number of consecutive half-day slots, "
        "on consecutive days inside one week"
    ),
    Rule.CLOSED_DAY: (
        "no session on a weekend, a public holiday, a day off, in a closed period or "
        "outside the horizon"
    ),
    Rule.SESSION_TIMES: "a session's start and end are those of its first and last slot",
    Rule.PARTICIPANTS_COUNT: "a session's participants column counts its assignments",
    Rule.COURSE_MISMATCH: "an assignment's course is its session's course",
    Rule.ROOM_CAPACITY: "no more participants than the room seats",
    Rule.MAX_GROUP: "no more participants than the course's max_group",
    Rule.MIN_GROUP: "at least the course's min_group participants",
    Rule.TRAINER_COUNT: "exactly the course's number of (distinct) trainers",
    Rule.TRAINER_QUALIFIED: "every trainer is qualified for the course",
    Rule.TRAINER_AVAILABLE: "no trainer is booked while unavailable",
    Rule.ROOM_AVAILABLE: "no room is booked while unavailable",
    Rule.TRAINER_OVERLAP: "a trainer is in one session at a time",
    Rule.ROOM_OVERLAP: "a room holds one session at a time",
    Rule.PERSON_OVERLAP: "a person is in one session at a time",
    Rule.TRAINER_WEEK_LIMIT: "a trainer teaches at most max_half_days_per_week in a week",
    Rule.DISTRICT_ABSENCE: (
        "at most max_absent of a district's people away in the same half-day "
        "(in sessions or on approved electives)"
    ),
    Rule.ELECTIVE_AWAY: "nobody is in a session while away on an approved elective",
    Rule.ATTEND_ONCE: "a person attends a course at most once",
    Rule.ALREADY_DONE: "nobody attends a course they have already done",
    Rule.BEFORE_START: "nobody attends anything before their start date",
    Rule.WINDOW: (
        "a required person's session lies inside the course's window from their start date"
    ),
    Rule.PREREQUISITE: "a course's prerequisites are completed before it starts",
    Rule.FIXED_KEPT: "pinned sessions and assignments are kept as they are",
    Rule.DUE_UNMET: "every due attendance is scheduled or listed in unscheduled.csv",
    Rule.YEARLY_OFFERING: (
        "a course is held at least min_per_year times, with participants, in every "
        "calendar year the horizon covers for at least 183 days, or the year is listed in "
        "unscheduled.csv"
    ),
    Rule.UNSCHEDULED_LISTED: "unscheduled.csv lists only attendances the schedule does not meet",
}


#: The obstacles of a yearly offering that cannot be held (format 1.2), in words with the
#: figures to fill in: the engine writes them, and the views find the figures again in
#: the same words to say them in Swedish.
OFFERING_NO_BLOCK = (
    "{year} has no {half_days} consecutive open half-days within a week for a session"
)
OFFERING_NO_ROOM_OR_TRAINERS = (
    "no block of {year} has a free room seating {group} and {trainers} qualified trainer(s) free"
)
OFFERING_TOO_FEW = (
    "too few people may attend a session in {year}: at most {most} of the {group} a group "
    "needs are free in any block, and no session of the course can spare its due "
    "participants"
)
#: ... and the count that ends the reason.
OFFERING_COUNT = "({held} of {needed} sessions held)"

#: The name a reason starts with when no rule is to blame: the run ended first.
TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class Reason:
    """Why a due attendance is unmet: the rule that stops it and the obstacle in words.

    ``rule`` is ``None`` when no rule is to blame: the run ran out of time first. The
    rule travels with the words until the reason is written as text (:attr:`text`,
    ``rule: words`` in ``unscheduled.csv``), so nothing reads it back from the text.
    """

    rule: Rule | None
    words: str

    @property
    def name(self) -> str:
        """The rule's name, or ``time_limit``."""
        return TIME_LIMIT if self.rule is None else self.rule.value

    @property
    def text(self) -> str:
        """The reason as ``unscheduled.csv`` writes it: the name, then the words."""
        return f"{self.name}: {self.words}"
