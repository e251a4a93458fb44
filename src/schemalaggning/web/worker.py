"""A long run of the workspace in a process of its own: solve, re-plan, send or sweep.

Started by the server as ``python -m schemalaggning.web.worker WORKSPACE JOB KIND ARGS``
(see :mod:`schemalaggning.web.jobs`); never inside a request. The run writes its progress
as JSON lines to ``jobs/<job>.log`` (the same words as the command line's progress line),
and what it made to ``jobs/<job>.json``. SIGTERM (the page's cancel button) stops a
search as Ctrl-C does: the best schedule so far is written, and a send stops between two
messages with what was sent recorded in ``invites/sent.sqlite``.

It composes the library functions as the commands ``solve``, ``replan`` and ``send`` do,
through the same readers and :class:`~schemalaggning.io.folders.OutputFolder`, so the
folders it writes are the ones the command line reads.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from schemalaggning.engine.result import Result
from schemalaggning.exits import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, EXIT_TRY_AGAIN
from schemalaggning.i18n import _
from schemalaggning.interrupts import exit_status, signal_name, stop_on_sigterm
from schemalaggning.io.folders import FolderBusyError, OutputFolder
from schemalaggning.io.identity import instance_identity
from schemalaggning.problems import InputError, Problem
from schemalaggning.progress import ProgressDisplay
from schemalaggning.web.workspace import INSTANCE_FOLDER, Workspace


class Reporter:
    """Where a job writes its progress: one JSON object a line, flushed at once."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.last = time.monotonic()

    def write(self, kind: str, text: str, **more: Any) -> None:
        """Write one line of progress."""
        with self.lock:
            self.stream.write(json.dumps({"kind": kind, "text": text, **more}) + "\n")
            self.stream.flush()
            self.last = time.monotonic()


class WebProgress(ProgressDisplay):
    """The command line's progress line, written to the job's progress file."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__(Console(file=open_null(), force_terminal=False))
        self.reporter = reporter
        self.shown = 0.0

    def __call__(self, phase: str, figures: dict[str, Any]) -> None:
        changed = phase != self.phase
        super().__call__(phase, figures)
        now = time.monotonic()
        if changed or now - self.shown >= 0.5:
            self.shown = now
            self.reporter.write("progress", self.words())


def open_null() -> IO[str]:
    """A stream that keeps nothing."""
    import io

    return io.StringIO()


def heartbeat(reporter: Reporter, stop: threading.Event, started: float) -> None:
    """Say the run is working, every second nothing else was said (a re-plan reports no
    phases of its own)."""
    while not stop.wait(1.0):
        if time.monotonic() - reporter.last >= 1.0:
            seconds = round(time.monotonic() - started)
            reporter.write("heartbeat", _("working, {seconds} s").format(seconds=seconds))


def record_identity(result: Result, path: Path, instance: Any) -> None:
    """Set what the run knows of the result's record: the instance's path and identity."""
    if result.record is not None:
        result.record = replace(
            result.record,
            instance=str(path.resolve()),
            instance_identity=instance_identity(instance),
        )


def solve_workspace(workspace: Workspace, arguments: dict[str, Any], reporter: Reporter) -> None:
    """Schedule the workspace's instance into its schedule folder, as ``solve`` does."""
    from schemalaggning.engine.solve import SolveParams, deferred_writing
    from schemalaggning.export.folder import write_schedule
    from schemalaggning.export.ledger import other_published, read_ledger
    from schemalaggning.io import read_instance_with_warnings
    from schemalaggning.month.electives import assessment_tables
    from schemalaggning.month.forecast import solve_held

    started = time.perf_counter()
    path, target = workspace.instance, workspace.schedule
    loaded, _warnings = read_instance_with_warnings(path)
    time_limit = float(arguments["time_limit"])
    writing = deferred_writing(loaded, "calendars", time_limit)
    params = SolveParams(
        time_limit=time_limit, workers=2, improve=not arguments.get("greedy"), writing=writing
    )
    with OutputFolder(target, "schedule", [path]) as output:
        published = target if target.is_dir() else None
        if published is not None:
            # Invitations published for another instance (a city's workbook uploaded over
            # another's) are not cancelled from here: the run stops and says so.
            replaced = other_published(published, read_ledger(published), loaded, path)
            if replaced:
                raise InputError([Problem(INSTANCE_FOLDER, None, None, None, replaced)])
        result = solve_held(loaded, params, WebProgress(reporter), "file", started)
        record_identity(result, path, loaded)
        tables = assessment_tables(loaded, result.sessions, result.assignments)
        reporter.write("progress", _("writing the schedule folder"))
        output.replace(
            lambda folder: write_schedule(
                folder, result, loaded if writing != "files" else None, published, tables
            )
        )


