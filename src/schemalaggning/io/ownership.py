"""Which files of an output folder are the program's, and which the user's.

A run replaces only what it wrote (:class:`~schemalaggning.io.folders.OutputFolder`);
every other file stays where the user put it, at any depth: in ``planer/``,
``invites/``, ``ics/`` or a folder of the user's own. The rule:

- **A folder whose marker lists what it holds.** The marker ``.schemalaggning`` lists
  every file and folder the run wrote (:data:`FILES_KEY`, :data:`FOLDERS_KEY`). A file
  not listed is the user's, and so is a folder holding none of the listed files (it
  moves as one).
- **Files changed in place.** ``send``, ``send --discard`` and ``replan`` change files of
  ``invites/`` outside a replace (the outbox, the store of what was sent and its
  journal, the note that a re-plan took the unsent invitations): these are the
  program's, listed or not (:data:`WRITTEN_IN_PLACE`). They go into the history with the
  version they belong to, since the new content has its own copy: sending stays exactly
  once.
- **A folder whose marker lists nothing** (written by an earlier version, or before the
  marker existed) is read by the rule that loses nothing of the user's: a file is the
  program's only where it has the form the program writes. At the top those are the
  names of :data:`SCHEDULE_ENTRIES`; inside ``planer/``, ``invites/`` and ``ics/`` the
  forms of :data:`LEGACY_FILES` in the folders of :data:`LEGACY_FOLDERS`
  (``planer/personer/<id>.html``, ``ics/people/<id>.ics``, ``invites/<event>.ics`` ...).
  Every other file, and every other folder there, is the user's. A file of the user's
  of the program's very form (a ``planer/personer/extra.html`` of one's own) cannot be
  told apart: it goes into the history with the version replaced, and the history
  never prunes such a version, nor any other whose marker lists nothing (an earlier
  version of this program moved the user's files inside those three folders into the
  history with the schedule, and they may still be there).

A folder of another kind (a generated instance) whose marker lists nothing is the
program's whole, as before.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The file that marks a folder as written by this program, with what it holds.
MARKER = ".schemalaggning"
#: Where a replaced schedule goes, inside the folder.
HISTORY = "history"
#: Every entry a schedule folder of this program may hold at its top. In a folder whose
#: marker lists no files, an entry not in this list is the user's.
SCHEDULE_ENTRIES = frozenset(
    {
        MARKER,
        HISTORY,
        "sessions.csv",
        "assignments.csv",
        "unscheduled.csv",
        "summary.json",
        "changes.csv",
        "electives.csv",
        "calendar.ics",
        "ics",
        "invites",
        "schema.xlsx",
        "rapport.html",
        "planer",
    }
)
#: The marker's list of the files a run wrote: paths inside the folder, ``/`` between parts.
FILES_KEY = "files"
#: The marker's list of the folders a run made (every folder holding one of its files, and
#: the empty ones it made), the same way.
FOLDERS_KEY = "folders"
#: The folder of a schedule folder where ``send`` and ``replan`` write in place.
IN_PLACE_FOLDER = "invites"
#: Files of a schedule folder that ``send``, ``send --discard`` and ``replan`` write in
#: place (not listed by the marker, which only a replace writes): the outbox and its
#: temporary file, the store of what was sent and its journal, and the note that a
#: re-plan took the unsent invitations elsewhere, with its temporary file.
WRITTEN_IN_PLACE = re.compile(
    r"invites/(outbox\.csv|sent\.sqlite(-journal)?|carried-to\.json"
    r"|\.(outbox\.csv|carried-to\.json)\.\d+)"
)
#: The folders of a schedule folder whose files were mixed with the user's before the
#: marker listed files, and the folders the program makes inside them.
LEGACY_FOLDERS = frozenset(
    {
        "planer",
        "planer/personer",
        "planer/utbildare",
        "ics",
        "ics/people",
        "ics/trainers",
        "ics/rooms",
        "invites",
        "invites/unsent",
    }
)
#: The forms of the files the program writes inside :data:`LEGACY_FOLDERS`: in a folder
#: whose marker lists no files, a file there of another form is the user's.
LEGACY_FILES = re.compile(
    r"planer/(index\.html|(personer|utbildare)/[^/]+\.html)"
    r"|ics/(ledger\.json|(people|trainers|rooms)/[^/]+\.ics)"
    r"|invites/(unsent/)?[^/]+\.ics"
)


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a folder this program wrote, or ``None``."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _strings(value: object) -> frozenset[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return frozenset(value)
    return None


@dataclass(frozen=True)
class Ownership:
    """Which entries of a folder this program wrote; every other one is the user's.

    Paths are inside the folder, with ``/`` between parts. See the module's text for the
    rule of a folder whose marker lists no files (``files`` is then ``None``).
    """

    kind: str
    files: frozenset[str] | None = None
    folders: frozenset[str] = frozenset()

    @classmethod
    def of(cls, folder: Path, kind: str) -> Ownership:
        """What the marker of ``folder`` says this program wrote into it."""
        marker = read_marker(folder) or {}
        files = _strings(marker.get(FILES_KEY))
        if files is None:
            return cls(kind)
        folders = set(_strings(marker.get(FOLDERS_KEY)) or ())
        for path in files:
            parts = path.split("/")
            folders.update("/".join(parts[:end]) for end in range(1, len(parts)))
        return cls(kind, files, frozenset(folders))

    def owns(self, path: str) -> bool:
        """Whether the file (or link) at ``path`` is the program's."""
        schedule = self.kind == "schedule"
        if schedule and WRITTEN_IN_PLACE.fullmatch(path):
            return True
        if self.files is not None:
            return path in self.files
        if not schedule:
            return True
        top = path.partition("/")[0]
        if top in LEGACY_FOLDERS:
            return LEGACY_FILES.fullmatch(path) is not None
        return top in SCHEDULE_ENTRIES

    def may_hold(self, folder: str) -> bool:
        """Whether the folder at ``folder`` may hold files of the program's; one that
        cannot is the user's, whole."""
        schedule = self.kind == "schedule"
        if schedule and folder == IN_PLACE_FOLDER:
            return True
        if self.files is not None:
            return folder in self.folders
        if not schedule:
            return True
        return folder in LEGACY_FOLDERS or ("/" not in folder and folder in SCHEDULE_ENTRIES)


