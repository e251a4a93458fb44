"""The domain: districts, people, courses, trainers, rooms, and the schedule's records.

Every record is a frozen pydantic model that checks its own fields when it is built;
the :class:`Instance` holds them all and answers the questions every other part asks
(whose window closes when, which attendances are due). Cross-references between
records are checked once, by the reader, where the rows are still known.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, time
from enum import StrEnum
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal, NamedTuple, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from schemalaggning.fields import (
    ALL_COURSES as ALL_COURSES,
)
from schemalaggning.fields import (
    Clock as Clock,
)
from schemalaggning.fields import (
    CountryCode as CountryCode,
)
from schemalaggning.fields import (
    CourseSelection as CourseSelection,
)
from schemalaggning.fields import (
    Email as Email,
)
from schemalaggning.fields import (
    FileId as FileId,
)
from schemalaggning.fields import (
    Half as Half,
)
from schemalaggning.fields import (
    HalfName as HalfName,
)
from schemalaggning.fields import (
    HeldFor as HeldFor,
)
from schemalaggning.fields import (
    Id as Id,
)
from schemalaggning.fields import (
    IdList as IdList,
)
from schemalaggning.fields import (
    IsoDate as IsoDate,
)
from schemalaggning.fields import (
    Month as Month,
)
from schemalaggning.fields import (
    OptionalHalf as OptionalHalf,
)
from schemalaggning.fields import (
    OptionalId as OptionalId,
)
from schemalaggning.fields import (
    Slot as Slot,
)
from schemalaggning.fields import (
    Text as Text,
)
from schemalaggning.fields import (
    YesNo as YesNo,
)
from schemalaggning.fields import (
    split_list as split_list,
)
from schemalaggning.references import TABLE_NAMES, InstanceError, instance_problems

#: Upper bounds of counts and month spans: far above any real programme, they keep the
#: arithmetic of the time grid and the solver's whole numbers from overflowing.
MAX_COUNT = 1_000_000
MAX_MONTHS = 1200
#: The allowance for personal courses per person and calendar year, unless the instance
#: sets ``elective_budget_sek``.
DEFAULT_ELECTIVE_BUDGET_SEK = 10_000
#: The share of a window that must lie inside the horizon for the attendance to be due
#: although it closes after it, unless the instance sets ``plan_ahead`` (format 1.2).
DEFAULT_PLAN_AHEAD = 0.5
#: A calendar year holds a course's yearly offerings when the horizon covers at least this
#: many of its days (format 1.2).
OFFERING_YEAR_DAYS = 183
#: Upper bound of an amount in kronor: far above any course fee or allowance.
MAX_SEK = 100_000_000


class Record(BaseModel):
    """Base of every record: frozen, no stray fields, columns read by alias."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


# ---------------------------------------------------------------------------------------------
# Instance records
# ---------------------------------------------------------------------------------------------


class ClosedPeriod(Record):
    """A period (inclusive) in which no session may be held, such as the summer break."""

    start: IsoDate = Field(alias="from")
    end: IsoDate = Field(alias="to")
    name: Text = ""


class Organizer(Record):
    """Who sends the invites."""

    name: Text = ""
    email: Email = ""


class SmtpSettings(Record):
    """The mail server invitations are sent through (``[smtp]`` in ``instance.toml``).

    The password is never a setting: it comes from the environment variable
    ``SCHEMALAGGNING_SMTP_PASSWORD`` or a prompt.
    """

    host: str = ""
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    #: Messages a minute at most (many servers limit it: Microsoft 365 to 30).
    rate: float | None = Field(default=None, gt=0)


class Settings(Record):
    """The instance's settings from ``instance.toml`` (or the ``settings`` sheet)."""

    name: Text = ""
    timezone: str = "Europe/Stockholm"
    horizon_start: IsoDate
    horizon_end: IsoDate
    holidays: CountryCode = "SE"
    closed: tuple[ClosedPeriod, ...] = ()
    organizer: Organizer | None = None
    smtp: SmtpSettings | None = None
    slots: dict[HalfName, tuple[Clock, Clock]] = Field(
        default_factory=lambda: {
            Half.AM: (time(8, 30), time(12, 0)),
            Half.PM: (time(13, 0), time(16, 30)),
        }
    )
    elective_budget_sek: int = Field(default=DEFAULT_ELECTIVE_BUDGET_SEK, ge=0, le=MAX_SEK)
    #: The share of an attendance's window inside the horizon that makes it due (1.2).
    plan_ahead: float = Field(default=DEFAULT_PLAN_AHEAD, gt=0, le=1, allow_inf_nan=False)


