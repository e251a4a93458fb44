"""The VTIMEZONE of the calendar files (:mod:`schemalaggning.export.ics.timezone`).

The rules are derived from ``zoneinfo``'s transitions, never written in: each zone's
VTIMEZONE is read back by the ``ical`` package and compared with ``zoneinfo`` hour by
hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ical.calendar_stream import IcsCalendarStream

from schemalaggning.export.ics.timezone import (
    ZoneState,
    observances,
    vtimezone,
    weekday_rules,
    zone_transitions,
)

HOUR = timedelta(hours=1)


def test_stockholm_changes_at_one_utc_on_the_last_sundays_of_march_and_october() -> None:
    found = zone_transitions(ZoneInfo("Europe/Stockholm"), 2027, 2027)
    winter = ZoneState(HOUR, False, "CET")
    summer = ZoneState(2 * HOUR, True, "CEST")
    assert [(t.at, t.before, t.after) for t in found] == [
        (datetime(2027, 3, 28, 1, tzinfo=UTC), winter, summer),
        (datetime(2027, 10, 31, 1, tzinfo=UTC), summer, winter),
    ]
    # A VTIMEZONE names the change by the wall clock before it: 02:00 and 03:00.
    assert [t.onset for t in found] == [datetime(2027, 3, 28, 2), datetime(2027, 10, 31, 3)]


def test_a_zone_without_changes_has_no_transitions() -> None:
    assert zone_transitions(ZoneInfo("Asia/Tokyo"), 2027, 2029) == []
    only = observances(ZoneInfo("Asia/Tokyo"), 2027, 2029)
    assert [(o.daylight, o.offset_from, o.offset_to, o.byday) for o in only] == [
        (False, 9 * HOUR, 9 * HOUR, None)
    ]


@pytest.mark.parametrize(
    ("day", "rules"),
    [
        # The fourth Sunday of March 2027 is also its last.
        (date(2027, 3, 28), {"4SU", "-1SU"}),
        (date(2027, 3, 21), {"3SU"}),
        (date(2026, 3, 29), {"5SU", "-1SU"}),
        (date(2027, 2, 22), {"4MO", "-1MO"}),
        (date(2027, 3, 1), {"1MO"}),
    ],
)
def test_weekday_rules_name_the_day_within_its_month(day: date, rules: set[str]) -> None:
    assert weekday_rules(day) == rules


def test_a_rule_that_ends_is_closed_by_until_and_a_lone_change_has_no_rule() -> None:
    """Moscow kept summer time by the European rule until 2010, then moved to +04:00 for
    good in March 2011: two yearly rules closed by UNTIL, and one change on its own."""
    found = observances(ZoneInfo("Europe/Moscow"), 2009, 2012)
    assert [(o.daylight, o.onset, o.byday, o.until) for o in found] == [
        (True, datetime(2009, 3, 29, 2), "-1SU", datetime(2010, 3, 27, 23, tzinfo=UTC)),
        (False, datetime(2009, 10, 25, 3), "-1SU", datetime(2010, 10, 30, 23, tzinfo=UTC)),
        (False, datetime(2011, 3, 27, 2), None, None),
    ]
    assert found[-1].offset_to == 4 * HOUR
    text = vtimezone("Europe/Moscow", 2010, 2012).to_ical().decode()
    assert "UNTIL=20101030T230000Z" in text


def test_stockholm_vtimezone_is_one_pair_of_yearly_rules() -> None:
    text = vtimezone("Europe/Stockholm", 2027, 2028).to_ical().decode()
    assert text.count("BEGIN:STANDARD") == 1
    assert text.count("BEGIN:DAYLIGHT") == 1
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "UNTIL" not in text


@pytest.mark.parametrize(
    ("zone_name", "rules"),
    [
        ("Europe/Stockholm", {"-1SU;BYMONTH=3", "-1SU;BYMONTH=10"}),
        ("America/New_York", {"2SU;BYMONTH=3", "1SU;BYMONTH=11"}),
        ("Australia/Sydney", {"1SU;BYMONTH=4", "1SU;BYMONTH=10"}),
        ("Asia/Tokyo", set()),
        ("UTC", set()),
    ],
)
def test_vtimezone_rules_match_zoneinfo(zone_name: str, rules: set[str]) -> None:
    """The rules are derived, not written in: each zone's file gives zoneinfo's offset at
    every hour of 2027 to 2029, as the ``ical`` package reads the rules."""
    component = vtimezone(zone_name, 2027, 2029)
    text = component.to_ical().decode()
    found = {
        line.removeprefix("RRULE:FREQ=YEARLY;BYDAY=")
        for line in text.splitlines()
        if line.startswith("RRULE:")
    }
    assert found == rules
    if not rules:
        assert text.count("BEGIN:STANDARD") == 1
        assert "BEGIN:DAYLIGHT" not in text
    wrapped = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + text + "END:VCALENDAR\r\n"
    )
    zone = IcsCalendarStream.calendar_from_ics(wrapped).timezones[0]
    reference = ZoneInfo(zone_name)
    if not rules:
        # One STANDARD without rules holds from its start on; ``ical`` only evaluates
        # observances that recur, so this one is compared directly.
        assert not zone.daylight and len(zone.standard) == 1
        offset = zone.standard[0].tz_offset_to.offset
        assert offset == zone.standard[0].tz_offset_from.offset
        assert offset == datetime(2028, 6, 1, tzinfo=reference).utcoffset()
        return
    moment = datetime(2027, 1, 1, tzinfo=UTC)
    while moment < datetime(2030, 1, 1, tzinfo=UTC):
        local = moment.astimezone(reference)
        # An hour that a clock change repeats is ambiguous in local time: skip those.
        if local.fold == 0 and local.replace(fold=1).utcoffset() == local.utcoffset():
            observance = zone.get_observance(local.replace(tzinfo=None))
            assert observance is not None
            assert observance.observance.tz_offset_to.offset == local.utcoffset(), local
        moment += timedelta(hours=1)
