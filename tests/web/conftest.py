"""A workspace over a small instance, its accounts, and a logged-in client."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from schemalaggning.web.app import create_app
from schemalaggning.web.store import Job
from schemalaggning.web.workspace import Workspace

ROOT = Path(__file__).parents[2]
#: The small instance the tests' workspaces start with.
TINY = ROOT / "instances" / "tiny"
PASSWORD = "ett långt lösenord"


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in; the login's CSRF token."""
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


@pytest.fixture
def workspace_root(tmp_path: Path) -> Path:
    return tmp_path / "arbetsyta"


@pytest.fixture
def app_client(workspace_root: Path) -> Iterator[TestClient]:
    app = create_app(workspace_root, TINY)
    store = app.state.workspace.store()
    store.add_account("samordnare", "coordinator", PASSWORD)
    store.add_account("chef", "manager", PASSWORD)
    store.add_account("läsare", "viewer", PASSWORD)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def workspace_of(client: TestClient) -> Workspace:
    """The workspace of the client's app."""
    workspace: Workspace = client.app.state.workspace  # type: ignore[attr-defined]
    return workspace


def ended(workspace: Workspace, kind: str, patience: float = 300.0) -> Job:
    """The latest job of ``kind`` once it has ended (waiting for its worker)."""
    waited = 0.0
    while waited < patience:
        job = workspace.store().latest_job((kind,))
        assert job is not None
        if not job.running:
            return job
        time.sleep(0.5)
        waited += 0.5
    raise AssertionError(f"the {kind} did not end")