class District(Record):
    """A district (stadsdel) and how many of its staff may be away at once."""

    district_id: Id
    name: Text = ""
    max_absent: int = Field(ge=0, le=MAX_COUNT)


class Person(Record):
    """A new hire (``required``) or experienced staff who may take free seats."""

    person_id: FileId
    name: Text = ""
    email: Email = ""
    district_id: Id
    start_date: IsoDate
    required: YesNo
    done: IdList = ()


class Course(Record):
    """A part-1 module or part-2 theme, held as sessions of ``half_days`` slots."""

    course_id: Id
    name: Text = ""
    part: Text = ""
    half_days: int = Field(ge=1, le=10)
    min_group: int = Field(ge=1, le=MAX_COUNT)
    max_group: int = Field(ge=1, le=MAX_COUNT)
    trainers: int = Field(ge=1, le=MAX_COUNT)
    within_months: int = Field(ge=0, le=MAX_MONTHS)
    not_before_months: int = Field(default=0, ge=0, le=MAX_MONTHS)
    after: IdList = ()
    #: Sessions to hold in every calendar year the horizon covers for at least
    #: ``OFFERING_YEAR_DAYS`` days (1.2); ``None``: the part's default (:attr:`per_year`).
    min_per_year: int | None = Field(default=None, ge=0, le=MAX_COUNT)

    @property
    def per_year(self) -> int:
        """Sessions to hold in every year of the plan: ``min_per_year``, or by default one
        for every course outside part 1 (part 2 is given in full every year) and none for
        part 1."""
        if self.min_per_year is not None:
            return self.min_per_year
        return 0 if self.part == "1" else 1


class Trainer(Record):
    """A trainer: a central coordinator (no district) or a district's trainer support."""

    trainer_id: FileId
    name: Text = ""
    email: Email = ""
    district_id: OptionalId = None
    courses: CourseSelection = ()
    max_half_days_per_week: int = Field(ge=0, le=MAX_COUNT)

    def qualified(self, course_id: str) -> bool:
        """Whether the trainer may teach the course."""
        return ALL_COURSES in self.courses or course_id in self.courses

    @property
    def named_courses(self) -> tuple[str, ...]:
        """The course ids ``courses`` names, without ``*``."""
        return tuple(c for c in self.courses if c != ALL_COURSES)


class Room(Record):
    """A room and how many it seats."""

    room_id: FileId
    name: Text = ""
    capacity: int = Field(ge=1, le=MAX_COUNT)
    address: Text = ""


class Unavailability(Record):
    """A trainer or room that is away (inclusive dates; one half or whole days)."""

    resource_id: Id
    start: IsoDate = Field(alias="from")
    end: IsoDate = Field(alias="to")
    half: OptionalHalf = None
    reason: Text = ""

    def covers(self, slot: Slot) -> bool:
        """Whether this unavailability covers the slot."""
        return self.start <= slot.day <= self.end and (self.half is None or self.half == slot.half)


class ElectiveStatus(StrEnum):
    """Where a personal course request stands: approved by the manager, or only requested."""

    APPROVED = "approved"
    REQUESTED = "requested"


def parse_status(value: Any) -> Any:
    """Accept a status in any case, around spaces; anything else is left to the enum."""
    if isinstance(value, str):
        return value.strip().lower()
    return value


class Elective(Record):
    """A personal course (the competence-development allowance) a person asks to take.

    An approved one keeps the person away in its open half-day slots: they attend no
    session then, and count toward their district's ``max_absent``. A requested one is
    only assessed.
    """

    request_id: Id
    person_id: Id
    title: str = ""
    start: IsoDate = Field(alias="from")
    end: IsoDate = Field(alias="to")
    half: OptionalHalf = None
    cost_sek: int = Field(default=0, ge=0, le=MAX_SEK)
    status: Annotated[ElectiveStatus, BeforeValidator(parse_status)]

    @property
    def approved(self) -> bool:
        """Whether the manager has approved it (it then keeps the person away)."""
        return self.status is ElectiveStatus.APPROVED

    def covers(self, slot: Slot) -> bool:
        """Whether the course takes the person away in the slot (open or not)."""
        return self.start <= slot.day <= self.end and (self.half is None or self.half == slot.half)


# ---------------------------------------------------------------------------------------------
# Schedule records (the output format, also read back for fixed sessions and the checker)
# ---------------------------------------------------------------------------------------------


def parse_slot_list(value: Any) -> tuple[Slot, ...]:
    """Read a cell's list of slots."""
    if isinstance(value, list | tuple) and all(isinstance(item, Slot) for item in value):
        return tuple(value)
    return tuple(Slot.parse(item) for item in split_list(value))


