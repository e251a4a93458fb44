"""Översikt says what waits (invitations, no-shows not yet re-planned, personal course
requests not yet assessed) and the next step, in Swedish."""

from __future__ import annotations

import re
from datetime import timedelta

from conftest import ended, log_in, workspace_of
from starlette.testclient import TestClient

from english import english_words
from schemalaggning.check import check_schedule
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.web.workspace import Workspace


def text_of(html: str, element: str) -> str:
    """The text of the element with the id ``element``."""
    found = re.search(rf'id="{element}"[^>]*>(.*?)</(li|section|p)>', html, re.S)
    assert found is not None, html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def run(client: TestClient, csrf: str, path: str, kind: str, **form: str) -> None:
    """Start a solve or re-plan through its form and wait until it has ended, checked."""
    started = client.post(path, data={**form, "csrf": csrf}, follow_redirects=False)
    assert started.status_code == 303, started.text
    workspace = workspace_of(client)
    job = ended(workspace, kind)
    assert job.state == "done", (workspace.jobs / f"{job.id}.log").read_text()
    instance = read_instance(workspace.instance)
    assert check_schedule(instance, read_schedule(workspace.schedule)) == []


def no_show_and_request(workspace: Workspace) -> str:
    """Write a no-show at the first session of the schedule, and a personal course request,
    into the instance (as a coordinator would edit its files); the no-show's name."""
    schedule = read_schedule(workspace.schedule)
    first = min((s for _, s in schedule.sessions), key=lambda s: s.slots[0].day)
    person = next(a.person_id for _, a in schedule.assignments if a.session_id == first.session_id)
    (workspace.instance / "attendance.csv").write_text(
        f"session_id,person_id,attended\n{first.session_id},{person},no\n", encoding="utf-8"
    )
    (workspace.instance / "electives.csv").write_text(
        "request_id,person_id,title,from,to,half,cost_sek,status\n"
        f"R1,{person},Motiverande samtal,2027-05-10,2027-05-11,,0,requested\n",
        encoding="utf-8",
    )
    instance = read_instance(workspace.instance)
    return instance.person_by_id[person].name


def test_the_overview_says_what_waits_and_the_next_step(app_client: TestClient) -> None:
    csrf = log_in(app_client, "samordnare")
    page = app_client.get("/").text
    assert "Gör ett schema under Schemalägg / Planera om" in text_of(page, "next-step")

    run(app_client, csrf, "/planera/schemalagg", "solve", time_limit="5")
    page = app_client.get("/").text
    assert "publicera" in text_of(page, "next-step")
    assert app_client.post("/planera/publicera", data={"csrf": csrf}).status_code == 200
    page = app_client.get("/").text
    # The invitations: the one count that a send sends.
    from schemalaggning.export.pending import pending

    count = pending(workspace_of(app_client).schedule)
    assert count.messages > 0
    assert text_of(page, "waiting-messages") == f"Väntar på att skickas: {count.words()}."
    assert "Skicka inbjudningarna" in text_of(page, "next-step")
    assert "Inga uteblivna" in text_of(page, "waiting-no-shows")

    # A no-show and a request: both wait for a re-plan, which is the next step.
    name = no_show_and_request(workspace_of(app_client))
    page = app_client.get("/").text
    assert text_of(page, "waiting-no-shows") == (
        f"Uteblivna i attendance.csv som ännu inte planerats om: 1 ({name})."
    )
    assert text_of(page, "waiting-requests") == (
        f"Ansökningar om individuella kurser som ännu inte bedömts: 1 ({name})."
    )
    assert "Planera om" in text_of(page, "next-step")
    text = re.sub(r"<[^>]+>", " ", page)
    # attendance.csv is the file's name; Swedish writes December as English does.
    allowed = ["schemalaggning", "attendance", "december", *name.split()]
    assert english_words(text, allowed=allowed) == []

    # The re-plan takes the no-show out of the session and assesses the request.
    sessions = read_schedule(workspace_of(app_client).schedule).sessions
    today = min(s.slots[0].day for _, s in sessions) + timedelta(days=1)
    run(app_client, csrf, "/planera/planera-om", "replan", time_limit="5", today=today.isoformat())
    page = app_client.get("/").text
    assert "Inga uteblivna" in text_of(page, "waiting-no-shows")
    assert "Inga ansökningar" in text_of(page, "waiting-requests")
