"""Kapacitet och vad händer om: a sweep run as a job from the page, its table, charts and
comparison with capacity; who may start one; a grid the page refuses."""

from __future__ import annotations

import re

import pytest
from conftest import csrf_of, ended, log_in, workspace_of
from starlette.testclient import TestClient

from english import english_words
from schemalaggning.check import check_schedule
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.swedish import number
from schemalaggning.whatif.sweep import Scenario, scenario_instance


def test_a_sweep_of_two_scenarios_runs_as_a_job_and_shows_its_table_and_charts(
    app_client: TestClient,
) -> None:
    csrf = log_in(app_client, "samordnare")
    page = app_client.get("/kapacitet")
    assert page.status_code == 200
    assert 'action="/kapacitet/svep"' in page.text
    form = {"hires_per_year": "10, 20", "max_absent": "", "seeds": "0", "time_limit": "3"}
    started = app_client.post(
        "/kapacitet/svep", data={**form, "csrf": csrf}, follow_redirects=False
    )
    assert started.status_code == 303, started.text
    assert started.headers["location"] == "/kapacitet"

    workspace = workspace_of(app_client)
    job = ended(workspace, "sweep")
    assert job.state == "done", (workspace.jobs / f"{job.id}.log").read_text()

    # Every scenario's schedule holds to the rules of its own instance.
    instance = read_instance(workspace.instance)
    folder = workspace.sweep_folder(job.id)
    for hires in (10, 20):
        scenario = Scenario({"hires_per_year": hires}, 0)
        schedule = read_schedule(folder / "scenarios" / scenario.name)
        assert check_schedule(scenario_instance(instance, scenario), schedule) == []

    shown = app_client.get("/kapacitet")
    assert shown.status_code == 200
    assert "Klar" in shown.text
    assert shown.text.count("<tr><td>") >= 2
    assert "nyanställda om året" in shown.text
    # The comparison with capacity in words, and the charts served by the app.
    assert "Mot kapacitetsberäkningen" in shown.text
    assert "kapacitet" in shown.text.split("Mot kapacitetsberäkningen")[1]
    chart = app_client.get(f"/kapacitet/svep/{job.id}/trainer_days_per_year.png")
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")
    assert app_client.get(f"/kapacitet/svep/{job.id}/sweep.csv").status_code == 404
    assert app_client.get(f"/kapacitet/svep/{job.id}/..%2Fworkspace.sqlite").status_code == 404


def test_a_viewer_cannot_start_a_sweep(app_client: TestClient) -> None:
    csrf = log_in(app_client, "läsare")
    page = app_client.get("/kapacitet")
    assert page.status_code == 200
    assert 'action="/kapacitet/svep"' not in page.text
    form = {"hires_per_year": "10", "seeds": "0", "time_limit": "3", "csrf": csrf}
    refused = app_client.post("/kapacitet/svep", data=form)
    assert refused.status_code == 403
    assert workspace_of(app_client).store().latest_job(("sweep",)) is None


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"hires_per_year": "tjugo"}, f"Nyanställda om året: heltal från 1 till {number(100_000)}"),
        ({"hires_per_year": "0"}, f"Nyanställda om året: heltal från 1 till {number(100_000)}"),
        (
            {"max_absent": "2000"},
            f"Flest borta samtidigt i ett område: heltal från 0 till {number(1_000)}",
        ),
        ({}, "Ange minst ett värde"),
        (
            {"hires_per_year": "10 20 30 40", "max_absent": "1, 2, 3, 4"},
            "Rutnätet har 16 scenarier; högst 12",
        ),
    ],
)
def test_a_grid_the_page_refuses_says_why_and_starts_nothing(
    app_client: TestClient, form: dict[str, str], words: str
) -> None:
    csrf = log_in(app_client, "samordnare")
    answer = app_client.post(
        "/kapacitet/svep", data={"seeds": "0", "time_limit": "3", **form, "csrf": csrf}
    )
    assert answer.status_code == 400
    assert words in answer.text
    assert workspace_of(app_client).store().latest_job(("sweep",)) is None
    # What was typed stays in the form.
    assert csrf_of(answer.text) == csrf
    for value in form.values():
        assert f'value="{value}"' in answer.text


def test_the_capacity_page_is_swedish(app_client: TestClient) -> None:
    log_in(app_client, "samordnare")
    text = re.sub(r"<[^>]+>", " ", app_client.get("/kapacitet").text)
    # Swedish writes these months as English does.
    assert (
        english_words(text, allowed=["schemalaggning", "september", "november", "december"]) == []
    )