SlotList = Annotated[tuple[Slot, ...], BeforeValidator(parse_slot_list)]


class Session(Record):
    """One session: a course held in a room by trainers in consecutive half-day slots."""

    session_id: Id
    course_id: Id
    room_id: Id
    trainer_ids: IdList
    start: str = ""
    end: str = ""
    slots: SlotList
    participants: int = Field(default=0, ge=0, le=MAX_COUNT)
    # Seats held for expected hires (forecast.csv): in all, and by district and month.
    held: int = Field(default=0, ge=0, le=MAX_COUNT)
    held_for: HeldFor = ()
    #: History: the session began before a re-plan's ``--today`` (1.2).
    past: YesNo = False

    @property
    def held_seats(self) -> dict[str, int]:
        """The seats held for expected hires by ``district_id@YYYY-MM``, as ``held_for``
        lists them (``angered@2027-03:2``)."""
        seats: dict[str, int] = {}
        for item in self.held_for:
            key, count = item.rsplit(":", 1)
            seats[key] = seats.get(key, 0) + int(count)
        return seats


#: The kind of a row of a re-plan's ``changes.csv`` that says what history did against
#: the courses' order (a past session attended after missing a course it needs): written
#: by the re-plan, shown by the views.
HISTORY_ORDER = "history_order"


def trainer_half_days(sessions: Iterable[Session]) -> int:
    """Trainer half-days of the sessions: each session's slots times its trainers.

    The one count of the objective's main level, for schedule records; a plan being
    built counts its own with :meth:`schemalaggning.engine.plan.Plan.trainer_half_days`.
    """
    return sum(len(s.slots) * len(s.trainer_ids) for s in sessions)


class Forecast(Record):
    """The hiring plan of a district for a month: the required new hires expected in all."""

    district_id: Id
    month: Month
    hires: int = Field(ge=0, le=MAX_COUNT)


class SessionAttendance(Record):
    """Whether a person attended a session that was held (from the sign-in list).

    ``row`` is the row it was read from (0 when not read from a file), to name it when a
    re-plan finds its session unknown.
    """

    session_id: Id
    person_id: Id
    attended: YesNo
    row: int = 0


class Assignment(Record):
    """A person attending a session."""

    person_id: Id
    course_id: Id
    session_id: Id


class Unscheduled(Record):
    """A due attendance that the schedule does not meet, and why; with an empty
    ``person_id``, a yearly offering of the course that cannot be held (1.2), whose
    ``deadline`` is the year's last open day."""

    person_id: Id | Literal[""]
    course_id: Id
    deadline: IsoDate
    reason: Text = ""

    @property
    def offering(self) -> bool:
        """Whether the row is a yearly offering that cannot be held, not an attendance."""
        return not self.person_id


def attendances_unmet(unscheduled: Iterable[Unscheduled]) -> int:
    """How many rows of ``unscheduled.csv`` are due attendances (not yearly offerings)."""
    return sum(1 for u in unscheduled if not u.offering)


