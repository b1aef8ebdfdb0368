"""What the dashboard, the exports and the report may show: every function here returns
*published* tables - counted with cell keys and passed through
:func:`analysis.disclosure.apply_suppression`, so true counts never leave ``analysis/``.

``dashboard/`` and ``reports/`` reach the statistics only through this module (plus the
formatting and wording modules ``display``, ``export``, ``results``, ``findings``,
``method_note``, ``evidence``, ``bases``); ``tests/test_architecture.py`` fails when a page or
renderer imports anything else from ``analysis``. The functions are pure (no I/O, no
caching): the dashboard caches them at its data boundary, the report calls them once.

Selections: a view of a filtered selection with fewer than
:data:`~analysis.disclosure.MIN_SELECTION` published respondents is shown without
breakdown (totals only) - breakdowns of small selections are where differencing attacks
would have the most to gain and the reader the least.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis import admin, coding, compare, findings, needs, perception, supply
from analysis.admin import CONCENTRATE, KEEP_UP, LOW_PRIORITY, OVERKILL, UNCERTAIN, IPGrid
from analysis.counts import response_table
from analysis.disclosure import MIN_CELL, MIN_SELECTION, apply_suppression, count_table
from analysis.display import AUDIENCE_LABELS
from analysis.needs import indicator_prefix
from analysis.perception import OVERESTIMATED, UNDERESTIMATED
from analysis.results import TOTAL_GROUP_VAR, concat_results, empty_results, filter_results
from analysis.subset import select_respondents
from analysis.supply import BARRIERS, uncovered_needs
from analysis.tidy import AUDIENCES, NEED_AREAS, SurveyData, audiences_present

Filters = Mapping[str, Collection[object] | None]
PopulationSizes = Mapping[str, int]
EXPORT_BREAKDOWNS: tuple[str, ...] = ("stadtteil", "language", "german_level", "years_de",
                                      "children", "wave")  # fmt: skip
"""Breakdowns the dashboard pages offer; the export offers these and no others."""


@dataclass(frozen=True)
class NeedsView:
    """A view of the Bedarfe page: published results, the tests between the groups of the
    breakdown (on published counts), and whether the breakdown was allowed."""

    results: pd.DataFrame
    differences: pd.DataFrame
    respondents: float
    """Published number of respondents in the selection (NaN when below 5)."""
    breakdown_allowed: bool


def select_waves(data: SurveyData, waves: Collection[int]) -> SurveyData:
    """The respondents of the given waves (all audiences)."""
    return select_respondents(data, {"wave": list(waves)})


def select_wave(data: SurveyData, wave: int) -> SurveyData:
    return select_waves(data, [wave])


def selection_size(data: SurveyData) -> float:
    """Published number of respondents of ``data`` (NaN when hidden)."""
    table = count_table(data.respondents, [])
    return float(table["n"].iloc[-1])


def needs_table(
    data: SurveyData,
    group_vars: Iterable[str] = (),
    population_size: int | None = None,
) -> pd.DataFrame:
    """The newcomers' published need indicators (prevalence, severe, "weiß nicht", top
    three, ranks) for the whole of ``data`` and the given breakdowns."""
    return needs.needs_results(data, group_vars=group_vars, population_size=population_size)


def needs_view(
    data: SurveyData,
    filters: Filters,
    breakdown: str | None,
    audience: str = "newcomer",
    population_sizes: PopulationSizes | None = None,
) -> NeedsView:
    """Need prevalence, severe need and "weiß nicht" (and the top three for newcomers) of
    one audience in the filtered selection, optionally broken down by one attribute."""
    sub = select_respondents(data, filters, audience=audience)
    size = selection_size(sub)
    allowed = breakdown is not None and size >= MIN_SELECTION
    group_vars = (breakdown,) if allowed and breakdown else ()
    pop = (population_sizes or {}).get(audience)
    if audience == "newcomer":
        shown = needs.needs_results(sub, group_vars=group_vars, population_size=pop)
    else:
        shown = apply_suppression(needs.prevalence(sub, audience, group_vars, population_size=pop))
    differences = pd.DataFrame()
    if allowed and breakdown and len(sub.respondents):
        prefix = needs.indicator_prefix(audience)
        differences = pd.concat(
            [
                compare.group_differences(shown, f"{prefix}_{name}", breakdown).assign(
                    indicator=f"{prefix}_{name}"
                )
                for name in ("prevalence", "severe")
            ],
            ignore_index=True,
        )
    return NeedsView(shown, differences, size, allowed)


def perception_view(
    data: SurveyData,
    waves: Collection[object] = (),
    severe: bool = False,
    population_sizes: PopulationSizes | None = None,
    audiences: Collection[str] = ("volunteer", "administration"),
) -> pd.DataFrame:
    """Perception gaps of the selected waves (each of ``audiences`` present against the
    newcomers; no audience: the empty table)."""
    sub = select_respondents(data, {"wave": waves})
    present = audiences_present(sub.respondents)
    comparisons = [a for a in ("volunteer", "administration") if a in present and a in audiences]
    if "newcomer" not in present or not comparisons:
        return perception.gaps_between(empty_results().set_index("level"), {}, [])
    return perception.perception_gap(
        sub, comparisons=comparisons, population_sizes=population_sizes, severe=severe
    )


def beliefs_view(
    data: SurveyData, audience: str, population_sizes: PopulationSizes | None = None
) -> pd.DataFrame:
    """Volunteers' or administration's believed prevalence (totals)."""
    pop = (population_sizes or {}).get(audience)
    return apply_suppression(needs.prevalence(data, audience=audience, population_size=pop))


def supply_view(
    data: SurveyData,
    offers: pd.DataFrame,
    waves: Collection[object] = (),
    group_var: str | None = None,
    **offer_filters: object,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(supply gap by Stadtteil and area, barrier shares) of the selected waves;
    ``offer_filters``: languages, times, max_cost, childcare (see analysis.supply)."""
    sub = select_respondents(data, {"wave": waves})
    gap = supply.supply_gap(sub, offers, group_var=group_var, **offer_filters)  # type: ignore[arg-type]
    return gap, apply_suppression(supply.barrier_shares(sub))


