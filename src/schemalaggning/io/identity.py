"""Which instance a schedule folder was made from, and refusing another one.

A schedule folder records in ``summary.json`` the path of its instance (``instance``)
and the instance's identity (``instance_identity``): its name and a fingerprint of the
name and the district ids. The identity survives the month's edits (new hires, people
who leave, trainers, rooms and courses changed) and differs between cities and between
instances named differently. A command that is given a schedule folder and an instance
refuses, before any work, an instance whose identity is not the recorded one: its
people would get the schedule's invitations and cancellations (person ids are reused
from one instance to the next). A folder written before the identity was recorded is
taken as it is.

Renaming the instance or changing its district ids makes it another instance: the
schedule is then made anew (``solve`` into the folder with ``--other-instance``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from schemalaggning.domain import Instance
from schemalaggning.i18n import _
from schemalaggning.problems import InputError, Problem

#: The key of ``summary.json`` that holds the path of the schedule's instance.
INSTANCE_KEY = "instance"
#: The key of ``summary.json`` that holds the instance's identity.
IDENTITY_KEY = "instance_identity"
SUMMARY_FILE = "summary.json"


def instance_identity(instance: Instance) -> dict[str, str]:
    """The identity of an instance: its name and a fingerprint of what names the city."""
    districts = sorted(district.district_id for district in instance.districts)
    text = json.dumps([instance.settings.name, districts], ensure_ascii=False)
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return {"name": instance.settings.name, "fingerprint": fingerprint}


def recorded_identity(summary: dict[str, Any]) -> dict[str, str] | None:
    """The identity a schedule's summary records, or ``None`` (written before it was)."""
    recorded = summary.get(IDENTITY_KEY)
    if not isinstance(recorded, dict) or not isinstance(recorded.get("fingerprint"), str):
        return None
    return {"name": str(recorded.get("name", "")), "fingerprint": recorded["fingerprint"]}


def read_summary(folder: Path) -> dict[str, Any]:
    """A schedule folder's ``summary.json``, or an empty one when it has none readable."""
    try:
        summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return summary if isinstance(summary, dict) else {}


def is_same_instance(summary: dict[str, Any], instance: Instance) -> bool:
    """Whether ``instance`` is the one the schedule was made from (or none is recorded)."""
    recorded = recorded_identity(summary)
    return recorded is None or recorded["fingerprint"] == instance_identity(instance)["fingerprint"]


def identity_problems(
    folder: Path, summary: dict[str, Any], instance: Instance, given: Path
) -> list[Problem]:
    """Why the instance ``given`` is not the one schedule ``folder`` was made from; empty
    when it is (or when the folder records none)."""
    if is_same_instance(summary, instance):
        return []
    recorded = recorded_identity(summary) or {"name": ""}
    named = summary.get(INSTANCE_KEY)
    source = f" ({named})" if isinstance(named, str) and named else ""
    return [
        Problem(
            str(given),
            None,
            None,
            instance.settings.name,
            _(
                "expected the instance the schedule {folder} was made from, {name}{source}: "
                "this is another instance (its name or its districts differ), whose people "
                "would get the schedule's invitations; give the schedule's own instance, or "
                "make a new schedule of this one with solve"
            ).format(folder=folder, name=f'"{recorded["name"]}"', source=source),
        )
    ]


def require_same_instance(
    folder: Path, summary: dict[str, Any], instance: Instance, given: Path
) -> None:
    """Refuse an instance that is not the schedule's own.

    Raises
    ------
    InputError
        Naming both instances, when ``given`` is another instance than the recorded one.
    """
    problems = identity_problems(folder, summary, instance, given)
    if problems:
        raise InputError(problems)


def schedule_instance(folder: Path, summary: dict[str, Any], given: str | Path | None) -> Path:
    """The instance of a schedule folder: the one given, else the one ``summary.json`` names.

    Raises
    ------
    InputError
        When none is given and the summary names none that exists.
    """
    if given is not None:
        return Path(given)
    named = summary.get(INSTANCE_KEY)
    label = str(folder / SUMMARY_FILE)
    if not isinstance(named, str) or not named:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    INSTANCE_KEY,
                    None,
                    _("expected the path of the schedule's instance; pass --instance"),
                )
            ]
        )
    if not Path(named).exists():
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    INSTANCE_KEY,
                    named,
                    _(
                        "expected an instance that exists seen from {folder}; pass --instance"
                    ).format(folder=Path.cwd()),
                )
            ]
        )
    return Path(named)
