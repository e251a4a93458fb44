"""The capacity report for the terminal: a heading and four tables, each figure beside
its formula."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from schemalaggning.whatif.capacity.figures import CapacityFigures, CapacityReport


def _months(numbers: Sequence[int]) -> str:
    """Calendar months by their short English names."""
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return ", ".join(names[number - 1] for number in numbers) or "none"


def report_tables(report: CapacityReport) -> list[RenderableType]:
    """The report for the terminal: a heading and four tables, each figure beside its formula.

    The tables are part 1 (rounds), part 2 (sessions of each theme), trainer days and
    staff, and the scenarios at other hiring volumes.
    """
    figures = report.figures
    heading = Text(
        f"{report.name or report.source}: {figures.hires_per_year} hires a year "
        f"({report.profile.note}), {figures.districts} districts."
    )
    return [
        heading,
        part1_table(figures),
        part2_table(figures),
        staff_table(report),
        scenarios_table(report),
    ]


def part1_table(figures: CapacityFigures) -> Table:
    """Part 1: the seats of a round, the rounds by the report's rule and the least, the
    window bound and the trainer days."""
    part1 = figures.part1
    hires = figures.hires_per_year
    table = Table(
        "figure",
        "a year",
        "how",
        title=(
            f"Part 1: a round is one session of {', '.join(part1.course_ids) or 'no module'}, "
            f"{part1.half_days / 2:g} days"
        ),
        title_justify="left",
    )
    table.add_row(
        "seats of a round",
        str(part1.seats),
        "min(max_group of the part-1 modules, largest room)",
    )
    holidays = len(part1.holiday_months)
    table.add_row(
        "part-1 rounds, the report's rule",
        str(part1.rounds_report),
        f"max(12 - {holidays} holiday months ({_months(part1.holiday_months)}), "
        f"ceil({hires} / {part1.seats}) = {part1.rounds_for_seats})",
    )
    table.add_row(
        "part-1 rounds, the least the rooms and groups allow",
        str(part1.rounds_min),
        f"every hire seated inside {part1.within_months} months of starting, on open days: "
        f"the windows alone need {part1.rounds_for_windows} (closed periods counted), the "
        f"seats alone {part1.rounds_for_seats}, both together {part1.rounds_min}",
    )
    if part1.window_bound_per_year is not None:
        table.add_row(
            "part-1 sessions, window bound",
            f"{part1.window_bound_per_year:.1f}",
            "the instance's due attendances over its horizon, per year",
        )
    table.add_row(
        "part-1 trainer days",
        f"{figures.trainer_days_part1:g}",
        f"{part1.rounds_report} rounds x {part1.trainer_half_days} trainer half-days / 2 "
        f"({figures.trainer_days_part1_min:g} at the least rounds)",
    )
    return table


def part2_table(figures: CapacityFigures) -> Table:
    """Part 2: each theme's sessions a year, window bound and trainer days, and all of them."""
    hires = figures.hires_per_year
    table = Table(
        "theme",
        "half-days",
        "trainers",
        "seats",
        "sessions a year",
        "window bound a year",
        "trainer days",
        title=(
            f"Part 2: sessions a year = ceil({hires} / seats), seats = min(max_group, largest room)"
        ),
        title_justify="left",
        caption=(
            "window bound: the fewest sessions for the instance's own due attendances (windows "
            "closing by the horizon's end) over its horizon, per year; lower, since most hires "
            "of the horizon are not yet due for part 2 ('-': the hiring is not the instance's)"
        ),
        caption_justify="left",
    )
    for theme in figures.themes:
        bound = theme.window_bound_per_year
        table.add_row(
            theme.course_id,
            str(theme.half_days),
            str(theme.trainers),
            str(theme.seats),
            str(theme.sessions_per_year),
            "-" if bound is None else f"{bound:.1f}",
            f"{theme.trainer_half_days / 2:g}",
        )
    table.add_row(
        "all", "", "", "", str(figures.part2_sessions), "", f"{figures.trainer_days_part2:g}"
    )
    return table


def staff_table(report: CapacityReport) -> Table:
    """Trainer days and staff: FTE for the teaching against the report's staffing and
    against what the instance's trainers may teach."""
    figures = report.figures
    assumptions = figures.assumptions
    trainers = report.trainers
    table = Table("figure", "a year", "how", title="Trainer days and staff", title_justify="left")
    table.add_row(
        "trainer days",
        f"{figures.trainer_days:g}",
        f"part 1 {figures.trainer_days_part1:g} + part 2 {figures.trainer_days_part2:g}",
    )
    table.add_row(
        "teaching days per FTE",
        f"{assumptions.teaching_days:g}",
        f"assumed: {assumptions.working_weeks:g} working weeks x 5 days x "
        f"(1 - admin share {assumptions.admin_share:g})",
    )
    table.add_row(
        "FTE for the teaching",
        f"{figures.fte_needed:.2f}",
        f"{figures.trainer_days:g} / {assumptions.teaching_days:g} "
        f"({figures.teaching_fte:.2f} FTE of teaching time alone)",
    )
    supports = assumptions.support_per_district * figures.districts
    table.add_row(
        "the report's staffing (FTE)",
        f"{figures.proposed_fte:g}",
        f"{assumptions.coordinators:g} coordinators + {figures.districts} districts x "
        f"{assumptions.support_per_district:g} FTE trainer support ({supports:g})",
    )
    table.add_row(
        "teaching as a share of it",
        f"{figures.share_of_proposed:.0%}",
        f"with the admin share; teaching time alone: {figures.teaching_share_of_proposed:.0%} "
        "of its working time (the rest: design, enrolment, evaluation, the network)",
    )
    if trainers.days_per_year:
        table.add_row(
            "the instance's trainers (days)",
            f"{trainers.days_per_year:.0f}",
            f"sum of min(max_half_days_per_week, open half-days) over "
            f"{trainers.open_weeks_per_year:.1f} open weeks / 2: coordinators "
            f"{trainers.coordinator_days_per_year:.0f}, district supports "
            f"{trainers.district_days_per_year:.0f} (part-1 qualified "
            f"{trainers.part1_days_per_year:.0f}); "
            f"{trainers.days_per_year / assumptions.working_days:.1f} FTE; leave not taken off",
        )
        table.add_row(
            "their load",
            f"{figures.trainer_days / trainers.days_per_year:.0%}",
            f"{figures.trainer_days:g} / {trainers.days_per_year:.0f} trainer days",
        )
    return table


def scenarios_table(report: CapacityReport) -> Table:
    """The figures at other hiring volumes, the run's own marked."""
    figures = report.figures
    table = Table(
        "hires a year",
        "part-1 rounds (report / least)",
        "part-2 sessions",
        "trainer days",
        "FTE",
        "share of the report's staffing",
        title=(
            "Scenarios: the same months' shares, rooms, groups and calendar "
            f"({figures.districts} districts)"
        ),
        title_justify="left",
        caption=(
            "The report: 280 hires a year, nine part-1 rounds of 2.5 days (groups of about 31), "
            "part 2 in full every year, 2 coordinators and 0.2 FTE trainer support per district."
        ),
        caption_justify="left",
    )
    for scenario in report.scenarios:
        mark = " (this run)" if scenario.hires_per_year == figures.hires_per_year else ""
        table.add_row(
            f"{scenario.hires_per_year}{mark}",
            f"{scenario.part1.rounds_report} / {scenario.part1.rounds_min}",
            str(scenario.part2_sessions),
            f"{scenario.trainer_days:g}",
            f"{scenario.fte_needed:.2f}",
            f"{scenario.share_of_proposed:.0%}",
        )
    return table