def replan_workspace(workspace: Workspace, arguments: dict[str, Any], reporter: Reporter) -> None:
    """Re-plan the workspace's instance around its schedule folder, as ``replan`` does."""
    from schemalaggning.engine.solve import SolveParams
    from schemalaggning.export.folder import write_schedule
    from schemalaggning.export.ledger import read_ledger
    from schemalaggning.io import read_instance_with_warnings, read_schedule
    from schemalaggning.io.identity import require_same_instance
    from schemalaggning.month.changes import CHANGE_COLUMNS
    from schemalaggning.month.electives import assessment_tables
    from schemalaggning.month.replan import replan

    started = time.perf_counter()
    path, target = workspace.instance, workspace.schedule
    loaded, _warnings = read_instance_with_warnings(path)
    params = SolveParams(
        time_limit=float(arguments["time_limit"]),
        workers=2,
        improve=not arguments.get("greedy"),
        writing="calendars",
    )
    today = date.fromisoformat(arguments["today"])
    with OutputFolder(target, "schedule", [path]) as output:
        schedule = read_schedule(target)
        if schedule.problems:
            raise InputError(schedule.problems)
        require_same_instance(target, schedule.summary, loaded, path)
        read_ledger(target)
        reporter.write("progress", _("re-planning around the published schedule"))
        result, changes = replan(loaded, schedule, today, 4, params, "file", started)
        record_identity(result, path, loaded)
        tables = {
            "changes.csv": (list(CHANGE_COLUMNS), [c.row() for c in changes]),
            **assessment_tables(loaded, result.sessions, result.assignments),
        }
        reporter.write("progress", _("writing the schedule folder"))
        output.replace(lambda folder: write_schedule(folder, result, loaded, target, tables))


def send_workspace(workspace: Workspace, arguments: dict[str, Any], reporter: Reporter) -> int:
    """Send the schedule folder's outbox, each message once; the exit status."""
    import os

    from schemalaggning.domain import SmtpSettings
    from schemalaggning.export.send import PASSWORD_VARIABLE, Message, send_outbox, settings_for

    settings = settings_for(SmtpSettings.model_validate(arguments["smtp"]), *[None] * 5)
    counted = {"done": 0, "total": 0}

    def started(total: int) -> None:
        counted["total"] = total
        reporter.write("count", _("sending {total} messages").format(total=total), total=total)

    def advanced(message: Message, outcome: str) -> None:
        counted["done"] += 1
        line = _("{done} of {total} sent").format(**counted)
        reporter.write("count", line, done=counted["done"], total=counted["total"])

    with OutputFolder(workspace.schedule, "schedule").held():
        report = send_outbox(
            workspace.schedule,
            settings,
            os.environ.get(PASSWORD_VARIABLE) or None,
            on_message=advanced,
            on_start=started,
        )
    for failure in report.failures:
        reporter.write("line", f"{failure.address}: {failure.reply}")
    if report.stopped:
        reporter.write("line", report.stopped)
    reporter.write("line", report.line(), sent=report.sent)
    if report.interrupted:
        return 128 + report.interrupted
    if report.stopped:
        return EXIT_TRY_AGAIN
    return EXIT_FAILED if report.failures else EXIT_OK


def sweep_workspace(workspace: Workspace, arguments: dict[str, Any], reporter: Reporter) -> int:
    """Solve a small grid of what-if scenarios of the workspace's instance into the job's
    sweep folder, as ``sweep`` does on a local cluster of one task; the exit status."""
    from schemalaggning.io import read_instance_with_warnings
    from schemalaggning.whatif.sweep import Grid, Outcome
    from schemalaggning.whatif.sweep_report import SweepSettings, run_sweep

    loaded, _warnings = read_instance_with_warnings(workspace.instance)
    values = {key: tuple(given) for key, given in arguments["values"].items() if given}
    grid = Grid(values, tuple(arguments["seeds"]))
    total = len(grid.scenarios())
    reporter.write("count", _("0 of {total} scenarios done").format(total=total), total=total)

    def arrived(outcome: Outcome, done: int, total: int) -> None:
        line = _("{done} of {total} scenarios done").format(done=done, total=total)
        reporter.write("count", line, done=done, total=total)

    settings = SweepSettings(float(arguments["time_limit"]), workers=1, tasks=1)
    folder = workspace.sweep_folder(int(arguments["job"]))
    run = run_sweep(loaded, grid, folder, settings, arrived)
    if run.stopped_by is not None:
        done = len(run.outcomes)
        words = _("cancelled: {done} of {total} scenarios were done and are kept")
        reporter.write("line", words.format(done=done, total=total))
        return exit_status(run.stopped_by)
    return EXIT_FAILED if run.failed else EXIT_OK


RUNS: dict[str, Callable[[Workspace, dict[str, Any], Reporter], int | None]] = {
    "solve": solve_workspace,
    "replan": replan_workspace,
    "send": send_workspace,
    "sweep": sweep_workspace,
}


def run_job(workspace: Workspace, job_id: int, kind: str, arguments: dict[str, Any]) -> int:
    """Run one job, its progress and outcome written beside its id; the exit status."""
    log = workspace.jobs / f"{job_id}.log"
    with log.open("a", encoding="utf-8") as stream:
        reporter = Reporter(stream)
        stop = threading.Event()
        beat = threading.Thread(
            target=heartbeat, args=(reporter, stop, time.monotonic()), daemon=True
        )
        beat.start()
        try:
            given = {**arguments, "job": job_id}
            status = RUNS[kind](workspace, given, reporter) or EXIT_OK
        except InputError as error:
            problems = [workspace.hidden(str(p)) for p in error.problems]
            reporter.write("problems", _("the run stopped"), problems=problems)
            status = EXIT_BAD_INPUT
        except FolderBusyError:
            reporter.write("problems", _("the folder is busy with another run; try again"))
            status = EXIT_TRY_AGAIN
        except KeyboardInterrupt as stopped:
            reporter.write("line", _("cancelled"))
            status = exit_status(signal_name(stopped))
        finally:
            stop.set()
        reporter.write("end", "", status=status)
    return status


def main(argv: list[str]) -> int:
    """Run the job the arguments name."""
    stop_on_sigterm()
    root, job_id, kind, arguments = argv
    return run_job(Workspace(Path(root)), int(job_id), kind, json.loads(arguments))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
