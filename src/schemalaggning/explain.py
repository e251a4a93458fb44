"""Why a due attendance cannot be met, and the cheapest change that would make it possible.

Two views. **In any schedule**: the rules that, on the data alone, leave no session the
person could take (the window and the calendar leave no block; too few qualified
trainers; every qualified trainer or every room away; no room seats the group; the
district may have nobody away; too few people could ever form the group). Each rule
found is stated with the data behind it. **In this plan**: when every rule can be met
on its own, the obstacle is the rest of the plan; the greedy's reason names it.

Then fixes: each possible change (the course's window a month longer, the district's
``max_absent`` one higher, another qualified trainer, a trainer's weekly limit higher,
``min_group`` lower, ...) is applied to a copy of the instance, the instance is solved
again (the greedy plan), and the fix counts only if the attendance is then met and the
independent checker finds nothing. The cheapest verified fix is proposed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schemalaggning.check import check
from schemalaggning.domain import Course, Instance, Person
from schemalaggning.rules import Rule
from schemalaggning.solve import SolveParams, solve
from schemalaggning.timegrid import TimeGrid


@dataclass(frozen=True)
class Finding:
    """One rule that stops the attendance, with the data behind it."""

    rule: Rule
    detail: str


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
            "rules": [{"rule": f.rule.value, "detail": f.detail} for f in self.findings],
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
        out += [f"  [{f.rule.value}] {f.detail}" for f in self.findings]
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


def structural_findings(
    instance: Instance, grid: TimeGrid, person: Person, course: Course
) -> list[Finding]:
    """The rules that, on the data alone, leave no session for the attendance."""
    findings: list[Finding] = []
    earliest = instance.earliest(person, course)
    deadline = instance.deadline(person, course)
    start = max(earliest, instance.settings.horizon_start)
    end = min(deadline, instance.settings.horizon_end)
    first = grid.first_slot_on_or_after(start)
    last = grid.last_slot_on_or_before(end)
    blocks = [b for b in grid.blocks(course.half_days) if first <= b[0] and b[-1] <= last]
    open_half_days = max(0, last - first + 1)
    if deadline < instance.settings.horizon_start:
        findings.append(
            Finding(
                Rule.WINDOW,
                (
                    f"{person.person_id} must finish {course.course_id} by {deadline}, before the "
                    f"horizon opens on {instance.settings.horizon_start}"
                ),
            )
        )
        return findings
    if not blocks:
        closed = sorted(d for d in grid.closed if start <= d <= end)
        named = ", ".join(f"{d} {grid.closed[d]}" for d in closed[:6])
        findings.append(
            Finding(
                Rule.WINDOW,
                (
                    f"{person.person_id} may take {course.course_id} from {start} to {end}: "
                    f"{open_half_days} open half-day(s)"
                ),
            )
        )
        findings.append(
            Finding(
                Rule.SESSION_BLOCK,
                (
                    f"{course.course_id} needs {course.half_days} consecutive half-days in "
                    "one week; none fits in that window"
                ),
            )
        )
        if closed:
            findings.append(Finding(Rule.CLOSED_DAY, f"closed in the window: {named}"))
        return findings
    qualified = [t for t in instance.trainers if t.qualified(course.course_id)]
    if len(qualified) < course.trainers:
        findings.append(
            Finding(
                Rule.TRAINER_QUALIFIED,
                (
                    f"{course.course_id} needs {course.trainers} trainer(s); qualified: "
                    f"{', '.join(t.trainer_id for t in qualified) or 'none'}"
                ),
            )
        )
    else:
        away: dict[str, set[int]] = {t.trainer_id: set() for t in qualified}
        for entry in instance.unavailability:
            if entry.resource_id in away:
                for idx in range(first, last + 1):
                    if entry.covers(grid.slots[idx]):
                        away[entry.resource_id].add(idx)
        usable = [
            b
            for b in blocks
            if sum(
                1
                for t in qualified
                if not (set(b) & away[t.trainer_id])
                and t.max_half_days_per_week >= course.half_days
            )
            >= course.trainers
        ]
        if not usable:
            leave = "; ".join(
                f"{e.resource_id} away {e.start} to {e.end}"
                for e in instance.unavailability
                if e.resource_id in away and e.end >= start and e.start <= end
            )
            findings.append(
                Finding(
                    Rule.TRAINER_AVAILABLE,
                    (
                        f"no {course.trainers} qualified trainer(s) are free in any block of the "
                        f"window{': ' + leave if leave else ''}"
                    ),
                )
            )
    rooms = [r for r in instance.rooms if r.capacity >= course.min_group]
    if not rooms:
        findings.append(
            Finding(
                Rule.ROOM_CAPACITY,
                (
                    f"{course.course_id} needs rooms for at least {course.min_group}; the largest "
                    f"seats {max((r.capacity for r in instance.rooms), default=0)}"
                ),
            )
        )
    district = instance.district_by_id[person.district_id]
    if district.max_absent == 0:
        findings.append(
            Finding(
                Rule.DISTRICT_ABSENCE,
                (f"district {district.district_id} may have nobody away (max_absent 0)"),
            )
        )
    could = [
        p
        for p in instance.people
        if course.course_id not in p.done
        and p.start_date <= end
        and (not p.required or instance.earliest(p, course) <= end)
        and (p.required or course.part != "1")
    ]
    if len(could) < course.min_group:
        findings.append(
            Finding(
                Rule.MIN_GROUP,
                (
                    f"{course.course_id} needs {course.min_group} people in a session; only "
                    f"{len(could)} could attend in the window"
                ),
            )
        )
    return findings


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
    for months in (1, 2):
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
    grid = TimeGrid(instance.settings)
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
            item.findings = structural_findings(instance, grid, person, course)
            item.plan_reason = reasons.get((pid, cid), "")
            for change, cost, changed in candidate_fixes(instance, person, course, item.findings)[
                :max_fixes
            ]:
                item.fixes.append(Fix(change, cost, verify(changed, pid, cid)))
            item.fixes.sort(key=lambda f: (not f.verified, f.cost))
        explanations.append(item)
    return explanations
