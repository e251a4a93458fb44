"""The workspace's defences, route by route: every route's role, the caches, the errors
of the app itself, the runs' progress, links in the schedule folder, damaged zips and
workbooks that unpack to too much, and a new session at every login."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import PASSWORD, TINY, csrf_of, log_in
from starlette.routing import Route
from starlette.testclient import TestClient

from schemalaggning.web import pages
from schemalaggning.web.app import create_app
from schemalaggning.web.pages import schedule_files
from schemalaggning.web.security import COOKIE
from schemalaggning.web.store import digest
from schemalaggning.web.uploads import MAX_UNPACKED_BYTES
from schemalaggning.web.workspace import Workspace

#: The routes anyone may reach: the login, the logout, the icon and the calendar feeds
#: (their token is the secret).
PUBLIC = {"/login", "/logout", "/favicon.ico", "/feed/{token}.ics"}
#: A value for each parameter of a route's path.
PARAMETERS = {"name": "rapport.html", "job": "1", "digest": "x", "chart": "fte.png"}
#: The accounts of the tests' workspace by role.
ACCOUNTS = {"coordinator": "samordnare", "manager": "chef", "viewer": "läsare"}
REFUSED = "Ditt konto får inte"


def routes(client: TestClient) -> list[tuple[str, str, str]]:
    """Every route of the app that needs a login: (method, path, role)."""
    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, Route) or route.path in PUBLIC:
            continue
        role = getattr(route.endpoint, "role", None)
        assert role in ACCOUNTS, f"{route.path} has no role of its own"
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PARAMETERS[m.group(1)], route.path)
        found += [
            (method, path, role) for method in sorted(route.methods or ()) if method != "HEAD"
        ]
    return found


def test_every_route_but_the_public_ones_needs_a_login_and_its_role(
    app_client: TestClient,
) -> None:
    walked = routes(app_client)
    assert len(walked) >= 20
    for method, path, _role in walked:
        answer = app_client.request(method, path, follow_redirects=False)
        assert (answer.status_code, answer.headers.get("location")) == (303, "/login"), path
    for weaker in ("viewer", "manager"):
        csrf = log_in(app_client, ACCOUNTS[weaker])
        for method, path, role in walked:
            if role == "viewer" or (role == "manager" and weaker == "manager"):
                continue
            data = {"csrf": csrf} if method == "POST" else None
            answer = app_client.request(method, path, data=data, follow_redirects=False)
            assert answer.status_code == 403, (weaker, method, path)
            assert REFUSED in answer.text
        app_client.cookies.clear()


def test_pages_with_personal_data_are_not_kept_in_a_cache(app_client: TestClient) -> None:
    assert app_client.get("/login").headers["cache-control"] == "no-store"
    log_in(app_client, "samordnare")
    for path in ["/", "/schemat", "/kalender", "/finns-inte"]:
        assert app_client.get(path).headers["cache-control"] == "no-store", path
    # The static files hold no one's data and may be cached.
    assert "no-store" not in app_client.get("/static/style.css").headers.get("cache-control", "")


def test_an_error_of_the_app_is_a_plain_swedish_page_without_a_traceback(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise RuntimeError(f"{workspace_root}/.webb/workspace.sqlite is broken")

    monkeypatch.setattr(pages, "waiting", broken)
    app = create_app(workspace_root, TINY)
    app.state.workspace.store().add_account("samordnare", "coordinator", PASSWORD)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        log_in(client, "samordnare")
        answer = client.get("/")
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("text/html")
    assert "Något gick fel på servern" in answer.text
    for leak in ("Traceback", "RuntimeError", "workspace.sqlite", str(workspace_root)):
        assert leak not in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-frame-options"] == "DENY"


def test_a_run_number_too_large_for_the_file_is_no_such_run(app_client: TestClient) -> None:
    log_in(app_client, "samordnare")
    answer = app_client.get("/jobb/99999999999999999999999/handelser")
    assert answer.status_code == 404
    assert "Det finns ingen sådan körning" in answer.text


def test_a_reader_follows_a_sweep_but_not_a_send(app_client: TestClient) -> None:
    store = app_client.app.state.workspace.store()  # type: ignore[attr-defined]
    ids = {}
    for kind in ("send", "sweep"):
        started = store.start_job(kind, "samordnare", (kind,))
        assert isinstance(started, int)
        store.set_job(started, state="done", ended=1.0)
        ids[kind] = started
    log_in(app_client, "läsare")
    assert app_client.get(f"/jobb/{ids['send']}/handelser").status_code == 404
    assert app_client.get(f"/jobb/{ids['sweep']}/handelser").status_code == 200
    app_client.cookies.clear()
    log_in(app_client, "samordnare")
    assert app_client.get(f"/jobb/{ids['send']}/handelser").status_code == 200


def test_a_link_in_the_schedule_folder_is_not_served(
    app_client: TestClient, workspace_root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "hemligt"
    secret.mkdir()
    (secret / "lösenord.csv").write_text("hemlig,rad\n", encoding="utf-8")
    (secret / "plan.html").write_text("<p>hemlig</p>", encoding="utf-8")
    folder = Workspace(workspace_root).schedule
    folder.mkdir()
    (folder / "sessions.csv").write_text("session_id\n", encoding="utf-8")
    (folder / "lank.csv").symlink_to(secret / "lösenord.csv")
    (folder / "planer").symlink_to(secret, target_is_directory=True)
    log_in(app_client, "samordnare")
    assert app_client.get("/schemat/fil/sessions.csv").status_code == 200
    for path in ["lank.csv", "planer/plan.html", "planer/lösenord.csv"]:
        answer = app_client.get(f"/schemat/fil/{path}")
        assert answer.status_code == 404, path
        assert "hemlig" not in answer.text
    assert list(schedule_files(Workspace(workspace_root))) == ["sessions.csv"]


def damaged_zip() -> bytes:
    """A zip of the tiny instance whose rooms.csv does not match its checksum."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(TINY.iterdir()):
            archive.writestr(path.name, path.read_bytes())
    content = buffer.getvalue()
    rooms = (TINY / "rooms.csv").read_bytes()
    start = content.index(rooms)
    return content[:start] + rooms.replace(b"12", b"99", 1) + content[start + len(rooms) :]


