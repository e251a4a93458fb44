"""The capacity report for the terminal: a heading and four tables, each figure beside
how it is reckoned, in words a coordinator follows ("400 nyanställda om året, högst 32
per omgång: 13 omgångar"). The words come from the catalogue (``whatif.po``); the
figures are written as the language writes numbers."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from schemalaggning.i18n import _
from schemalaggning.swedish import MONTHS, decimal, number
from schemalaggning.whatif.capacity.compare import amount, listed_by_locale, percent
from schemalaggning.whatif.capacity.figures import CapacityFigures, CapacityReport


def _months(numbers: Sequence[int]) -> str:
    """Calendar months by name, in the language's words: ``juni, juli och augusti``."""
    return listed_by_locale([MONTHS[n - 1] for n in numbers])


def _days(half_days: float) -> str:
    """Days of half-days: ``2,5``."""
    return amount(half_days / 2)


def report_tables(report: CapacityReport) -> list[RenderableType]:
    """The report for the terminal: a heading and four tables, each figure beside how it
    is reckoned.

    The tables are part 1 (rounds), part 2 (sessions of each theme), trainer days and
    staff, and the scenarios at other hiring volumes.
    """
    figures = report.figures
    heading = Text(
        _("{name}: {hires} new hires a year ({profile}), {districts} districts.").format(
            name=report.name or report.source,
            hires=number(figures.hires_per_year),
            profile=report.profile.words(),
            districts=number(figures.districts),
        )
    )
    return [
        heading,
        part1_table(figures),
        part2_table(figures),
        staff_table(report),
        scenarios_table(report),
    ]


def _figure_table(title: str) -> Table:
    """A table of figures a year, each with how it is reckoned."""
    return Table(_("figure"), _("a year"), _("how"), title=title, title_justify="left")


def part1_table(figures: CapacityFigures) -> Table:
    """Part 1: the seats of a round, the rounds by the report's rule and the least, the
    window bound and the trainer days."""
    part1 = figures.part1
    modules = listed_by_locale(list(part1.course_ids)) if part1.course_ids else _("no module")
    table = _figure_table(
        _("Part 1: a round is one session of each of {modules}, {days} days").format(
            modules=modules, days=_days(part1.half_days)
        )
    )
    table.add_row(
        _("seats of a round"),
        number(part1.seats),
        _("as many as both the largest group of the part-1 modules and the largest room take"),
    )
    table.add_row(
        _("part-1 rounds, the report's rule"), number(part1.rounds_report), _report_rule(figures)
    )
    table.add_row(
        _("part-1 rounds, the least the rooms and groups allow"),
        number(part1.rounds_min),
        _(
            "every new hire seated within {months} months of starting, on open days: the "
            "windows alone need {windows} rounds (closed periods counted), the seats alone "
            "{seats}, both together {both}"
        ).format(
            months=part1.within_months,
            windows=number(part1.rounds_for_windows),
            seats=number(part1.rounds_for_seats),
            both=number(part1.rounds_min),
        ),
    )
    if part1.window_bound_per_year is not None:
        table.add_row(
            _("part-1 sessions the windows need"),
            decimal(part1.window_bound_per_year),
            _(
                "the fewest sessions that seat the instance's own new hires within their "
                "windows over its horizon, a year"
            ),
        )
    table.add_row(
        _("part-1 trainer days"),
        amount(figures.trainer_days_part1),
        _(
            "{rounds} rounds of {half_days} trainer half-days each, two half-days a day: "
            "{days} days ({least} at the least rounds)"
        ).format(
            rounds=number(part1.rounds_report),
            half_days=number(part1.trainer_half_days),
            days=amount(figures.trainer_days_part1),
            least=amount(figures.trainer_days_part1_min),
        ),
    )
    return table


def _report_rule(figures: CapacityFigures) -> str:
    """The report's rule worked out: a round a month outside the holiday months, more
    when they do not seat the year's new hires."""
    part1 = figures.part1
    holidays = part1.holiday_months
    if holidays:
        monthly = _("a round a month outside the {count} holiday months ({months})").format(
            count=len(holidays), months=_months(holidays)
        )
    else:
        monthly = _("a round a month, with no holiday month")
    return _(
        "{monthly}: {monthly_rounds} rounds; {hires} new hires a year, at most {seats} a "
        "round: {needed} rounds; the larger of the two: {rounds}"
    ).format(
        monthly=monthly,
        monthly_rounds=number(12 - len(holidays)),
        hires=number(figures.hires_per_year),
        seats=number(part1.seats),
        needed=number(part1.rounds_for_seats),
        rounds=number(part1.rounds_report),
    )


def part2_table(figures: CapacityFigures) -> Table:
    """Part 2: each theme's sessions a year, window bound and trainer days, and all of them."""
    hires = number(figures.hires_per_year)
    table = Table(
        _("theme"),
        _("half-days"),
        _("trainers"),
        _("seats"),
        _("sessions a year"),
        _("the windows need a year"),
        _("trainer days"),
        title=_(
            "Part 2: every theme held so that all {hires} new hires of a year get a seat"
        ).format(hires=hires),
        title_justify="left",
        caption=_part2_caption(figures),
        caption_justify="left",
    )
    for theme in figures.themes:
        bound = theme.window_bound_per_year
        table.add_row(
            theme.course_id,
            number(theme.half_days),
            number(theme.trainers),
            number(theme.seats),
            number(theme.sessions_per_year),
            "–" if bound is None else decimal(bound),
            _days(theme.trainer_half_days),
        )
    table.add_row(
        _("all"),
        "",
        "",
        "",
        number(figures.part2_sessions),
        "",
        amount(figures.trainer_days_part2),
    )
    return table


