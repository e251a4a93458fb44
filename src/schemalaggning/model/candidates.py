"""Candidate sessions of one course: the blocks a course model may open sessions in.

A course with a two-year horizon has hundreds of blocks; a model with a variable per
person and block would not scale. The candidates are the blocks where a session is
worth having: where the plan has one now, the latest block before each due deadline
(where earliest-deadline stabbing puts sessions), the earliest block after each
release (where sessions are early for the hire), and the earliest block each current
session's members allow. Only blocks with a free room and enough free qualified
trainers are kept.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from schemalaggning.greedy import free_rooms
from schemalaggning.plan import Kind, Plan


@dataclass(frozen=True)
class Candidate:
    """A possible session: a block start, the rooms and trainers free for it."""

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
    max_blocks: int,
) -> list[Candidate]:
    """Candidate sessions for the course, given each attendance's window (slot range).

    ``current`` are the starts of the course's sessions in the plan (one per session);
    the plan must not hold the course's sessions while this runs.
    """
    data = plan.data
    info = data.courses[course]
    blocks = info.blocks
    length = info.half_days
    wanted: dict[int, int] = {}  # block start -> priority (lower kept first)

    def latest_by(slot: int) -> int | None:
        pos = bisect.bisect_right(blocks, slot - length + 1) - 1
        return blocks[pos] if pos >= 0 else None

    def earliest_from(slot: int) -> int | None:
        pos = bisect.bisect_left(blocks, slot)
        return blocks[pos] if pos < len(blocks) else None

    for start in current:
        wanted[start] = 0
    for att_idx, (release, deadline) in sorted(windows.items()):
        att = data.attendances[att_idx]
        if att.kind is not Kind.DUE:
            continue
        for found in (latest_by(deadline), earliest_from(release)):
            if found is not None and release <= found and found + length - 1 <= deadline:
                wanted.setdefault(found, 1)
    # Same-week neighbours of the current sessions let the model shift them a little.
    for start in current:
        pos = bisect.bisect_left(blocks, start)
        for near in (pos - 2, pos - 1, pos + 1, pos + 2):
            if 0 <= near < len(blocks):
                wanted.setdefault(blocks[near], 2)

    candidates: list[Candidate] = []
    chosen = sorted(wanted, key=lambda s: (wanted[s], s))
    current_count = {s: current.count(s) for s in set(current)}
    for start in chosen:
        if len({c.start for c in candidates}) >= max_blocks:
            break
        rooms = tuple(free_rooms(plan, course, start))
        trainers = free_trainers(plan, course, start) if info.trainers else ()
        if not rooms or len(trainers) < info.trainers:
            continue
        parallel = min(
            len(rooms),
            len(trainers) // info.trainers if info.trainers else len(rooms),
            current_count.get(start, 0) + 1,
        )
        for copy in range(parallel):
            candidates.append(Candidate(start, copy, rooms, trainers))
    candidates.sort(key=lambda c: (c.start, c.copy))
    return candidates
