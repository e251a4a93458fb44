"""The names a reason gives the data: a course, a person, a district, a trainer or a room
by its name (its id when it has none), and a list of them as a sentence lists them."""

from __future__ import annotations

from collections.abc import Iterable

from schemalaggning.domain import Course, District, Person, Room, Trainer
from schemalaggning.i18n import _


def course_name(course: Course) -> str:
    """The course's name, or its id when it has none."""
    return course.name or course.course_id


def person_name(person: Person) -> str:
    """The person's name, or their id when they have none."""
    return person.name or person.person_id


def district_name(district: District) -> str:
    """The district's name, or its id when it has none."""
    return district.name or district.district_id


def trainer_name(trainer: Trainer) -> str:
    """The trainer's name, or their id when they have none."""
    return trainer.name or trainer.trainer_id


def room_name(room: Room) -> str:
    """The room's name, or its id when it has none."""
    return room.name or room.room_id


def listed(names: Iterable[str]) -> str:
    """Names as a sentence lists them: ``A``, ``A and B``, ``A, B and C``."""
    items = list(names)
    if len(items) < 2:
        return "".join(items)
    # Translators: the last two names of a list: "A, B and C".
    return _("{names} and {last}").format(names=", ".join(items[:-1]), last=items[-1])
