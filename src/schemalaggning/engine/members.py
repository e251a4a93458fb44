"""Choosing a session's members: the attendances that fit a block, in a given order.

The greedy plan (:mod:`schemalaggning.engine.greedy`) fills each session it opens with
them, and the course rebuilds (:mod:`schemalaggning.engine.rebuild`) measure the group a
block can seat with them.
"""

from __future__ import annotations

import itertools
from collections import Counter

from schemalaggning.engine.plan import Plan


def choose_members(
    plan: Plan,
    candidates: list[int],
    course: int,
    start: int,
    seats: int,
    first: int | None = None,
    already: list[int] | None = None,
) -> list[int]:
    """Attendances (in the given order) that fit the block, up to ``seats``.

    Each must be released by ``start`` (prerequisites included), end by its deadline,
    be free in the block, and fit the district's limit together with those already
    chosen (and with ``already``, attendances picked for the same session before).
    """
    data = plan.data
    length = data.courses[course].half_days
    end = start + length - 1
    chosen: list[int] = []
    extra: Counter[int] = Counter(
        data.person_district[data.attendances[a].person] for a in already or []
    )
    spare_cache: dict[int, int] = {}
    # Lazily: the first few candidates mostly fill the seats (quadratic at 50 000 people).
    order = itertools.chain([] if first is None else [first], (a for a in candidates if a != first))
    for att_idx in order:
        if len(chosen) >= seats:
            break
        att = data.attendances[att_idx]
        if att_idx in plan.assigned or att.release > start or att.deadline < end:
            continue
        if not plan.ready(att, start) or not plan.person_free(att.person, start, length):
            continue
        if not plan.before_successors(att_idx, end):
            continue
        district = data.person_district[att.person]
        if district not in spare_cache:
            spare_cache[district] = plan.district_spare(district, start, length)
        if extra[district] >= spare_cache[district]:
            continue
        extra[district] += 1
        chosen.append(att_idx)
    return chosen
