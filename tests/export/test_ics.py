"""Calendar files and invitations, checked by tools written elsewhere.

Every file is parsed by the ``ical`` package (a strict parser that also evaluates our
VTIMEZONE rules), every iTIP file passes libical's restriction check (Debian's
``gir1.2-ical-3.0``, run with Debian's Python since it is not installable from PyPI),
and invitations, updates and cancellations are imported into a real client, khal.
Tests that need libical or khal are skipped when the tool is missing, unless ``CI`` is
set: there a missing tool fails them.

Every schedule a test writes also passes the project's checker.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner
from ical.calendar import Calendar
from ical.calendar_stream import IcsCalendarStream
from ical.event import Event

from schemalaggning.check import check, check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.domain import Half, Slot
from schemalaggning.engine.result import Result, Status, Summary
from schemalaggning.export.discard import discard
from schemalaggning.export.folder import write_result
from schemalaggning.export.ics import (
    LEDGER_FILE,
    PRODID,
    CalendarFrame,
    LineCache,
    Recipient,
    export_ics,
    inside,
    read_ledger,
    session_days,
    slug,
)
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.folders import HISTORY, MARKER
from schemalaggning.problems import InputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Path(__file__).parents[1] / "data" / "example"
GOTEBORG = ROOT / "instances" / "goteborg"
DEBIAN_PYTHON = "/usr/bin/python3"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST_PUBLISHED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
REPUBLISHED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
EXAMPLE_DOMAIN = "example-two-districts-one-quarter.schemalaggning"

SESSION_COLUMNS = [
    "session_id",
    "course_id",
    "room_id",
    "trainer_ids",
    "start",
    "end",
    "slots",
    "participants",
]


# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------


def require(missing: str | None) -> None:
    """Skip a test whose tool is missing, or fail it when ``CI`` is set."""
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing} (CI is set, so the tool must be installed)")
    pytest.skip(missing)


@cache
def libical_missing() -> str | None:
    """Why libical's Python bindings cannot be used, or ``None`` when they can."""
    if not Path(DEBIAN_PYTHON).is_file():
        return f"{DEBIAN_PYTHON} is missing (install python3-gi and gir1.2-ical-3.0)"
    probe = subprocess.run(
        [
            DEBIAN_PYTHON,
            "-c",
            "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "libical's bindings are missing (install python3-gi and gir1.2-ical-3.0)"
    return None


def khal_missing() -> str | None:
    """Why khal cannot be used, or ``None`` when it can."""
    return None if shutil.which("khal") else "khal is missing (install the khal package)"


#: Runs under Debian's Python: for each file, libical's restriction check, every
#: X-LIC-ERROR it reports, and each event's start and end converted to UTC with the
#: file's own VTIMEZONE (not libical's built-in zones).
LIBICAL_SCRIPT = r"""
import json, re, sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I

utc = I.Timezone.get_utc_timezone()
out = {}
for path in json.load(sys.stdin):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    calendar = I.Component.new_from_string(text)
    ok = bool(I.restriction_check(calendar))
    unfolded = re.sub(r"\r?\n[ \t]", "", calendar.as_ical_string())
    errors = [line for line in unfolded.splitlines() if line.startswith("X-LIC-ERROR")]
    zones = {}
    vtz = calendar.get_first_component(I.ComponentKind.VTIMEZONE_COMPONENT)
    while vtz is not None:
        zone = I.Timezone.new()
        zone.set_component(vtz.clone())
        zones[zone.get_tzid()] = zone
        vtz = calendar.get_next_component(I.ComponentKind.VTIMEZONE_COMPONENT)
    events = []
    event = calendar.get_first_component(I.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        found = {"uid": event.get_uid()}
        for name, value in (("start", event.get_dtstart()), ("end", event.get_dtend())):
            tzid = value.get_tzid()
            moment = I.Time.new_from_string(value.as_ical_string())
            if tzid in zones:
                moment.convert_timezone(zones[tzid], utc)
            found[name] = moment.as_ical_string()
        events.append(found)
        event = calendar.get_next_component(I.ComponentKind.VEVENT_COMPONENT)
    out[path] = {"ok": ok, "errors": errors, "events": events}
json.dump(out, sys.stdout)
"""


def libical(paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """libical's verdict on each file (one subprocess for all of them)."""
    require(libical_missing())
    run = subprocess.run(
        [DEBIAN_PYTHON, "-c", LIBICAL_SCRIPT],
        input=json.dumps([str(p) for p in paths]),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, dict[str, Any]] = json.loads(run.stdout)
    return result


def assert_libical_clean(paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Every file passes libical's restriction check without an error."""
    verdicts = libical(paths)
    bad = {
        Path(path).name: verdict["errors"]
        for path, verdict in verdicts.items()
        if not verdict["ok"] or verdict["errors"]
    }
    assert not bad, bad
    return verdicts


class Khal:
    """A throwaway khal with one vdir calendar, configured in a temporary folder.

    Parameters
    ----------
    folder
        Where its configuration goes.
    store
        Where its calendar (a vdir) and its database go.
    local_timezone
        The zone khal shows times in.
    """

    def __init__(self, folder: Path, store: Path, local_timezone: str = "Europe/Stockholm") -> None:
        require(khal_missing())
        self.vdir = store / "calendar"
        self.vdir.mkdir(parents=True)
        config = folder / "config" / "khal" / "config"
        config.parent.mkdir(parents=True)
        config.write_text(
            "[calendars]\n[[intro]]\n"
            f"path = {self.vdir}\ntype = calendar\n\n"
            "[locale]\n"
            "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
            f"local_timezone = {local_timezone}\ndefault_timezone = {local_timezone}\n\n"
            f"[sqlite]\npath = {store / 'khal.db'}\n",
            encoding="utf-8",
        )
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_DATA_HOME": str(folder / "data"),
            "HOME": str(folder),
        }

    def run(self, *args: str) -> str:
        """Run khal without any question asked; its standard output."""
        done = subprocess.run(
            ["khal", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def import_files(self, paths: Sequence[Path]) -> None:
        """Import files as a person would, updating events whose UID is known."""
        self.run("import", "--batch", "-a", "intro", *map(str, paths))

    def events(self) -> list[dict[str, str]]:
        """Every event khal holds in 2026 to 2029, once each."""
        text = self.run(
            "list",
            "--once",
            "--day-format",
            "",
            "--format",
            "{uid}|{start}|{end}|{status}|{title}",
            "2026-01-01",
            "2029-12-31",
        )
        found = []
        for line in text.splitlines():
            if "|" not in line:
                continue
            uid, start, end, status, title = line.split("|", 4)
            found.append(
                {"uid": uid, "start": start, "end": end, "status": status.strip(), "title": title}
            )
        return found


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A folder for khal's calendar and database, in memory where the system has
    ``/dev/shm``: khal syncs each event it writes to disk, which makes importing a whole
    programme take tens of seconds on a disk and under a second in memory."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="khal-", dir=shm))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path / "scratch"


def parse(path: Path) -> Calendar:
    """A file parsed by the ``ical`` package (it raises on anything invalid)."""
    return IcsCalendarStream.calendar_from_ics(path.read_text(encoding="utf-8"))


def only_event(path: Path) -> Event:
    """The one event of an invitation."""
    events = parse(path).events
    assert len(events) == 1
    return events[0]


def value_of(item: Any) -> str:
    """An enumerated value as its text (``ical`` gives some as enums, some as text)."""
    return str(getattr(item, "value", item))


def ics_files(folder: Path) -> list[Path]:
    """Every calendar file in a schedule folder."""
    return sorted(folder.rglob("*.ics"))


def outbox(folder: Path) -> list[dict[str, str]]:
    """The rows of a schedule folder's outbox."""
    with (folder / "invites" / "outbox.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def mailed(folder: Path) -> None:
    """Record everything in the folder's outbox as mailed (by hand), emptying it."""
    assert discard(folder, ["all"], mailed=True)
    assert outbox(folder) == []


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a schedule, by relative path, with its bytes (not the replaced
    versions in history/, nor the marker, which holds when the folder was written)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] not in (HISTORY, MARKER)
    }


def assert_checked(instance: Path, folder: Path) -> None:
    """The schedule in the folder passes the project's checker."""
    assert check_schedule(read_instance(instance), read_schedule(folder)) == []


def slot_text(day: str, *halves: str) -> str:
    """The slots of one day as sessions.csv writes them: ``2027-01-11/AM|2027-01-11/PM``."""
    return "|".join(f"{day}/{half}" for half in halves)


def session_row(
    session_id: str,
    course_id: str,
    room_id: str,
    trainer_id: str,
    day: str,
    halves: Sequence[str],
    participants: int,
) -> dict[str, Any]:
    """A sessions.csv row of a one-day session, with the example's slot times."""
    times = {"AM": ("08:30", "12:00"), "PM": ("13:00", "16:30")}
    return {
        "session_id": session_id,
        "course_id": course_id,
        "room_id": room_id,
        "trainer_ids": trainer_id,
        "start": f"{day}T{times[halves[0]][0]}",
        "end": f"{day}T{times[halves[-1]][1]}",
        "slots": slot_text(day, *halves),
        "participants": participants,
    }


def write_table(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Write a CSV file as a coordinator's spreadsheet would."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_schedule(
    folder: Path,
    instance: Path,
    sessions: Sequence[dict[str, Any]],
    assignments: Sequence[tuple[str, str, str]],
    unscheduled: Sequence[tuple[str, str, str, str]] = (),
) -> None:
    """Write (or overwrite) the four schedule files of a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    write_table(folder / "sessions.csv", SESSION_COLUMNS, sessions)
    write_table(
        folder / "assignments.csv",
        ["person_id", "course_id", "session_id"],
        [dict(zip(("person_id", "course_id", "session_id"), a, strict=True)) for a in assignments],
    )
    write_table(
        folder / "unscheduled.csv",
        ["person_id", "course_id", "deadline", "reason"],
        [
            dict(zip(("person_id", "course_id", "deadline", "reason"), u, strict=True))
            for u in unscheduled
        ],
    )
    (folder / "summary.json").write_text(
        json.dumps({"status": "feasible", "instance": str(instance)}) + "\n", encoding="utf-8"
    )


# The example instance with a third session: S1 (P1, a whole day), S2 and S3 (T1, mornings).
BASE_SESSIONS = [
    session_row("S1", "P1", "R1", "C1", "2027-01-11", ["AM", "PM"], 4),
    session_row("S2", "T1", "R2", "U1", "2027-01-13", ["AM"], 3),
    session_row("S3", "T1", "R2", "U1", "2027-01-14", ["AM"], 2),
]
BASE_ASSIGNMENTS = [
    ("A1", "P1", "S1"),
    ("A2", "P1", "S1"),
    ("B1", "P1", "S1"),
    ("B2", "P1", "S1"),
    ("A1", "T1", "S2"),
    ("A2", "T1", "S2"),
    ("X1", "T1", "S2"),
    ("B1", "T1", "S3"),
    ("B2", "T1", "S3"),
]
# S2 moves a week later; S3 is removed, so B1's and B2's due T1 are listed as unmet (B2's
# by plan-ahead: two thirds of his window lie inside the horizon).
MOVED_SESSIONS = [
    BASE_SESSIONS[0],
    session_row("S2", "T1", "R2", "U1", "2027-01-20", ["AM"], 3),
]
MOVED_ASSIGNMENTS = BASE_ASSIGNMENTS[:7]
MOVED_UNSCHEDULED = [
    ("B1", "T1", "2027-03-25", "trainer_available: the session was cancelled"),
    ("B2", "T1", "2027-05-10", "trainer_available: the session was cancelled"),
]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A schedule folder of the example instance with three sessions, checked."""
    folder = tmp_path / "schedule"
    write_schedule(folder, EXAMPLE / "instance", BASE_SESSIONS, BASE_ASSIGNMENTS)
    assert_checked(EXAMPLE / "instance", folder)
    return folder


def cli(*args: str) -> None:
    """Run the command line and expect success."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------------------------
# The real Göteborg schedule
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def goteborg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The greedy Göteborg schedule, written by ``solve`` with its calendars."""
    folder = tmp_path_factory.mktemp("goteborg") / "schedule"
    cli("solve", str(GOTEBORG), "-o", str(folder), "--greedy", "--time-limit", "20")
    return folder


def test_goteborg_schedule_passes_the_checker(goteborg: Path) -> None:
    assert_checked(GOTEBORG, goteborg)


def test_goteborg_every_file_parses_with_ical(goteborg: Path) -> None:
    instance = read_instance(GOTEBORG)
    schedule = read_schedule(goteborg)
    day_count = sum(len(session_days(s.slots)) for _, s in schedule.sessions)
    files = ics_files(goteborg)
    expected = 1 + len(instance.people) + len(instance.trainers) + len(instance.rooms)
    assert len(files) == expected + day_count
    uids: set[str] = set()
    for path in files:
        calendar = parse(path)
        assert calendar.version == "2.0"
        assert calendar.prodid
        assert [zone.tz_id for zone in calendar.timezones] == ["Europe/Stockholm"]
        assert calendar.method == ("REQUEST" if path.parent.name == "invites" else "PUBLISH")
        for event in calendar.events:
            assert isinstance(event.dtstart, datetime)
            assert event.dtstart.tzinfo is not None
            assert event.sequence == 0
            uids.add(event.uid)
    everything = parse(goteborg / "calendar.ics").events
    assert len(everything) == day_count == len(uids)
    assert all(not event.attendees for event in everything)


def test_goteborg_feeds_hold_each_ones_own_sessions(goteborg: Path) -> None:
    schedule = read_schedule(goteborg)
    days = {s.session_id: len(session_days(s.slots)) for _, s in schedule.sessions}
    person_days: dict[str, int] = {}
    for _, assignment in schedule.assignments:
        person_days[assignment.person_id] = (
            person_days.get(assignment.person_id, 0) + days[assignment.session_id]
        )
    for person_id, count in list(person_days.items())[:50]:
        assert len(parse(goteborg / "ics" / "people" / f"{person_id}.ics").events) == count
    room_days: dict[str, int] = {}
    for _, session in schedule.sessions:
        room_days[session.room_id] = room_days.get(session.room_id, 0) + days[session.session_id]
    for room_id, count in room_days.items():
        assert len(parse(goteborg / "ics" / "rooms" / f"{room_id}.ics").events) == count


def test_goteborg_invitations_pass_libical(goteborg: Path) -> None:
    invites = sorted((goteborg / "invites").glob("*.ics"))
    assert invites
    feeds = [goteborg / "calendar.ics", *sorted((goteborg / "ics" / "trainers").glob("*.ics"))]
    assert_libical_clean(invites + feeds)


def test_goteborg_imports_into_khal(goteborg: Path, tmp_path: Path, scratch: Path) -> None:
    khal = Khal(tmp_path, scratch)
    invites = sorted((goteborg / "invites").glob("*.ics"))
    khal.import_files([goteborg / "calendar.ics"])
    khal.import_files(invites)
    events = khal.events()
    uids = [event["uid"] for event in events]
    # The invitations carry the same UIDs as the overview: importing both adds nothing.
    assert len(uids) == len(set(uids)) == len(invites)
    assert len(list(khal.vdir.glob("*.ics"))) == len(invites)


def test_goteborg_multi_day_sessions_are_one_event_per_day(goteborg: Path) -> None:
    schedule = read_schedule(goteborg)
    by_uid = {event.uid: event for event in parse(goteborg / "calendar.ics").events}
    slot_times = {Half.AM: (time(8, 30), time(12, 0)), Half.PM: (time(13, 0), time(16, 30))}
    ledger = read_ledger(goteborg)
    assert ledger is not None
    multi = [s for _, s in schedule.sessions if len({slot.day for slot in s.slots}) > 1]
    assert multi, "the Göteborg schedule has three-half-day part-1 sessions"
    for session in multi:
        days = sorted({slot.day for slot in session.slots})
        for k, day in enumerate(days, start=1):
            event = by_uid[f"{session.session_id}-d{k}@{ledger.uid_domain}"]
            halves = [slot.half for slot in session.slots if slot.day == day]
            assert event.dtstart == datetime.combine(day, slot_times[halves[0]][0], STOCKHOLM)
            assert event.dtend == datetime.combine(day, slot_times[halves[-1]][1], STOCKHOLM)
            assert event.summary is not None
            assert f"(dag {k} av {len(days)})" in event.summary
        assert f"{session.session_id}-d{len(days) + 1}@" not in " ".join(by_uid)


def test_goteborg_uids_name_the_instance(goteborg: Path) -> None:
    ledger = read_ledger(goteborg)
    assert ledger is not None
    assert ledger.uid_domain == (
        "goteborg-introduktionsprogram-for-socialsekreterare-2027-2028.schemalaggning"
    )
    organizer = only_event(next((goteborg / "invites").glob("*.ics"))).organizer
    assert organizer is not None
    assert organizer.uri == "mailto:introduktion@goteborg.example.se"


# ---------------------------------------------------------------------------------------------
# Clock changes
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def clock_changes(tmp_path: Path) -> tuple[Path, Path]:
    """The example with its horizon over 2027 and a P1 day on each side of both 2027
    clock changes (28 March and 31 October); the Easter days 26 and 29 March are closed."""
    instance = tmp_path / "instance"
    shutil.copytree(EXAMPLE / "instance", instance)
    toml = instance / "instance.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "horizon_end = 2027-03-31", "horizon_end = 2027-12-22"
        ),
        encoding="utf-8",
    )
    people = [
        ("A1", "D1", "2027-03-01"),
        ("A2", "D1", "2027-03-01"),
        ("B1", "D2", "2027-03-01"),
        ("B2", "D2", "2027-03-01"),
        ("E1", "D1", "2027-10-01"),
        ("E2", "D1", "2027-10-01"),
        ("F1", "D2", "2027-10-01"),
        ("F2", "D2", "2027-10-01"),
    ]
    write_table(
        instance / "people.csv",
        ["person_id", "name", "email", "district_id", "start_date", "required", "done"],
        [
            {
                "person_id": pid,
                "name": f"Person {pid}",
                "email": f"{pid.lower()}@example.org",
                "district_id": district,
                "start_date": start,
                "required": "yes",
                "done": "",
            }
            for pid, district, start in people
        ],
    )
    sessions = [
        session_row(sid, "P1", "R1", "C1", day, ["AM", "PM"], 2)
        for sid, day in (
            ("W1", "2027-03-25"),
            ("W2", "2027-03-30"),
            ("W3", "2027-10-29"),
            ("W4", "2027-11-01"),
        )
    ]
    pairs = {"W1": ("A1", "A2"), "W2": ("B1", "B2"), "W3": ("E1", "E2"), "W4": ("F1", "F2")}
    assignments = [(pid, "P1", sid) for sid, pair in pairs.items() for pid in pair]
    # T1 of the March starters closes on 1 July, inside the horizon: due, and not met; so
    # is the October starters' (two thirds of their window lie inside it: plan-ahead).
    unscheduled = [
        (pid, "T1", "2027-07-01", "trainer_available: no trainer time")
        for pid in ("A1", "A2", "B1", "B2")
    ]
    unscheduled += [
        (pid, "T1", "2028-02-01", "trainer_available: no trainer time")
        for pid in ("E1", "E2", "F1", "F2")
    ]
    # T1 is then not held in 2027, which the horizon covers: the year's offering is unmet.
    unscheduled.append(("", "T1", "2027-12-22", "trainer_available: no trainer time"))
    folder = tmp_path / "schedule"
    write_schedule(folder, instance, sessions, assignments, unscheduled)
    assert_checked(instance, folder)
    export_ics(folder, published_at=FIRST_PUBLISHED)
    return instance, folder


#: Local start and end of each day, and the same in UTC: CET is UTC+1, CEST UTC+2.
CLOCK_CASES = {
    "W1": ("2027-03-25 08:30", "2027-03-25 16:30", "20270325T073000", "20270325T153000"),
    "W2": ("2027-03-30 08:30", "2027-03-30 16:30", "20270330T063000", "20270330T143000"),
    "W3": ("2027-10-29 08:30", "2027-10-29 16:30", "20271029T063000", "20271029T143000"),
    "W4": ("2027-11-01 08:30", "2027-11-01 16:30", "20271101T073000", "20271101T153000"),
}


def test_clock_changes_local_and_utc_hours(clock_changes: tuple[Path, Path]) -> None:
    _, folder = clock_changes
    calendar = parse(folder / "calendar.ics")
    zone = calendar.timezones[0]
    for event in calendar.events:
        sid = event.uid.partition("-")[0]
        local_start, local_end, utc_start, utc_end = CLOCK_CASES[sid]
        assert isinstance(event.dtstart, datetime) and isinstance(event.dtend, datetime)
        assert event.dtstart.strftime("%Y-%m-%d %H:%M") == local_start
        assert event.dtend.strftime("%Y-%m-%d %H:%M") == local_end
        # ical evaluates the file's own VTIMEZONE rules for the offset.
        for local, expected in ((event.dtstart, utc_start), (event.dtend, utc_end)):
            observance = zone.get_observance(local.replace(tzinfo=None))
            assert observance is not None
            offset = observance.observance.tz_offset_to.offset
            in_utc = local.replace(tzinfo=None) - offset
            assert in_utc.strftime("%Y%m%dT%H%M%S") == expected


def test_clock_changes_libical_utc(clock_changes: tuple[Path, Path]) -> None:
    _, folder = clock_changes
    invites = sorted((folder / "invites").glob("*.ics"))
    verdicts = assert_libical_clean([folder / "calendar.ics", *invites])
    for verdict in verdicts.values():
        for event in verdict["events"]:
            _, _, utc_start, utc_end = CLOCK_CASES[event["uid"].partition("-")[0]]
            assert (event["start"], event["end"]) == (utc_start, utc_end)


def test_clock_changes_in_khal(
    clock_changes: tuple[Path, Path], tmp_path: Path, scratch: Path
) -> None:
    _, folder = clock_changes
    local = Khal(tmp_path / "local", scratch / "local")
    local.import_files([folder / "calendar.ics"])
    utc = Khal(tmp_path / "utc", scratch / "utc", local_timezone="UTC")
    utc.import_files([folder / "calendar.ics"])
    for event in local.events():
        local_start, local_end, _, _ = CLOCK_CASES[event["uid"].partition("-")[0]]
        assert (event["start"], event["end"]) == (local_start, local_end)
    for event in utc.events():
        _, _, utc_start, utc_end = CLOCK_CASES[event["uid"].partition("-")[0]]
        shown = datetime.strptime(event["start"], "%Y-%m-%d %H:%M")
        assert shown.strftime("%Y%m%dT%H%M%S") == utc_start
        shown = datetime.strptime(event["end"], "%Y-%m-%d %H:%M")
        assert shown.strftime("%Y%m%dT%H%M%S") == utc_end
    assert len(utc.events()) == 4


# ---------------------------------------------------------------------------------------------
# Updates and cancellations
# ---------------------------------------------------------------------------------------------


def test_move_and_remove_send_one_request_and_one_cancel(
    example: Path, tmp_path: Path, scratch: Path
) -> None:
    instance = EXAMPLE / "instance"
    cli("export", "ics", str(example))
    first = {row["file"] for row in outbox(example)}
    assert first == {"invites/S1-d1.ics", "invites/S2-d1.ics", "invites/S3-d1.ics"}
    published = {path.name: path.read_bytes() for path in (example / "invites").glob("*.ics")}
    mailed(example)

    write_schedule(example, instance, MOVED_SESSIONS, MOVED_ASSIGNMENTS, MOVED_UNSCHEDULED)
    assert_checked(instance, example)
    cli("export", "ics", str(example), "--changes-only")

    rows = outbox(example)
    assert [(r["file"], r["method"], r["action"], r["sequence"]) for r in rows] == [
        ("invites/S3-d1-cancel.ics", "CANCEL", "cancelled", "1"),
        ("invites/S2-d1.ics", "REQUEST", "changed", "1"),
    ]
    assert sorted(p.name for p in (example / "invites").glob("*.ics")) == [
        "S2-d1.ics",
        "S3-d1-cancel.ics",
    ]
    request = only_event(example / "invites" / "S2-d1.ics")
    assert request.uid == f"S2-d1@{EXAMPLE_DOMAIN}"
    assert request.sequence == 1
    assert request.dtstart == datetime(2027, 1, 20, 8, 30, tzinfo=STOCKHOLM)
    cancel_calendar = parse(example / "invites" / "S3-d1-cancel.ics")
    assert cancel_calendar.method == "CANCEL"
    cancel = cancel_calendar.events[0]
    assert cancel.uid == f"S3-d1@{EXAMPLE_DOMAIN}"
    assert cancel.sequence == 1
    assert value_of(cancel.status) == "CANCELLED"
    assert {a.uri for a in cancel.attendees} == {
        "mailto:ulf@example.org",
        "mailto:berit@example.org",
        "mailto:bo@example.org",
    }
    assert rows[0]["to"] == "ulf@example.org; berit@example.org; bo@example.org"
    # The overview follows the schedule: S1 unchanged, S2 moved, S3 gone.
    overview = {e.uid: e for e in parse(example / "calendar.ics").events}
    assert sorted(overview) == [f"S1-d1@{EXAMPLE_DOMAIN}", f"S2-d1@{EXAMPLE_DOMAIN}"]
    assert overview[f"S1-d1@{EXAMPLE_DOMAIN}"].sequence == 0
    assert_libical_clean(ics_files(example))

    # A person's calendar: the first invitations, then the update and the cancellation.
    khal = Khal(tmp_path / "khal", scratch)
    first_folder = tmp_path / "first"
    first_folder.mkdir()
    for name, content in published.items():
        (first_folder / name).write_bytes(content)
    khal.import_files(sorted(first_folder.glob("*.ics")))
    assert len(khal.events()) == 3
    khal.import_files([example / "invites" / "S2-d1.ics", example / "invites" / "S3-d1-cancel.ics"])
    held = {event["uid"]: event for event in khal.events()}
    assert len(held) == len(khal.events()) == 3
    assert held[f"S2-d1@{EXAMPLE_DOMAIN}"]["start"] == "2027-01-20 08:30"
    assert held[f"S2-d1@{EXAMPLE_DOMAIN}"]["status"] == "CONFIRMED"
    assert held[f"S1-d1@{EXAMPLE_DOMAIN}"]["start"] == "2027-01-11 08:30"
    assert held[f"S3-d1@{EXAMPLE_DOMAIN}"]["status"] == "CANCELLED"
    assert len(list(khal.vdir.glob("*.ics"))) == 3

    # Once the outbox is mailed, exporting again sends nothing more.
    mailed(example)
    cli("export", "ics", str(example), "--changes-only")
    assert outbox(example) == []
    assert not list((example / "invites").glob("*.ics"))


def result_of(folder: Path) -> Result:
    """A solve's result holding the schedule of a folder."""
    schedule = read_schedule(folder)
    return Result(
        status=Status.FEASIBLE,
        sessions=[s for _, s in schedule.sessions],
        assignments=[a for _, a in schedule.assignments],
        unscheduled=[u for _, u in schedule.unscheduled],
        objective=0,
        best_bound=0,
        record=Summary(
            kind="solve",
            status=Status.FEASIBLE,
            objective=0,
            best_bound=0,
            gap=None,
            solve_seconds=0.0,
            build_seconds=0.0,
            sessions=len(schedule.sessions),
            trainer_half_days=None,
            trainer_half_days_bound=0,
            required_attendances=0,
            unscheduled=len(schedule.unscheduled),
            due_met=None,
            peak_memory_mb=0.0,
            time_limit=0.0,
            instance=str(EXAMPLE / "instance"),
        ),
    )


def test_solving_again_updates_through_the_ledger(example: Path, tmp_path: Path) -> None:
    """``solve`` writes a new folder; the ledger of the one it replaces carries over."""
    instance = read_instance(EXAMPLE / "instance")
    target = tmp_path / "solved"
    write_result(result_of(example), target, instance)
    assert len(outbox(target)) == 3
    assert_checked(EXAMPLE / "instance", target)
    mailed(target)

    write_schedule(
        example, EXAMPLE / "instance", MOVED_SESSIONS, MOVED_ASSIGNMENTS, MOVED_UNSCHEDULED
    )
    write_result(result_of(example), target, instance)
    assert_checked(EXAMPLE / "instance", target)
    rows = outbox(target)
    assert [(r["file"], r["method"], r["sequence"]) for r in rows] == [
        ("invites/S3-d1-cancel.ics", "CANCEL", "1"),
        ("invites/S2-d1.ics", "REQUEST", "1"),
    ]
    # A full write keeps a REQUEST for the unchanged day too, to send again on demand.
    assert only_event(target / "invites" / "S1-d1.ics").sequence == 0

    # Without calendars the ledger is kept, so nothing published is forgotten.
    write_result(result_of(example), target)
    assert not (target / "calendar.ics").exists()
    ledger = read_ledger(target)
    assert ledger is not None
    assert ledger.events[f"S3-d1@{EXAMPLE_DOMAIN}"].status == "cancelled"
    assert ledger.events[f"S2-d1@{EXAMPLE_DOMAIN}"].sequence == 1


def test_taking_someone_off_a_session_cancels_for_them(example: Path) -> None:
    """The person taken off gets a cancellation; the others' event did not change for
    them (only the head count did), so they get nothing."""
    export_ics(example, published_at=FIRST_PUBLISHED)
    mailed(example)
    sessions = [dict(row) for row in BASE_SESSIONS]
    sessions[1]["participants"] = 2
    assignments = [a for a in BASE_ASSIGNMENTS if a != ("X1", "T1", "S2")]
    write_schedule(example, EXAMPLE / "instance", sessions, assignments)
    assert_checked(EXAMPLE / "instance", example)
    export_ics(example, changes_only=True, published_at=REPUBLISHED)
    rows = outbox(example)
    assert [(r["file"], r["method"], r["action"], r["to"]) for r in rows] == [
        ("invites/S2-d1-uninvite.ics", "CANCEL", "uninvited", "xenia@example.org"),
    ]
    uninvite = only_event(example / "invites" / "S2-d1-uninvite.ics")
    assert [a.uri for a in uninvite.attendees] == ["mailto:xenia@example.org"]
    ledger = read_ledger(example)
    assert ledger is not None
    assert uninvite.sequence == ledger.events[uninvite.uid].sequence == 1
    assert uninvite.dtstamp == REPUBLISHED
    assert_libical_clean(sorted((example / "invites").glob("*.ics")))


# ---------------------------------------------------------------------------------------------
# Determinism, contents and guards
# ---------------------------------------------------------------------------------------------


def test_same_input_gives_identical_files(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(example, twin)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIRST_PUBLISHED.timestamp())))
    export_ics(example)
    export_ics(twin)
    first = snapshot(example)
    assert first == snapshot(twin)
    assert b"DTSTAMP:20261123T120000Z" in first["calendar.ics"]
    # Later exports of the same schedule reuse the ledger's stamps, whatever the clock,
    # and keep the unsent outbox as it was.
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    export_ics(example)
    again = snapshot(example)
    store = "invites/sent.sqlite"
    assert len(outbox(example)) == 3 and len(first["invites/outbox.csv"].splitlines()) == 4
    assert {k: v for k, v in again.items() if k != store} == {
        k: v for k, v in first.items() if k != store
    }