def admin_view(
    data: SurveyData,
    waves: Collection[object] = (),
    population_size: int | None = None,
    perturb: bool = False,
) -> admin.IPGrid | None:
    """The administration's importance-performance grid (None without staff answers).
    ``perturb``: means from perturbed counts and sums, no true n (releases: for readers
    who may not see single answers)."""
    sub = select_respondents(data, {"wave": waves})
    if not (sub.respondents["audience"] == "administration").any():
        return None
    return admin.importance_performance(sub, population_size=population_size, perturb=perturb)


def volunteer_view(data: SurveyData, waves: Collection[object] = ()) -> pd.DataFrame:
    """Volunteers' own needs, intention to continue, hours."""
    sub = select_respondents(data, {"wave": waves})
    if not (sub.respondents["audience"] == "volunteer").any():
        return empty_results()
    return admin.volunteer_results(sub)


def change_view(
    data: SurveyData, wave_from: int, wave_to: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(newcomers' change of need prevalence between two waves, prevalence by wave)."""
    newcomers = select_respondents(data, {"wave": [wave_from, wave_to]}, audience="newcomer")
    change = needs.need_change(newcomers, wave_from=wave_from, wave_to=wave_to)
    by_wave = filter_results(
        apply_suppression(needs.prevalence(newcomers, group_vars=("wave",))),
        indicator="need_prevalence",
    )
    return change, by_wave


def respondent_counts(data: SurveyData, by: Iterable[str] = ("audience",)) -> pd.DataFrame:
    """Published numbers of respondents per group (see :func:`analysis.disclosure.
    count_table`): the same group is the same number on every page and slide."""
    return count_table(data.respondents, list(by))


def audience_counts(data: SurveyData) -> dict[str, float]:
    """Published number of respondents per audience (NaN when below 5, 0 when none)."""
    table = respondent_counts(data, ["audience"]).set_index("audience")["n"]
    present = audiences_present(data.respondents)
    return {a: (float(table.get(a, float("nan"))) if a in present else 0.0) for a in AUDIENCES}


def key_findings(
    data: SurveyData,
    offers: pd.DataFrame,
    population_sizes: PopulationSizes | None = None,
    compare_wave: int | None = None,
    area_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The key findings of a selection (one wave, or two with ``compare_wave``: the change
    between them) by the one rule of :mod:`analysis.findings`."""
    waves = sorted(int(w) for w in pd.unique(data.respondents["wave"]))
    newest = waves[-1] if waves else None
    current = select_respondents(data, {"wave": [newest]}) if newest is not None else data
    change = None
    if compare_wave is not None and newest is not None and compare_wave != newest:
        change, _ = change_view(data, compare_wave, newest)
    return findings.key_findings(
        needs=needs.needs_results(current, group_vars=()),
        perception=perception_view(current, population_sizes=population_sizes),
        supply=supply.supply_gap(current, offers),
        change=change,
        volunteers=volunteer_view(current),
        area_labels=area_labels,
    )


def themes_view(
    codes: pd.DataFrame, answers: pd.DataFrame, group_var: str | None = None
) -> pd.DataFrame:
    """Coded free-text areas and themes, protected like every other count."""
    return coding.coded_area_results(codes, answers, group_var)


def export_sheets(
    data: SurveyData,
    offers: pd.DataFrame,
    population_sizes: PopulationSizes | None = None,
) -> dict[str, pd.DataFrame]:
    """Every published results table for the export, only with the breakdowns the pages
    offer (:data:`EXPORT_BREAKDOWNS`) - each cell protected exactly as on its page."""
    group_vars = [g for g in EXPORT_BREAKDOWNS if g in data.respondents.columns]
    pops = population_sizes or {}
    grid = admin_view(data, population_size=pops.get("administration"))
    return {
        "Bedarfe": needs.needs_results(data, group_vars=group_vars),
        "Einschätzungen": concat_results(
            [beliefs_view(data, a, pops) for a in ("volunteer", "administration")]
        ),
        "Perspektiven": perception_view(data, population_sizes=pops),
        "Angebotslücken": supply_view(data, offers)[0],
        "Hürden": supply_view(data, offers)[1],
        "Verwaltung": grid.results if grid is not None else empty_results(),
        "Ehrenamt": volunteer_view(data),
    }


QUADRANT_LABELS: dict[str, str] = {
    CONCENTRATE: "Handlungsbedarf",
    KEEP_UP: "Stärke – beibehalten",
    LOW_PRIORITY: "Nachrangig",
    OVERKILL: "Eher zu viel Aufwand",
    UNCERTAIN: "Einordnung unsicher",
}
"""The fields of the importance–performance grid (Martilla & James) in plain German, for
the dashboard and the deck alike (the analysis's short labels are working names)."""
QUADRANT_NOTE = (
    "Handlungsbedarf: wichtig, aber schwach umgesetzt. Stärke: wichtig und gut umgesetzt. "
    "Eher zu viel Aufwand: gut umgesetzt, aber weniger wichtig. Einordnung unsicher: das "
    "95-%-Intervall schneidet eine der Mittelwertlinien."
)


def quadrant_label(classification: str) -> str:
    return QUADRANT_LABELS.get(classification, classification)


__all__ = [
    "AUDIENCES",
    "AUDIENCE_LABELS",
    "BARRIERS",
    "CONCENTRATE",
    "EXPORT_BREAKDOWNS",
    "KEEP_UP",
    "LOW_PRIORITY",
    "MIN_CELL",
    "MIN_SELECTION",
    "NEED_AREAS",
    "OVERESTIMATED",
    "OVERKILL",
    "QUADRANT_LABELS",
    "QUADRANT_NOTE",
    "TOTAL_GROUP_VAR",
    "UNCERTAIN",
    "UNDERESTIMATED",
    "IPGrid",
    "NeedsView",
    "admin_view",
    "audience_counts",
    "audiences_present",
    "beliefs_view",
    "change_view",
    "export_sheets",
    "indicator_prefix",
    "key_findings",
    "needs_table",
    "needs_view",
    "perception_view",
    "quadrant_label",
    "respondent_counts",
    "response_table",
    "select_wave",
    "select_waves",
    "selection_size",
    "supply_view",
    "themes_view",
    "uncovered_needs",
    "volunteer_view",
]
