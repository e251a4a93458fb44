"""Secrets at rest: the web's folder and workspace.sqlite (which holds the mail password)
are the server's user's only, and the password is in no page, log or job file."""

from __future__ import annotations

import stat
from pathlib import Path

from conftest import TINY, log_in, workspace_of
from starlette.testclient import TestClient

from schemalaggning.web.app import create_app
from schemalaggning.web.workspace import Workspace

SECRET = "hemligt-smtp-lösen-4711"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private(workspace: Workspace) -> None:
    assert mode(workspace.data) == 0o700
    for path in workspace.data.glob("workspace.sqlite*"):
        assert mode(path) == 0o600, path.name


def test_a_new_workspace_keeps_its_records_private(tmp_path: Path) -> None:
    app = create_app(tmp_path / "arbetsyta", TINY)
    workspace: Workspace = app.state.workspace
    workspace.store().add_account("samordnare", "coordinator", "ett långt lösenord")
    assert (workspace.data / "workspace.sqlite").is_file()
    private(workspace)


def test_a_workspace_made_with_looser_modes_is_made_private(tmp_path: Path) -> None:
    root = tmp_path / "arbetsyta"
    create_app(root, TINY).state.workspace.store().set_setting("x", "y")
    data = root / ".webb"
    data.chmod(0o755)
    for path in data.glob("workspace.sqlite*"):
        path.chmod(0o644)
    workspace: Workspace = create_app(root, TINY).state.workspace
    private(workspace)


def test_the_mail_password_is_in_no_page_and_no_log(app_client: TestClient) -> None:
    csrf = log_in(app_client, "samordnare")
    form = {
        "host": "127.0.0.1",
        "port": "2525",
        "security": "none",
        "sender": "utbildning@example.se",
        "user": "utbildning",
        "password": SECRET,
        "csrf": csrf,
    }
    saved = app_client.post("/skicka/installningar", data=form)
    assert saved.status_code == 200, saved.text
    workspace = workspace_of(app_client)
    # Kept for the worker to send with, in the private file.
    assert workspace.store().setting("smtp_password") == SECRET
    private(workspace)
    for address in ("/", "/indata", "/planera", "/schemat", "/skicka", "/kapacitet", "/kalender"):
        page = app_client.get(address)
        assert page.status_code in (200, 409), address
        assert SECRET not in page.text, address
    assert SECRET not in str(workspace.store().audit_log(100))
    for path in workspace.jobs.iterdir():
        assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path.name
