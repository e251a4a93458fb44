"""Why a due attendance cannot be met, and the cheapest change that would make it possible.

Two views. **In any schedule**: the smallest set of rules that together, on the data
alone, leave no session the person could take (:mod:`schemalaggning.engine.blocking`: found
with CP-SAT and checked with assumption literals), each stated with the data behind it
and with a block that dropping it would allow. **In this plan**: when no set of rules
does, the obstacle is the rest of the plan, named by the plan's own reason. The plan is
the schedule the coordinator gives (``--schedule``) or, by default, the optimiser's.

Then fixes: each possible change (the course's window a month longer, the district's
``max_absent`` one higher, another qualified trainer, a trainer's weekly limit higher,
``min_group`` lower, ...) is applied to a copy of the instance, the instance is solved
again, and the fix counts only if the attendance is then met and the independent
checker finds nothing. The re-solve is the greedy plan (seconds); when it confirms no
change, the cheapest is re-solved once more with the optimiser. Each changed instance
is solved once however many attendances it is tried for. The cheapest verified fix is
proposed first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from schemalaggning.check import check
from schemalaggning.domain import (
    Assignment,
    Course,
    Instance,
    Person,
    Slot,
    Unscheduled,
    add_months,
)
from schemalaggning.engine.blocking import Blocking, blocking_rules
from schemalaggning.engine.names import course_name, district_name, listed, person_name
from schemalaggning.engine.solve import Progress, SolveParams, solve
from schemalaggning.i18n import N_, _
from schemalaggning.rules import TIME_LIMIT, Rule
from schemalaggning.swedish import HALF_NAMES, long_date, number


def half_day_words(slot: Slot) -> str:
    """A half-day in words: ``4 januari 2027 FM``."""
    return f"{long_date(slot.day)} {HALF_NAMES[slot.half]}"


def reason_words(reason: str) -> str:
    """A reason of ``unscheduled.csv`` for a person to read: the rule in words before the
    words after the rule's name (the words alone for ``time_limit``)."""
    name, colon, words = reason.partition(":")
    rule = next((r for r in Rule if r.value == name.strip()), None)
    if not colon or (rule is None and name.strip() != TIME_LIMIT):
        return reason
    said = rule.words if rule is not None else ""
    return f"{said}: {words.strip()}" if said else words.strip()


@dataclass(frozen=True)
class Finding:
    """One rule of the smallest set that stops the attendance, with the data behind it
    and the block that dropping it alone would allow (empty when none was found)."""

    rule: Rule
    detail: str
    block: tuple[Slot, ...] = ()

    @property
    def without(self) -> str:
        """What dropping the rule alone would allow, in words (empty without a block)."""
        if not self.block:
            return ""
        first, last = half_day_words(self.block[0]), half_day_words(self.block[-1])
        if first == last:
            return _("a session on {first} would be possible").format(first=first)
        return _("a session from {first} to {last} would be possible").format(
            first=first, last=last
        )


@dataclass(frozen=True)
class Fix:
    """A change to the instance, its cost in plain words, and whether solving confirmed it."""

    change: str
    cost: int
    verified: bool


@dataclass(frozen=True)
class ExplainedSchedule:
    """The schedule being explained: each seated attendance's session, each other's
    reason (the optimiser's plan, or a schedule folder read back)."""

    seated: dict[tuple[str, str], str]
    reasons: dict[tuple[str, str], str]
    #: The yearly offerings it does not hold (rows of unscheduled.csv without a person).
    offerings: tuple[Unscheduled, ...] = ()

    @classmethod
    def of(
        cls, assignments: Iterable[Assignment], unscheduled: Iterable[Unscheduled]
    ) -> ExplainedSchedule:
        """The schedule of these assignments and unscheduled attendances."""
        rows = list(unscheduled)
        return cls(
            {(a.person_id, a.course_id): a.session_id for a in assignments},
            {(u.person_id, u.course_id): u.reason for u in rows if not u.offering},
            tuple(u for u in rows if u.offering),
        )


