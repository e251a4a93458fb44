"""The workspace's security: logins, roles, CSRF, uploads, feeds, escaping, hashing."""

from __future__ import annotations

import io
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PASSWORD, TINY, csrf_of, log_in
from starlette.testclient import TestClient

from schemalaggning.web.app import create_app
from schemalaggning.web.commands import users
from schemalaggning.web.security import MAX_UPLOAD_BYTES
from schemalaggning.web.store import dummy_hash
from schemalaggning.web.workspace import Workspace


@pytest.mark.parametrize(
    "path", ["/", "/indata", "/planera", "/schemat", "/schemat/fil/rapport.html", "/skicka"]
)
def test_without_a_login_every_page_leads_to_the_login(app_client: TestClient, path: str) -> None:
    answer = app_client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert "Logga in" in app_client.get(path).text


def test_a_post_without_the_csrf_token_is_refused(app_client: TestClient) -> None:
    csrf = log_in(app_client, "samordnare")
    refused = app_client.post("/planera/schemalagg", data={"time_limit": "5"})
    assert refused.status_code == 403
    assert "formuläret" in refused.text.lower()
    wrong = app_client.post("/planera/schemalagg", data={"time_limit": "5", "csrf": csrf + "x"})
    assert wrong.status_code == 403
    # Not started: no run is recorded.
    assert app_client.app.state.workspace.store().latest_job(("solve",)) is None  # type: ignore[attr-defined]


def test_the_login_form_needs_its_csrf_token(app_client: TestClient) -> None:
    answer = app_client.post("/login", data={"name": "samordnare", "password": PASSWORD})
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("path", "data"),
    [("/planera/schemalagg", {"time_limit": "5"}), ("/skicka", {}), ("/indata", {})],
)
def test_a_viewer_can_neither_solve_nor_send(
    app_client: TestClient, path: str, data: dict[str, str]
) -> None:
    csrf = log_in(app_client, "läsare")
    answer = app_client.post(path, data={**data, "csrf": csrf})
    assert answer.status_code == 403
    assert "Ditt konto får inte" in answer.text
    assert app_client.app.state.workspace.store().latest_job(("solve", "send")) is None  # type: ignore[attr-defined]
    # Reading is allowed; the menu offers only what the role may do.
    overview = app_client.get("/")
    assert overview.status_code == 200
    assert 'href="/skicka"' not in overview.text


def test_a_manager_may_assess_requests_but_not_solve(app_client: TestClient) -> None:
    csrf = log_in(app_client, "chef")
    assert app_client.post("/planera/schemalagg", data={"csrf": csrf}).status_code == 403
    # No schedule yet: the page says so (409), it is not refused for the role.
    assert app_client.get("/individuella").status_code == 409


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(client: TestClient, csrf: str, name: str, content: bytes) -> object:
    return client.post("/indata", data={"csrf": csrf}, files={"file": (name, content)})


def instance_files(root: Path) -> dict[str, bytes]:
    folder = Workspace(root).instance
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("evil", ["../people.csv", "/etc/people.csv", "a/../../people.csv"])
def test_a_zip_with_an_entry_leaving_the_folder_is_refused(
    app_client: TestClient, workspace_root: Path, evil: str
) -> None:
    csrf = log_in(app_client, "samordnare")
    before = instance_files(workspace_root)
    entries = {p.name: p.read_bytes() for p in TINY.iterdir()}
    entries[evil] = b"person_id,name\n"
    answer = upload(app_client, csrf, "instans.zip", zipped(entries))
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "lämnar" in answer.text  # type: ignore[attr-defined]
    assert instance_files(workspace_root) == before
    assert not (workspace_root.parent / "people.csv").exists()


def test_an_oversized_upload_is_refused_with_clear_words(
    app_client: TestClient, workspace_root: Path
) -> None:
    csrf = log_in(app_client, "samordnare")
    before = instance_files(workspace_root)
    answer = upload(app_client, csrf, "stor.xlsx", b"x" * (MAX_UPLOAD_BYTES + 10))
    assert answer.status_code == 413  # type: ignore[attr-defined]
    assert "Filen är för stor: högst 20 MB" in answer.text  # type: ignore[attr-defined]
    assert instance_files(workspace_root) == before


def test_an_upload_with_errors_is_shown_in_a_table_and_replaces_nothing(
    app_client: TestClient, workspace_root: Path
) -> None:
    csrf = log_in(app_client, "samordnare")
    before = instance_files(workspace_root)
    entries = {p.name: p.read_bytes() for p in TINY.iterdir()}
    entries["rooms.csv"] = entries["rooms.csv"].replace(b"12", b"tolv", 1)
    answer = upload(
        app_client, csrf, "instans.zip", zipped({f"tiny/{k}": v for k, v in entries.items()})
    )
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "<td>tolv</td>" in answer.text  # type: ignore[attr-defined]
    assert "rooms.csv" in answer.text  # type: ignore[attr-defined]
    assert str(workspace_root) not in answer.text  # type: ignore[attr-defined]
    assert instance_files(workspace_root) == before


