"""The tables of the instance format: their files, columns, records and id columns.

One :class:`TableSpec` per table, in the order the tables are read, written and
checked; the schedule's own columns (``sessions.csv`` and the others) are here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from schemalaggning.domain import (
    Assignment,
    Course,
    District,
    Elective,
    Forecast,
    Person,
    Room,
    Session,
    SessionAttendance,
    Trainer,
    Unavailability,
)


@dataclass(frozen=True)
class TableSpec:
    """What one table of the format holds."""

    name: str
    record: type[BaseModel]
    columns: tuple[str, ...]
    id_column: str | None
    required: bool = True
    #: Columns read when the header has them (written after the format's columns).
    optional: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        """The table's CSV file name."""
        return f"{self.name}.csv"


SESSION_COLUMNS = (
    "session_id",
    "course_id",
    "room_id",
    "trainer_ids",
    "start",
    "end",
    "slots",
    "participants",
)
ASSIGNMENT_COLUMNS = ("person_id", "course_id", "session_id")
UNSCHEDULED_COLUMNS = ("person_id", "course_id", "deadline", "reason")
#: Columns of sessions.csv beyond the format's: the seats held for expected hires, and
#: whether the session is history (1.2).
HELD_COLUMNS = ("held", "held_for", "past")
FORECAST_COLUMNS = ("district_id", "month", "hires")
ATTENDANCE_COLUMNS = ("session_id", "person_id", "attended")
ELECTIVE_COLUMNS = ("request_id", "person_id", "title", "from", "to", "half", "cost_sek", "status")

TABLES = (
    TableSpec("districts", District, ("district_id", "name", "max_absent"), "district_id"),
    TableSpec(
        "people",
        Person,
        ("person_id", "name", "email", "district_id", "start_date", "required", "done"),
        "person_id",
    ),
    TableSpec(
        "courses",
        Course,
        (
            "course_id",
            "name",
            "part",
            "half_days",
            "min_group",
            "max_group",
            "trainers",
            "within_months",
            "not_before_months",
            "after",
        ),
        "course_id",
        optional=("min_per_year",),
    ),
    TableSpec(
        "trainers",
        Trainer,
        ("trainer_id", "name", "email", "district_id", "courses", "max_half_days_per_week"),
        "trainer_id",
    ),
    TableSpec("rooms", Room, ("room_id", "name", "capacity", "address"), "room_id"),
    TableSpec(
        "unavailability",
        Unavailability,
        ("resource_id", "from", "to", "half", "reason"),
        None,
        required=False,
    ),
    TableSpec(
        "fixed_sessions",
        Session,
        SESSION_COLUMNS,
        "session_id",
        required=False,
        optional=HELD_COLUMNS,
    ),
    TableSpec("fixed_assignments", Assignment, ASSIGNMENT_COLUMNS, None, required=False),
    TableSpec("electives", Elective, ELECTIVE_COLUMNS, "request_id", required=False),
    TableSpec("forecast", Forecast, FORECAST_COLUMNS, None, required=False),
    TableSpec("attendance", SessionAttendance, ATTENDANCE_COLUMNS, None, required=False),
)
TABLE_BY_NAME = {spec.name: spec for spec in TABLES}


#: ``sessions.csv`` of a schedule folder.
SESSIONS_SPEC = TableSpec("sessions", Session, SESSION_COLUMNS, "session_id", optional=HELD_COLUMNS)
