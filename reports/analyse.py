"""The report's one door into :mod:`analysis`: every statistic the deck and the PDF show
comes through this module, already protected by the analysis' disclosure control.

:func:`analyse` runs the analysis for a :class:`~reports.inputs.ReportInput` (needs,
perception, supply, administration, volunteers, wave change). The selectors below only
pick, sort and filter rows of the results tables (no statistic is computed in
``reports/``). :func:`key_findings` is :func:`analysis.findings.key_findings`: the deck
lists the same key findings as the dashboard, by the same rule. Answers are prepared with
the declared bases of the need areas (:mod:`surveys.questionnaire.need_bases`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import findings, method_note, published
from analysis.evidence import CLEAR
from analysis.findings import RULE_NOTE
from analysis.published import (
    AUDIENCES,
    CONCENTRATE,
    KEEP_UP,
    LOW_PRIORITY,
    MIN_CELL,
    OVERESTIMATED,
    OVERKILL,
    UNCERTAIN,
    UNDERESTIMATED,
    IPGrid,
    response_table,
)
from analysis.results import TOTAL_GROUP_VAR, concat_results, filter_results
from reports.inputs import Labels, ReportCampaign, ReportError, ReportInput
from surveys.questionnaire.need_bases import area_bases, survey_data

# Breakdowns of the newcomers' needs shown in the appendix (more are in the dashboard).
NEEDS_GROUP_VARS: tuple[str, ...] = ("stadtteil", "german_level")
__all__ = [
    "AUDIENCES",
    "CONCENTRATE",
    "KEEP_UP",
    "LOW_PRIORITY",
    "MIN_CELL",
    "OVERESTIMATED",
    "OVERKILL",
    "RULE_NOTE",
    "UNCERTAIN",
    "UNDERESTIMATED",
    "ReportResults",
    "analyse",
    "area_bases",
    "key_findings",
    "method_note",
    "response_table",
]


@dataclass
class ReportResults:
    """Analysis results used by the report: all published (protected) tables."""

    audience_n: dict[str, float]  # published respondents per audience (NaN: below 5)
    response_tables: dict[str, pd.DataFrame]  # published respondents by language, mode
    weighted: bool
    needs: pd.DataFrame
    beliefs: pd.DataFrame  # need_belief_<audience>_prevalence, totals
    perception: pd.DataFrame
    supply: pd.DataFrame
    barriers: pd.DataFrame
    ip: IPGrid | None
    volunteers: pd.DataFrame
    change: pd.DataFrame  # need_prevalence_change (empty without comparison)
    wave_prevalence: pd.DataFrame  # need_prevalence by wave (empty without comparison)
    population_sizes: dict[str, int]

    def table(self) -> pd.DataFrame:
        """The long results table behind every slide."""
        frames = [
            self.needs,
            self.beliefs,
            self.perception,
            self.supply,
            self.barriers,
            self.volunteers,
            self.change,
            self.wave_prevalence,
        ]
        if self.ip is not None:
            frames.append(self.ip.results)
        return concat_results([f for f in frames if len(f)])


def population_sizes(campaigns: list[ReportCampaign]) -> dict[str, int]:
    """{audience: N} from campaign targets' ``population`` (for the finite-population
    correction of small known groups, e.g. the administration staff)."""
    out = {}
    for c in campaigns:
        n = c.targets.get("population")
        if isinstance(n, int | float) and n > 0:
            out[c.audience] = int(n)
    return out


def analyse(
    inp: ReportInput,
    needs_group_vars: tuple[str, ...] = NEEDS_GROUP_VARS,
    comparisons: bool = True,
    release: bool = False,
) -> ReportResults:
    """Run the analysis for the report (see module docstring). A release
    (:mod:`reports.release`) passes the catalogue's breakdowns and, for an interim
    release, ``comparisons=False``: the newcomers' tables only; ``release`` publishes the
    administration's means from perturbed counts and sums (no true n)."""
    if inp.answers.empty:
        raise ReportError(f"no complete responses in wave {inp.wave}")
    data = survey_data(inp.answers, inp.taxonomy)
    present = published.audiences_present(data.respondents)
    if "newcomer" not in present:
        raise ReportError(f"no newcomer responses in wave {inp.wave}")
    true_n = data.respondents["audience"].astype(str).value_counts()
    # a known population smaller than the responses is a data error: no correction then
    pops = {a: n for a, n in population_sizes(inp.campaigns).items() if n >= int(true_n.get(a, 0))}
    empty = concat_results([])
    others = [a for a in ("volunteer", "administration") if a in present] if comparisons else []
    change, by_wave = empty, empty
    if comparisons and inp.compare_answers is not None and inp.compare_wave is not None:
        both = survey_data(
            pd.concat([inp.answers, inp.compare_answers], ignore_index=True), inp.taxonomy
        )
        change, by_wave = published.change_view(both, inp.compare_wave, inp.wave)
    gap, barriers = published.supply_view(data, inp.offers)
    return ReportResults(
        audience_n=published.audience_counts(data),
        response_tables={by: response_table(data.respondents, by) for by in ("language", "mode")},
        weighted=bool((data.respondents["weight"] != 1.0).any()),
        needs=published.needs_table(data, group_vars=needs_group_vars),
        beliefs=concat_results([published.beliefs_view(data, a, pops) for a in others])
        if others
        else empty,
        perception=published.perception_view(data, population_sizes=pops, audiences=others),
        supply=gap,
        barriers=barriers,
        ip=published.admin_view(data, population_size=pops.get("administration"), perturb=release)
        if "administration" in others
        else None,
        volunteers=published.volunteer_view(data) if "volunteer" in others else empty,
        change=change,
        wave_prevalence=by_wave,
        population_sizes=pops,
    )


