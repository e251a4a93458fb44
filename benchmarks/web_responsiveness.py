"""How quickly the workspace in the browser answers while a large city is solved.

Protocol: a fresh workspace with ``instances/stockholm`` as its instance and one
coordinator account; the app served by uvicorn on 127.0.0.1 in a process of its own.
First the baseline: Översikt (``/``) requested ``--requests`` times, one after the other,
with no run going. Then a solve of the whole instance is started from the page (a worker
process, ``--time-limit`` seconds, two CP-SAT workers) and Översikt is requested the same
number of times while it runs. Printed: the median and the largest answer time of each,
in milliseconds, and their ratios (solving / baseline). The goal is a page within 200 ms
during the solve. Run on an otherwise idle machine::

    python benchmarks/web_responsiveness.py --time-limit 60 --requests 100
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
PASSWORD = "mät svarstiderna"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def timings(client: httpx.Client, count: int) -> list[float]:
    """Answer times of Översikt in milliseconds."""
    seconds = []
    for _ in range(count):
        began = time.perf_counter()
        answer = client.get("/")
        seconds.append((time.perf_counter() - began) * 1000)
        answer.raise_for_status()
    return seconds


def log_in(client: httpx.Client) -> str:
    page = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/login", data={"name": "bänk", "password": PASSWORD, "csrf": token.group(1)}
    ).raise_for_status()
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None
    return found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    from schemalaggning.web.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "arbetsyta"
        app = create_app(root, ROOT / "instances" / "stockholm")
        app.state.workspace.store().add_account("bänk", "coordinator", PASSWORD)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, uvicorn; from pathlib import Path; "
                "from schemalaggning.web.app import create_app; "
                "uvicorn.run(create_app(Path(sys.argv[1])), host='127.0.0.1', "
                "port=int(sys.argv[2]), log_level='warning')",
                str(root),
                str(port),
            ]
        )
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", timeout=30.0, follow_redirects=True
            ) as client:
                for _ in range(100):
                    try:
                        client.get("/login")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                csrf = log_in(client)
                baseline = timings(client, args.requests)
                client.post(
                    "/planera/schemalagg",
                    data={"time_limit": str(args.time_limit), "csrf": csrf},
                ).raise_for_status()
                time.sleep(2.0)
                during = timings(client, args.requests)
                store = app.state.workspace.store()
                running = store.running_jobs()
        finally:
            for job in app.state.workspace.store().running_jobs():
                if job.pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(job.pid, signal.SIGKILL)
            server.terminate()
            server.wait()
        still = bool(running)
        report(baseline, during, still)


def report(baseline: list[float], during: list[float], still: bool) -> None:
    print(f"{'':10} {'median ms':>10} {'max ms':>10}")
    for name, values in (("baseline", baseline), ("solving", during)):
        print(f"{name:10} {statistics.median(values):10.1f} {max(values):10.1f}")
    print(
        f"{'ratio':10} {statistics.median(during) / statistics.median(baseline):10.2f} "
        f"{max(during) / max(baseline):10.2f}"
    )
    print("the solve was still running at the end" if still else "the solve ended early")


if __name__ == "__main__":
    main()
