"""A plan's full years beside ``capacity``'s year, in the coordinator's words (Swedish).

The comparison takes the mean of the plan's full calendar years (:mod:`.years`) and sets
it beside the arithmetic for the same hiring volume. When the trainer days differ by
more than :data:`TOLERANCE`, it says why, part by part: how many seats the themes fill
and who takes them, how full their sessions are, how many part-1 rounds are held, and
what is left unmet. When the full years differ from each other, it says how the plan
divides the work between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schemalaggning.domain import OFFERING_YEAR_DAYS, Instance
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
    """A figure as Swedes write it: ``6 711``, ``207,5`` (no-break spaces, no ``,0``)."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u00a0").replace(".", ",")


def percent(ratio: float) -> str:
    """``92 %``."""
    return f"{round(ratio * 100)}\u00a0%"


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
    hires = figures.hires_per_year
    means = full_year_means(years)
    sentences: list[str] = []
    if means is None:
        total = sum(year.trainer_days for year in years)
        per_year = total / (horizon_years(instance.settings) or 1.0)
        ratio = per_year / figures.trainer_days if figures.trainer_days else None
        sentences.append(
            f"Planen täcker inget kalenderår till minst {OFFERING_YEAR_DAYS} dagar och har "
            "därför inget helår att jämföra; räknat över hela planen blir det "
            f"{amount(per_year)} utbildardagar per år"
            + (
                f", {percent(ratio)} av kapacitetsberäkningens {amount(figures.trainer_days)} "
                f"för {hires} nyanställda per år."
                if ratio is not None
                else "."
            )
        )
        return Comparison(None, ratio, tuple(sentences))
    ratio = means.trainer_days / figures.trainer_days if figures.trainer_days else None
    sentences.append(_headline(means, figures, ratio))
    if ratio is not None:
        if differs(means.trainer_days, figures.trainer_days):
            reasons = _reasons(instance, years, means, figures, unmet, own_hires)
            sentences.append(f"Skillnaden är större än 10 %: {'; '.join(reasons)}.")
        else:
            sentences.append("Skillnaden är inom 10 %.")
    spread = _spread(instance, years, figures)
    if spread:
        sentences.append(spread)
    cut = [year for year in years if year.cut and year.horizon_days > 0]
    if cut:
        parts = [f"{year.year} ({year.horizon_days} dagar)" for year in cut]
        listed = " och ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
        sentences.append(
            f"{listed} täcks bara delvis av planen och räknas inte som helår: siffrorna "
            "gäller en del av året."
        )
    return Comparison(means, ratio, tuple(sentences))


def _headline(means: YearMeans, figures: CapacityFigures, ratio: float | None) -> str:
    """The full years' figures beside ``capacity``'s."""
    several = len(means.years) > 1
    days = amount(means.trainer_days)
    if several:
        label = f"Helåren {span(means.years)} har i snitt {days} utbildardagar per år"
    else:
        label = f"Helåret {means.years[0]} har {days} utbildardagar"
    share = f"{percent(ratio)} av" if ratio is not None else "mot"
    return (
        f"{label}, {share} de {amount(figures.trainer_days)} som "
        f"kapacitetsberäkningen ger för ett år med {figures.hires_per_year} nyanställda "
        f"({amount(means.sessions)} kurstillfällen mot {figures.sessions}, "
        f"{amount(means.staff_days_away, 0)} dagar då personal är borta i utbildning mot "
        f"{amount(figures.staff_days_away, 0)})."
    )


