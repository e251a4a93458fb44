"""Why a due attendance cannot be met, and the cheapest change that would make it possible.

Two views. **In any schedule**: the smallest set of rules that together, on the data
alone, leave no session the person could take (:mod:`schemalaggning.blocking`: found
with CP-SAT and checked with assumption literals), each stated with the data behind it
and with a block that dropping it would allow. **In this plan**: when no set of rules
does, the obstacle is the rest of the plan; the greedy's reason names it.

Then fixes: each possible change (the course's window a month longer, the district's
``max_absent`` one higher, another qualified trainer, a trainer's weekly limit higher,
``min_group`` lower, ...) is applied to a copy of the instance, the instance is solved
again (the greedy plan), and the fix counts only if the attendance is then met and the
independent checker finds nothing. The cheapest verified fix is proposed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schemalaggning.blocking import Blocking, blocking_rules
from schemalaggning.check import check
from schemalaggning.domain import Course, Instance, Person, add_months
from schemalaggning.rules import Rule
from schemalaggning.solve import SolveParams, solve


@dataclass(frozen=True)
class Finding:
    """One rule of the smallest set that stops the attendance, with the data behind it
    and what dropping it alone would allow."""

    rule: Rule
    detail: str
    without: str = ""


@dataclass(frozen=True)
class Fix:
    """A change to the instance, its cost in plain words, and whether solving confirmed it."""

    change: str
    cost: int
    verified: bool


@dataclass
class Explanation:
    """Why one due attendance is (not) met, and what would make it possible."""

    person_id: str
    course_id: str
    deadline: date
    met: bool
    session_id: str | None = None
    findings: list[Finding] = field(default_factory=list)
    findings_checked: bool = False
    plan_reason: str = ""
    fixes: list[Fix] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Plain data for ``--json``."""
        return {
            "person_id": self.person_id,
            "course_id": self.course_id,
            "deadline": self.deadline.isoformat(),
            "met": self.met,
            "session_id": self.session_id,
            "rules": [
                {"rule": f.rule.value, "detail": f.detail, "without": f.without}
                for f in self.findings
            ],
            "rules_checked": self.findings_checked,
            "plan_reason": self.plan_reason,
            "fixes": [
                {"change": f.change, "cost": f.cost, "verified": f.verified} for f in self.fixes
            ],
        }

    def lines(self) -> list[str]:
        """The explanation in a coordinator's words."""
        head = f"{self.person_id} / {self.course_id} (deadline {self.deadline})"
        if self.met:
            return [f"{head}: met in session {self.session_id}"]
        out = [f"{head}: not met"]
        if self.findings:
            names = ", ".join(f.rule.value for f in self.findings)
            checked = "checked" if self.findings_checked else "NOT confirmed by the check"
            out.append(
                f"  impossible in any schedule; the smallest set of rules ({checked}): {names}"
            )
        for f in self.findings:
            out.append(f"  [{f.rule.value}] {f.detail}")
            if f.without:
                out.append(f"      without it: {f.without}")
        if not self.findings and self.plan_reason:
            out.append(f"  in this plan: {self.plan_reason}")
        verified = [f for f in self.fixes if f.verified]
        if verified:
            out.append(f"  cheapest fix (checked by solving): {verified[0].change}")
            out += [f"  also works: {f.change}" for f in verified[1:3]]
        elif self.fixes:
            out.append(
                "  no single change tried makes it possible: "
                + "; ".join(f.change for f in self.fixes)
            )
        return out


def findings_of(blocking: Blocking) -> list[Finding]:
    """The blocking rules as findings, each with the block dropping it would allow."""
    findings = []
    for rule in blocking.rules:
        block = blocking.witnesses.get(rule)
        without = ""
        if block:
            without = f"a session {block[0]} to {block[-1]} would be possible"
        findings.append(Finding(rule, blocking.details.get(rule, ""), without))
    return findings


def months_needed(person: Person, course: Course, findings: list[Finding]) -> int:
    """More months of ``within_months`` that would reach the block allowed without the
    window rule (0 when the window is not in the set)."""
    window = next((f for f in findings if f.rule is Rule.WINDOW and f.without), None)
    if window is None:
        return 0
    last_day = date.fromisoformat(window.without.split(" to ")[1][:10])
    months = 1
    while add_months(person.start_date, course.within_months + months) < last_day and months < 60:
        months += 1
    return months


