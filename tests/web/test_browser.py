"""A coordinator's month in a real browser (Playwright, Chromium) against the app run by
uvicorn: log in, upload a workbook with an error, fix it, solve with progress, publish,
open a hire's plan, send to a local SMTP server, upload new hires and attendance,
re-plan, read the changes, assess a personal request, and run a sweep of what-if
scenarios. Every page's text is Swedish.

Screenshots are saved in tests/artifacts/web/ to be looked at.
"""

from __future__ import annotations

import csv
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from conftest import PASSWORD, TINY

from english import english_words
from schemalaggning.check import check_schedule, check_schedule_with_notes
from schemalaggning.domain import Instance
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.write import write_instance_xlsx
from schemalaggning.web.app import create_app
from schemalaggning.web.workspace import Workspace
from schemalaggning.whatif.sweep import Scenario, scenario_instance

ARTIFACTS = Path(__file__).parents[1] / "artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")

playwright_api = pytest.importorskip("playwright.sync_api")


def browser_path() -> str | None:
    """The system Chromium, else ``None`` (Playwright's own browser, if installed)."""
    return str(CHROMIUM) if CHROMIUM.is_file() else None


def launch(playwright: Any) -> Any:
    """Chromium, or skip (fail on CI) when there is none."""
    try:
        return playwright.chromium.launch(executable_path=browser_path(), args=["--lang=sv-SE"])
    except Exception as error:  # Playwright says only that the browser would not start.
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Chromium to run the browser test with ({error.__class__.__name__})")


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every message."""

    received: list[tuple[str, list[str]]]

    async def handle_DATA(  # noqa: N802 (aiosmtpd names its hooks so)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 accepted"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox([])
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Workspace]]:
    import uvicorn

    app = create_app(tmp_path / "arbetsyta", TINY)
    app.state.workspace.store().add_account("Samordnare Sara", "coordinator", PASSWORD)
    port = free_port()
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app.state.workspace
    finally:
        running.should_exit = True
        thread.join()


def workbook_with_an_error(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny instance as a workbook, and a copy with a room of 'tolv' seats."""
    from openpyxl import load_workbook

    good = write_instance_xlsx(read_instance(TINY), tmp_path / "instans.xlsx")
    book = load_workbook(good)
    sheet = book["rooms"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("capacity") + 1, value="tolv")
    bad = tmp_path / "instans-med-fel.xlsx"
    book.save(bad)
    return good, bad


def new_hires_and_attendance(tmp_path: Path, workspace: Workspace) -> tuple[Path, Any]:
    """A zip of the instance with two new hires and one no-show at the first session;
    and the day after that session, to re-plan on."""
    schedule = read_schedule(workspace.schedule)
    first = min((s for _, s in schedule.sessions), key=lambda s: s.slots[0].day)
    person = next(a.person_id for _, a in schedule.assignments if a.session_id == first.session_id)
    folder = tmp_path / "ny-instans"
    shutil.copytree(workspace.instance, folder, ignore=shutil.ignore_patterns(".*"))
    people = folder / "people.csv"
    with people.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    template = next(r for r in rows if r["required"] == "yes")
    for k in (1, 2):
        rows.append(
            {
                **template,
                "person_id": f"NY{k}",
                "name": f"Nyanställd Nummer{k}",
                "email": f"ny{k}@example.se",
                "start_date": "2027-03-01",
                "done": "",
            }
        )
    with people.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "attendance.csv").write_text(
        f"session_id,person_id,attended\n{first.session_id},{person},no\n", encoding="utf-8"
    )
    archive = tmp_path / "nya.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, path.name)
    return archive, first.slots[0].day + timedelta(days=1)


#: Words of the pages that are Swedish too, and the format's names of the files and
#: workbook sheets a coordinator edits (people.csv, the sheet "rooms").
SWEDISH_TOO = [
    "schemalaggning",
    "september",
    "november",
    "december",
    *("attendance", "people", "courses", "trainers", "rooms", "districts", "electives"),
]


def data_words(instance: Instance) -> list[str]:
    """The words of the data's names, which the pages show as they are."""
    names = [instance.settings.name]
    names += [p.name for p in instance.people] + [t.name for t in instance.trainers]
    names += [c.name for c in instance.courses] + [r.name for r in instance.rooms]
    names += [d.name for d in instance.districts]
    return [word for name in names for word in name.split()]