def users_entries(folder: Path, owned: Ownership) -> list[str]:
    """The user's entries of a folder, at any depth: the files the program did not write,
    and the folders that cannot hold one of its files (each one entry, whole).

    The marker and the history, at the top, are neither's: they are carried apart.
    """
    found: list[str] = []
    pending = [(folder, "")]
    while pending:
        directory, prefix = pending.pop()
        for entry in sorted(directory.iterdir()):
            path = prefix + entry.name
            if not prefix and entry.name in (MARKER, HISTORY):
                continue
            if entry.is_dir() and not entry.is_symlink():
                if owned.may_hold(path):
                    pending.append((entry, path + "/"))
                else:
                    found.append(path)
            elif not owned.owns(path):
                found.append(path)
    return sorted(found)


def written_entries(folder: Path) -> tuple[list[str], list[str]]:
    """Every file (and link) and every folder under ``folder``, as the marker lists them:
    paths inside it, ``/`` between parts, without the marker and the history."""
    files: list[str] = []
    folders: list[str] = []
    for root, dirs, names in os.walk(folder):
        inside = Path(root).relative_to(folder).as_posix()
        prefix = "" if inside == "." else inside + "/"
        if not prefix:
            dirs[:] = [d for d in dirs if d != HISTORY]
            names = [n for n in names if n != MARKER]
        for name in list(dirs):
            if (Path(root) / name).is_symlink():
                dirs.remove(name)
                names.append(name)
        folders.extend(prefix + name for name in dirs)
        files.extend(prefix + name for name in names)
    return sorted(files), sorted(folders)


def carry_plan(
    source: Path, target: Path, entries: Iterable[str]
) -> tuple[list[tuple[Path, Path]], list[str]]:
    """How to move ``entries`` of ``source`` to the same places under ``target``: the
    renames, and the entries whose place is taken (by a file, or a folder where a file
    goes). A folder whose place is a folder is merged, entry by entry."""
    moves: list[tuple[Path, Path]] = []
    taken: list[str] = []
    pending = sorted(entries, reverse=True)
    while pending:
        path = pending.pop()
        origin, place = source / path, target / path
        if not (place.exists() or place.is_symlink()):
            moves.append((origin, place))
        elif place.is_dir() and origin.is_dir() and not origin.is_symlink():
            pending.extend(f"{path}/{child.name}" for child in origin.iterdir())
        else:
            taken.append(path)
    return moves, sorted(taken)


def move_entries(moves: Iterable[tuple[Path, Path]]) -> None:
    """Make the renames :func:`carry_plan` planned, making the folders they go into."""
    for origin, place in moves:
        place.parent.mkdir(parents=True, exist_ok=True)
        origin.rename(place)


def _is_owned(entry: Path, path: str, owned: Ownership) -> bool:
    if entry.is_dir() and not entry.is_symlink():
        return owned.may_hold(path)
    return owned.owns(path)


def carry_over(folder: Path, temporary: Path, rewritten: Iterable[str]) -> None:
    """Copy the program's entries of a folder into the new content being written for it,
    as they are, but those ``rewritten`` (written anew) and the history and marker.

    :meth:`~schemalaggning.io.folders.OutputFolder.replace` carries those itself, and the
    user's files too (it moves them, at any depth, after the new content is marked: a
    copy here would be listed as the program's). Links are copied as links.
    """
    marker = read_marker(folder) or {}
    owned = Ownership.of(folder, str(marker.get("kind", "schedule")))
    skip = {*rewritten, HISTORY, MARKER}

    def users(directory: str, names: list[str]) -> list[str]:
        inside = Path(directory).relative_to(folder).as_posix()
        return [n for n in names if not _is_owned(Path(directory, n), f"{inside}/{n}", owned)]

    for entry in sorted(folder.iterdir()):
        if entry.name in skip or not _is_owned(entry, entry.name, owned):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, temporary / entry.name, symlinks=True, ignore=users)
        else:
            shutil.copy2(entry, temporary / entry.name, follow_symlinks=False)
