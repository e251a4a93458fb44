"""Candidate sessions of one course: the blocks a model may open sessions in.

In a neighbourhood of a few weeks every block of the course is a candidate. Over the
whole horizon there are hundreds of blocks, and a model with a variable per person
and block would not scale, so the candidates are the blocks where a session is worth
having: where the plan has one now, the latest block before each due deadline (where
earliest-deadline stabbing puts sessions), the earliest block after each release
(where sessions are early for the hire), and the neighbours of the current ones.
Only blocks with a free room and enough free qualified trainers are kept, with as
many parallel copies as rooms and trainers allow (at most one more than now).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from schemalaggning.engine.model.neighbourhood import Neighbourhood
from schemalaggning.engine.plan import Kind, Plan, free_rooms


@dataclass(frozen=True)
class CandidateSession:
    """A possible session: course, block start, copy number, and free rooms and trainers."""

    course: int
    start: int
    copy: int
    rooms: tuple[int, ...]
    trainers: tuple[int, ...]


def free_trainers(plan: Plan, course: int, start: int) -> tuple[int, ...]:
    """Qualified trainers free for the block (availability, other sessions, week limit)."""
    info = plan.data.courses[course]
    return tuple(t for t in info.qualified if plan.trainer_free(t, start, info.half_days))


def candidate_sessions(
    plan: Plan,
    course: int,
    windows: dict[int, tuple[int, int]],
    current: list[int],
    area: Neighbourhood,
    max_blocks: int,
) -> list[CandidateSession]:
    """Candidate sessions for the course inside the area, given the attendances' windows.

    ``current`` are the starts of the course's sessions just taken out of the plan.
    """
    data = plan.data
    info = data.courses[course]
    lo = bisect.bisect_left(info.blocks, area.first_slot)
    hi = bisect.bisect_right(info.blocks, area.last_slot)
    blocks = info.blocks[lo:hi]
    if area.every_block:
        wanted = dict.fromkeys(blocks, 0)
    else:
        wanted = wanted_blocks(plan, blocks, info.half_days, windows, current)

    candidates: list[CandidateSession] = []
    kept = 0
    for start in sorted(wanted, key=lambda s: (wanted[s], s)):
        if kept >= max_blocks and not area.every_block:
            break
        rooms = tuple(free_rooms(plan, course, start))
        trainers = free_trainers(plan, course, start) if info.trainers else ()
        if not rooms or len(trainers) < info.trainers:
            continue
        kept += 1
        parallel = min(
            len(rooms),
            len(trainers) // info.trainers if info.trainers else len(rooms),
            current.count(start) + 1,
        )
        for copy in range(parallel):
            candidates.append(CandidateSession(course, start, copy, rooms, trainers))
    return candidates


def wanted_blocks(
    plan: Plan,
    blocks: list[int],
    length: int,
    windows: dict[int, tuple[int, int]],
    current: list[int],
) -> dict[int, int]:
    """The blocks worth a session over a long range, by block start, with a priority
    (lower kept first): the current sessions' (0); the latest block before each due
    deadline and the earliest after each due release (1); the current sessions'
    neighbours, which let the model shift them a little (2)."""
    data = plan.data
    wanted: dict[int, int] = dict.fromkeys(current, 0)
    for att_idx, (release, deadline) in sorted(windows.items()):
        if data.attendances[att_idx].kind is not Kind.DUE:
            continue
        pos = bisect.bisect_right(blocks, deadline - length + 1) - 1
        if pos >= 0 and blocks[pos] >= release:
            wanted.setdefault(blocks[pos], 1)
        pos = bisect.bisect_left(blocks, release)
        if pos < len(blocks) and blocks[pos] + length - 1 <= deadline:
            wanted.setdefault(blocks[pos], 1)
    for start in current:
        pos = bisect.bisect_left(blocks, start)
        for near in (pos - 2, pos - 1, pos + 1, pos + 2):
            if 0 <= near < len(blocks):
                wanted.setdefault(blocks[near], 2)
    return wanted
