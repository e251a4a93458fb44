"""--scheduler pointing at something that is not a Dask scheduler: a located error
naming the address (exit 2) within the connect timeout, and nothing written."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemalaggning.cli import EXIT_BAD_INPUT
from schemalaggning.whatif.sweep_report import SCHEDULER_TIMEOUT

TINY = Path(__file__).parents[2] / "instances" / "tiny"
#: A TCP server on a free port of 127.0.0.1 that prints its port, then accepts every
#: connection and either sends bytes no Dask program sends (``garbage``: an HTTP answer
#: and noise, which Dask read as a frame of exabytes) or says nothing (``silent``).
SERVER = """
import socket, sys, threading, time
mode = sys.argv[1]
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(16)
print(server.getsockname()[1], flush=True)
held = []
def serve(conn):
    if mode == "silent":
        held.append(conn)
        return
    try:
        while True:
            conn.sendall(b"HTTP/1.1 400 Bad Request\\r\\n\\r\\n" + bytes(range(256)) * 4)
            time.sleep(0.2)
    except OSError:
        pass
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
"""
#: A bound on the sweep's run, far beyond the connect timeout; no test measures time.
PATIENCE = 120


@pytest.fixture(params=["garbage", "silent"])
def not_dask(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """The address of a server that is not Dask's, and how it answers."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, request.param], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"tcp://127.0.0.1:{port}", request.param
    finally:
        server.kill()
        server.wait()


def test_a_server_that_is_not_a_dask_scheduler_is_refused_and_nothing_written(
    not_dask: tuple[str, str], tmp_path: Path
) -> None:
    address, mode = not_dask
    grid = tmp_path / "grid.toml"
    grid.write_text("[grid]\nmax_absent = [2, 4]\n", encoding="utf-8")
    out = tmp_path / "sweep"
    args = ["sweep", str(TINY), "--grid", str(grid), "-o", str(out), "--scheduler", address]

    # In English, as the words are asserted (the Swedish: the next test).
    done = subprocess.run(
        [sys.executable, "-m", "schemalaggning.cli", "--lang", "en", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=PATIENCE,
    )

    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert "Traceback" not in done.stderr
    why = (
        "it answered, but not as Dask does"
        if mode == "garbage"
        else f"no answer within {SCHEDULER_TIMEOUT} seconds"
    )
    assert (
        f"--scheduler: '{address}': expected the address of a running Dask scheduler, "
        f"such as tcp://10.0.0.5:8786 ({why})"
    ) in done.stderr
    assert "nothing written" in done.stderr
    # Nothing behind: no folder, no marker.
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [grid]
