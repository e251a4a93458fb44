"""The independent checker: every rule a schedule must keep, checked without the optimiser.

:mod:`~schemalaggning.check.checker` holds the checks and calls the modules beside it: its
own calendar (``days``) and windows (``windows``), the group sizes (``groups``), the yearly
offerings (``offerings``), the rows of unscheduled.csv (``unscheduled``), the notes about
past sessions (``notes``) and what it finds (``findings``). None of them imports the
engine, the time grid or the re-plan.
"""

from schemalaggning.check.checker import (
    CheckResult,
    check,
    check_schedule,
    check_schedule_with_notes,
    check_with_notes,
)
from schemalaggning.check.findings import Note, Violation

__all__ = [
    "CheckResult",
    "Note",
    "Violation",
    "check",
    "check_schedule",
    "check_schedule_with_notes",
    "check_with_notes",
]
