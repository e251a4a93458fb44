"""Whether a run may write where it is asked to, checked before any work.

A folder may be written when it is missing, empty, or one this program wrote (its marker
file, or the files of a schedule folder written before the marker existed); a CSV file
when it is new or one this program wrote. Never the current folder, the home folder, an
input or a folder holding one. Each refusal names the path and says what is expected;
:mod:`schemalaggning.io.folders` writes the folder once these find nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from schemalaggning.i18n import N_, Messages, _
from schemalaggning.io.ownership import MARKER, SCHEDULE_ENTRIES, read_marker
from schemalaggning.problems import Problem

#: What a schedule folder written before the marker existed holds, at least.
LEGACY_SCHEDULE = frozenset({"sessions.csv", "assignments.csv", "summary.json"})
#: What a benchmark's results folder written before the marker existed holds.
LEGACY_BENCH = frozenset({"smoke.md", "scaling.md", "smoke.csv", "scaling.csv"})

#: What a folder of each kind holds, named as a sentence names it: ``for the schedule``.
THE_KIND = Messages(
    {
        "schedule": N_("the schedule"),
        "instance": N_("the instance"),
        "bench": N_("the benchmark"),
        "sweep": N_("the sweep"),
    }
)
#: A folder of each kind: ``expected a schedule folder``.
A_KIND_FOLDER = Messages(
    {
        "schedule": N_("a schedule folder"),
        "instance": N_("an instance folder"),
        "bench": N_("a benchmark folder"),
        "sweep": N_("a sweep folder"),
    }
)
#: What a folder of each kind holds: ``it holds a schedule``.
A_KIND = Messages(
    {
        "schedule": N_("a schedule"),
        "instance": N_("an instance"),
        "bench": N_("a benchmark's results"),
        "sweep": N_("a sweep's results"),
    }
)
#: The content a run writes: ``as the new schedule has one of this name``.
NEW_KIND = Messages(
    {
        "schedule": N_("the new schedule"),
        "instance": N_("the new instance"),
        "bench": N_("the new benchmark"),
        "sweep": N_("the new sweep"),
    }
)


def kind_words(words: Messages[str], kind: str) -> str:
    """A folder's kind in the words of ``words`` (one of the tables above), or as written
    for a kind they do not hold."""
    return words.get(kind, kind)


def entry_names(folder: Path) -> list[str]:
    """The names of what the folder holds, sorted."""
    return sorted(entry.name for entry in folder.iterdir())


def owner_kind(folder: Path) -> str | None:
    """What this program wrote into the folder (``schedule``, ``instance``...), or ``None``.

    A schedule folder written before the marker existed counts as a schedule when it
    holds the schedule's files and nothing else.
    """
    marker = read_marker(folder)
    if marker is not None:
        return str(marker.get("kind", ""))
    names = set(entry_names(folder))
    if names >= LEGACY_SCHEDULE and names <= SCHEDULE_ENTRIES:
        return "schedule"
    if names & LEGACY_BENCH:
        return "bench"
    return None


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it."""
    return path == folder or folder in path.parents


def folder_problems(target: Path, kind: str, inputs: Sequence[Path] = ()) -> list[Problem]:
    """Why the run may not write ``target``, in the user's words; empty when it may.

    Parameters
    ----------
    target
        The folder as the user named it.
    kind
        What the run writes: ``schedule`` or ``instance``.
    inputs
        The files and folders the run reads: the target may not be one of them nor hold
        one of them.
    """
    name = str(target)

    def refuse(why: str) -> list[Problem]:
        return [Problem(name, None, None, None, why)]

    here = Path.cwd().resolve()
    full = target.expanduser().resolve()
    if full == here:
        return refuse(
            _(
                "expected a folder of its own for {kind}, not the current folder: "
                "give a new folder, such as -o schedules/my-city"
            ).format(kind=kind_words(THE_KIND, kind))
        )
    if full == Path.home().resolve() or full == Path(full.anchor) or is_inside(here, full):
        return refuse(
            _(
                "expected a folder of its own for {kind}, not the home folder, the root "
                "or a folder holding the current one: give a new folder"
            ).format(kind=kind_words(THE_KIND, kind))
        )
    for source in inputs:
        resolved = source.expanduser().resolve()
        if is_inside(resolved, full):
            if resolved == full:
                return refuse(
                    _(
                        "expected a folder apart from the input: it is the instance, which "
                        "would be replaced; give another folder"
                    )
                )
            return refuse(
                _(
                    "expected a folder apart from the input: it holds the instance {source}, "
                    "which would be replaced; give another folder"
                ).format(source=source)
            )
    if full.exists() and not full.is_dir():
        return refuse(
            _(
                "expected a folder for {kind}, but this is a file: give a folder name "
                "that is not taken"
            ).format(kind=kind_words(THE_KIND, kind))
        )
    if full.is_dir():
        try:
            names = [n for n in entry_names(full) if n != MARKER]
        except OSError as error:
            return refuse(_("cannot be read ({reason})").format(reason=error.strerror))
        owner = owner_kind(full)
        if names and owner is None:
            shown = ", ".join(names[:5])
            if len(names) > 5:
                shown = _("{names} and {count} more").format(names=shown, count=len(names) - 5)
            return refuse(
                _(
                    "expected a new or empty folder, or one schemalaggning wrote: it holds "
                    "{names}, which would be lost; give a new folder"
                ).format(names=shown)
            )
        if owner is not None and owner != kind:
            return refuse(
                _("expected {folder}, but it holds {owner}: give another folder").format(
                    folder=kind_words(A_KIND_FOLDER, kind), owner=kind_words(A_KIND, owner)
                )
            )
    return writable_problems(full, name)


def writable_problems(full: Path, name: str) -> list[Problem]:
    """Whether the folder can be made or replaced here: probed, not guessed."""
    parent = full.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return [
            Problem(
                name,
                None,
                None,
                None,
                _("cannot be made: {parent} is not a folder").format(parent=parent),
            )
        ]
    probe = parent / f".{full.name}.probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return [
            Problem(
                name,
                None,
                None,
                None,
                _("cannot be written: {reason} in {parent}; give a folder you can write to").format(
                    reason=error.strerror or error, parent=parent
                ),
            )
        ]
    if full.is_dir() and not os.access(full, os.W_OK | os.X_OK):
        return [Problem(name, None, None, None, _("cannot be written: permission denied"))]
    return []


def file_problems(target: Path, inputs: Sequence[Path], header: Sequence[str]) -> list[Problem]:
    """Why a run may not write the CSV file ``target``; empty when it may.

    A file may be written when it is new, or when it is one this program wrote before
    (its first line is ``header``); never inside an input, never over a folder.
    """
    name = str(target)
    full = target.expanduser().resolve()
    for source in inputs:
        if is_inside(full, source.expanduser().resolve()):
            return [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    _(
                        "expected a file outside the input {source}, which would be changed: "
                        "give another file name"
                    ).format(source=source),
                )
            ]
    if full.is_dir():
        return [Problem(name, None, None, None, _("expected a file name, but this is a folder"))]
    if full.exists():
        try:
            with full.open(encoding="utf-8-sig") as handle:
                first = handle.readline().strip()
        except (OSError, UnicodeDecodeError):
            first = ""
        if first != ",".join(header):
            return [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    _(
                        "expected a new file, or one this command wrote: this file holds "
                        "something else, which would be lost; give another file name"
                    ),
                )
            ]
    return writable_problems(full, name)
