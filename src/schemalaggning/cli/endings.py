"""What the planning commands print for people at their end: ``validate``'s summary,
``check``'s findings, a re-plan's changes and a run that took longer than its limit."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from schemalaggning.cli.app import out_console, replan_line
from schemalaggning.i18n import N_, Messages, _

if TYPE_CHECKING:
    from schemalaggning.check import Note, Violation
    from schemalaggning.domain import Instance
    from schemalaggning.month.changes import Change


#: The lines of ``validate``'s summary, by the key of :func:`describe_instance`'s figures.
SUMMARY_WORDS = Messages(
    {
        "districts": N_("districts"),
        "people": N_("people"),
        "required_people": N_("people who must attend"),
        "courses": N_("courses"),
        "due_attendances": N_("attendances due"),
        "open_days": N_("open days"),
        "half_day_slots": N_("half-days to plan in"),
        "rooms": N_("rooms"),
        "room_seats": N_("seats in all rooms"),
        "largest_room": N_("seats in the largest room"),
        "trainers": N_("trainers"),
        "trainer_half_days_per_week": N_("trainer half-days a week"),
        "unavailability": N_("unavailable periods"),
        "fixed_sessions": N_("pinned sessions"),
        "electives_approved": N_("approved electives"),
        "electives_requested": N_("electives requested"),
    }
)


def print_summary(summary: dict[str, Any], loaded: Instance, instance: Path) -> None:
    """Print ``validate``'s summary of an instance: its figures, and each course's."""
    from schemalaggning.swedish import long_date, number

    horizon = _("{start} to {end}").format(
        start=long_date(loaded.settings.horizon_start),
        end=long_date(loaded.settings.horizon_end),
    )
    table = Table(title=f"{summary['name'] or instance} ({horizon})", show_header=False)
    for key in SUMMARY_WORDS:
        table.add_row(SUMMARY_WORDS[key], number(summary[key]))
    out_console.print(table)
    per_course = Table(_("course"), _("attendances due"), _("trainer half-days a week"))
    for course_id, due in summary["due_per_course"].items():
        per_course.add_row(
            course_id,
            number(due),
            number(summary["trainer_half_days_per_week_per_course"][course_id]),
        )
    out_console.print(per_course)


def print_findings(violations: Sequence[Violation], notes: Sequence[Note]) -> None:
    """Print what ``check`` found: the broken rules, the notes on past sessions, and a
    closing line."""
    for violation in violations:
        out_console.print(str(violation), markup=False)
    if notes:
        out_console.print(
            _("Notes on past sessions (what happened, not violations of the plan):"),
            markup=False,
        )
        for note in notes:
            out_console.print(f"  {note}", markup=False)
    if violations:
        rules = sorted({v.rule for v in violations})
        out_console.print(
            _("{violations} violation(s) of {rules} rule(s): {names}").format(
                violations=len(violations), rules=len(rules), names=", ".join(rules)
            ),
            markup=False,
        )
    else:
        out_console.print(_("ok: the schedule breaks no rule"), markup=False)


#: How far past its time limit a command may end before it says so, in seconds.
OVERRUN_GRACE = 2.0


def say_overrun(started: float, time_limit: float) -> None:
    """Say when the command ended later than its time limit (a busy machine, a large
    folder to write): the limit is the whole command's, and the user is told the truth."""
    took = time.perf_counter() - started
    if took > time_limit + OVERRUN_GRACE:
        from schemalaggning.swedish import decimal, number

        out_console.print(
            _(
                "The run took {took} s, more than the time limit of {limit} s (writing the "
                "folder took longer than estimated)."
            ).format(
                took=number(took),
                limit=decimal(time_limit) if time_limit % 1 else number(time_limit),
            ),
            markup=False,
        )


#: How many notes about history the end of a re-plan shows (changes.csv has them all).
HISTORY_SHOWN = 10


def print_replan(changes: Sequence[Change], summary: dict[str, Any]) -> None:
    """What a re-plan changed, and what history did against the courses' order."""
    from schemalaggning.domain import HISTORY_ORDER

    made = [c for c in changes if c.change != HISTORY_ORDER]
    if made:
        out_console.print(replan_line(summary.get("replan", {})), markup=False)
    history = [c for c in changes if c.change == HISTORY_ORDER]
    for note in history[:HISTORY_SHOWN]:
        out_console.print(
            _("History: {name} {why}.").format(name=note.name, why=note.why), markup=False
        )
    if len(history) > HISTORY_SHOWN:
        out_console.print(
            _("… and {count} more.").format(count=len(history) - HISTORY_SHOWN), markup=False
        )
    if history:
        out_console.print(
            _(
                "What was already done counts as done; write no for it in attendance.csv "
                "if it is to be done again (see changes.csv)."
            ),
            markup=False,
        )
