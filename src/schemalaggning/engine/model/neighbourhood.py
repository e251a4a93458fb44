"""A neighbourhood: the courses and range of slots one model re-plans together.

Its own module, below both :mod:`schemalaggning.engine.model.candidates` (which picks the
candidate sessions inside one) and :mod:`schemalaggning.engine.model.problem` (which gathers
the rest of a model's data), so that neither imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Neighbourhood:
    """Courses and a range of slots whose sessions are re-planned together."""

    courses: tuple[int, ...]
    first_slot: int
    last_slot: int
    name: str
    every_block: bool = False
    defer: bool = False
    weight: float = 1.0