@dataclass
class OfferingExplanation:
    """Why a course is held too few times in a year, and what would make it possible."""

    course_id: str
    year: int
    deadline: date
    reason: str
    fixes: list[Fix] = field(default_factory=list)
    #: The course's name (its id when it has none), for the words.
    name: str = ""

    def as_dict(self) -> dict[str, object]:
        """Plain data for ``--json``."""
        return {
            "course_id": self.course_id,
            "year": self.year,
            "deadline": self.deadline.isoformat(),
            "reason": self.reason,
            "fixes": [
                {"change": f.change, "cost": f.cost, "verified": f.verified} for f in self.fixes
            ],
        }

    def lines(self) -> list[str]:
        """The explanation in a coordinator's words."""
        head = _("{course} in {year}: held too few times").format(
            course=self.name or self.course_id, year=self.year
        )
        out = [head, f"  {reason_words(self.reason)}"]
        return out + fix_lines(self.fixes)


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
    #: The person's and the course's names (their ids when they have none), for the words.
    person_name: str = ""
    course_name: str = ""

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
        head = _("{person}, {course} (by {deadline})").format(
            person=self.person_name or self.person_id,
            course=self.course_name or self.course_id,
            deadline=long_date(self.deadline),
        )
        if self.met:
            return [
                _("{head}: planned in session {session}").format(head=head, session=self.session_id)
            ]
        out = [_("{head}: not planned").format(head=head), *self.finding_lines()]
        if not self.findings and self.plan_reason:
            words = _("in this plan: {reason}").format(reason=reason_words(self.plan_reason))
            out.append(f"  {words}")
        verified = [f for f in self.fixes if f.verified]
        if verified and verified[0].change == _(NO_CHANGE):
            words = _(
                "no change needed: solving the instance again as it stands meets it (the "
                "plan explained leaves it out)"
            )
            out.append(f"  {words}")
        else:
            out += fix_lines(self.fixes)
        return out

    def finding_lines(self) -> list[str]:
        """The smallest set of rules that stops the attendance, each with its data."""
        out = []
        if self.findings:
            names = listed(f.rule.words or f.rule.value for f in self.findings)
            if self.findings_checked:
                words = _("impossible in any schedule; the fewest rules that stop it: {names}")
            else:
                words = _(
                    "impossible in any schedule; the fewest rules that stop it (NOT "
                    "confirmed by the check): {names}"
                )
            out.append("  " + words.format(names=names))
        for f in self.findings:
            out.append(f"  [{f.rule.words or f.rule.value}] {f.detail}")
            if f.without:
                out.append("      " + _("without it: {without}").format(without=f.without))
        return out


def fix_lines(fixes: list[Fix]) -> list[str]:
    """The cheapest fix that solving confirmed and two more that work, or, when none was
    confirmed, the changes tried."""
    verified = [f for f in fixes if f.verified]
    if verified:
        return [
            "  "
            + _("cheapest change (checked by planning again): {change}").format(
                change=verified[0].change
            ),
            *("  " + _("also works: {change}").format(change=f.change) for f in verified[1:3]),
        ]
    if fixes:
        words = _("no single change tried was confirmed by planning again: {changes}")
        return ["  " + words.format(changes="; ".join(f.change for f in fixes))]
    return []


def findings_of(blocking: Blocking) -> list[Finding]:
    """The blocking rules as findings, each with the block dropping it would allow."""
    findings = []
    for rule in blocking.rules:
        block = blocking.witnesses.get(rule) or ()
        findings.append(Finding(rule, blocking.details.get(rule, ""), tuple(block)))
    return findings


def months_needed(person: Person, course: Course, findings: list[Finding]) -> int:
    """More months of ``within_months`` that would reach the block allowed without the
    window rule (0 when the window is not in the set)."""
    window = next((f for f in findings if f.rule is Rule.WINDOW and f.block), None)
    if window is None:
        return 0
    last_day = window.block[-1].day
    months = 1
    while add_months(person.start_date, course.within_months + months) < last_day and months < 60:
        months += 1
    return months


def with_course(instance: Instance, course: Course, **changes: object) -> Instance:
    """A copy of the instance with the course's fields changed."""
    return instance.replace(
        courses=tuple(
            c.model_copy(update=changes) if c.course_id == course.course_id else c
            for c in instance.courses
        )
    )


#: A change worth trying: its description, its cost, and the changed instance.
Candidate = tuple[str, int, Instance]


def qualify_fix(instance: Instance, course: Course) -> list[Candidate]:
    """Qualify the first trainer (by id) not yet qualified for the course."""
    for trainer in sorted(instance.trainers, key=lambda t: t.trainer_id):
        if not trainer.qualified(course.course_id):
            changed = instance.replace(
                trainers=tuple(
                    t.model_copy(update={"courses": (*t.courses, course.course_id)})
                    if t.trainer_id == trainer.trainer_id
                    else t
                    for t in instance.trainers
                )
            )
            change = _("make {trainer} qualified for {course}").format(
                trainer=trainer.name or trainer.trainer_id, course=course_name(course)
            )
            return [(change, 2, changed)]
    return []


