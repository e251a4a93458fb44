"""A short description of an instance: what ``schemalaggning validate`` prints."""

from __future__ import annotations

from collections import Counter
from typing import Any

from schemalaggning.domain import Instance
from schemalaggning.timegrid import TimeGrid


def describe_instance(instance: Instance, grid: TimeGrid | None = None) -> dict[str, Any]:
    """Sizes and capacities of an instance, as plain data.

    Returns
    -------
    people, required people, due attendances per course, open days and half-day
    slots, room seats and trainers' half-days per week (in all, and per course:
    the sum over the trainers qualified for it).
    """
    grid = grid or TimeGrid(instance.settings)
    due = Counter(attendance.course_id for attendance in instance.due_attendances)
    return {
        "name": instance.settings.name,
        "horizon": [
            instance.settings.horizon_start.isoformat(),
            instance.settings.horizon_end.isoformat(),
        ],
        "districts": len(instance.districts),
        "people": len(instance.people),
        "required_people": len(instance.required_people),
        "courses": len(instance.courses),
        "due_attendances": sum(due.values()),
        "due_per_course": {c.course_id: due.get(c.course_id, 0) for c in instance.courses},
        "open_days": len(grid.days),
        "half_day_slots": grid.num_slots,
        "rooms": len(instance.rooms),
        "room_seats": sum(room.capacity for room in instance.rooms),
        "largest_room": max((room.capacity for room in instance.rooms), default=0),
        "trainers": len(instance.trainers),
        "trainer_half_days_per_week": sum(t.max_half_days_per_week for t in instance.trainers),
        "trainer_half_days_per_week_per_course": {
            c.course_id: sum(
                t.max_half_days_per_week for t in instance.trainers if t.qualified(c.course_id)
            )
            for c in instance.courses
        },
        "unavailability": len(instance.unavailability),
        "fixed_sessions": len(instance.fixed_sessions),
        "electives_approved": len(instance.approved_electives),
        "electives_requested": len(instance.electives) - len(instance.approved_electives),
    }
