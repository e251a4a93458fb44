"""Reasons that hold: an unmet attendance's reason is confirmed on the data, or it says so.

The greedy plan names the first obstacle it met in the plan as it stood (``stadsdelen
Angered har redan 4 av högst 4 borta vid varje möjlig tid``). An obstacle of the plan
(another session took the place) is not one of the data: a longer search may well
meet the attendance, and a coordinator who raised the district's limit for it would do
so for nothing. So such a reason is kept only when the blocking analysis
(:mod:`schemalaggning.engine.blocking`) finds rules that, on the data alone, leave no session
for the attendance; otherwise it becomes a ``time_limit`` reason that says a longer
run may meet it, with the plan's obstacle after it. The analysis costs about a second
an attendance, so only the first :data:`MAX_CHECKS` unmet ones (earliest deadline
first) are checked, and none past the given deadline; the others get the
``time_limit`` reason too, marked as not checked.

Reasons that are facts of the data already (the window, the calendar's blocks, the
trainers qualified, the rooms' sizes, an unmet prerequisite) are kept as they are.
"""

from __future__ import annotations

import time

from schemalaggning.domain import Instance, Unscheduled
from schemalaggning.engine.blocking import blocking_rules
from schemalaggning.engine.greedy import TIME_LIMIT_REASON
from schemalaggning.i18n import N_, _
from schemalaggning.rules import TIME_LIMIT, Reason, Rule

#: Rules whose reason may be an obstacle of the plan rather than of the data.
PLAN_RULES = frozenset(
    {
        Rule.PERSON_OVERLAP,
        Rule.ELECTIVE_AWAY,
        Rule.DISTRICT_ABSENCE,
        Rule.ROOM_AVAILABLE,
        Rule.TRAINER_AVAILABLE,
        Rule.MIN_GROUP,
    }
)
#: Unmet attendances checked by the blocking analysis, at most.
MAX_CHECKS = 8
#: The reason of an attendance the data do not rule out, the search did not meet (the
#: words after ``time_limit:``).
NOT_RULED_OUT = N_(
    "the planning ended before it found a session for this course, and the data alone "
    "do not rule one out; a longer run (--time-limit) may find one"
)


def unchecked(found: Reason) -> str:
    """The reason of an unmet attendance the data were not checked for."""
    words = _("{time} (not checked against the data; in this plan, {rule}: {found})")
    return f"{TIME_LIMIT}: " + words.format(
        time=TIME_LIMIT_REASON.said, rule=reason_rule_words(found), found=found.said
    )


def not_ruled_out(found: Reason) -> str:
    """The reason of an unmet attendance the data do not rule out."""
    words = _("{time} (in this plan, {rule}: {found})")
    return f"{TIME_LIMIT}: " + words.format(
        time=_(NOT_RULED_OUT), rule=reason_rule_words(found), found=found.said
    )


def reason_rule_words(found: Reason) -> str:
    """The rule of a reason in words (its name when it has none)."""
    if found.rule is None:
        return TIME_LIMIT
    return found.rule.words or found.rule.value


def confirmed(
    instance: Instance,
    records: list[tuple[Unscheduled, Reason]],
    deadline: float | None = None,
) -> list[Unscheduled]:
    """The records with every reason of the plan confirmed on the data or replaced.

    Parameters
    ----------
    instance
        The instance solved.
    records
        The unmet due attendances, earliest deadline first, each with the plan's reason
        for it (the record's text is that reason's :attr:`~Reason.text`).
    deadline
        A ``time.perf_counter()`` after which no more are checked.
    """
    checks = 0
    out: list[Unscheduled] = []
    for record, found in records:
        if found.rule not in PLAN_RULES:
            out.append(record)
            continue
        if checks >= MAX_CHECKS or (deadline is not None and time.perf_counter() > deadline):
            reason = unchecked(found)
        else:
            checks += 1
            person = instance.person_by_id[record.person_id]
            course = instance.course_by_id[record.course_id]
            blocking = blocking_rules(instance, person, course)
            if blocking is not None and blocking.checked and blocking.rules:
                reason = "; ".join(
                    f"{rule.value}: {blocking.details.get(rule, rule.words)}"
                    for rule in blocking.rules
                )
            else:
                reason = not_ruled_out(found)
        out.append(record.model_copy(update={"reason": reason}))
    return out