def weekly_limit_fix(instance: Instance, course: Course) -> list[Candidate]:
    """The course's half-days more a week for its first qualified trainer."""
    for trainer in instance.trainers:
        if trainer.qualified(course.course_id):
            limit = trainer.max_half_days_per_week
            changed = instance.replace(
                trainers=tuple(
                    t.model_copy(
                        update={
                            "max_half_days_per_week": t.max_half_days_per_week + course.half_days
                        }
                    )
                    if t.trainer_id == trainer.trainer_id
                    else t
                    for t in instance.trainers
                )
            )
            change = _("let {trainer} teach {new} half-days a week instead of {old}").format(
                trainer=trainer.name or trainer.trainer_id,
                new=number(limit + course.half_days),
                old=number(limit),
            )
            return [(change, course.half_days, changed)]
    return []


def min_group_fix(instance: Instance, course: Course) -> list[Candidate]:
    """The course's ``min_group`` one lower (none at 1)."""
    if course.min_group <= 1:
        return []
    change = _("lower the least group of {course} from {old} to {new} (min_group)").format(
        course=course_name(course), old=number(course.min_group), new=number(course.min_group - 1)
    )
    return [(change, 3, with_course(instance, course, min_group=course.min_group - 1))]


def course_fixes(instance: Instance, course: Course) -> list[Candidate]:
    """Changes to the course's resources worth trying: another qualified trainer, a
    trainer's weekly limit higher, a lower ``min_group`` (description, cost, instance)."""
    return [
        *qualify_fix(instance, course),
        *weekly_limit_fix(instance, course),
        *min_group_fix(instance, course),
    ]


def district_fix(instance: Instance, person: Person) -> Candidate:
    """The person's district's ``max_absent`` one higher."""
    district = instance.district_by_id[person.district_id]
    changed = instance.replace(
        districts=tuple(
            d.model_copy(update={"max_absent": d.max_absent + 1})
            if d.district_id == district.district_id
            else d
            for d in instance.districts
        )
    )
    change = _(
        "raise the limit on absence of district {district} from {old} to {new} (max_absent)"
    ).format(
        district=district_name(district),
        old=number(district.max_absent),
        new=number(district.max_absent + 1),
    )
    return change, 1, changed


def window_fixes(
    instance: Instance, person: Person, course: Course, findings: list[Finding]
) -> list[Candidate]:
    """The course's window one, two, or as many months longer as the block allowed
    without the window rule needs."""
    return [
        (
            _(
                "give {course} {months} more month(s): within_months {old} to {new} (the "
                "last day moves by about {days} days)"
            ).format(
                course=course_name(course),
                months=number(months),
                old=number(course.within_months),
                new=number(course.within_months + months),
                days=number(30 * months),
            ),
            30 * months,
            with_course(instance, course, within_months=course.within_months + months),
        )
        for months in sorted({1, 2, months_needed(person, course, findings)} - {0})
    ]


def leave_fix(instance: Instance, course: Course) -> Candidate:
    """The leave of every trainer qualified for the course moved out of the window."""
    keep = tuple(
        e
        for e in instance.unavailability
        if not (
            instance.trainer_by_id.get(e.resource_id) is not None
            and instance.trainer_by_id[e.resource_id].qualified(course.course_id)
        )
    )
    away = sorted({e.resource_id for e in instance.unavailability} - {e.resource_id for e in keep})
    names = {t.trainer_id: t.name or t.trainer_id for t in instance.trainers}
    change = _(
        "move the leave of the trainers qualified for {course} ({names}) out of the window"
    ).format(course=course_name(course), names=listed(names.get(a, a) for a in away))
    return change, 5, instance.replace(unavailability=keep)


def candidate_fixes(
    instance: Instance, person: Person, course: Course, findings: list[Finding]
) -> list[Candidate]:
    """Changes worth trying, cheapest first: (description, cost, changed instance)."""
    fixes = [
        district_fix(instance, person),
        *course_fixes(instance, course),
        *window_fixes(instance, person, course, findings),
    ]
    if Rule.TRAINER_AVAILABLE in {f.rule for f in findings}:
        fixes.append(leave_fix(instance, course))
    return sorted(fixes, key=lambda item: item[1])


