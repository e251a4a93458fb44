"""The bundled benchmark instance one-part1 is what its script makes, and reads cleanly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from schemalaggning.io import read_instance_with_warnings

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "instances" / "one-part1"


def test_one_part1_is_what_its_script_makes(tmp_path: Path) -> None:
    # instances/README.md promises that the script rebuilds the bundled files.
    out = tmp_path / "one-part1"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "one_part1.py"), str(out)], check=True
    )
    names = sorted(p.name for p in BUNDLED.iterdir() if p.suffix in (".csv", ".toml"))
    assert names == sorted(p.name for p in out.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (BUNDLED / name).read_bytes(), name


def test_one_part1_has_one_part1_course_before_every_theme() -> None:
    instance, warnings = read_instance_with_warnings(BUNDLED)
    assert warnings == []
    part1 = [c for c in instance.courses if c.part == "1"]
    assert [c.course_id for c in part1] == ["P1"]
    assert part1[0].half_days == 5
    assert all("P1" in c.after for c in instance.courses if c.part == "2")
    assert {c.course_id for c in instance.courses if c.trainers == 2} == {
        "T07",
        "T11",
        "T18",
        "T19",
    }
    assert len(instance.districts) == 6 and len(instance.rooms) == 3
