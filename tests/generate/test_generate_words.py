"""generate in the coordinator's words: what it says it wrote, and data with no English."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from english import english_words
from schemalaggning.cli import main
from schemalaggning.generate import PRESETS, generate_instance


def path_words(path: Path) -> list[str]:
    """The words of a path (pytest's ``/tmp/pytest-of-...``), which are not the command's."""
    return re.findall(r"[A-Za-z]+", str(path))


def test_generate_says_what_it_wrote_in_swedish(tmp_path: Path) -> None:
    out = tmp_path / "stad"
    result = CliRunner().invoke(main, ["generate", str(out), "--preset", "tiny"])
    assert result.exit_code == 0, result.output
    assert (out / "people.csv").is_file()
    assert english_words(result.output, allowed=path_words(out)) == []


def test_generate_says_what_it_wrote_in_english_with_lang_en(tmp_path: Path) -> None:
    out = tmp_path / "city"
    result = CliRunner().invoke(main, ["--lang", "en", "generate", str(out), "--preset", "tiny"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: ")
    assert "due attendances" in result.output


def test_the_generated_names_are_swedish() -> None:
    # The data a coordinator reads in every plan: the instance's, the courses', the
    # districts', the rooms' and the people's names.
    instance = generate_instance(PRESETS["small"])
    names = [
        instance.settings.name,
        *(course.name for course in instance.courses),
        *(district.name for district in instance.districts),
        *(room.name for room in instance.rooms),
        *(trainer.name for trainer in instance.trainers),
        *(person.name for person in instance.people),
    ]
    assert len(names) > 50
    assert english_words(" ".join(names)) == []
