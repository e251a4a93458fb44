"""The views of a schedule folder for people: the workbook, the report and the plans.

:func:`write_views` writes them into a schedule folder being written (``solve`` and
``replan`` call :func:`writing_views` through
:func:`~schemalaggning.export.folder.write_schedule`, the calendars written meanwhile);
:func:`export_views` writes them for an existing folder, which it replaces whole like
every other writer. :func:`closing_lines` says at the end of a run what was made and what
to do next.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from schemalaggning.domain import Assignment, Instance, Session, Unscheduled
from schemalaggning.export.background import in_background
from schemalaggning.export.views_data import build_views, read_rows
from schemalaggning.export.workbook import WORKBOOK_FILE, write_workbook
from schemalaggning.i18n import _
from schemalaggning.problems import InputError

#: The report's file name in a schedule folder.
REPORT_FILE = "rapport.html"
#: The folder of personal plans in a schedule folder.
PLANS_FOLDER = "planer"
#: What the views add to a schedule folder.
VIEW_ENTRIES = (WORKBOOK_FILE, REPORT_FILE, PLANS_FOLDER)


def write_views(
    folder: Path,
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    unscheduled: Sequence[Unscheduled],
    summary: dict[str, Any],
) -> None:
    """Write the workbook, the report and the personal plans into a schedule folder.

    ``changes.csv`` and ``electives.csv`` are read from the folder when it has them, so
    they must be written first.

    Parameters
    ----------
    folder
        The schedule folder being written (a staging folder: never the user's own).
    instance
        The schedule's instance.
    sessions, assignments, unscheduled, summary
        The schedule.
    """
    with writing_views(folder, instance, sessions, assignments, unscheduled, summary):
        pass


@contextlib.contextmanager
def writing_views(
    folder: Path,
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    unscheduled: Sequence[Unscheduled],
    summary: dict[str, Any],
) -> Iterator[None]:
    """Write the views (see :func:`write_views`) around the with-block.

    The workbook, which takes about as long as the rest, is written by a forked child
    process (:func:`~schemalaggning.export.background.in_background`) while this process
    writes the plans and whatever the with-block writes (the calendars), then the report
    (which counts what the calendars left to send); leaving the block waits for the
    workbook and raises what writing it raised.
    """
    from schemalaggning.export.plans import write_plans
    from schemalaggning.export.report import write_report

    views = build_views(
        instance,
        list(sessions),
        list(assignments),
        list(unscheduled),
        summary,
        changes=read_rows(folder / "changes.csv"),
        electives=read_rows(folder / "electives.csv"),
    )
    workbook = folder / WORKBOOK_FILE
    # What exists now (the instance, the schedule, the views) lives until the files are
    # written, while writing them makes millions of short-lived objects: frozen, it is
    # not gone through again by every full collection of the garbage collector (about a
    # second of Göteborg's writing), nor copied into the child by one.
    gc.freeze()
    try:
        with in_background(lambda: write_workbook(workbook, views), WORKBOOK_FILE):
            write_plans(folder / PLANS_FOLDER, views)
            yield
            # After the calendars: the report says what waits to be sent, as send counts it.
            write_report(folder / REPORT_FILE, views)
    finally:
        gc.unfreeze()


def export_views(schedule: str | Path, instance: str | Path | None = None) -> Path:
    """Write the views of an existing schedule folder, replacing the folder whole.

    Everything else in the folder (the schedule, its calendars and outbox, the user's
    own files) is carried over as it is.

    Raises
    ------
    InputError
        If the schedule or the instance cannot be read, or the schedule names ids the
        instance does not know.
    """
    from schemalaggning.export.ics.command import read_schedule_and_instance
    from schemalaggning.io import OutputFolder
    from schemalaggning.io.folders import carry_over

    folder = Path(schedule)
    loaded, read, source = read_schedule_and_instance(folder, instance)

    def write(temporary: Path) -> None:
        # The views are written anew; everything else is carried over as it is (a
        # failure to copy is told once, in words, by OutputFolder.replace).
        carry_over(folder, temporary, VIEW_ENTRIES)
        write_views(
            temporary,
            loaded,
            [s for _, s in read.sessions],
            [a for _, a in read.assignments],
            [u for _, u in read.unscheduled],
            read.summary,
        )

    with OutputFolder(folder, "schedule", inputs=[source]) as output:
        output.replace(write)
    return folder


def closing_lines(folder: Path, summary: dict[str, Any], rate: float | None = None) -> list[str]:
    """What a run made and what to do next, in the coordinator's words.

    Parameters
    ----------
    folder
        The schedule folder written.
    summary
        Its ``summary.json``.
    rate
        The messages a minute the instance's mail settings allow, if they say.
    """
    from schemalaggning.export.ics.files import CALENDAR_FILE
    from schemalaggning.export.summary_words import key_figures

    changes = summary.get("changes")
    figures = key_figures(summary, changes if isinstance(changes, int) else None)
    lines = [figure.sentence for figure in figures if figure.sentence]
    shown = str(folder)
    if (folder / REPORT_FILE).is_file():
        lines += [
            _("Written in {folder}:").format(folder=shown),
            f"  {REPORT_FILE}   " + _("the overview, to open in a web browser"),
            f"  {WORKBOOK_FILE}    "
            + _("the sessions, the sign-in lists to print, people and trainers"),
            f"  {PLANS_FOLDER}/        " + _("a page for each new hire and each trainer"),
        ]
    else:
        lines.append(_("Written in {folder}.").format(folder=shown))
    # What the run left for export views and export ics, unless written since.
    not_written = summary.get("not_written") or []
    if "views" in not_written and not (folder / REPORT_FILE).is_file():
        lines += [
            _(
                "The workbook, the report and the plans could not be written within the "
                "time limit. Write them with"
            ),
            f"  schemalaggning export views {shown}",
        ]
    if "calendars" in not_written and not (folder / CALENDAR_FILE).is_file():
        lines += [
            _(
                "The calendars and the invitations could not be written within the time "
                "limit. Write them with"
            ),
            f"  schemalaggning export ics {shown}",
        ]
        # The outbox still holds what the schedule before this one left unsent: sending
        # it now would mail invitations the calendars are about to change. export ics
        # says what to send once it has written them.
        return [line.replace("\u00a0", " ") for line in lines]
    lines += waiting_lines(folder, rate)
    return [line.replace("\u00a0", " ") for line in lines]


def waiting_lines(folder: Path, rate: float | None = None) -> list[str]:
    """What waits to be sent from the folder, counted as ``send`` will send it, and the
    command that sends it; how long that takes when it is much."""
    from schemalaggning.export.pending import Pending, pending

    try:
        waiting = pending(folder)
    except InputError:
        waiting = Pending()
    if waiting.messages:
        lines = [
            _("Next step: {waiting} wait to be sent. Send them with").format(
                waiting=waiting.words()
            )
        ]
        lines.append(f"  schemalaggning send {folder}")
        duration = waiting.duration_words(rate)
        return lines + ([duration] if duration else [])
    if (folder / "invites").is_dir():
        return [_("No invitations wait to be sent.")]
    return []
