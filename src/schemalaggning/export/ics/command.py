"""``export ics``: the calendars of an existing schedule folder, written into it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from schemalaggning.domain import Instance
from schemalaggning.export.ics.events import schedule_reference_problems
from schemalaggning.export.ics.files import MANAGED_ENTRIES, ExportReport, write_calendars
from schemalaggning.export.ledger import (
    Ledger,
    read_ledger,
)
from schemalaggning.io import OutputFolder, Schedule, read_instance, read_schedule
from schemalaggning.io.folders import carry_over
from schemalaggning.io.identity import require_same_instance, schedule_instance
from schemalaggning.problems import InputError


def read_schedule_and_instance(
    folder: Path, instance: str | Path | None
) -> tuple[Instance, Schedule, Path]:
    """A schedule folder, its instance (the one given, else the one its summary names)
    and the instance's path, read and checked against each other: the same instance,
    and every id of the schedule known to it.

    Raises
    ------
    InputError
        With every problem of the schedule, or the instance's, or between them.
    """
    read = read_schedule(folder)
    if read.problems:
        raise InputError(read.problems)
    path = schedule_instance(folder, read.summary, instance)
    loaded = read_instance(path)
    require_same_instance(folder, read.summary, loaded, path)
    problems = schedule_reference_problems(loaded, read.sessions, read.assignments)
    if problems:
        raise InputError(problems)
    return loaded, read, path


def _read_for_export(
    folder: Path, instance: str | Path | None
) -> tuple[Instance, Schedule, Ledger | None]:
    """The instance, schedule and ledger an export of ``folder`` works from."""
    loaded, read, _ = read_schedule_and_instance(folder, instance)
    return loaded, read, read_ledger(folder)


def export_ics(
    schedule: str | Path,
    instance: str | Path | None = None,
    *,
    changes_only: bool = False,
    published_at: datetime | None = None,
) -> ExportReport:
    """Write the calendars of a schedule folder into it, replacing the folder atomically.

    Parameters
    ----------
    schedule
        The schedule folder (``sessions.csv``, ``assignments.csv`` ...).
    instance
        The instance; by default the one ``summary.json`` names under ``instance``.
    changes_only
        Write only what changed since the ledger (see :func:`write_calendars`).
    published_at
        The DTSTAMP of new versions (see :func:`publication_time`).

    Raises
    ------
    InputError
        If the schedule, the instance or the ledger cannot be read, or the schedule
        names ids the instance does not know.
    """
    folder = Path(schedule)
    # The folder is locked before it is read: a solve or re-plan cannot replace it
    # between the reading and the writing.
    with OutputFolder(folder, "schedule") as output:
        loaded, read, ledger = _read_for_export(folder, instance)
        reports: list[ExportReport] = []

        def write(temporary: Path) -> None:
            # Everything but the calendar files is carried over as it is (the schedule,
            # and whatever else was written beside it); the ledger was read above.
            carry_over(folder, temporary, MANAGED_ENTRIES)
            reports.append(
                write_calendars(
                    temporary,
                    loaded,
                    [s for _, s in read.sessions],
                    [a for _, a in read.assignments],
                    ledger,
                    changes_only=changes_only,
                    published_at=published_at,
                    previous=folder,
                )
            )

        output.replace(write)
    return dataclasses.replace(reports[0], folder=folder)