# ---------------------------------------------------------------------------------------------
# Month arithmetic and windows
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def add_months(day: date, months: int) -> date:
    """Return ``day`` plus ``months`` months, clamped to the month's last day.

    >>> add_months(date(2027, 1, 31), 1)
    datetime.date(2027, 2, 28)
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def planned_ahead(
    opens: date, closes: date, horizon_start: date, horizon_end: date, share: float
) -> bool:
    """Whether at least ``share`` of the window from ``opens`` to ``closes`` lies inside
    the horizon, each span counted in days between its two dates (format 1.2).

    A window of no days (it opens on the day it closes) counts as inside when that day is.

    >>> planned_ahead(date(2027, 1, 1), date(2027, 12, 31), date(2027, 1, 1),
    ...               date(2027, 6, 30), 0.5)
    False
    """
    inside = (min(closes, horizon_end) - max(opens, horizon_start)).days
    length = (closes - opens).days
    if length <= 0:
        return horizon_start <= opens <= horizon_end
    # The share as the decimal the instance wrote (0.56, not the float just above it),
    # so that a window exactly at the share is due.
    return inside >= Fraction(str(share)) * length


def calendar_years(settings: Settings) -> list[tuple[int, int]]:
    """Each calendar year the horizon touches, with the days of it the horizon covers
    (both ends counted)."""
    found = []
    for year in range(settings.horizon_start.year, settings.horizon_end.year + 1):
        first = max(settings.horizon_start, date(year, 1, 1))
        last = min(settings.horizon_end, date(year, 12, 31))
        found.append((year, (last - first).days + 1))
    return found


def offering_years(settings: Settings) -> tuple[int, ...]:
    """The calendar years of which the horizon covers at least ``OFFERING_YEAR_DAYS`` days."""
    return tuple(year for year, days in calendar_years(settings) if days >= OFFERING_YEAR_DAYS)


class Attendance(NamedTuple):
    """A person who must (or may) attend a course."""

    person_id: str
    course_id: str


class Instance(BaseModel):
    """A whole instance: settings and every record, with lookups by id.

    Its tables are checked against each other whenever one is built, however it is
    built (read, generated, :meth:`replace`), by the rules of
    :mod:`schemalaggning.references`: every id known and unique, no prerequisite cycle.

    Raises
    ------
    InstanceError
        When the tables do not fit together; it lists every problem. The reader checks
        the same rules first and names each problem's file, row and column.
    """

    model_config = ConfigDict(frozen=True)

    settings: Settings
    districts: tuple[District, ...]
    people: tuple[Person, ...]
    courses: tuple[Course, ...]
    trainers: tuple[Trainer, ...]
    rooms: tuple[Room, ...]
    unavailability: tuple[Unavailability, ...] = ()
    fixed_sessions: tuple[Session, ...] = ()
    fixed_assignments: tuple[Assignment, ...] = ()
    electives: tuple[Elective, ...] = ()
    forecast: tuple[Forecast, ...] = ()
    attendance: tuple[SessionAttendance, ...] = ()
    source: str = ""
    #: Ids of the people that stand for expected hires (seats held, never assigned).
    held_ids: frozenset[str] = frozenset()

    @model_validator(mode="after")
    def _tables_fit_together(self) -> Self:
        problems = instance_problems({name: getattr(self, name) for name in TABLE_NAMES})
        if problems:
            raise InstanceError(problems)
        return self

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields replaced, checked like any new instance.

        ``model_copy(update=...)`` comes here too: pydantic's own would neither check the
        copy nor drop the cached lookups (``course_by_id`` and the others) of the original.
        """
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        fields.update(changes)
        return type(self)(**fields)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, a new instance built and checked by :meth:`replace`
        (``deep`` does not matter then: the records are frozen)."""
        if update:
            return self.replace(**update)
        return super().model_copy(deep=deep)

    @cached_property
    def district_by_id(self) -> dict[str, District]:
        """Districts by id."""
        return {d.district_id: d for d in self.districts}

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        """People by id."""
        return {p.person_id: p for p in self.people}

    @cached_property
    def course_by_id(self) -> dict[str, Course]:
        """Courses by id."""
        return {c.course_id: c for c in self.courses}

    @cached_property
    def trainer_by_id(self) -> dict[str, Trainer]:
        """Trainers by id."""
        return {t.trainer_id: t for t in self.trainers}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        """Rooms by id."""
        return {r.room_id: r for r in self.rooms}

    @cached_property
    def approved_electives(self) -> tuple[Elective, ...]:
        """The approved personal courses, in file order (they keep people away)."""
        return tuple(e for e in self.electives if e.approved)

    def deadline(self, person: Person, course: Course) -> date:
        """The last day a required person's session of the course may end on."""
        return add_months(person.start_date, course.within_months)

    def earliest(self, person: Person, course: Course) -> date:
        """The first day a required person's session of the course may begin on."""
        return max(person.start_date, add_months(person.start_date, course.not_before_months))

    def is_due(self, person: Person, course: Course) -> bool:
        """Whether the attendance is due in this run: a required person's, of a course not
        done, whose window closes by the horizon's end or lies inside the horizon for at
        least the ``plan_ahead`` share of its days (:func:`planned_ahead`)."""
        if not person.required or course.course_id in person.done:
            return False
        settings = self.settings
        opens, closes = self.earliest(person, course), self.deadline(person, course)
        return closes <= settings.horizon_end or planned_ahead(
            opens, closes, settings.horizon_start, settings.horizon_end, settings.plan_ahead
        )

    @cached_property
    def offering_years(self) -> tuple[int, ...]:
        """The calendar years in which courses are held ``per_year`` times: those of which
        the horizon covers at least ``OFFERING_YEAR_DAYS`` days."""
        return offering_years(self.settings)

    @cached_property
    def due_attendances(self) -> tuple[Attendance, ...]:
        """Every due attendance, by person then course, in file order."""
        return tuple(
            Attendance(person.person_id, course.course_id)
            for person in self.people
            for course in self.courses
            if self.is_due(person, course)
        )

    @cached_property
    def required_people(self) -> tuple[Person, ...]:
        """The people who must complete the programme."""
        return tuple(p for p in self.people if p.required)
