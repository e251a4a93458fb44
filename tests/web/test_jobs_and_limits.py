"""The workspace's runs and limits under the conditions a review found: a worker that
cannot start, a cancel that comes as a run ends, the language of the workers, earlier
schedules' addresses, many names tried from one address, odd digits in a form."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PASSWORD, csrf_of, log_in
from starlette.testclient import TestClient

from schemalaggning.i18n import LANGUAGE_VARIABLE, use_language
from schemalaggning.web import jobs
from schemalaggning.web.commands import users
from schemalaggning.web.store import MAX_ADDRESS_FAILURES
from schemalaggning.web.workspace import Workspace


def test_a_worker_that_cannot_start_stops_no_later_run(
    app_client: TestClient, workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(workspace_root)

    def refused(*args: Any, **kwargs: Any) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(subprocess, "Popen", refused)
    with pytest.raises(OSError):
        jobs.start_job(workspace, "solve", "samordnare", {"time_limit": 5})
    assert workspace.store().running_jobs() == []


def test_a_cancel_after_the_run_ended_keeps_its_end(
    app_client: TestClient, workspace_root: Path
) -> None:
    workspace = Workspace(workspace_root)
    store = workspace.store()
    started = store.start_job("solve", "samordnare", ("solve",))
    assert isinstance(started, int)
    store.set_job(started, state="running", pid=999_999_999)
    read_while_running = store.job(started)
    assert read_while_running is not None and read_while_running.running
    store.set_job(started, state="done", exit_code=0)
    assert jobs.cancel_job(workspace, read_while_running) is False
    ended = store.job(started)
    assert ended is not None and ended.state == "done"
    assert store.running_jobs() == []


def test_the_worker_speaks_the_servers_language(
    app_client: TestClient, workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}

    class Started:
        pid = 999_999_999

        def wait(self) -> int:
            return 0

    def started(*args: Any, env: dict[str, str], **kwargs: Any) -> Started:
        seen.update(env)
        return Started()

    monkeypatch.setattr(subprocess, "Popen", started)
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)
    with use_language("en"):
        jobs.start_job(Workspace(workspace_root), "solve", "samordnare", {"time_limit": 5})
    assert seen[LANGUAGE_VARIABLE] == "en"


def test_earlier_schedules_are_a_coordinators_only(
    app_client: TestClient, workspace_root: Path
) -> None:
    folder = Workspace(workspace_root).schedule / "history" / "2026-12-07T20-58-24"
    (folder / "invites").mkdir(parents=True)
    (folder / "invites" / "outbox.csv").write_text("to\nanna@example.org\n", encoding="utf-8")
    (folder / "sessions.csv").write_text("session_id\n", encoding="utf-8")
    for path in ("invites/outbox.csv", "sessions.csv"):
        log_in(app_client, "läsare")
        answer = app_client.get(f"/schemat/fil/history/2026-12-07T20-58-24/{path}")
        assert answer.status_code == 403, path
        assert "anna@example.org" not in answer.text
    log_in(app_client, "samordnare")
    answer = app_client.get("/schemat/fil/history/2026-12-07T20-58-24/invites/outbox.csv")
    assert answer.status_code == 200 and "anna@example.org" in answer.text


def test_many_names_tried_from_one_address_are_stopped(app_client: TestClient) -> None:
    for attempt in range(MAX_ADDRESS_FAILURES):
        page = app_client.get("/login")
        form = {"name": f"okänd{attempt}", "password": "fel", "csrf": csrf_of(page.text)}
        assert app_client.post("/login", data=form).status_code == 401
    page = app_client.get("/login")
    form = {"name": "samordnare", "password": PASSWORD, "csrf": csrf_of(page.text)}
    assert app_client.post("/login", data=form, follow_redirects=False).status_code == 429


def test_a_sweep_value_in_other_digits_is_refused_in_words(app_client: TestClient) -> None:
    log_in(app_client, "samordnare")
    page = app_client.get("/kapacitet")
    form = {
        "hires_per_year": "²",
        "max_absent": "2",
        "seeds": "0",
        "time_limit": "3",
        "csrf": csrf_of(page.text),
    }
    answer = app_client.post("/kapacitet/svep", data=form)
    assert answer.status_code == 400


def test_users_list_of_a_folder_that_is_no_workspace_makes_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "arbetsyta"
    result = CliRunner().invoke(users, ["list", "--workspace", str(missing)])
    assert result.exit_code == 2
    assert not missing.exists()