#: Seconds for the optimiser's re-solve of a fix the greedy plan did not confirm.
OPTIMISER_CHECK_SECONDS = 30.0


#: The "fix" when solving the instance as it stands meets the attendance.
NO_CHANGE = N_("none needed: solving the instance again as it stands meets it")


class Verifier:
    """Solves changed instances, each once, and says which attendances they meet and
    which yearly offerings they hold."""

    def __init__(self, workers: int, seed: int, not_before: date | None = None) -> None:
        self.workers = workers
        self.seed = seed
        #: A re-plan's today: only sessions from this day on can meet an attendance now
        #: (the past is as it happened, whatever a solve from scratch would do with it).
        self.not_before = not_before
        self.met: dict[tuple[str, bool], frozenset[tuple[str, str]]] = {}
        self.unheld: dict[tuple[str, bool], frozenset[tuple[str, int]] | None] = {}

    def _solve(self, key: tuple[str, bool], instance: Instance) -> None:
        if key in self.met:
            return
        params = SolveParams(
            time_limit=OPTIMISER_CHECK_SECONDS,
            workers=self.workers,
            seed=self.seed,
            improve=key[1],
        )
        result = solve(instance, params)
        broken = check(instance, result.sessions, result.assignments, result.unscheduled)
        days = {x.session_id: x.slots[0].day for x in result.sessions if x.slots}
        early = self.not_before
        self.met[key] = (
            frozenset()
            if broken
            else frozenset(
                (a.person_id, a.course_id)
                for a in result.assignments
                if early is None or days.get(a.session_id, early) >= early
            )
        )
        self.unheld[key] = (
            None
            if broken
            else frozenset((u.course_id, u.deadline.year) for u in result.unscheduled if u.offering)
        )

    def meets(
        self, change: str, instance: Instance, person_id: str, course_id: str, optimise: bool
    ) -> bool:
        """Whether ``instance`` (``change`` applied) solves with the attendance met and
        no rule broken; ``optimise`` re-solves with the optimiser, else the greedy plan."""
        key = (f"{course_id}: {change}", optimise)
        self._solve(key, instance)
        return (person_id, course_id) in self.met[key]

    def holds(
        self, change: str, instance: Instance, course_id: str, year: int, optimise: bool
    ) -> bool:
        """Whether ``instance`` (``change`` applied) solves with the course's offering of
        the year held and no rule broken."""
        key = (f"{course_id}: {change}", optimise)
        self._solve(key, instance)
        unheld = self.unheld[key]
        return unheld is not None and (course_id, year) not in unheld


def explain_offerings(
    instance: Instance,
    schedule: ExplainedSchedule,
    course_id: str | None = None,
    params: SolveParams | None = None,
    max_fixes: int = 4,
) -> list[OfferingExplanation]:
    """Explain every yearly offering the schedule does not hold (of ``course_id`` only,
    if given): the plan's reason, and the changes that solving confirms would hold it."""
    params = params or SolveParams()
    verifier = Verifier(params.workers, params.seed)
    explanations = []
    for row in schedule.offerings:
        if course_id is not None and row.course_id != course_id:
            continue
        course = instance.course_by_id.get(row.course_id)
        if course is None:
            continue
        year = row.deadline.year
        item = OfferingExplanation(
            row.course_id, year, row.deadline, row.reason, name=course_name(course)
        )
        tries = sorted(course_fixes(instance, course), key=lambda item: item[1])
        for change, cost, changed in tries[:max_fixes]:
            holds = verifier.holds(change, changed, row.course_id, year, optimise=False)
            item.fixes.append(Fix(change, cost, holds))
        item.fixes.sort(key=lambda f: (not f.verified, f.cost))
        explanations.append(item)
    return explanations


def solved_schedule(
    instance: Instance, params: SolveParams, progress: Progress | None = None
) -> ExplainedSchedule:
    """The schedule to explain when the coordinator gives none: the instance solved."""
    result = solve(instance, params, progress)
    return ExplainedSchedule.of(result.assignments, result.unscheduled)


