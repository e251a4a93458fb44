"""The coordinator's words for the views: the rules an unmet attendance's reason names,
the kinds of change, the electives' verdicts, numbers, weeks and clock times.

The workbook, the report and the personal plans say these the same way; they are written
here without the system's locale, so that every machine writes the same files.
"""

from __future__ import annotations

from datetime import time

from schemalaggning.rules import Rule

#: The rules an unmet attendance's reason starts with, in the coordinator's words.
RULE_WORDS: dict[str, str] = {rule: rule.words for rule in Rule if rule.words}

#: The kinds of change of ``changes.csv``, in words.
CHANGE_WORDS: dict[str, str] = {
    "session_added": "nytt pass",
    "session_cancelled": "pass inställt",
    "session_moved": "pass flyttat",
    "room_changed": "ny lokal",
    "trainer_changed": "ny utbildare",
    "person_added": "deltagare tillagd",
    "person_removed": "deltagare borttagen",
    "person_moved": "deltagare flyttad",
}

#: The verdicts of ``electives.csv``, in words.
VERDICT_WORDS: dict[str, str] = {
    "approved": "godkänd",
    "ok": "kan godkännas",
    "staffing": "bemanning",
    "clash": "krock",
    "budget": "budget",
}


def number(value: float, separator: str = "\u00a0") -> str:
    """A whole number as Swedes write it: ``8 147`` (a no-break space by default)."""
    return f"{round(value):,}".replace(",", separator)


def week_label(week: tuple[int, int]) -> str:
    """``vecka 2, 2027``."""
    return f"vecka {week[1]}, {week[0]}"


def clock(moment: time) -> str:
    """``08:30``."""
    return f"{moment:%H:%M}"


def rule_words(reason: str) -> tuple[str, str]:
    """An unmet attendance's reason as (the rule in words, the rest of the reason).

    The reason starts with the rule's name (``district_absence: ...``); a reason that
    does not is given whole, with an empty rule.
    """
    name, colon, rest = reason.partition(":")
    if colon and name.strip() in {r.value for r in Rule}:
        return RULE_WORDS.get(name.strip(), name.strip().replace("_", " ")), rest.strip()
    return "", reason.strip()