def test_invitation_contents(example: Path, tmp_path: Path) -> None:
    """Organizer, attendees and description; a person without an address is named in the
    description instead, and an instance without an organizer gets a reserved address."""
    instance = tmp_path / "instance"
    shutil.copytree(EXAMPLE / "instance", instance)
    toml = instance / "instance.toml"
    toml.write_text(
        "\n".join(
            line
            for line in toml.read_text(encoding="utf-8").splitlines()
            if not line.startswith("organizer")
        )
        + "\n",
        encoding="utf-8",
    )
    people = (instance / "people.csv").read_text(encoding="utf-8-sig")
    (instance / "people.csv").write_text(people.replace("xenia@example.org", ""), "utf-8")
    write_schedule(example, instance, BASE_SESSIONS, BASE_ASSIGNMENTS)
    assert_checked(instance, example)
    export_ics(example, published_at=FIRST_PUBLISHED)

    event = only_event(example / "invites" / "S2-d1.ics")
    assert event.organizer is not None
    assert event.organizer.uri == "mailto:noreply@example-two-districts-one-quarter.invalid"
    attendees = {str(a.uri): a for a in event.attendees}
    assert list(attendees) == [
        "mailto:ulf@example.org",
        "mailto:anna@example.org",
        "mailto:ali@example.org",
    ]
    trainer = attendees["mailto:ulf@example.org"]
    assert (trainer.common_name, value_of(trainer.role)) == ("Ulf Utbildarstöd", "CHAIR")
    anna = attendees["mailto:anna@example.org"]
    assert value_of(anna.role) == "REQ-PARTICIPANT"
    assert value_of(anna.status) == "NEEDS-ACTION"
    assert anna.rsvp is True
    assert event.summary == "Samtal med barn – del 2"
    assert event.location == "Stora salen, Kungsgatan 1, Göteborg"
    assert value_of(event.status) == "CONFIRMED"
    assert event.description is not None
    for text in ("Utbildare: Ulf Utbildarstöd", "Deltagare: 3", "Förberedelse: ha genomgått"):
        assert text in event.description
    assert "får ingen inbjudan" in event.description and "Xenia Ek" in event.description
    # The public overview has the same event without names of participants or addresses.
    overview = {e.uid: e for e in parse(example / "calendar.ics").events}[event.uid]
    assert not overview.attendees
    assert overview.description is not None and "Xenia" not in overview.description
    raw = (example / "invites" / "S2-d1.ics").read_bytes()
    assert b"\r\nMETHOD:REQUEST\r\n" in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert_libical_clean([example / "invites" / "S2-d1.ics"])


