"""The courses as the solver sees them: by index, with their blocks, trainers and seats."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemalaggning.domain import Course, Instance
from schemalaggning.engine.bound import course_seats
from schemalaggning.timegrid import TimeGrid


@dataclass
class CourseData:
    """A course with its blocks and trainers, by index."""

    idx: int
    course: Course
    blocks: list[int]
    qualified: list[int]
    seats: int
    attendances: list[int] = field(default_factory=list)

    @property
    def half_days(self) -> int:
        """Length of a session in half-day slots."""
        return self.course.half_days

    @property
    def trainers(self) -> int:
        """Trainers a session needs."""
        return self.course.trainers

    @property
    def cost(self) -> int:
        """Trainer half-days of one session."""
        return self.course.half_days * self.course.trainers


def course_data(instance: Instance, grid: TimeGrid, first_new_slot: int) -> list[CourseData]:
    """The instance's courses by index, each with its blocks from ``first_new_slot`` on
    (the first slot a new session may start in), its qualified trainers and its seats."""
    return [
        CourseData(
            idx=i,
            course=course,
            blocks=[
                block[0] for block in grid.blocks(course.half_days) if block[0] >= first_new_slot
            ],
            qualified=[j for j, t in enumerate(instance.trainers) if t.qualified(course.course_id)],
            seats=course_seats(instance, course),
        )
        for i, course in enumerate(instance.courses)
    ]
