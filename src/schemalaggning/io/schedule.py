"""Reading a schedule folder back (for the checker, re-planning and calendar export).

Reading is lenient: a row that does not parse is reported as a problem and left out,
so that the checker can name every fault of a schedule instead of stopping at the first.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemalaggning.domain import Assignment, Session, Unscheduled
from schemalaggning.i18n import _
from schemalaggning.io.records import parse_rows
from schemalaggning.io.specs import (
    ASSIGNMENT_COLUMNS,
    SESSIONS_SPEC,
    UNSCHEDULED_COLUMNS,
    TableSpec,
)
from schemalaggning.io.tables import read_csv
from schemalaggning.problems import InputError, Problem

SCHEDULE_TABLES = (
    SESSIONS_SPEC,
    TableSpec("assignments", Assignment, ASSIGNMENT_COLUMNS, None),
    TableSpec("unscheduled", Unscheduled, UNSCHEDULED_COLUMNS, None),
)


@dataclass
class Schedule:
    """A schedule as read from a folder: records with their rows, and what did not parse."""

    sessions: list[tuple[int, Session]] = field(default_factory=list)
    assignments: list[tuple[int, Assignment]] = field(default_factory=list)
    unscheduled: list[tuple[int, Unscheduled]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_schedule(folder: str | Path) -> Schedule:
    """Read ``sessions.csv``, ``assignments.csv``, ``unscheduled.csv`` and ``summary.json``."""
    folder = Path(folder)
    schedule = Schedule()
    if not folder.is_dir():
        schedule.problems.append(
            Problem(str(folder), None, None, None, _("expected a schedule folder"))
        )
        return schedule
    for spec in SCHEDULE_TABLES:
        path = folder / spec.file_name
        if not path.is_file():
            schedule.problems.append(
                Problem(
                    spec.file_name,
                    None,
                    None,
                    None,
                    _("expected the file in {folder}").format(folder=folder),
                )
            )
            continue
        try:
            table = read_csv(path, spec.name)
        except InputError as error:
            # Located already: the row and column of an oversized cell, the encoding.
            schedule.problems += error.problems
            continue
        except (OSError, csv.Error) as error:
            schedule.problems.append(
                Problem(
                    spec.file_name,
                    None,
                    None,
                    None,
                    _("expected a readable CSV file ({error})").format(error=error),
                )
            )
            continue
        setattr(schedule, spec.name, parse_rows(table, spec, schedule.problems))
    summary = folder / "summary.json"
    if summary.is_file():
        try:
            schedule.summary = json.loads(summary.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, OSError) as error:
            schedule.problems.append(
                Problem(
                    summary.name, None, None, None, _("expected JSON ({error})").format(error=error)
                )
            )
    return schedule