def _part2_caption(figures: CapacityFigures) -> str:
    """How part 2's figures are reckoned, with the first theme's as the example."""
    text = _(
        "Seats: as many as both the theme's largest group and the largest room take. "
        "Sessions a year: the new hires shared out on the seats, a session more for those "
        "left over"
    )
    if figures.themes:
        first = figures.themes[0]
        text += " " + _(
            "({hires} new hires a year, at most {seats} a session: {sessions} sessions)"
        ).format(
            hires=number(figures.hires_per_year),
            seats=number(first.seats),
            sessions=number(first.sessions_per_year),
        )
    return (
        text
        + ". "
        + _(
            "Trainer days: sessions × half-days × trainers, two half-days a day. The windows "
            "need: the fewest sessions that seat the instance's own new hires whose windows "
            "close within its horizon, a year; fewer, since most new hires of the horizon are "
            "not yet due for part 2 ('–': the hiring is not the instance's own)."
        )
    )


def staff_table(report: CapacityReport) -> Table:
    """Trainer days and staff: FTE for the teaching against the report's staffing and
    against what the instance's trainers may teach."""
    figures = report.figures
    assumptions = figures.assumptions
    table = _figure_table(_("Trainer days and staff"))
    table.add_row(
        _("trainer days"),
        amount(figures.trainer_days),
        _("{part1} in part 1 and {part2} in part 2").format(
            part1=amount(figures.trainer_days_part1), part2=amount(figures.trainer_days_part2)
        ),
    )
    table.add_row(
        _("teaching days of a full-time post"),
        amount(assumptions.teaching_days),
        _(
            "assumed: {weeks} working weeks of 5 days, of which {share} go to preparation, "
            "enrolment and administration"
        ).format(weeks=amount(assumptions.working_weeks), share=percent(assumptions.admin_share)),
    )
    table.add_row(
        _("full-time posts for the teaching"),
        decimal(figures.fte_needed, 2),
        _(
            "{days} trainer days shared on {teaching} teaching days a post ({alone} posts "
            "for the teaching time alone)"
        ).format(
            days=amount(figures.trainer_days),
            teaching=amount(assumptions.teaching_days),
            alone=decimal(figures.teaching_fte, 2),
        ),
    )
    supports = assumptions.support_per_district * figures.districts
    table.add_row(
        _("the report's staffing (full-time posts)"),
        amount(figures.proposed_fte),
        _(
            "{coordinators} coordinators and {support} of a post of trainer support in each "
            "of {districts} districts ({supports} posts of trainer support in all)"
        ).format(
            coordinators=amount(assumptions.coordinators),
            support=amount(assumptions.support_per_district, 2),
            districts=number(figures.districts),
            supports=amount(supports),
        ),
    )
    table.add_row(
        _("the teaching's share of it"),
        percent(figures.share_of_proposed),
        _(
            "with the administration; the teaching time alone is {share} of its working time "
            "(the rest: course design, enrolment, evaluation, the network)"
        ).format(share=percent(figures.teaching_share_of_proposed)),
    )
    _trainer_rows(table, report)
    return table


def _trainer_rows(table: Table, report: CapacityReport) -> None:
    """What the instance's trainers may teach a year, and how much of it the year needs."""
    figures = report.figures
    trainers = report.trainers
    if not trainers.days_per_year:
        return
    table.add_row(
        _("the instance's trainers (days)"),
        number(trainers.days_per_year),
        _(
            "what the trainers' weekly limits allow over {weeks} open weeks a year: the "
            "coordinators {central}, the districts' trainer supports {district} (those who "
            "may teach part 1: {part1}); {posts} full-time posts; leave not taken off"
        ).format(
            weeks=decimal(trainers.open_weeks_per_year),
            central=number(trainers.coordinator_days_per_year),
            district=number(trainers.district_days_per_year),
            part1=number(trainers.part1_days_per_year),
            posts=decimal(trainers.days_per_year / figures.assumptions.working_days),
        ),
    )
    table.add_row(
        _("their load"),
        percent(figures.trainer_days / trainers.days_per_year),
        _("{days} of {capacity} trainer days").format(
            days=amount(figures.trainer_days), capacity=number(trainers.days_per_year)
        ),
    )


def scenarios_table(report: CapacityReport) -> Table:
    """The figures at other hiring volumes, the run's own marked."""
    figures = report.figures
    table = Table(
        _("new hires a year"),
        _("part-1 rounds (the report's rule / the least)"),
        _("part-2 sessions"),
        _("trainer days"),
        _("full-time posts"),
        _("share of the report's staffing"),
        title=_(
            "Scenarios: the same months' shares, rooms, groups and calendar ({districts} districts)"
        ).format(districts=number(figures.districts)),
        title_justify="left",
        caption=_(
            "The report: 280 new hires a year, nine part-1 rounds of 2.5 days (groups of about "
            "31), all of part 2 every year, 2 coordinators and 0.2 of a post of trainer "
            "support in each district."
        ),
        caption_justify="left",
    )
    for scenario in report.scenarios:
        hires = number(scenario.hires_per_year)
        if scenario.hires_per_year == figures.hires_per_year:
            hires = _("{hires} (this run)").format(hires=hires)
        table.add_row(
            hires,
            f"{number(scenario.part1.rounds_report)} / {number(scenario.part1.rounds_min)}",
            number(scenario.part2_sessions),
            amount(scenario.trainer_days),
            decimal(scenario.fte_needed, 2),
            percent(scenario.share_of_proposed),
        )
    return table