def test_session_days_join_halves_of_a_day() -> None:
    monday, tuesday = date(2027, 1, 11), date(2027, 1, 12)
    slots = [Slot(monday, Half.PM), Slot(tuesday, Half.AM), Slot(tuesday, Half.PM)]
    assert session_days(slots) == [
        (Slot(monday, Half.PM), Slot(monday, Half.PM)),
        (Slot(tuesday, Half.AM), Slot(tuesday, Half.PM)),
    ]


def test_files_stay_inside_the_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, "ics", "people", "P1.ics") == tmp_path / "ics" / "people" / "P1.ics"
    with pytest.raises(ValueError, match="outside"):
        inside(tmp_path, "ics", "people", "../../../elsewhere.ics")
    assert (
        slug("Göteborg, introduktionsprogram 2027–2028")
        == "goteborg-introduktionsprogram-2027-2028"
    )


def test_a_damaged_ledger_stops_the_export(example: Path) -> None:
    export_ics(example, published_at=FIRST_PUBLISHED)
    ledger = example / "ics" / LEDGER_FILE
    ledger.write_text("{not json", encoding="utf-8")
    before = snapshot(example)
    with pytest.raises(InputError):
        export_ics(example)
    result = CliRunner().invoke(main, ["export", "ics", str(example)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "ics/ledger.json" in result.output
    assert snapshot(example) == before


def test_export_needs_the_instance(example: Path) -> None:
    (example / "summary.json").write_text('{"status": "feasible"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "ics", str(example)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "--instance" in result.output
    cli("export", "ics", str(example), "--instance", str(EXAMPLE / "instance"))
    assert (example / "calendar.ics").is_file()


def test_text_values_are_escaped_and_keep_double_quotes(tmp_path: Path) -> None:
    """A comma or semicolon in a calendar's name is escaped (a parser does not cut the
    name there); double quotes stay in titles and names; feeds name their time zone."""
    instance = tmp_path / "instance"
    shutil.copytree(EXAMPLE / "instance", instance)
    people = instance / "people.csv"
    people.write_text(
        people.read_text(encoding="utf-8-sig").replace(
            "Anna Andersson", '"Anna ""Nisse"" Andersson; Jr, Öst"'
        ),
        encoding="utf-8",
    )
    courses = instance / "courses.csv"
    courses.write_text(
        courses.read_text(encoding="utf-8-sig").replace(
            "Samtal med barn", '"Samtal med barn, ""BBIC"""'
        ),
        encoding="utf-8",
    )
    folder = tmp_path / "schedule"
    write_schedule(folder, instance, BASE_SESSIONS, BASE_ASSIGNMENTS)
    assert_checked(instance, folder)
    export_ics(folder, published_at=FIRST_PUBLISHED)

    feed = folder / "ics" / "people" / "A1.ics"
    lines = feed.read_bytes().decode("utf-8").replace("\r\n ", "").split("\r\n")
    name_line = next(line for line in lines if line.startswith("X-WR-CALNAME:"))
    assert name_line.endswith('Anna "Nisse" Andersson\\; Jr\\, Öst')
    assert "X-WR-TIMEZONE:Europe/Stockholm" in lines
    assert parse(feed).prodid  # still a valid calendar
    request = only_event(folder / "invites" / "S2-d1.ics")
    assert request.summary == 'Samtal med barn, "BBIC" – del 2'
    anna = {str(a.uri): a for a in request.attendees}["mailto:anna@example.org"]
    assert anna.common_name == "Anna ”Nisse” Andersson; Jr, Öst"


def test_files_hold_the_bytes_icalendar_serialises() -> None:
    """Lines are folded once for all files, an invitation's attendees and a feed's name
    are put in a stand-in's place, and still every byte is icalendar's own: non-ASCII
    letters and escapes at the fold."""

    def event() -> icalendar.Event:
        made = icalendar.Event()
        made.add("uid", "S1-d1@goteborg.schemalaggning")
        made.add("summary", 'Samtal med barn, "BBIC"; del 2 – Åsa Öberg ' * 3)
        made.add("description", "Kurs: Samtal\nUtbildare: Ärlig, Östen; \\ här " * 4)
        made.add("organizer", icalendar.vCalAddress("mailto:introduktion@example.org"))
        return made

    def attendee(person: Recipient, reply: bool) -> icalendar.vCalAddress:
        address = icalendar.vCalAddress(f"mailto:{person.email}")
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = person.role
        if reply:
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
        address.params["CN"] = person.name.replace('"', "”")
        return address

    lines = LineCache()
    for _ in range(2):  # the second time every line comes from the cache
        assert lines.serialise(event()) == event().to_ical()
    people = [
        Recipient(email="anna@example.org", name='Anna "Nisse" Andersson; Jr', role="CHAIR"),
        Recipient(email="asa.oberg@example.org", name="Åsa Öberg-Ärlig, " * 5 + "Nisse"),
        Recipient(email="b@example.org", name="B"),
    ]
    for reply in (True, False):
        for chosen in (people, people[1:], people[:1], []):
            expected = event()
            for person in chosen:
                expected.add("attendee", attendee(person, reply))
            assert lines.invitation(event(), chosen, reply) == expected.to_ical()

    zone = b"BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm\r\nEND:VTIMEZONE\r\n"
    frame = CalendarFrame(zone, "Europe/Stockholm")
    names = ["", "Göteborg: Anna Andersson", 'Anna "Nisse" Andersson; Jr, Öst']
    # Names whose escapes and two-byte letters fall on every side of the fold.
    names += ["Göteborg, " + "ö," * k + "x" * (60 - k) for k in range(0, 40, 3)]
    for method in ("PUBLISH", "REQUEST"):
        for name in names:
            wrapper = icalendar.Calendar()
            wrapper.add("prodid", PRODID)
            wrapper.add("version", "2.0")
            wrapper.add("calscale", "GREGORIAN")
            wrapper.add("method", method)
            if name:
                wrapper.add("x-wr-calname", icalendar.vText(name))
                wrapper.add("x-wr-timezone", icalendar.vText("Europe/Stockholm"))
            head = wrapper.to_ical().removesuffix(b"END:VCALENDAR\r\n")
            expected = head + zone + b"EVENT\r\n" + b"END:VCALENDAR\r\n"
            assert frame.render(method, [b"EVENT\r\n"], name) == expected, name


def test_a_trainer_swap_reaches_every_participant_and_says_who_teaches_now(
    example: Path,
) -> None:
    instance = EXAMPLE / "instance"
    cli("export", "ics", str(example), "--changes-only")
    mailed(example)

    swapped = [
        BASE_SESSIONS[0],
        {**BASE_SESSIONS[1], "trainer_ids": "C1"},
        BASE_SESSIONS[2],
    ]
    write_schedule(example, instance, swapped, BASE_ASSIGNMENTS)
    assert_checked(instance, example)
    cli("export", "ics", str(example), "--changes-only")

    rows = {(r["file"], r["action"]): r for r in outbox(example)}
    update = rows["invites/S2-d1.ics", "changed"]
    invitation = rows["invites/S2-d1-invite.ics", "new"]
    told = rows["invites/S2-d1-uninvite.ics", "uninvited"]
    assert set(rows) == {
        ("invites/S2-d1.ics", "changed"),
        ("invites/S2-d1-invite.ics", "new"),
        ("invites/S2-d1-uninvite.ics", "uninvited"),
    }
    # Every participant of the event gets the new version; the new trainer an invitation.
    participants = read_instance(instance).person_by_id
    assert set(update["to"].split("; ")) == {participants[p].email for p in ("A1", "A2", "X1")}
    assert invitation["to"] == "cecilia@example.org"
    assert told["to"] == "ulf@example.org"
    assert update["sequence"] == invitation["sequence"] == "1"
    updated = only_event(example / "invites" / "S2-d1.ics")
    assert "Ändrat: utbildare, från Ulf Utbildarstöd till Cecilia Samordnare." in str(
        updated.description
    )
    fresh = only_event(example / "invites" / "S2-d1-invite.ics")
    assert "Ändrat" not in str(fresh.description)
    assert fresh.sequence == 1


@pytest.mark.parametrize("past", [True, False])
def test_nobody_is_told_they_are_off_a_session_that_is_history(
    example: Path, tmp_path: Path, past: bool
) -> None:
    from schemalaggning.export.ics import read_ledger, write_calendars

    instance = read_instance(EXAMPLE / "instance")
    schedule = read_schedule(example)
    sessions = [s for _, s in schedule.sessions]
    assignments = [a for _, a in schedule.assignments]
    first = tmp_path / "first"
    first.mkdir()
    write_calendars(first, instance, sessions, assignments)
    # X1 did not come to S2: the re-plan takes X1 out of it, and S2 is history or not.
    kept = [a for a in assignments if (a.person_id, a.session_id) != ("X1", "S2")]
    changed = [
        s.model_copy(update={"past": past, "participants": 2}) if s.session_id == "S2" else s
        for s in sessions
    ]
    assert check(instance, changed, kept, [u for _, u in schedule.unscheduled]) == []
    second = tmp_path / "second"
    second.mkdir()
    report = write_calendars(second, instance, changed, kept, read_ledger(first), previous=first)
    uninvited = [r for r in outbox(second) if r["action"] == "uninvited"]
    assert report.uninvited == 1
    assert (uninvited == []) is past
