"""What the checker finds: a :class:`Violation` of a rule, or a :class:`Note` about what
happened in a past session (FORMATS 1.2). Like the checker, this module reads nothing of
the optimiser.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemalaggning.rules import Rule


@dataclass(frozen=True)
class Violation:
    """One broken rule, with what and where."""

    rule: Rule
    message: str
    session_id: str | None = None
    person_id: str | None = None
    resource_id: str | None = None
    slot: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule.value}] {self.message}"

    def as_dict(self) -> dict[str, str | None]:
        """The violation as plain data, for ``--json`` output."""
        return {
            "rule": self.rule.value,
            "message": self.message,
            "session_id": self.session_id,
            "person_id": self.person_id,
            "resource_id": self.resource_id,
            "slot": self.slot,
        }


@dataclass(frozen=True)
class Note(Violation):
    """A rule broken in a past session for a reason the plan could not help: what happened,
    not a violation (a person attended a course after missing its prerequisite)."""
