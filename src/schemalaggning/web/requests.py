"""Individuella kurser: a manager enters a person's request for a personal course and sees
the verdict and its reason, assessed against the published schedule as ``schemalaggning
electives`` assesses electives.csv (nothing is planned or written)."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schemalaggning.domain import Elective, Instance
from schemalaggning.i18n import _
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.electives import Assessment
from schemalaggning.problems import InputError
from schemalaggning.web.pages import workspace_of
from schemalaggning.web.security import RefusedError, field, page
from schemalaggning.web.views import render
from schemalaggning.web.workspace import Workspace

#: The id the request entered on the page has in the assessment.
ENTERED = "webb"


def published(workspace: Workspace) -> tuple[Instance, Schedule]:
    """The workspace's instance and its schedule, or refused (409)."""
    from schemalaggning.io import read_instance, read_schedule

    if not workspace.has_schedule():
        raise RefusedError(409, _("There is no schedule yet to assess requests against."))
    try:
        instance = read_instance(workspace.instance)
    except InputError as error:
        raise RefusedError(409, _("The instance has errors; upload a corrected one.")) from error
    schedule = read_schedule(workspace.schedule)
    if schedule.problems:
        raise RefusedError(409, _("The schedule cannot be read; make it again."))
    return instance, schedule


def assess(instance: Instance, schedule: Schedule, extra: Elective | None) -> list[Assessment]:
    """The assessment of the instance's requests, and of ``extra`` last when given."""
    from schemalaggning.month.electives import assess_electives

    if extra is not None:
        instance = instance.model_copy(update={"electives": (*instance.electives, extra)})
    return assess_electives(
        instance, [s for _, s in schedule.sessions], [a for _, a in schedule.assignments]
    )


def entered(request: Request, instance: Instance) -> Elective:
    """The request the form describes, or refused (400) with what is wrong."""
    person_id = field(request, "person_id")
    if person_id not in instance.person_by_id:
        raise RefusedError(400, _("Choose a person of the instance."))
    try:
        return Elective.model_validate(
            {
                "request_id": ENTERED,
                "person_id": person_id,
                "title": field(request, "title"),
                "from": field(request, "from"),
                "to": field(request, "to") or field(request, "from"),
                "half": field(request, "half") or None,
                "cost_sek": field(request, "cost_sek") or "0",
                "status": "requested",
            }
        )
    except ValidationError:
        words = _("Give the first and last day as dates (YYYY-MM-DD) and the cost in kronor.")
        raise RefusedError(400, words) from None


def context_of(instance: Instance, assessments: list[Assessment]) -> dict[str, object]:
    """What the page shows: the people to choose from and the assessments."""
    names = {p.person_id: p.name for p in instance.people}
    return {
        "people": sorted(instance.people, key=lambda p: p.name),
        "names": names,
        "assessments": [a for a in assessments if a.request_id != ENTERED],
    }


@page("manager")
async def requests_page(request: Request) -> Response:
    """The form, and the requests of electives.csv assessed."""
    instance, schedule = published(workspace_of(request))
    return render(
        request, "requests.html.j2", context_of(instance, assess(instance, schedule, None))
    )


@page("manager")
async def assess_request(request: Request) -> Response:
    """The verdict on the entered request (a fragment for HTMX, else the whole page)."""
    workspace = workspace_of(request)
    instance, schedule = published(workspace)
    elective = entered(request, instance)
    assessments = assess(instance, schedule, elective)
    verdict = assessments[-1]
    workspace.store().audit(
        request.state.login.account.name,
        "assess request",
        f"{elective.person_id}: {verdict.verdict}",
    )
    context = {**context_of(instance, assessments), "verdict": verdict, "elective": elective}
    if request.headers.get("hx-request"):
        return render(request, "verdict.html.j2", context)
    return render(request, "requests.html.j2", context)


REQUEST_ROUTES = [
    Route("/individuella", requests_page),
    Route("/individuella", assess_request, methods=["POST"]),
]
