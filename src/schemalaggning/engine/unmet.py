"""Why a due attendance is unmet in a plan: the first obstacle that stops every session.

The greedy plan names it when it gives an attendance up, and the records of a plan name
it for every due attendance left unmet (:func:`schemalaggning.engine.outcome.unscheduled_records`).
An obstacle of the plan (another session took the place) is checked on the data later
(:mod:`schemalaggning.engine.reasons`).
"""

from __future__ import annotations

from collections import Counter

from schemalaggning.engine.plan import Plan, SolverAttendance, free_rooms, pick_trainers
from schemalaggning.rules import Reason, Rule


def explain_unmet(plan: Plan, att: SolverAttendance) -> Reason:
    """Name the first obstacle that stops every possible session for the attendance: the
    rule (:class:`schemalaggning.rules.Rule`) and the obstacle in words."""
    data = plan.data
    info = data.courses[att.course]
    course = info.course
    inst = data.instance
    person = inst.people[att.person]
    deadline = att.deadline_date
    horizon = inst.settings
    if deadline < horizon.horizon_start:
        return Reason(
            Rule.WINDOW,
            f"the window closed on {deadline}, before the horizon starts "
            f"on {horizon.horizon_start}",
        )
    for prereq in att.prereqs:
        if (att.person, prereq) not in plan.person_course_end:
            name = data.courses[prereq].course.course_id
            return Reason(Rule.PREREQUISITE, f"{name} must come first and is not scheduled")
    # A planned-ahead attendance (format 1.2) is met inside the plan, which ends first.
    until = min(deadline, horizon.horizon_end)
    ahead = (
        f" (the window closes on {deadline}, after the plan ends: it is planned ahead)"
        if deadline > horizon.horizon_end
        else ""
    )
    release = plan.release(att)
    assert release is not None
    blocks = data.blocks_between(att.course, release, att.deadline)
    first_day = data.grid.slots[release].day if release < data.num_slots else deadline
    if not blocks and data.blocks_between(att.course, att.release, att.deadline):
        # The window has blocks, but none after the prerequisites end.
        names = ", ".join(data.courses[p].course.course_id for p in att.prereqs)
        return Reason(
            Rule.PREREQUISITE,
            f"{course.course_id} must start after {names} ends, and no block of "
            f"{course.half_days} half-days is left between then and {until}{ahead}",
        )
    if not blocks:
        return Reason(
            Rule.SESSION_BLOCK,
            f"between {first_day} and {until} there is no block of "
            f"{course.half_days} consecutive open half-days within one week{ahead}",
        )
    if len(info.qualified) < course.trainers:
        return Reason(
            Rule.TRAINER_QUALIFIED,
            f"{len(info.qualified)} trainer(s) are qualified for "
            f"{course.course_id}, a session needs {course.trainers}",
        )
    if not any(c >= course.min_group for c in data.room_capacity):
        return Reason(
            Rule.ROOM_CAPACITY, f"no room seats min_group {course.min_group} of {course.course_id}"
        )
    tally: Counter[Rule] = Counter()
    length = course.half_days
    away = data.person_away.get(att.person, frozenset())
    for start in blocks:
        if away.intersection(range(start, start + length)):
            tally[Rule.ELECTIVE_AWAY] += 1
        elif not plan.person_free(att.person, start, length):
            tally[Rule.PERSON_OVERLAP] += 1
        elif plan.district_spare(data.person_district[att.person], start, length) < 1:
            tally[Rule.DISTRICT_ABSENCE] += 1
        elif not free_rooms(plan, att.course, start):
            tally[Rule.ROOM_AVAILABLE] += 1
        elif pick_trainers(plan, att.course, start) is None:
            tally[Rule.TRAINER_AVAILABLE] += 1
        else:
            tally[Rule.MIN_GROUP] += 1
    rule, _ = tally.most_common(1)[0]
    words = {
        Rule.PERSON_OVERLAP: f"{person.person_id} is in other sessions in every possible block",
        Rule.ELECTIVE_AWAY: (
            f"{person.person_id} is away on approved electives or in other sessions in "
            f"every possible block"
        ),
        Rule.DISTRICT_ABSENCE: (
            f"district {person.district_id}'s limit of "
            f"{inst.district_by_id[person.district_id].max_absent} away is "
            f"full in every possible session"
        ),
        Rule.ROOM_AVAILABLE: "no room that seats the group is free in the window",
        Rule.TRAINER_AVAILABLE: (
            f"no {course.trainers} qualified trainer(s) are free (leave or "
            f"weekly limits) in the window"
        ),
        Rule.MIN_GROUP: (
            f"too few others can join to reach min_group {course.min_group} in the window"
        ),
    }
    return Reason(
        rule, f"{words[rule]} {first_day} to {until} ({len(blocks)} possible blocks){ahead}"
    )