def candidate_fixes(
    instance: Instance, person: Person, course: Course, findings: list[Finding]
) -> list[tuple[str, int, Instance]]:
    """Changes worth trying, cheapest first: (description, cost, changed instance)."""
    fixes: list[tuple[str, int, Instance]] = []
    rules = {f.rule for f in findings}
    district = instance.district_by_id[person.district_id]

    def with_course(**changes: object) -> Instance:
        return instance.replace(
            courses=tuple(
                c.model_copy(update=changes) if c.course_id == course.course_id else c
                for c in instance.courses
            )
        )

    fixes.append(
        (
            f"raise district {district.district_id}'s max_absent from "
            f"{district.max_absent} to {district.max_absent + 1}",
            1,
            instance.replace(
                districts=tuple(
                    d.model_copy(update={"max_absent": d.max_absent + 1})
                    if d.district_id == district.district_id
                    else d
                    for d in instance.districts
                )
            ),
        )
    )
    for trainer in sorted(instance.trainers, key=lambda t: t.trainer_id):
        if not trainer.qualified(course.course_id):
            fixes.append(
                (
                    f"qualify trainer {trainer.trainer_id} for {course.course_id}",
                    2,
                    instance.replace(
                        trainers=tuple(
                            t.model_copy(update={"courses": (*t.courses, course.course_id)})
                            if t.trainer_id == trainer.trainer_id
                            else t
                            for t in instance.trainers
                        )
                    ),
                )
            )
            break
    for trainer in instance.trainers:
        if trainer.qualified(course.course_id):
            fixes.append(
                (
                    f"one more half-day a week for trainer {trainer.trainer_id} "
                    f"({trainer.max_half_days_per_week} to "
                    f"{trainer.max_half_days_per_week + course.half_days})",
                    course.half_days,
                    instance.replace(
                        trainers=tuple(
                            t.model_copy(
                                update={
                                    "max_half_days_per_week": t.max_half_days_per_week
                                    + course.half_days
                                }
                            )
                            if t.trainer_id == trainer.trainer_id
                            else t
                            for t in instance.trainers
                        )
                    ),
                )
            )
            break
    if course.min_group > 1:
        fixes.append(
            (
                f"lower {course.course_id}'s min_group from {course.min_group} to "
                f"{course.min_group - 1}",
                3,
                with_course(min_group=course.min_group - 1),
            )
        )
    for months in sorted({1, 2, months_needed(person, course, findings)} - {0}):
        fixes.append(
            (
                f"give {course.course_id} {months} more month(s): within_months "
                f"{course.within_months} to {course.within_months + months} (the "
                f"deadline moves by about {30 * months} days)",
                30 * months,
                with_course(within_months=course.within_months + months),
            )
        )
    if Rule.TRAINER_AVAILABLE in rules:
        keep = tuple(
            e
            for e in instance.unavailability
            if not (
                instance.trainer_by_id.get(e.resource_id) is not None
                and instance.trainer_by_id[e.resource_id].qualified(course.course_id)
            )
        )
        fixes.append(
            (
                "the qualified trainers' leave in the window moved",
                5,
                instance.replace(unavailability=keep),
            )
        )
    return sorted(fixes, key=lambda item: item[1])


def verify(instance: Instance, person_id: str, course_id: str) -> bool:
    """Whether the attendance is met when the instance is solved, with no rule broken."""
    result = solve(instance, SolveParams(improve=False))
    if check(instance, result.sessions, result.assignments, result.unscheduled):
        return False
    return any(a.person_id == person_id and a.course_id == course_id for a in result.assignments)


def explain(
    instance: Instance,
    person_id: str | None = None,
    course_id: str | None = None,
    max_fixes: int = 8,
) -> list[Explanation]:
    """Explain the due attendances asked for (or every unmet one)."""
    result = solve(instance, SolveParams(improve=False))
    seated = {(a.person_id, a.course_id): a.session_id for a in result.assignments}
    reasons = {(u.person_id, u.course_id): u.reason for u in result.unscheduled}
    wanted = [
        (att.person_id, att.course_id)
        for att in instance.due_attendances
        if (person_id is None or att.person_id == person_id)
        and (course_id is None or att.course_id == course_id)
    ]
    if person_id is None and course_id is None:
        wanted = [key for key in wanted if key not in seated]
    explanations: list[Explanation] = []
    for pid, cid in wanted:
        person = instance.person_by_id[pid]
        course = instance.course_by_id[cid]
        item = Explanation(
            pid,
            cid,
            instance.deadline(person, course),
            (pid, cid) in seated,
            seated.get((pid, cid)),
        )
        if not item.met:
            blocking = blocking_rules(instance, person, course)
            if blocking is not None:
                item.findings = findings_of(blocking)
                item.findings_checked = blocking.checked
            item.plan_reason = reasons.get((pid, cid), "")
            for change, cost, changed in candidate_fixes(instance, person, course, item.findings)[
                :max_fixes
            ]:
                item.fixes.append(Fix(change, cost, verify(changed, pid, cid)))
            item.fixes.sort(key=lambda f: (not f.verified, f.cost))
        explanations.append(item)
    return explanations
