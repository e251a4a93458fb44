"""The checker's rules about ``unscheduled.csv``: every due attendance is met or listed
there, nothing met is listed, and each row gives a rule's name and the attendance's own
deadline.

Kept apart from :mod:`schemalaggning.check.checker` so that module stays readable; like
it, this reads only the instance and the schedule, with the checker's own windows
(:mod:`schemalaggning.check.windows`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from schemalaggning.check.days import date_words
from schemalaggning.check.findings import Violation
from schemalaggning.check.windows import due_attendances, window
from schemalaggning.domain import Assignment, Instance, Unscheduled
from schemalaggning.i18n import _
from schemalaggning.rules import TIME_LIMIT, Rule

#: The words a reason of unscheduled.csv may begin with: a rule's name, or time_limit.
REASON_NAMES = frozenset({rule.value for rule in Rule} | {TIME_LIMIT})


def unscheduled_faults(
    instance: Instance, assignments: Sequence[Assignment], unscheduled: Sequence[Unscheduled]
) -> Iterator[Violation]:
    """Every due attendance (the checker's own, with plan-ahead) is met or listed; nothing
    met is listed as unmet; each row says why in the rules' words. ``assignments`` are
    those to known sessions and people."""
    met = {(a.person_id, a.course_id) for a in assignments}
    yield from due_faults(instance, met, unscheduled)
    for u in unscheduled:
        if (u.person_id, u.course_id) in met:
            yield Violation(
                Rule.UNSCHEDULED_LISTED,
                _("unscheduled.csv lists {person_id}/{course_id}, which the schedule meets").format(
                    person_id=u.person_id, course_id=u.course_id
                ),
                person_id=u.person_id,
            )
    yield from row_faults(instance, unscheduled)


def due_faults(
    instance: Instance, met: set[tuple[str, str]], unscheduled: Sequence[Unscheduled]
) -> Iterator[Violation]:
    """Every due attendance neither met (a person and course in ``met``) nor listed."""
    listed = {(u.person_id, u.course_id) for u in unscheduled if u.person_id}
    for key in due_attendances(instance):
        if key not in met and key not in listed:
            person = instance.person_by_id[key[0]]
            course = instance.course_by_id[key[1]]
            yield Violation(
                Rule.DUE_UNMET,
                _(
                    "{person_id} must attend {course_id} by {closes}: neither scheduled nor "
                    "in unscheduled.csv"
                ).format(
                    person_id=key[0],
                    course_id=key[1],
                    closes=date_words(window(person, course).closes),
                ),
                person_id=key[0],
            )


def row_faults(instance: Instance, unscheduled: Sequence[Unscheduled]) -> Iterator[Violation]:
    """Each row of unscheduled.csv says why in the rules' words (its reason begins with a
    rule's name, or ``time_limit``), and an attendance's row gives its own deadline."""
    for u in unscheduled:
        who = u.person_id or _("(a yearly offering)")
        name = u.reason.partition(":")[0].strip()
        if name not in REASON_NAMES:
            yield Violation(
                Rule.UNSCHEDULED_LISTED,
                _(
                    "unscheduled.csv gives {who}/{course_id} the reason {reason!r}, which "
                    "does not begin with a rule's name (such as min_group:) or time_limit:"
                ).format(who=who, course_id=u.course_id, reason=u.reason),
                person_id=u.person_id or None,
            )
        person = instance.person_by_id.get(u.person_id)
        course = instance.course_by_id.get(u.course_id)
        if person is None or course is None:
            continue
        closes = window(person, course).closes
        if u.deadline != closes:
            yield Violation(
                Rule.UNSCHEDULED_LISTED,
                _(
                    "unscheduled.csv gives {person_id}/{course_id} the deadline {deadline}; "
                    "the attendance's window closes on {closes}"
                ).format(
                    person_id=u.person_id,
                    course_id=u.course_id,
                    deadline=date_words(u.deadline),
                    closes=date_words(closes),
                ),
                person_id=u.person_id,
            )
