"""The size of what is posted is counted as the body arrives, not taken from its header."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import anyio
from conftest import PASSWORD, csrf_of, log_in
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message

from schemalaggning.web.security import MAX_BODY_BYTES, MAX_FORM_BYTES
from schemalaggning.web.workspace import Workspace

CHUNK = 64 * 1024


def instance_files(root: Path) -> dict[str, bytes]:
    folder = Workspace(root).instance
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def posted(
    app: ASGIApp, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, str]:
    """The status and page of a raw ASGI POST whose body comes in ``chunks``."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    messages: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks
    ]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    statuses: list[int] = []
    pages: list[bytes] = []

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        elif message["type"] == "http.response.body":
            pages.append(message.get("body", b""))

    anyio.run(app, scope, receive, send)
    return statuses[0], b"".join(pages).decode("utf-8")


def test_a_form_longer_than_its_declared_size_is_refused(app_client: TestClient) -> None:
    # The header says 20 bytes; the body goes on past the limit of a form, in fields each
    # well within the limit of one field.
    field = b"f=" + b"x" * (CHUNK - 3) + b"&"
    chunks = [field] * (MAX_FORM_BYTES // CHUNK + 2)
    headers = {"content-type": "application/x-www-form-urlencoded", "content-length": "20"}
    status, text = posted(app_client.app, "/login", headers, chunks)
    assert status == 413
    assert "Formuläret är för stort" in text


def multipart(boundary: str, csrf: str, size: int) -> Iterator[bytes]:
    """An upload form with a file of ``size`` bytes, in chunks."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="stor.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    for _ in range(size // CHUNK):
        yield b"x" * CHUNK
    yield f"\r\n--{boundary}--\r\n".encode()


def test_an_upload_in_chunks_larger_than_the_limit_is_refused_with_clear_words(
    app_client: TestClient, workspace_root: Path
) -> None:
    csrf = log_in(app_client, "samordnare")
    before = instance_files(workspace_root)
    boundary = "grans1234"
    answer = app_client.post(
        "/indata",
        content=multipart(boundary, csrf, MAX_BODY_BYTES + 4 * CHUNK),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert "content-length" not in answer.request.headers
    assert answer.request.headers["transfer-encoding"] == "chunked"
    assert answer.status_code == 413
    assert "Filen är för stor: högst 20 MB" in answer.text
    assert instance_files(workspace_root) == before


def test_a_form_sent_in_chunks_within_the_limit_is_read(app_client: TestClient) -> None:
    # Chunked transfer encoding is accepted: the count, not the header, keeps the limit.
    token = csrf_of(app_client.get("/login").text)
    body = urlencode({"name": "samordnare", "password": PASSWORD, "csrf": token}).encode()
    answer = app_client.post(
        "/login",
        content=iter([body[:10], body[10:]]),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.request.headers["transfer-encoding"] == "chunked"
    assert answer.status_code == 303, answer.text
