"""Kapacitet och vad händer om: the capacity answers for the workspace's instance, and a
small sweep of what-if scenarios run as a job, with its table, its charts and the
comparison with capacity in words.

A sweep is the command line's ``sweep`` on a local cluster of one task: the grid is taken
from the form (new hires a year, most away at once in a district, seeds), each value in
the range :func:`~schemalaggning.whatif.sweep.read_grid` allows, and at most
:data:`MAX_PAGE_SCENARIOS` scenarios, since the server's cores are shared with its pages. It
writes its folder (``.webb/svep/<job>/``, as ``sweep -o`` writes one) and the page shows
``sweep.csv`` and the charts of that folder.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from schemalaggning.i18n import N_, Messages, _
from schemalaggning.problems import InputError
from schemalaggning.swedish import number
from schemalaggning.web.pages import workspace_of
from schemalaggning.web.planning import job_context, start, time_limit
from schemalaggning.web.security import RefusedError, field, page
from schemalaggning.web.store import Job
from schemalaggning.web.views import render
from schemalaggning.web.workspace import Workspace

#: The most scenarios a sweep from the page may have: each takes its time limit on a
#: core the pages share.
MAX_PAGE_SCENARIOS = 12
#: The form's fields: the grid's key, the words of the field.
GRID_FIELDS = Messages(
    {
        "hires_per_year": N_("New hires a year"),
        "max_absent": N_("Most away at once in a district"),
        "seeds": N_("Seeds (draws of the new hires)"),
    }
)
#: The figures of a scenario the page shows, by column of ``sweep.csv``.
SHOWN_FIGURES = Messages(
    {
        "trainer_days_per_year": N_("Trainer days a year"),
        "capacity_trainer_days_per_year": N_("Capacity estimate"),
        "fte": N_("Full-time posts"),
        "capacity_fte": N_("Capacity estimate, posts"),
        "unmet": N_("Not scheduled"),
        "violations": N_("Rule breaches"),
    }
)
#: A scenario's status in words.
STATUS_WORDS = Messages(
    {
        "optimal": N_("best possible"),
        "feasible": N_("good, not proven best"),
        "infeasible": N_("impossible"),
        "unknown": N_("no schedule found"),
        "failed": N_("failed"),
    }
)
#: The sweep's charts, by file: the figure each plots.
CHARTS = ("trainer_days_per_year", "fte", "unmet")


def whole_numbers(text: str) -> list[int] | None:
    """``20, 40 60`` as whole numbers; ``None`` when one is not a whole number."""
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    if not all(part.isdecimal() and part.isascii() for part in parts):
        return None
    return list(dict.fromkeys(int(part) for part in parts))


def grid_ranges() -> dict[str, tuple[int, int]]:
    """Each field's lowest and highest value, as the command line's grid allows."""
    from schemalaggning.generate.params import MAX_HIRES_PER_YEAR
    from schemalaggning.whatif.sweep import RANGES, SEEDS

    return {
        "hires_per_year": (1, MAX_HIRES_PER_YEAR),
        "max_absent": RANGES["max_absent"],
        "seeds": RANGES[SEEDS],
    }


def read_sweep_form(request: Request) -> tuple[dict[str, list[int]], list[str]]:
    """The grid the form gives (``seeds`` among its keys), and what is wrong with it."""
    grid: dict[str, list[int]] = {}
    wrong: list[str] = []
    for key, (low, high) in grid_ranges().items():
        values = whole_numbers(field(request, key))
        if values is None or not all(low <= value <= high for value in values):
            expected = _("{field}: whole numbers from {low} to {high}, separated by commas.")
            wrong.append(
                expected.format(field=GRID_FIELDS[key], low=number(low), high=number(high))
            )
            continue
        grid[key] = values
    if wrong:
        return grid, wrong
    if not grid["hires_per_year"] and not grid["max_absent"]:
        wrong.append(_("Give at least one value of new hires a year or of most away at once."))
    count = max(1, len(grid["hires_per_year"])) * max(1, len(grid["max_absent"]))
    count *= max(1, len(grid["seeds"]))
    if count > MAX_PAGE_SCENARIOS:
        words = _("The grid has {count} scenarios; at most {most} can be run from this page.")
        wrong.append(words.format(count=count, most=MAX_PAGE_SCENARIOS))
    return grid, wrong


def sweep_rows(folder: Path) -> list[dict[str, str]]:
    """The rows of a sweep's ``sweep.csv`` (none when it has not written one)."""
    try:
        with (folder / "sweep.csv").open(encoding="utf-8-sig", newline="") as stream:
            return list(csv.DictReader(stream))
    except OSError:
        return []


def shown_cell(column: str, value: str) -> str:
    """A cell of ``sweep.csv`` as the page writes it."""
    from schemalaggning.whatif.capacity.compare import amount

    if column == "status":
        return STATUS_WORDS.get(value, value)
    try:
        return amount(float(value))
    except ValueError:
        return value


