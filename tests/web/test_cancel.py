"""Cancelling a solve from the page: the worker stops, the job ends as cancelled, and the
best schedule found so far is written (checked) as the page says."""

from __future__ import annotations

import json
import time
from pathlib import Path

from conftest import PASSWORD, ROOT, csrf_of, ended, log_in, workspace_of
from starlette.testclient import TestClient

from schemalaggning.check import check_schedule
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.web.app import create_app

SMALL = ROOT / "instances" / "small"


def searching(log: Path, patience: float = 120.0) -> None:
    """Wait until the solve reports its search (a first schedule is then found)."""
    waited = 0.0
    while waited < patience:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        said = [json.loads(line).get("text", "") for line in lines if line.strip()]
        if any(text.startswith("förbättrar") for text in said):
            return
        time.sleep(0.5)
        waited += 0.5
    raise AssertionError(f"the solve did not start its search: {said}")


def test_a_cancelled_solve_keeps_the_best_schedule_found_so_far(tmp_path: Path) -> None:
    app = create_app(tmp_path / "arbetsyta", SMALL)
    app.state.workspace.store().add_account("samordnare", "coordinator", PASSWORD)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        csrf = log_in(client, "samordnare")
        started = client.post(
            "/planera/schemalagg", data={"time_limit": "600", "csrf": csrf}, follow_redirects=False
        )
        assert started.status_code == 303
        workspace = workspace_of(client)
        job = workspace.store().latest_job(("solve",))
        assert job is not None and job.running
        searching(workspace.jobs / f"{job.id}.log")

        page = client.get("/planera").text
        assert f'action="/jobb/{job.id}/avbryt"' in page
        # Without the token the cancel is refused and the run goes on.
        assert client.post(f"/jobb/{job.id}/avbryt", data={}).status_code == 403
        assert workspace.store().job(job.id).running  # type: ignore[union-attr]
        cancelled = client.post(
            f"/jobb/{job.id}/avbryt", data={"csrf": csrf_of(page)}, follow_redirects=False
        )
        assert cancelled.status_code == 303
        assert cancelled.headers["location"] == "/planera"

        done = ended(workspace, "solve")
        assert done.state == "cancelled"
        page = client.get("/planera").text
        assert "Avbruten" in page
        assert "det som hann tas fram är sparat" in page
        # What the page promises: the best schedule so far is the schedule folder's.
        assert workspace.has_schedule()
        schedule = read_schedule(workspace.schedule)
        assert schedule.problems == []
        assert check_schedule(read_instance(workspace.instance), schedule) == []