def _reasons(
    instance: Instance,
    years: Sequence[PlanYear],
    means: YearMeans,
    figures: CapacityFigures,
    unmet: int,
    own_hires: float | None,
) -> list[str]:
    """Why the full years' trainer days differ from ``capacity``'s, part by part."""
    hires = figures.hires_per_year
    reasons = []
    expected = figures.part2_attendances
    themes = f"{len(figures.themes)} {'tema' if len(figures.themes) == 1 else 'teman'}"
    if figures.themes and differs(means.part2_attendances, expected):
        text = (
            f"del 2 har {amount(means.part2_attendances, 0)} deltagare per år mot "
            f"{amount(expected, 0)} ({hires} nyanställda × {themes})"
        )
        if means.part2_before_horizon:
            text += f", varav {amount(means.part2_before_horizon, 0)} anställda före planens början"
            if own_hires is not None and differs(own_hires, hires):
                text += (
                    " (instansens egna, anställda i dess takt om omkring "
                    f"{amount(own_hires, 0)} per år, inte {hires})"
                )
            if means.part2_attendances > expected:
                text += (
                    ", som gör resten av sin del 2 inom planen utöver dem som anställs under den"
                )
        if means.part2_experienced > TOLERANCE * means.part2_attendances:
            text += f", {amount(means.part2_experienced, 0)} erfarna"
        not_due = sum(year.part2_not_due for year in years)
        if means.part2_attendances < expected and not_due:
            text += (
                f", och {amount(not_due, 0)} kurstillfällen i del 2 för dem som anställs under "
                "planen är inte förfallna inom den (mindre än "
                f"{percent(instance.settings.plan_ahead)} av fönstret ligger i planen)"
            )
        reasons.append(text)
    if figures.part2_sessions and means.part2_sessions:
        fill = means.part2_attendances / means.part2_sessions
        expected_fill = expected / figures.part2_sessions
        if differs(fill, expected_fill):
            reasons.append(
                f"kurstillfällena i del 2 har i snitt {amount(fill)} deltagare mot "
                f"{amount(expected_fill)} i kapacitetsberäkningen"
            )
    rounds = figures.part1.rounds_report
    if figures.part1.course_ids and differs(means.part1_rounds, rounds):
        reasons.append(
            f"del 1 hålls i {amount(means.part1_rounds)} omgångar per år mot {rounds} i "
            "kapacitetsberäkningen (rapportens regel: en omgång i månaden utom "
            f"{len(figures.part1.holiday_months)} semestermånader, fler när de inte rymmer "
            "alla)"
        )
    if unmet:
        reasons.append(f"{amount(unmet, 0)} förfallna kurstillfällen är inte schemalagda")
    if not reasons:
        reasons.append(
            "ingen enskild del skiljer mer än 10 %, utan flera mindre skillnader tillsammans"
        )
    return reasons


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
            f"{first.year} har {amount(first.trainer_days)} utbildardagar "
            f"({percent(first.trainer_days / reference)} av kapacitetsberäkningens år)",
            *(_days(year, reference) for year in rest),
        ]
    )
    seats = " och ".join(_who(year) for year in full)
    text = (
        f"Åren skiljer sig åt: {shares}. Del 2 har "
        f"{amount(figures.part2_attendances, 0)} deltagare i ett år med "
        f"{figures.hires_per_year} nyanställda; i planen har {seats}."
    )
    not_due = [y for y in full if y.part2_not_due > TOLERANCE * figures.part2_attendances]
    if not_due:
        listed = " och ".join(
            f"{amount(y.part2_not_due, 0)} för dem som anställs {y.year}" for y in not_due
        )
        text += (
            f" Kurstillfällen i del 2 som inte är förfallna inom planen: {listed} (mindre än "
            f"{percent(instance.settings.plan_ahead)} av fönstret ligger i planen)."
        )
    months = max((c.within_months for c in instance.courses if c.part.strip() != PART1), default=0)
    return (
        f"{text} Planen samlar del 2 i så fulla grupper som fönstren på {months} månader "
        "tillåter, inte jämnt över åren; jämför därför helårens snitt med "
        "kapacitetsberäkningens år."
    )


def _days(year: PlanYear, reference: float) -> str:
    """``2028 57,5 (28 %)``: a year's trainer days and their share of ``reference``."""
    return f"{year.year} {amount(year.trainer_days)} ({percent(year.trainer_days / reference)})"


def _who(year: PlanYear) -> str:
    """Who takes the themes' seats in a year: ``2027 13 352 (6 711 anställda före
    planens början, 6 624 anställda 2027, 17 erfarna)``."""
    groups = [
        (year.part2_before_horizon, "anställda före planens början"),
        (year.part2_earlier_year, "anställda tidigare år"),
        (year.part2_same_year, f"anställda {year.year}"),
        (year.part2_experienced, "erfarna"),
    ]
    listed = ", ".join(f"{amount(count, 0)} {words}" for count, words in groups if count)
    text = f"{year.year} {amount(year.part2_attendances, 0)}"
    return f"{text} ({listed})" if listed else text
