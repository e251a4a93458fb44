"""Re-planning around a published schedule: history and the freeze hold, changes are listed.

The published schedule is the greedy plan of the bundled ``small`` instance (three
districts, a one-year horizon from 2027-01-04). A month later, on 2027-02-01, two new
hires arrive and a trainer takes leave; the re-plan must keep every session that
started before that day or starts in the four weeks after it, list every difference in
``changes.csv``, and keep every rule (the independent checker).
"""

from __future__ import annotations

import csv
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalaggning.check import check, check_schedule
from schemalaggning.cli import main
from schemalaggning.domain import (
    Elective,
    ElectiveStatus,
    Instance,
    Person,
    Session,
    Unavailability,
)
from schemalaggning.engine.solve import SolveParams
from schemalaggning.io import read_instance, read_schedule, write_instance
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.replan import replan

SMALL = Path(__file__).resolve().parents[2] / "instances" / "small"
TODAY = date(2027, 2, 1)
FREEZE_END = TODAY + timedelta(weeks=4)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small instance's greedy schedule, written as the published folder."""
    folder = tmp_path_factory.mktemp("published") / "schedule"
    result = CliRunner().invoke(
        main, ["solve", str(SMALL), "-o", str(folder), "--greedy", "--no-ics"]
    )
    assert result.exit_code == 0, result.output
    assert check_schedule(read_instance(SMALL), read_schedule(folder)) == []
    return folder


def busiest_later_trainer(schedule: Schedule) -> tuple[str, Session]:
    """A trainer and one of their published sessions after the freeze."""
    later = [s for _, s in schedule.sessions if s.slots[0].day >= FREEZE_END]
    session = min(later, key=lambda s: (s.slots[0], s.session_id))
    return session.trainer_ids[0], session


