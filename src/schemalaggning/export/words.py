"""The coordinator's words for the views: the rules an unmet attendance's reason names,
the kinds of change, the electives' verdicts, numbers, weeks and clock times.

The workbook, the report and the personal plans say these the same way, in the current
language (:mod:`schemalaggning.i18n`); numbers and clock times are formatted by Babel's
locale for it, not the system's, so that every machine writes the same files.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemalaggning.domain import HISTORY_ORDER
from schemalaggning.i18n import N_, Messages, _
from schemalaggning.rules import RULES, Rule
from schemalaggning.swedish import clock as clock  # the views' clock times: ``08:30``
from schemalaggning.swedish import decimal as decimal
from schemalaggning.swedish import number as number

#: The rules an unmet attendance's reason starts with, in the coordinator's words.
#: Looked up when read, so that they are in the language chosen after import.
RULE_WORDS: Mapping[str, str] = Messages(
    {rule.value: RULES[rule].words for rule in Rule if RULES[rule].words}
)


#: The kinds of change of ``changes.csv``, in words.
CHANGE_WORDS: Mapping[str, str] = Messages(
    {
        "session_added": N_("new session"),
        "session_cancelled": N_("session cancelled"),
        "session_moved": N_("session moved"),
        "room_changed": N_("new room"),
        "trainer_changed": N_("new trainer"),
        "person_added": N_("participant added"),
        "person_removed": N_("participant removed"),
        "person_moved": N_("participant moved"),
        HISTORY_ORDER: N_("course taken before the one it needs"),
    }
)

#: The verdicts of ``electives.csv``, in words.
VERDICT_WORDS: Mapping[str, str] = Messages(
    {
        "approved": N_("approved"),
        "ok": N_("can be approved"),
        "staffing": N_("staffing"),
        "clash": N_("clash"),
        "budget": N_("budget"),
    }
)


def and_words(items: list[str]) -> str:
    """``A, B och C``: items joined as a sentence joins them."""
    if len(items) < 2:
        return "".join(items)
    # Translators: the last two of a list in a sentence ("A, B and C").
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def week_label(week: tuple[int, int]) -> str:
    """``vecka 2, 2027``."""
    return _("week {week}, {year}").format(week=week[1], year=week[0])


def rule_words(reason: str) -> tuple[str, str]:
    """An unmet attendance's reason as (the rule in words, the rest of the reason).

    The reason starts with the rule's name (``district_absence: ...``); a reason that
    does not is given whole, with an empty rule.
    """
    name, colon, rest = reason.partition(":")
    if colon and name.strip() in {r.value for r in Rule}:
        return RULE_WORDS.get(name.strip(), name.strip().replace("_", " ")), rest.strip()
    return "", reason.strip()
