"""A whole schedule folder: the contract's files, the views for people and the calendars.

The four files of the format are written by
:func:`schemalaggning.io.write.write_schedule_files`; this module adds what the exports
make of them (the workbook, the report and the personal plans, the calendars and
invitations) and carries the published ledger and outbox over. It sits above both the
reading and writing of the format (:mod:`schemalaggning.io`) and the exports, which is
why ``solve``, ``replan`` and a sweep's scenarios write their folders through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schemalaggning.domain import Instance
from schemalaggning.engine.result import Result
from schemalaggning.export.ics import write_calendars
from schemalaggning.export.ledger import carry_ledger, read_ledger
from schemalaggning.export.outbox import carry_unsent
from schemalaggning.export.views import writing_views
from schemalaggning.io.folders import OutputFolder
from schemalaggning.io.tables import write_csv
from schemalaggning.io.write import write_schedule_files


def write_schedule(
    folder: Path,
    result: Result,
    instance: Instance | None = None,
    published: Path | None = None,
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] | None = None,
    *,
    calendars: bool = True,
) -> None:
    """Write a solve's schedule into a new, empty folder.

    Parameters
    ----------
    folder
        The folder to fill (:meth:`OutputFolder.replace` hands one over).
    result
        The solve's result: the four schedule files are written from it.
    instance
        The solved instance. When given, the views for people are written too (the
        workbook, the report and the personal plans, see
        :mod:`schemalaggning.export.views`), and the calendars and invitations (see
        :mod:`schemalaggning.export.ics`), against the ledger of what ``published``
        had published, so that moved sessions update and removed ones are cancelled.
        Without it (or without ``calendars``) the published ledger is carried over as
        it is.
    published
        The schedule folder whose ledger counts as published (the folder being
        replaced, or the published one of a re-plan); ``None`` for a first schedule.
    tables
        More CSV files to write into the folder: file name -> (columns, rows).
    calendars
        Whether to write the calendars and invitations when ``instance`` is given.
    """
    previous = published if published is not None and published.is_dir() else None
    ledger = read_ledger(previous) if previous is not None else None
    write_schedule_files(
        folder, result.sessions, result.assignments, result.unscheduled, result.summary
    )
    for name, (columns, rows) in (tables or {}).items():
        write_csv(folder / name, columns, rows)
    if instance is not None:
        # After the tables: the views show changes.csv and electives.csv. The workbook
        # is written beside the calendars, by a child process where one can be forked.
        with writing_views(
            folder,
            instance,
            result.sessions,
            result.assignments,
            result.unscheduled,
            result.summary,
        ):
            if calendars:
                write_calendars(
                    folder, instance, result.sessions, result.assignments, ledger, previous=previous
                )
    if (instance is None or not calendars) and previous is not None:
        # Without calendars the ledger, the outbox and its files, and the store of what
        # was sent stay as they were: nothing unsent is dropped.
        carry_ledger(previous, folder)
        carry_unsent(previous, folder)


def write_result(
    result: Result,
    folder: str | Path,
    instance: Instance | None = None,
    ledger_from: str | Path | None = None,
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] | None = None,
) -> Path:
    """Write a solve's schedule folder safely: checked, locked, replaced whole.

    The folder must be new, empty or a schedule folder this program wrote (see
    :class:`~schemalaggning.io.folders.OutputFolder`); the schedule it held goes to its
    ``history/``. See :func:`write_schedule` for the parameters; ``ledger_from`` is
    the published folder, by default ``folder`` itself.
    """
    folder = Path(folder)
    published = Path(ledger_from) if ledger_from is not None else folder
    # The ledger is read before anything is written, so that a damaged one stops the run
    # with the existing folder untouched.
    read_ledger(published)
    with OutputFolder(folder, "schedule") as output:
        return output.replace(
            lambda staging: write_schedule(staging, result, instance, published, tables)
        )