def test_a_damaged_zip_is_refused_in_words(app_client: TestClient) -> None:
    csrf = log_in(app_client, "samordnare")
    answer = app_client.post(
        "/indata", data={"csrf": csrf}, files={"file": ("instans.zip", damaged_zip())}
    )
    assert answer.status_code == 422
    assert "går att packa upp" in answer.text
    assert "rooms.csv" in answer.text


def test_a_workbook_that_unpacks_to_too_much_is_refused(
    app_client: TestClient, workspace_root: Path
) -> None:
    buffer = io.BytesIO()
    block = b"<row/>" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(MAX_UNPACKED_BYTES // len(block) + 1):
            entry.write(block)
    assert len(buffer.getvalue()) < 1024 * 1024
    before = sorted(p.name for p in Workspace(workspace_root).instance.iterdir())
    csrf = log_in(app_client, "samordnare")
    answer = app_client.post(
        "/indata", data={"csrf": csrf}, files={"file": ("instans.xlsx", buffer.getvalue())}
    )
    assert answer.status_code == 422
    assert "packas upp till för mycket" in answer.text
    assert sorted(p.name for p in Workspace(workspace_root).instance.iterdir()) == before


def test_a_login_gets_a_new_session_and_ends_the_one_held_before(
    app_client: TestClient, workspace_root: Path
) -> None:
    log_in(app_client, "samordnare")
    first = app_client.cookies[COOKIE]
    page = app_client.get("/login")
    app_client.post(
        "/login",
        data={"name": "chef", "password": PASSWORD, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    second = app_client.cookies[COOKIE]
    assert second != first
    store = Workspace(workspace_root).store()
    assert store.session(first) is None
    login = store.session(second)
    assert login is not None and login.account.name == "chef"
    assert digest(first) != digest(second)


def test_the_schedule_page_names_each_calendar_by_whom_it_is_for(
    app_client: TestClient, workspace_root: Path
) -> None:
    folder = Workspace(workspace_root).schedule
    for name in ["planer/personer/P0001.html", "ics/people/P0001.ics", "ics/rooms/R1.ics"]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "calendar.ics").write_text("x", encoding="utf-8")
    (folder / "summary.json").write_text('{"sessions": 12345}', encoding="utf-8")
    log_in(app_client, "läsare")
    page = app_client.get("/schemat").text
    # The people's calendars are beside their plans, by name; no list of file paths.
    assert re.search(r'>Eva Ahmadi</a> · <a href="/schemat/fil/ics/people/P0001.ics"', page)
    assert re.search(r'Stora salen · <a href="/schemat/fil/ics/rooms/R1.ics"', page)
    assert ">ics/people/P0001.ics<" not in page
    assert "Hela schemat som kalender (calendar.ics)" in page
    assert re.search(r"12\s345", page)


def test_only_a_coordinator_downloads_the_invitations_and_their_addresses(
    app_client: TestClient, workspace_root: Path
) -> None:
    folder = Workspace(workspace_root).schedule
    (folder / "invites").mkdir(parents=True)
    (folder / "invites" / "outbox.csv").write_text(
        "uid,recipient\nS1-d1,anna@example.org\n", encoding="utf-8"
    )
    (folder / "sessions.csv").write_text("session_id\n", encoding="utf-8")
    for reader in ("läsare", "chef"):
        log_in(app_client, reader)
        assert app_client.get("/schemat/fil/sessions.csv").status_code == 200
        answer = app_client.get("/schemat/fil/invites/outbox.csv")
        assert answer.status_code == 403, reader
        assert "anna@example.org" not in answer.text
    log_in(app_client, "samordnare")
    answer = app_client.get("/schemat/fil/invites/outbox.csv")
    assert answer.status_code == 200
    assert "anna@example.org" in answer.text