def month_later(instance: Instance, leave: Unavailability) -> Instance:
    """The instance a month later: two new hires and one trainer's new leave."""
    template = instance.people[0]
    hires = tuple(
        Person(
            person_id=f"NY{k}",
            name=f"Ny {k}",
            email=f"ny{k}@example.org",
            district_id=template.district_id,
            start_date=TODAY + timedelta(days=7 * k),
            required=True,
            done=(),
        )
        for k in (1, 2)
    )
    return instance.replace(
        people=(*instance.people, *hires), unavailability=(*instance.unavailability, leave)
    )


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file."""
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_replan_keeps_history_and_freeze_and_lists_every_change(
    published: Path, tmp_path: Path
) -> None:
    schedule = read_schedule(published)
    trainer_id, victim = busiest_later_trainer(schedule)
    day = victim.slots[0].day
    leave = Unavailability(resource_id=trainer_id, start=day, end=day, reason="ledig")
    instance = month_later(read_instance(SMALL), leave)
    result, changes = replan(instance, schedule, TODAY, 4, SolveParams(time_limit=5, seed=0))

    # Every rule holds, and the new hires' due attendances are met or explained.
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    # History and the freeze: every session that starts before the freeze's end is kept
    # exactly, with the same participants; a new hire may take a free seat in one.
    before = {s.session_id: s for _, s in schedule.sessions}
    after = {s.session_id: s for s in result.sessions}
    was = {(a.person_id, a.course_id): a.session_id for _, a in schedule.assignments}
    now = {(a.person_id, a.course_id): a.session_id for a in result.assignments}
    frozen = [s for s in before.values() if s.slots[0].day < FREEZE_END]
    assert frozen
    for session in frozen:
        kept = after[session.session_id]
        assert (kept.slots, kept.room_id, set(kept.trainer_ids)) == (
            session.slots,
            session.room_id,
            set(session.trainer_ids),
        )
        members_before = {k for k, sid in was.items() if sid == session.session_id}
        members_after = {k for k, sid in now.items() if sid == session.session_id}
        assert members_before <= members_after
        assert {pid for pid, _ in members_after - members_before} <= {"NY1", "NY2"}
    # No new session starts inside the freeze.
    assert all(s.slots[0].day >= FREEZE_END for sid, s in after.items() if sid not in before)
    # The trainer on leave teaches nothing that day.
    assert all(
        trainer_id not in s.trainer_ids
        for s in result.sessions
        if any(slot.day == day for slot in s.slots)
    )

    # Every difference is in the list of changes, and nothing else is.
    # A trainer swap is listed once: as repaired in the freeze, or as found after it.
    swaps = [c.session_id for c in changes if c.change == "trainer_changed"]
    assert len(swaps) == len(set(swaps))
    listed = {(c.change, c.session_id, c.person_id) for c in changes}
    expected: set[tuple[str, str, str]] = set()
    for sid in before.keys() - after.keys():
        expected.add(("session_cancelled", sid, ""))
    for sid in after.keys() - before.keys():
        expected.add(("session_added", sid, ""))
    for sid in before.keys() & after.keys():
        if before[sid].slots != after[sid].slots:
            expected.add(("session_moved", sid, ""))
        if before[sid].room_id != after[sid].room_id:
            expected.add(("room_changed", sid, ""))
        if set(before[sid].trainer_ids) != set(after[sid].trainer_ids):
            expected.add(("trainer_changed", sid, ""))
    for key in was.keys() | now.keys():
        old, new = was.get(key), now.get(key)
        if old == new:
            continue
        if old is None:
            expected.add(("person_added", new or "", key[0]))
        elif new is None:
            expected.add(("person_removed", old, key[0]))
        else:
            expected.add(("person_moved", new, key[0]))
    assert listed == expected
    # The new hires are planned.
    assert any(a.person_id in {"NY1", "NY2"} for a in result.assignments)


def test_frozen_session_gets_a_substitute_trainer(published: Path) -> None:
    schedule = read_schedule(published)
    frozen = [s for _, s in schedule.sessions if TODAY <= s.slots[0].day < FREEZE_END]
    session = min(frozen, key=lambda s: (s.slots[0], s.session_id))
    trainer_id = session.trainer_ids[0]
    day = session.slots[0].day
    leave = Unavailability(resource_id=trainer_id, start=day, end=day, reason="sjuk")
    instance = read_instance(SMALL)
    instance = instance.replace(unavailability=(*instance.unavailability, leave))
    result, changes = replan(instance, schedule, TODAY, 4, SolveParams(time_limit=3, seed=0))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    repaired = [c for c in changes if c.session_id == session.session_id]
    kinds = {c.change for c in repaired}
    # Either another qualified trainer takes it (same slots, same people), or it is
    # cancelled with the reason; never kept with the trainer on leave.
    assert kinds & {"trainer_changed", "session_cancelled"}
    kept = {s.session_id: s for s in result.sessions}.get(session.session_id)
    if "trainer_changed" in kinds:
        assert kept is not None and trainer_id not in kept.trainer_ids
        assert kept.slots == session.slots
        # Said in words: who cannot, on which day, and who holds the session instead.
        name = instance.trainer_by_id[trainer_id].name
        assert any(c.why.startswith(f"{name} kan inte passet") for c in repaired)
        assert all(c.before_date == day.isoformat() for c in repaired)


def test_approved_electives_take_people_out_of_frozen_and_later_sessions(
    published: Path,
) -> None:
    # Two people's managers approved a personal course after publishing: one falls on a
    # frozen session of theirs (with seats to spare above min_group), one on a later one.
    # Both must leave those sessions, and the re-plan must keep every rule.
    schedule = read_schedule(published)
    instance = read_instance(SMALL)
    members: dict[str, list[str]] = {}
    for _, a in schedule.assignments:
        members.setdefault(a.session_id, []).append(a.person_id)
    sessions = sorted((s for _, s in schedule.sessions), key=lambda s: (s.slots[0], s.session_id))
    frozen = next(
        s
        for s in sessions
        if TODAY <= s.slots[0].day < FREEZE_END
        and len(members.get(s.session_id, [])) > instance.course_by_id[s.course_id].min_group
    )
    later = next(s for s in sessions if s.slots[0].day >= FREEZE_END and members.get(s.session_id))
    courses = [
        Elective(
            request_id=f"E{k}",
            person_id=members[session.session_id][0],
            start=session.slots[0].day,
            end=session.slots[0].day,
            status=ElectiveStatus.APPROVED,
        )
        for k, session in enumerate((frozen, later), start=1)
    ]
    instance = instance.replace(electives=tuple(courses))
    result, changes = replan(instance, schedule, TODAY, 4, SolveParams(time_limit=3, seed=0))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    removed = [c for c in changes if c.change == "person_removed" and "(E1)" in c.why]
    assert [(c.session_id, c.person_id) for c in removed] == [
        (frozen.session_id, courses[0].person_id)
    ]
    seated = {(a.person_id, a.session_id) for a in result.assignments}
    assert (courses[1].person_id, later.session_id) not in seated


def test_unchanged_instance_changes_nothing(published: Path) -> None:
    schedule = read_schedule(published)
    instance = read_instance(SMALL)
    result, changes = replan(instance, schedule, TODAY, 4, SolveParams(time_limit=3, seed=0))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    assert changes == []
    assert {s.session_id for s in result.sessions} == {s.session_id for _, s in schedule.sessions}


def test_replan_command_writes_changes_and_only_changed_invites(
    published: Path, tmp_path: Path
) -> None:
    # Publish with calendars first, so that the ledger knows what was sent.
    folder = tmp_path / "published"
    runner = CliRunner()
    first = runner.invoke(main, ["solve", str(SMALL), "-o", str(folder), "--greedy"])
    assert first.exit_code == 0, first.output
    # The first publication is mailed (the outbox keeps whatever is not).
    mailed = runner.invoke(main, ["send", str(folder), "--discard", "all", "--mailed-elsewhere"])
    assert mailed.exit_code == 0, mailed.output
    schedule = read_schedule(folder)
    trainer_id, victim = busiest_later_trainer(schedule)
    day = victim.slots[0].day
    instance_dir = tmp_path / "instance"
    leave = Unavailability(resource_id=trainer_id, start=day, end=day, reason="ledig")
    write_instance(month_later(read_instance(SMALL), leave), instance_dir)
    out = tmp_path / "replanned"
    result = runner.invoke(
        main,
        [
            "replan",
            str(instance_dir),
            "--published",
            str(folder),
            "--today",
            TODAY.isoformat(),
            "-o",
            str(out),
            "--time-limit",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert check_schedule(read_instance(instance_dir), read_schedule(out)) == []
    changes = rows(out / "changes.csv")
    assert changes, "a new hire and a leave change something"
    # Only what changed is sent: every invitation in the outbox belongs to a session that
    # changed (added, moved, re-staffed, cancelled, or whose participants changed).
    changed_sessions = {c["session_id"] for c in changes} | {
        c["before"] for c in changes if c["change"] == "person_moved"
    }
    outbox = rows(out / "invites" / "outbox.csv")
    assert outbox
    for item in outbox:
        assert item["session_id"] in changed_sessions, item
    # A bad --published folder gives a located error, exit 2.
    bad = runner.invoke(
        main,
        [
            "replan",
            str(instance_dir),
            "--published",
            str(tmp_path / "missing"),
            "--today",
            TODAY.isoformat(),
        ],
    )
    assert bad.exit_code == 2
    assert "missing" in bad.output


def test_the_time_limit_counts_from_the_commands_start(published: Path) -> None:
    instance = read_instance(SMALL)
    schedule = read_schedule(published)
    # The command began 100 s ago (reading a large city, say): the re-plan's clock
    # counts from then, so its search has no time left and the plan stays whole.
    began = time.perf_counter() - 100
    result, _ = replan(instance, schedule, TODAY, 4, SolveParams(time_limit=5), started=began)
    assert result.summary["solve_seconds"] >= 100
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