# -- selectors: pick and order rows, never compute ------------------------------------------


def shown(df: pd.DataFrame) -> pd.DataFrame:
    """Rows that may be published with a number (not suppressed, estimate present)."""
    if df.empty:
        return df
    return df[~df["suppressed"].astype(bool) & df["estimate"].notna()]


def totals(df: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Rows of ``indicator`` for all respondents (no breakdown)."""
    if df.empty:
        return df
    return filter_results(df, indicator=indicator, group_var=TOTAL_GROUP_VAR)


def by_level(df: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(r["level"]): r for _, r in df.iterrows()}


def largest_first(df: pd.DataFrame, column: str = "estimate") -> pd.DataFrame:
    """Sorted by ``column`` descending, missing (suppressed) values last."""
    if df.empty:
        return df
    return df.assign(_k=df[column].fillna(-1)).sort_values("_k", ascending=False).drop(columns="_k")


def area_order(res: ReportResults) -> list[str]:
    """Need areas by the newcomers' prevalence, highest first (suppressed last)."""
    return [str(a) for a in largest_first(totals(res.needs, "need_prevalence"))["level"]]


def flagged_gaps(res: ReportResults, flags: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Perception gaps the analysis calls clear ("deutlich": relevant and confirmed after
    the false-discovery correction of the family), largest absolute difference first."""
    if res.perception.empty:
        return res.perception
    wanted = flags or (UNDERESTIMATED, OVERESTIMATED)
    gaps = shown(res.perception)
    gaps = gaps[gaps["flag"].isin(wanted)]
    return gaps.reindex(gaps["estimate"].abs().sort_values(ascending=False).index)


def uncovered(res: ReportResults) -> pd.DataFrame:
    """Needs no accessible offer covers, by Stadtteil, largest first."""
    return published.uncovered_needs(res.supply)


def clear_changes(res: ReportResults) -> pd.DataFrame:
    """Changes since the comparison wave the analysis calls clear ("deutlich")."""
    ch = shown(res.change)
    if ch.empty:
        return ch
    return ch[ch["evidence"] == CLEAR]


def ip_grid(res: ReportResults) -> pd.DataFrame | None:
    """The importance-performance grid rows with both means shown, or None."""
    if res.ip is None:
        return None
    grid = res.ip.grid.dropna(subset=["importance", "performance"])
    return grid if len(grid) else None


def key_findings(res: ReportResults, labels: Labels) -> list[str]:
    """The summary slide's findings: :func:`analysis.findings.key_findings` - the one rule
    the dashboard's Überblick and the exports use too - as sentences."""
    from reports.format import keep_together

    found = findings.key_findings(
        needs=res.needs,
        perception=res.perception,
        supply=res.supply,
        change=res.change,
        volunteers=res.volunteers,
        area_labels=dict(labels.areas),
    )
    return [keep_together(s) for s in found["sentence"]]


def indicator_row(res: ReportResults, ref: str) -> pd.Series | None:
    """The results row a measure's success indicator points at (``indicator/level`` or
    ``indicator/level/group_var=group``), or None when absent or suppressed."""
    if not ref:
        return None
    parts = ref.split("/")
    indicator, level = parts[0], parts[1] if len(parts) > 1 else ""
    group_var, group = TOTAL_GROUP_VAR, None
    if len(parts) == 3:
        group_var, group = parts[2].split("=", 1)
    table = res.table()
    if table.empty:
        return None
    hit = table[
        (table["indicator"] == indicator)
        & (table["level"].astype(str) == level)
        & (table["group_var"] == group_var)
    ]
    if group is not None:
        hit = hit[hit["group"].astype(str) == group]
    hit = shown(hit)
    return hit.iloc[0] if len(hit) else None
