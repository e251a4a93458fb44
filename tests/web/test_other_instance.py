"""A city's workbook uploaded over another's: the workspace's solve does not cancel the
invitations published for the other city, as the command line's does not."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from schemalaggning.check import check_schedule
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.problems import InputError
from schemalaggning.web.worker import Reporter, solve_workspace
from schemalaggning.web.workspace import Workspace, open_workspace, replace_instance

TINY = Path(__file__).parents[2] / "instances" / "tiny"
EXAMPLE = Path(__file__).parents[1] / "data" / "example" / "instance"


def test_a_solve_over_another_citys_published_invitations_stops_and_says_so(
    tmp_path: Path,
) -> None:
    workspace: Workspace = open_workspace(tmp_path / "arbetsyta", TINY)
    solve_workspace(workspace, {"time_limit": 10, "greedy": True}, Reporter(io.StringIO()))
    published = read_schedule(workspace.schedule)
    assert check_schedule(read_instance(workspace.instance), published) == []
    summary = (workspace.schedule / "summary.json").read_bytes()

    replace_instance(workspace, read_instance(EXAMPLE))
    with pytest.raises(InputError) as refused:
        solve_workspace(workspace, {"time_limit": 10, "greedy": True}, Reporter(io.StringIO()))
    assert "det publicerade schemat för en annan instans" in str(refused.value.problems[0])
    assert (workspace.schedule / "summary.json").read_bytes() == summary
