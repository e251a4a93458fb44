"""What waits for the coordinator, as Översikt says it: the invitations not yet sent (the
one count of :mod:`schemalaggning.export.pending`), the no-shows of ``attendance.csv``
that the schedule folder still seats (a re-plan takes them out and plans the course
again), and the personal course requests that ``electives.csv`` has not assessed yet;
and the next step in words.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from schemalaggning.i18n import _
from schemalaggning.problems import InputError
from schemalaggning.web.workspace import Workspace


@dataclass(frozen=True)
class Waiting:
    """What waits: the messages to send (and their count in words), the no-shows not yet
    re-planned and the requests not yet assessed (each a person's name)."""

    messages: int = 0
    message_words: str = ""
    no_shows: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()


def stamp(*paths: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when one of the files (or the files of a folder) changes."""
    found = []
    for path in paths:
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        for file in files:
            try:
                status = file.stat()
            except OSError:
                continue
            found.append((str(file), status.st_mtime_ns, status.st_size))
    return tuple(found)


def waiting(workspace: Workspace) -> Waiting:
    """What waits in the workspace now."""
    schedule = workspace.schedule
    marks = stamp(workspace.instance, schedule / "summary.json", schedule / "electives.csv")
    no_shows, requests = _not_taken_in(str(workspace.instance), str(schedule), marks)
    messages, words = _pending(workspace)
    return Waiting(messages, words, no_shows, requests)


def _pending(workspace: Workspace) -> tuple[int, str]:
    """The messages a send would send now, and their count in words."""
    from schemalaggning.export.pending import pending

    if not (workspace.schedule / "invites").is_dir():
        return 0, ""
    try:
        count = pending(workspace.schedule)
    except (InputError, OSError):
        return 0, ""
    return count.messages, count.words() if count.messages else ""


@lru_cache(maxsize=4)
def _not_taken_in(
    instance_folder: str, schedule_folder: str, marks: tuple[tuple[str, int, int], ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of the no-shows the schedule still seats, and of those whose requests
    it has not assessed (read again only when a file changed: a city takes a while)."""
    from schemalaggning.io import read_instance, read_schedule

    try:
        instance = read_instance(Path(instance_folder))
    except InputError:
        return (), ()
    names = {person.person_id: person.name for person in instance.people}
    folder = Path(schedule_folder)
    seated: set[tuple[str, str]] = set()
    if (folder / "summary.json").is_file():
        schedule = read_schedule(folder)
        seated = {(a.session_id, a.person_id) for _, a in schedule.assignments}
    no_shows = [
        names.get(row.person_id, row.person_id)
        for row in instance.attendance
        if not row.attended and (row.session_id, row.person_id) in seated
    ]
    assessed = assessed_requests(folder / "electives.csv")
    requests = [
        names.get(elective.person_id, elective.person_id)
        for elective in instance.electives
        if not elective.approved and elective.request_id not in assessed
    ]
    return tuple(no_shows), tuple(requests)


def assessed_requests(path: Path) -> set[str]:
    """The request ids a schedule folder's ``electives.csv`` assessed."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return {row.get("request_id", "") for row in csv.DictReader(stream)}
    except OSError:
        return set()


def next_step(valid: bool, solved: bool, published: bool, what: Waiting) -> str:
    """What the coordinator does next, in words."""
    if not valid:
        return _("Upload an instance without errors under Input.")
    if not solved:
        return _("Make a schedule under Schedule / Re-plan.")
    if what.no_shows or what.requests:
        return _(
            "Re-plan under Schedule / Re-plan, so that the no-shows get a new session and "
            "the personal course requests are assessed."
        )
    if not published:
        return _("Look at the schedule and publish it under Schedule / Re-plan.")
    if what.messages:
        return _("Send the invitations that wait under Send.")
    return _("Nothing waits: when hires or attendance change, upload them and re-plan.")
