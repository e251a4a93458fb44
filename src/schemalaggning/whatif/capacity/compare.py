"""A plan's full years beside ``capacity``'s year, in the coordinator's words.

The comparison takes the mean of the plan's full calendar years (:mod:`.years`) and sets
it beside the arithmetic for the same hiring volume. When the trainer days differ by
more than :data:`TOLERANCE`, it says why, part by part: how many seats the themes fill
and who takes them, how full their sessions are, how many part-1 rounds are held, and
what is left unmet. When the full years differ from each other, it says how the plan
divides the work between them. The words come from the catalogue (``whatif.po``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from babel.lists import format_list
from babel.numbers import format_percent

from schemalaggning.domain import OFFERING_YEAR_DAYS, Instance
from schemalaggning.i18n import _, locale
from schemalaggning.swedish import decimal, number
from schemalaggning.whatif.capacity.figures import CapacityFigures
from schemalaggning.whatif.capacity.staff import PART1, horizon_years
from schemalaggning.whatif.capacity.years import PlanYear, YearMeans, full_year_means

#: How far (as a share) a plan's figure may lie from ``capacity``'s without a word on why.
TOLERANCE = 0.10


@dataclass(frozen=True)
class Comparison:
    """The plan's full years against ``capacity``'s year.

    Parameters
    ----------
    means
        The mean over the plan's full years (``None`` when it has none).
    ratio
        The plan's trainer days a year over ``capacity``'s (over the horizon, scaled to a
        year, when it has no full year); ``None`` when ``capacity`` gives none.
    sentences
        The comparison in words, and why they differ when they do.
    """

    means: YearMeans | None
    ratio: float | None
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences)


def amount(value: float, decimals: int = 1) -> str:
    """A figure as the language writes it, without a needless ``,0``: ``6 711``,
    ``207,5`` in Swedish."""
    rounded = round(value, decimals)
    if decimals <= 0 or rounded == int(rounded):
        return number(rounded)
    return decimal(rounded, decimals).rstrip("0")


def percent(ratio: float) -> str:
    """A share in whole percent as the language writes it: ``92 %`` in Swedish."""
    return format_percent(round(ratio, 2), locale=locale())


def listed_by_locale(items: Sequence[str]) -> str:
    """``a, b och c``: items in a sentence, as the language lists them."""
    return format_list(list(items), locale=locale())


def differs(value: float, reference: float) -> bool:
    """Whether ``value`` lies more than :data:`TOLERANCE` from ``reference``."""
    if reference == 0:
        return value != 0
    return abs(value / reference - 1) > TOLERANCE


def span(years: Sequence[int]) -> str:
    """``2027`` or ``2027–2028``."""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def compare_with_capacity(
    instance: Instance,
    years: Sequence[PlanYear],
    figures: CapacityFigures,
    unmet: int = 0,
    own_hires: float | None = None,
) -> Comparison:
    """Compare a plan's full years with ``capacity``'s year at the same hiring volume.

    Parameters
    ----------
    instance
        The instance the plan was made for (its horizon, courses and people).
    years
        The plan's figures per calendar year (:func:`.years.plan_years`).
    figures
        ``capacity``'s figures at the plan's hiring volume.
    unmet
        Due attendances the plan does not meet.
    own_hires
        The instance's own hiring a year, when the plan's hires were drawn at another
        volume (the hires who started before the horizon keep the instance's volume).
    """
    means = full_year_means(years)
    if means is None:
        return _without_full_year(instance, years, figures)
    sentences: list[str] = []
    ratio = means.trainer_days / figures.trainer_days if figures.trainer_days else None
    sentences.append(_headline(means, figures, ratio))
    if ratio is not None:
        if differs(means.trainer_days, figures.trainer_days):
            reasons = _reasons(instance, years, means, figures, unmet, own_hires)
            sentences.append(
                _("The difference is more than {share}: {reasons}.").format(
                    share=percent(TOLERANCE), reasons="; ".join(reasons)
                )
            )
        else:
            sentences.append(
                _("The difference is within {share}.").format(share=percent(TOLERANCE))
            )
    spread = _spread(instance, years, figures)
    if spread:
        sentences.append(spread)
    cut = [year for year in years if year.cut and year.horizon_days > 0]
    if cut:
        parts = [
            _("{year} ({days} days)").format(year=year.year, days=number(year.horizon_days))
            for year in cut
        ]
        several = _(
            "{years} only partly lie in the plan and are not counted as full years: "
            "their figures are those of a part of a year."
        )
        one = _(
            "{years} only partly lies in the plan and is not counted as a full year: its "
            "figures are those of a part of a year."
        )
        sentences.append((several if len(parts) > 1 else one).format(years=listed_by_locale(parts)))
    return Comparison(means, ratio, tuple(sentences))


def _without_full_year(
    instance: Instance, years: Sequence[PlanYear], figures: CapacityFigures
) -> Comparison:
    """The comparison of a plan that covers no full year: its horizon scaled to a year."""
    total = sum(year.trainer_days for year in years)
    per_year = total / (horizon_years(instance.settings) or 1.0)
    ratio = per_year / figures.trainer_days if figures.trainer_days else None
    text = _(
        "The plan covers no calendar year for at least {days} days and so has no full "
        "year to compare; over the whole plan it comes to {trainer_days} trainer days a year"
    ).format(days=OFFERING_YEAR_DAYS, trainer_days=amount(per_year))
    if ratio is None:
        return Comparison(None, None, (text + ".",))
    text += _(", {share} of the capacity estimate's {days} for {hires} new hires a year.").format(
        share=percent(ratio), days=amount(figures.trainer_days), hires=figures.hires_per_year
    )
    return Comparison(None, ratio, (text,))


def _headline(means: YearMeans, figures: CapacityFigures, ratio: float | None) -> str:
    """The full years' figures beside ``capacity``'s."""
    days = amount(means.trainer_days)
    if len(means.years) > 1:
        label = _("The full years {years} have {days} trainer days a year on average").format(
            years=span(means.years), days=days
        )
    else:
        label = _("The full year {year} has {days} trainer days").format(
            year=means.years[0], days=days
        )
    figures_words = {
        "label": label,
        "estimate": amount(figures.trainer_days),
        "hires": figures.hires_per_year,
        "sessions": amount(means.sessions),
        "estimate_sessions": number(figures.sessions),
        "away": amount(means.staff_days_away, 0),
        "estimate_away": amount(figures.staff_days_away, 0),
    }
    if ratio is None:
        return _(
            "{label}, against the {estimate} the capacity estimate gives for a year of "
            "{hires} new hires ({sessions} sessions against {estimate_sessions}, {away} "
            "days the staff are away in training against {estimate_away})."
        ).format(**figures_words)
    return _(
        "{label}, {share} of the {estimate} the capacity estimate gives for a year of "
        "{hires} new hires ({sessions} sessions against {estimate_sessions}, {away} "
        "days the staff are away in training against {estimate_away})."
    ).format(share=percent(ratio), **figures_words)


def _reasons(
    instance: Instance,
    years: Sequence[PlanYear],
    means: YearMeans,
    figures: CapacityFigures,
    unmet: int,
    own_hires: float | None,
) -> list[str]:
    """Why the full years' trainer days differ from ``capacity``'s, part by part."""
    reasons = []
    if figures.themes and differs(means.part2_attendances, figures.part2_attendances):
        reasons.append(_themes_reason(instance, years, means, figures, own_hires))
    if figures.part2_sessions and means.part2_sessions:
        fill = means.part2_attendances / means.part2_sessions
        expected_fill = figures.part2_attendances / figures.part2_sessions
        if differs(fill, expected_fill):
            reasons.append(
                _(
                    "the part-2 sessions have {fill} participants on average against "
                    "{expected} in the capacity estimate"
                ).format(fill=amount(fill), expected=amount(expected_fill))
            )
    rounds = figures.part1.rounds_report
    if figures.part1.course_ids and differs(means.part1_rounds, rounds):
        reasons.append(
            _(
                "part 1 is held in {rounds} rounds a year against {estimate} in the capacity "
                "estimate (the report's rule: a round a month outside {months} holiday "
                "months, more when they do not seat everyone)"
            ).format(
                rounds=amount(means.part1_rounds),
                estimate=rounds,
                months=len(figures.part1.holiday_months),
            )
        )
    if unmet:
        reasons.append(
            _("{count} due attendances are not scheduled").format(count=amount(unmet, 0))
        )
    if not reasons:
        reasons.append(
            _(
                "no single part differs by more than {share}; several smaller differences add up"
            ).format(share=percent(TOLERANCE))
        )
    return reasons


def _themes_reason(
    instance: Instance,
    years: Sequence[PlanYear],
    means: YearMeans,
    figures: CapacityFigures,
    own_hires: float | None,
) -> str:
    """Why the themes have more or fewer participants a year than ``capacity`` counts."""
    hires = figures.hires_per_year
    expected = figures.part2_attendances
    count = len(figures.themes)
    themes = (_("1 theme") if count == 1 else _("{count} themes")).format(count=count)
    text = _(
        "part 2 has {count} participants a year against {expected} ({hires} new hires × {themes})"
    ).format(
        count=amount(means.part2_attendances, 0),
        expected=amount(expected, 0),
        hires=hires,
        themes=themes,
    )
    if means.part2_before_horizon:
        text += _(", of whom {count} were hired before the plan begins").format(
            count=amount(means.part2_before_horizon, 0)
        )
        if own_hires is not None and differs(own_hires, hires):
            text += _(
                " (the instance's own, hired at its rate of about {own} a year, not {hires})"
            ).format(own=amount(own_hires, 0), hires=hires)
        if means.part2_attendances > expected:
            text += _(
                ", who take the rest of their part 2 within the plan besides those hired during it"
            )
    if means.part2_experienced > TOLERANCE * means.part2_attendances:
        text += _(", {count} experienced").format(count=amount(means.part2_experienced, 0))
    not_due = sum(year.part2_not_due for year in years)
    if means.part2_attendances < expected and not_due:
        text += _(
            ", and {count} part-2 attendances of those hired during the plan are not due "
            "within it (less than {share} of their window lies in the plan)"
        ).format(count=amount(not_due, 0), share=percent(instance.settings.plan_ahead))
    return text


def _spread(instance: Instance, years: Sequence[PlanYear], figures: CapacityFigures) -> str:
    """How the plan divides the work between its full years, when one of them lies more
    than :data:`TOLERANCE` from ``capacity``'s year (empty otherwise)."""
    full = [year for year in years if not year.cut]
    reference = figures.trainer_days
    if len(full) < 2 or not reference or not any(differs(y.trainer_days, reference) for y in full):
        return ""
    first, *rest = full
    shares = ", ".join(
        [
            _("{year} has {days} trainer days ({share} of the capacity estimate's year)").format(
                year=first.year,
                days=amount(first.trainer_days),
                share=percent(first.trainer_days / reference),
            ),
            *(_days(year, reference) for year in rest),
        ]
    )
    text = _(
        "The years differ: {shares}. Part 2 has {count} participants in a year of {hires} "
        "new hires; in the plan, {seats}."
    ).format(
        shares=shares,
        count=amount(figures.part2_attendances, 0),
        hires=figures.hires_per_year,
        seats=listed_by_locale([_who(year) for year in full]),
    )
    not_due = [y for y in full if y.part2_not_due > TOLERANCE * figures.part2_attendances]
    if not_due:
        counts = [
            _("{count} for those hired in {year}").format(
                count=amount(y.part2_not_due, 0), year=y.year
            )
            for y in not_due
        ]
        text += " " + _(
            "Part-2 attendances that are not due within the plan: {counts} (less than "
            "{share} of their window lies in the plan)."
        ).format(counts=listed_by_locale(counts), share=percent(instance.settings.plan_ahead))
    months = max((c.within_months for c in instance.courses if c.part.strip() != PART1), default=0)
    return (
        text
        + " "
        + _(
            "The plan gathers part 2 into groups as full as the windows of {months} months "
            "allow, not evenly over the years; so compare the full years' mean with the "
            "capacity estimate's year."
        ).format(months=months)
    )


def _days(year: PlanYear, reference: float) -> str:
    """``2028 57,5 (28 %)``: a year's trainer days and their share of ``reference``."""
    return f"{year.year} {amount(year.trainer_days)} ({percent(year.trainer_days / reference)})"


def _who(year: PlanYear) -> str:
    """Who takes the themes' seats in a year: ``2027 13 352 (6 711 hired before the plan
    begins, 6 624 hired in 2027, 17 experienced)``, in the language's words."""
    groups = [
        (year.part2_before_horizon, _("{count} hired before the plan begins")),
        (year.part2_earlier_year, _("{count} hired in an earlier year")),
        (year.part2_same_year, _("{count} hired in {year}")),
        (year.part2_experienced, _("{count} experienced")),
    ]
    parts = [
        words.format(count=amount(count, 0), year=year.year) for count, words in groups if count
    ]
    text = f"{year.year} {amount(year.part2_attendances, 0)}"
    return f"{text} ({', '.join(parts)})" if parts else text