def test_a_wrong_feed_token_is_not_found_and_a_revoked_one_neither(
    app_client: TestClient, workspace_root: Path
) -> None:
    store = Workspace(workspace_root).store()
    calendars = Workspace(workspace_root).schedule / "ics" / "rooms"
    calendars.mkdir(parents=True)
    (calendars / "R1.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    token = store.add_feed("rooms", "R1", "samordnare")
    assert app_client.get(f"/feed/{token}.ics").status_code == 200
    assert app_client.get(f"/feed/{token[:-1]}x.ics").status_code == 404
    assert app_client.get("/feed/..%2F..%2Fworkspace.sqlite.ics").status_code == 404
    digest = store.feeds()[0]["digest"]
    assert store.revoke_feed(digest)
    assert app_client.get(f"/feed/{token}.ics").status_code == 404


def test_a_schedule_file_outside_the_folder_is_not_served(app_client: TestClient) -> None:
    log_in(app_client, "samordnare")
    for path in ["/schemat/fil/../.schemalaggning/workspace.sqlite", "/schemat/fil/%2e%2e/x"]:
        assert app_client.get(path).status_code == 404


def test_a_script_in_a_name_shows_as_text(tmp_path: Path) -> None:
    source = tmp_path / "instans"
    shutil.copytree(TINY, source)
    people = source / "people.csv"
    lines = people.read_text(encoding="utf-8-sig").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    first[header.index("name")] = "<script>alert(1)</script>"
    people.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    app = create_app(tmp_path / "arbetsyta", source)
    app.state.workspace.store().add_account("samordnare", "coordinator", PASSWORD)
    with TestClient(app) as client:
        log_in(client, "samordnare")
        page = client.get("/kalender").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_passwords_are_hashed_and_logins_rate_limited(
    app_client: TestClient, workspace_root: Path
) -> None:
    database = Workspace(workspace_root).store().path
    wal = Path(str(database) + "-wal")
    content = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert PASSWORD.encode() not in content
    with sqlite3.connect(database) as db:
        hashes = [row[0] for row in db.execute("select hash from accounts")]
    assert hashes and all(h.startswith("$argon2") for h in hashes)
    for _ in range(5):
        page = app_client.get("/login")
        wrong = app_client.post(
            "/login", data={"name": "samordnare", "password": "fel", "csrf": csrf_of(page.text)}
        )
        assert wrong.status_code == 401
    page = app_client.get("/login")
    right = app_client.post(
        "/login", data={"name": "samordnare", "password": PASSWORD, "csrf": csrf_of(page.text)}
    )
    assert right.status_code == 429
    assert "För många" in right.text


def test_the_cookie_is_http_only_same_site_and_secure_over_https(workspace_root: Path) -> None:
    app = create_app(workspace_root, TINY)
    app.state.workspace.store().add_account("samordnare", "coordinator", PASSWORD)
    with TestClient(app, base_url="https://arbetsyta.example") as client:
        page = client.get("/login")
        answer = client.post(
            "/login",
            data={"name": "samordnare", "password": PASSWORD, "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_second_solve_is_told_who_runs_the_first(app_client: TestClient) -> None:
    store = app_client.app.state.workspace.store()  # type: ignore[attr-defined]
    first = store.start_job("solve", "Anna Berg", ("solve", "replan", "send"))
    assert isinstance(first, int)
    store.set_job(first, state="running", pid=None)
    csrf = log_in(app_client, "samordnare")
    answer = app_client.post("/planera/schemalagg", data={"time_limit": "5", "csrf": csrf})
    assert answer.status_code == 409
    assert "pågår redan, startad av Anna Berg" in answer.text
    assert [job.id for job in store.running_jobs()] == [first]


def test_users_add_hashes_the_password_from_the_environment(tmp_path: Path) -> None:
    root = tmp_path / "arbetsyta"
    result = CliRunner().invoke(
        users,
        ["add", "Eva Lind", "--role", "manager", "--workspace", str(root)],
        env={"SCHEMALAGGNING_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    store = Workspace(root).store()
    assert [(a.name, a.role) for a in store.accounts()] == [("Eva Lind", "manager")]
    assert store.verify("Eva Lind", PASSWORD) is not None
    assert store.verify("Eva Lind", "fel lösenord") is None
    short = CliRunner().invoke(
        users,
        ["add", "Eva Lind", "--role", "viewer", "--workspace", str(root)],
        env={"SCHEMALAGGNING_PASSWORD": "kort"},
    )
    assert short.exit_code == 2


def test_the_hash_an_unknown_name_is_checked_against_is_made_when_the_app_starts(
    workspace_root: Path,
) -> None:
    dummy_hash.cache_clear()
    create_app(workspace_root, TINY)
    assert dummy_hash.cache_info().currsize == 1
    made = dummy_hash.cache_info().misses
    # An unknown name is checked against that hash, not one made for it.
    assert Workspace(workspace_root).store().verify("ingen alls", PASSWORD) is None
    assert dummy_hash.cache_info().misses == made
    assert dummy_hash.cache_info().hits >= 1