def wanted_attendances(
    instance: Instance,
    person_id: str | None,
    course_id: str | None,
    seated: dict[tuple[str, str], str],
) -> list[tuple[str, str]]:
    """The due attendances asked for (of the person and course, if given), or, when
    neither is given, every one the schedule leaves unmet."""
    wanted = [
        (att.person_id, att.course_id)
        for att in instance.due_attendances
        if (person_id is None or att.person_id == person_id)
        and (course_id is None or att.course_id == course_id)
    ]
    if person_id is None and course_id is None:
        wanted = [key for key in wanted if key not in seated]
    return wanted


def verified_fixes(
    instance: Instance,
    person: Person,
    course: Course,
    findings: list[Finding],
    verifier: Verifier,
    max_fixes: int,
) -> list[Fix]:
    """The changes worth trying, each checked by the greedy re-solve (and, when none is
    confirmed, the cheapest by the optimiser too), the confirmed ones first."""
    pid, cid = person.person_id, course.course_id
    tries = candidate_fixes(instance, person, course, findings)[:max_fixes]
    fixes = [
        Fix(change, cost, verifier.meets(change, changed, pid, cid, optimise=False))
        for change, cost, changed in tries
    ]
    if tries and not any(f.verified for f in fixes):
        change, cost, changed = tries[0]
        if verifier.meets(change, changed, pid, cid, optimise=True):
            fixes[0] = Fix(change, cost, True)
    fixes.sort(key=lambda f: (not f.verified, f.cost))
    return fixes


def explain_not_met(
    item: Explanation,
    instance: Instance,
    reasons: dict[tuple[str, str], str],
    verifier: Verifier,
    given: bool,
    max_fixes: int,
) -> None:
    """Fill in why an unmet attendance is not met: the rules that rule it out in any
    schedule, or the plan's reason; then the fixes solving confirms."""
    key = (item.person_id, item.course_id)
    person = instance.person_by_id[item.person_id]
    course = instance.course_by_id[item.course_id]
    blocking = blocking_rules(instance, person, course)
    if blocking is not None:
        item.findings = findings_of(blocking)
        item.findings_checked = blocking.checked
    item.plan_reason = reasons.get(key, "")
    if blocking is None and any(
        verifier.meets(NO_CHANGE, instance, *key, optimise)
        for optimise in ((False, True) if given else (False,))
    ):
        # Possible as the data stands: the plan explained just did not seat it.
        item.fixes.append(Fix(_(NO_CHANGE), 0, True))
        return
    item.fixes = verified_fixes(instance, person, course, item.findings, verifier, max_fixes)


def explain(
    instance: Instance,
    person_id: str | None = None,
    course_id: str | None = None,
    max_fixes: int = 8,
    schedule: ExplainedSchedule | None = None,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    given: bool | None = None,
    today: date | None = None,
) -> list[Explanation]:
    """Explain the due attendances asked for (or every one ``schedule`` leaves unmet).

    ``today`` is a re-plan's today, for a re-planned schedule: the past is as it
    happened, so an attendance whose window closed before it is said to be out of
    reach, and a fix counts only when it meets the attendance from ``today`` on.

    ``given`` says whether the schedule is one the coordinator gave (default: whether
    ``schedule`` is given), not the optimiser's own solve.

    ``schedule`` defaults to the instance solved with ``params`` (default: the optimiser
    with its default time limit); fixes are checked with the same workers and seed.
    A schedule given (one read back, perhaps older or the greedy's) is also compared
    with the optimiser's re-solve of the instance as it stands.
    """
    params = params or SolveParams()
    if given is None:
        given = schedule is not None
    if schedule is None:
        schedule = solved_schedule(instance, params, progress)
    verifier = Verifier(params.workers, params.seed, today)
    seated = schedule.seated
    explanations: list[Explanation] = []
    for pid, cid in wanted_attendances(instance, person_id, course_id, seated):
        person = instance.person_by_id[pid]
        course = instance.course_by_id[cid]
        item = Explanation(
            pid,
            cid,
            instance.deadline(person, course),
            (pid, cid) in seated,
            seated.get((pid, cid)),
            person_name=person_name(person),
            course_name=course_name(course),
        )
        if not item.met and today is not None and item.deadline < today:
            item.plan_reason = f"{Rule.WINDOW.value}: " + _(
                "closed on {deadline}, before the re-plan's today ({today}): no change made "
                "now can meet it"
            ).format(deadline=long_date(item.deadline), today=long_date(today))
        elif not item.met:
            explain_not_met(item, instance, schedule.reasons, verifier, given, max_fixes)
        explanations.append(item)
    return explanations
