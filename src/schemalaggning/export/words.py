"""The coordinator's words for the views: the rules an unmet attendance's reason names,
the kinds of change, the electives' verdicts, numbers, weeks and clock times.

The workbook, the report and the personal plans say these the same way; they are written
here without the system's locale, so that every machine writes the same files.
"""

from __future__ import annotations

from datetime import time

from schemalaggning.rules import Rule

#: The rules an unmet attendance's reason starts with, in the coordinator's words.
RULE_WORDS: dict[str, str] = {
    Rule.DISTRICT_ABSENCE: "stadsdelens gräns för frånvaro",
    Rule.WINDOW: "tidsfönstret",
    Rule.PREREQUISITE: "förkunskaper",
    Rule.TRAINER_AVAILABLE: "ingen utbildare ledig",
    Rule.TRAINER_QUALIFIED: "ingen behörig utbildare",
    Rule.TRAINER_WEEK_LIMIT: "utbildarnas veckotimmar",
    Rule.TRAINER_OVERLAP: "utbildarna upptagna",
    Rule.ROOM_AVAILABLE: "ingen lokal ledig",
    Rule.ROOM_CAPACITY: "lokalernas storlek",
    Rule.ROOM_OVERLAP: "lokalerna upptagna",
    Rule.MIN_GROUP: "för få deltagare för en grupp",
    Rule.MAX_GROUP: "grupperna fulla",
    Rule.CLOSED_DAY: "stängda dagar",
    Rule.ELECTIVE_AWAY: "individuell kurs samtidigt",
    Rule.PERSON_OVERLAP: "personen upptagen",
    Rule.BEFORE_START: "före startdatum",
    Rule.FIXED_KEPT: "låsta pass",
    Rule.YEARLY_OFFERING: "kursen ges för sällan",
}

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