def shot(page: Any, name: str, workspace: Workspace) -> None:
    """Save a screenshot of the page, and see that its text is Swedish."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    allowed = [*SWEDISH_TOO, *data_words(read_instance(workspace.instance))]
    assert english_words(page.inner_text("body"), allowed=allowed) == [], name


def solved(page: Any) -> None:
    """Wait for the run on the page to end and the page to show its result."""
    page.wait_for_selector("#state", timeout=60_000)


def test_a_coordinators_month_in_the_browser(
    tmp_path: Path, server: tuple[str, Workspace], mailbox: tuple[Mailbox, int]
) -> None:
    base, workspace = server
    box, smtp_port = mailbox
    good, bad = workbook_with_an_error(tmp_path)
    with playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        page.goto(base + "/planera")
        assert page.url.endswith("/login")
        page.fill("input[name=name]", "Samordnare Sara")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        shot(page, "01-oversikt", workspace)

        # A workbook with an error: every problem in a table; nothing replaced.
        page.goto(base + "/indata")
        page.set_input_files("input[type=file]", str(bad))
        page.click("text=Kontrollera och ladda upp")
        problems = page.locator("table.problems tbody tr")
        assert problems.count() >= 1
        assert "tolv" in problems.first.inner_text()
        shot(page, "02-indata-fel", workspace)
        page.set_input_files("input[type=file]", str(good))
        page.click("text=Kontrollera och ladda upp")
        assert "är utan fel och är nu instansen" in page.inner_text("main")

        # Solve, with the progress line while it runs.
        page.goto(base + "/planera")
        page.fill("form[action='/planera/schemalagg'] input[name=time_limit]", "5")
        page.click("#solve")
        page.wait_for_selector("#progress")
        shot(page, "03-schemalagger", workspace)
        solved(page)
        assert "Klar" in page.inner_text("#state")
        assert (
            check_schedule(read_instance(workspace.instance), read_schedule(workspace.schedule))
            == []
        )
        page.click("#publish")
        page.wait_for_selector("text=Den här versionen är publicerad")
        shot(page, "04-resultat", workspace)

        # A hire's plan.
        page.goto(base + "/schemat")
        shot(page, "05-schemat", workspace)
        first_plan = page.locator("ul.plans a").first
        hire = first_plan.inner_text()
        with page.context.expect_page() as opened:
            first_plan.click()
        plan = opened.value
        plan.wait_for_load_state()
        assert hire in plan.inner_text("body")
        shot(plan, "06-plan", workspace)
        plan.close()

        # Send to the local SMTP server: the count on the page is what it receives.
        page.goto(base + "/skicka")
        page.fill("input[name=host]", "127.0.0.1")
        page.fill("input[name=port]", str(smtp_port))
        page.select_option("select[name=security]", "none")
        page.click("text=Spara")
        count = int(page.get_attribute("#count", "data-count") or "0")
        assert count > 0
        shot(page, "07-skicka", workspace)
        page.click("#send")
        solved(page)
        assert len(box.received) == count
        assert f"Skickade {count}" in page.inner_text("#job")
        shot(page, "08-skickat", workspace)

        # New hires and attendance, and the re-plan around the published schedule.
        archive, today = new_hires_and_attendance(tmp_path, workspace)
        page.goto(base + "/indata")
        page.set_input_files("input[type=file]", str(archive))
        page.click("text=Kontrollera och ladda upp")
        assert "är utan fel och är nu instansen" in page.inner_text("main")
        page.goto(base + "/planera")
        page.fill("input[name=today]", today.isoformat())
        page.fill("form[action='/planera/planera-om'] input[name=time_limit]", "5")
        page.click("#replan")
        solved(page)
        changes = page.locator("table.changes tbody tr")
        assert changes.count() >= 1
        assert "Nummer1" in page.inner_text("table.changes") or "Nummer2" in page.inner_text(
            "table.changes"
        )
        shot(page, "09-omplanerat", workspace)
        found = check_schedule_with_notes(
            read_instance(workspace.instance), read_schedule(workspace.schedule)
        )
        assert found.violations == []

        # A personal request, assessed at once.
        page.goto(base + "/individuella")
        page.select_option("select[name=person_id]", "NY1")
        page.fill("input[name=title]", "Motiverande samtal")
        page.fill("input[name=from]", "2027-05-10")
        page.fill("input[name=to]", "2027-05-11")
        page.click("#assess")
        page.wait_for_selector("#verdict")
        verdict = page.inner_text("#verdict")
        assert "Nyanställd Nummer1" in verdict
        shot(page, "10-individuell", workspace)

        # A sweep of two scenarios, with its table, charts and comparison with capacity.
        page.goto(base + "/kapacitet")
        page.fill("input[name=hires_per_year]", "10, 20")
        page.fill("input[name=time_limit]", "3")
        page.click("#sweep")
        page.wait_for_selector("#state", timeout=300_000)
        assert "Klar" in page.inner_text("#state")
        assert page.locator("#sweep-result tbody tr").count() == 2
        assert page.locator("figure.chart img").count() == 3
        assert page.evaluate(
            "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
        )
        shot(page, "11-kapacitet", workspace)
        job = workspace.store().latest_job(("sweep",))
        assert job is not None
        instance = read_instance(workspace.instance)
        for hires in (10, 20):
            scenario = Scenario({"hires_per_year": hires}, 0)
            folder = workspace.sweep_folder(job.id) / "scenarios" / scenario.name
            changed = scenario_instance(instance, scenario)
            assert check_schedule(changed, read_schedule(folder)) == []
        browser.close()