def sweep_table(rows: list[dict[str, str]]) -> dict[str, Any]:
    """The sweep's table for the page: headings, rows of cells, and each scenario's
    comparison with capacity in words."""
    from schemalaggning.whatif.sweep import PARAMETERS
    from schemalaggning.whatif.sweep_report import PARAMETER_NAMES

    if not rows:
        return {"headers": [], "rows": [], "comparisons": []}
    varied = [column for column in rows[0] if column in PARAMETERS]
    columns = [*varied, "seed", "status", *SHOWN_FIGURES]
    headers = [PARAMETER_NAMES[c] for c in varied]
    headers += [_("Seed"), _("Result"), *SHOWN_FIGURES.values()]
    cells = [[shown_cell(c, row.get(c) or "") for c in columns] for row in rows]
    comparisons = []
    for row in rows:
        scenario = ", ".join(
            f"{PARAMETER_NAMES[c]} {shown_cell(c, row.get(c) or '')}" for c in varied
        )
        said = row.get("comparison") or row.get("error") or ""
        comparisons.append({"scenario": scenario, "words": said})
    return {"headers": headers, "rows": cells, "comparisons": comparisons}


def charts(workspace: Workspace, job: Job | None) -> list[dict[str, str]]:
    """The charts a sweep drew: the address of each and what it shows."""
    from schemalaggning.whatif.sweep_report import PLOTTED

    if job is None:
        return []
    folder = workspace.sweep_folder(job.id)
    return [
        {"src": f"/kapacitet/svep/{job.id}/{name}.png", "title": PLOTTED[name]}
        for name in CHARTS
        if (folder / f"{name}.png").is_file()
    ]


def capacity_parts(workspace: Workspace) -> list[dict[str, Any]]:
    """The capacity answers for the workspace's instance, as tables and lines."""
    from schemalaggning.io import read_instance
    from schemalaggning.whatif.capacity import plan_capacity, report_tables

    try:
        report = plan_capacity(read_instance(workspace.instance))
    except InputError as error:
        raise RefusedError(409, _("The instance has errors; upload a corrected one.")) from error
    return [plain(table) for table in report_tables(report)]


def capacity_view(
    request: Request,
    notice: str = "",
    wrong: list[str] | None = None,
    status: int = 200,
) -> Response:
    """The page: the capacity answers, the sweep's form, its latest run and result."""
    workspace = workspace_of(request)
    job = workspace.store().latest_job(("sweep",))
    rows = sweep_rows(workspace.sweep_folder(job.id)) if job is not None else []
    context = {
        "parts": capacity_parts(workspace),
        **job_context(workspace, job),
        "sweep": sweep_table(rows),
        "charts": charts(workspace, job),
        "fields": GRID_FIELDS,
        "given": {k: field(request, k) for k in [*GRID_FIELDS, "time_limit"]} if wrong else {},
        "wrong": wrong or [],
        "notice": notice,
        "most": MAX_PAGE_SCENARIOS,
    }
    return render(request, "capacity.html.j2", context, status)


@page()
async def capacity_page(request: Request) -> Response:
    """Kapacitet och vad händer om."""
    return capacity_view(request)


@page("coordinator")
async def start_sweep(request: Request) -> Response:
    """Start a sweep of the grid the form gives (400 with what is wrong with it)."""
    seconds = time_limit(request)
    grid, wrong = read_sweep_form(request)
    if wrong:
        return capacity_view(request, wrong=wrong, status=400)
    seeds = grid.pop("seeds") or [0]
    arguments = {"time_limit": seconds, "values": grid, "seeds": seeds}
    return start(request, "sweep", arguments, back="/kapacitet")


@page()
async def sweep_chart(request: Request) -> Response:
    """One chart of a sweep (only the charts a sweep draws are served)."""
    name = request.path_params["chart"]
    try:
        job_id = int(request.path_params["job"])
    except ValueError:
        job_id = -1
    path = workspace_of(request).sweep_folder(job_id) / name
    if job_id < 0 or name.removesuffix(".png") not in CHARTS or not path.is_file():
        raise RefusedError(404, _("There is no such chart."))
    return FileResponse(path, media_type="image/png")


def plain(renderable: Any) -> dict[str, Any]:
    """A rich table (or text) as plain data for a template: title, headers, rows."""
    from rich.table import Table

    if not isinstance(renderable, Table):
        return {"text": str(getattr(renderable, "plain", renderable))}
    columns = renderable.columns
    cells = [[_text(cell) for cell in column._cells] for column in columns]
    rows = [list(row) for row in zip(*cells, strict=True)]
    return {
        "title": _text(renderable.title or ""),
        "headers": [_text(column.header) for column in columns],
        "rows": rows,
    }


def _text(value: Any) -> str:
    return str(getattr(value, "plain", value))


WHATIF_ROUTES = [
    Route("/kapacitet", capacity_page),
    Route("/kapacitet/svep", start_sweep, methods=["POST"]),
    Route("/kapacitet/svep/{job}/{chart}", sweep_chart),
]
