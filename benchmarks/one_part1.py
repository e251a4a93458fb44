"""Make the benchmark instance ``instances/one-part1``: one part-1 course, chained and
two-trainer themes, six districts, 150 hires a year, three rooms.

The generator's full programme has three part-1 modules; here they are one course of
their five half-days together (held in one block, within four months of the start),
which every theme comes after. Everything else is the generator's, with the tight
preset's two-trainer themes and chains of themes::

    python benchmarks/one_part1.py instances/one-part1

The same command makes the same files, byte for byte.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from schemalaggning.domain import Course, Instance
from schemalaggning.generate import PRESETS, GeneratorParams, generate_instance
from schemalaggning.io import write_instance

#: The generator's parameters: six districts, 150 hires a year, three rooms, and the
#: tight preset's two-trainer themes and chains.
PARAMS = GeneratorParams(
    seed=1,
    name="Ett sammanhållet del 1, kedjade teman och teman med två utbildare (benchmark)",
    hires_per_year=150,
    districts=6,
    room_capacities=(30, 24, 20),
    two_trainer_themes=PRESETS["tight"].two_trainer_themes,
    theme_chains=PRESETS["tight"].theme_chains,
)
#: The one part-1 course.
PART1_ID = "P1"


def one_part1(instance: Instance) -> Instance:
    """The instance with its part-1 courses made one, of their half-days together.

    A person has done it when they have done every part-1 module, or anything after
    part 1 (the generator marks prerequisites done with what needs them).
    """
    modules = [c for c in instance.courses if c.part == "1"]
    module_ids = {c.course_id for c in modules}
    part1 = Course(
        course_id=PART1_ID,
        name="Del 1: introduktion",
        part="1",
        half_days=sum(c.half_days for c in modules),
        min_group=modules[0].min_group,
        max_group=modules[0].max_group,
        trainers=1,
        within_months=modules[0].within_months,
    )
    themes = [
        c.model_copy(update={"after": (PART1_ID, *(b for b in c.after if b not in module_ids))})
        for c in instance.courses
        if c.part != "1"
    ]
    people = []
    for person in instance.people:
        done = [d for d in person.done if d not in module_ids]
        if module_ids <= set(person.done) or done:
            done = [PART1_ID, *done]
        people.append(person.model_copy(update={"done": tuple(done)}))
    trainers = [
        t.model_copy(update={"courses": tuple(c for c in t.courses if c not in module_ids)})
        if t.courses != ("*",)
        else t
        for t in instance.trainers
    ]
    return instance.replace(
        courses=(part1, *themes), people=tuple(people), trainers=tuple(trainers)
    )


def main() -> None:
    """Write the instance into the folder given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the instance folder to write")
    args = parser.parse_args()
    write_instance(one_part1(generate_instance(PARAMS)), args.out)


if __name__ == "__main__":
    main()
