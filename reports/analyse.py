"""The report's one door into :mod:`analysis`: every statistic the deck and the PDF show
comes through this module, already protected by the analysis' disclosure control.

:func:`analyse` runs the analysis for a :class:`~reports.inputs.ReportInput` (needs,
perception, supply, administration, volunteers, wave change). The selectors below only
pick, sort and filter rows of the results tables (no statistic is computed in
``reports/``). :func:`key_findings` decides the summary slide's findings in ONE call, so
the lead can switch it to ``analysis.findings.key_findings(...)`` when that exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import admin, disclosure, findings, needs, perception, supply, tidy
from analysis.counts import response_overview
from analysis.disclosure import MIN_CELL
from analysis.results import TOTAL_GROUP_VAR, concat_results, filter_results
from reports.inputs import Labels, ReportCampaign, ReportError, ReportInput

# Breakdowns of the newcomers' needs shown in the appendix (more are in the dashboard).
NEEDS_GROUP_VARS: tuple[str, ...] = ("stadtteil", "german_level")
MAX_KEY_FINDINGS = 5
__all__ = [
    "MIN_CELL",
    "ReportResults",
    "analyse",
    "audience_counts",
    "key_findings",
    "response_overview",
]


@dataclass
class ReportResults:
    """Analysis results used by the report (all suppressed and redacted)."""

    respondents: pd.DataFrame  # counts per campaign/audience/language come from here
    needs: pd.DataFrame
    beliefs: pd.DataFrame  # need_belief_<audience>_prevalence, totals
    perception: pd.DataFrame
    supply: pd.DataFrame
    barriers: pd.DataFrame
    ip: admin.IPGrid | None
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


def audience_counts(respondents: pd.DataFrame) -> dict[str, int]:
    return {a: int((respondents["audience"] == a).sum()) for a in tidy.AUDIENCES}


def analyse(inp: ReportInput) -> ReportResults:
    """Run the analysis for the report (see module docstring)."""
    if inp.answers.empty:
        raise ReportError(f"no complete responses in wave {inp.wave}")
    data = tidy.prepare(inp.answers)
    n_by = audience_counts(data.respondents)
    if n_by["newcomer"] == 0:
        raise ReportError(f"no newcomer responses in wave {inp.wave}")
    # a known population smaller than the responses is a data error: no correction then
    pops = {a: n for a, n in population_sizes(inp.campaigns).items() if n >= n_by[a]}
    empty = concat_results([])
    beliefs = [
        disclosure.apply_suppression(
            needs.prevalence(data, audience=aud, population_size=pops.get(aud))
        )
        for aud in ("volunteer", "administration")
        if n_by[aud]
    ]
    comparisons = [a for a in ("volunteer", "administration") if n_by[a]]
    change, by_wave = empty, empty
    if inp.compare_answers is not None and inp.compare_wave is not None:
        both = pd.concat(
            [
                inp.answers[inp.answers["audience"] == "newcomer"],
                inp.compare_answers[inp.compare_answers["audience"] == "newcomer"],
            ],
            ignore_index=True,
        )
        both_data = tidy.prepare(both)
        change = disclosure.apply_suppression(
            needs.need_change(both_data, wave_from=inp.compare_wave, wave_to=inp.wave),
            secondary=False,  # differences of waves do not add up to a published total
        )
        by_wave = disclosure.apply_suppression(
            filter_results(
                needs.prevalence(both_data, group_vars=("wave",)), indicator="need_prevalence"
            )
        )
    return ReportResults(
        respondents=data.respondents,
        needs=needs.needs_results(data, group_vars=NEEDS_GROUP_VARS),
        beliefs=concat_results(beliefs) if beliefs else empty,
        perception=(
            perception.perception_gap(data, comparisons=comparisons, population_sizes=pops)
            if comparisons
            else empty
        ),
        supply=supply.supply_gap(data, inp.offers),
        barriers=disclosure.apply_suppression(supply.barrier_shares(data)),
        ip=(
            admin.importance_performance(data, population_size=pops.get("administration"))
            if n_by["administration"]
            else None
        ),
        volunteers=admin.volunteer_results(data) if n_by["volunteer"] else empty,
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
    """Perception gaps whose interval excludes 0 (flagged by the analysis), largest
    absolute difference first."""
    if res.perception.empty:
        return res.perception
    wanted = flags or (perception.UNDERESTIMATED, perception.OVERESTIMATED)
    gaps = shown(res.perception)
    gaps = gaps[gaps["flag"].isin(wanted)]
    return gaps.reindex(gaps["estimate"].abs().sort_values(ascending=False).index)


def uncovered(res: ReportResults) -> pd.DataFrame:
    """Needs no accessible offer covers, by Stadtteil, largest first."""
    return supply.uncovered_needs(res.supply)


def secured_changes(res: ReportResults) -> pd.DataFrame:
    """Changes since the comparison wave whose interval excludes 0."""
    ch = shown(res.change)
    if ch.empty:
        return ch
    return ch[(ch["ci_low"] > 0) | (ch["ci_high"] < 0)]


def ip_grid(res: ReportResults) -> pd.DataFrame | None:
    """The importance-performance grid rows with both means shown, or None."""
    if res.ip is None:
        return None
    grid = res.ip.grid.dropna(subset=["importance", "performance"])
    return grid if len(grid) else None


def key_findings(res: ReportResults, labels: Labels) -> list[str]:
    """The summary slide's findings: German sentences from :mod:`analysis.findings`, at
    most :data:`MAX_KEY_FINDINGS`, only where the base allows (n >= 30, narrow interval).

    One call on purpose: when the analysis decides key findings itself (with
    false-discovery control across the family of comparisons), this body becomes
    ``analysis.findings.key_findings(...)`` and nothing else in ``reports/`` changes.
    """
    area_labels = dict(labels.areas)
    severe = shown(totals(res.needs, "need_severe")).sort_values("estimate", ascending=False)
    parts = [
        findings.findings(severe.head(2), area_labels),
        findings.findings(flagged_gaps(res, (perception.UNDERESTIMATED,)).head(1), area_labels),
        findings.findings(uncovered(res).head(1), area_labels),
        findings.findings(totals(res.volunteers, "vol_continue_12m"), area_labels),
    ]
    sentences = [s for p in parts for s in p["sentence"]] + _small_group_findings(res, labels)
    # no line break inside "n = 181" on a slide
    from reports.format import keep_together

    return [keep_together(s) for s in sentences[:MAX_KEY_FINDINGS]]


def _small_group_findings(res: ReportResults, labels: Labels) -> list[str]:
    """Key gaps from small groups (n < 30), which get no findings sentence: stated with
    their interval and base and called a small group, so the reader sees the uncertainty."""
    from reports import format as fmt
    from reports import wording

    out = []
    for _, r in flagged_gaps(res, (perception.UNDERESTIMATED,)).head(1).iterrows():
        if findings.eligible(r):
            continue  # already a findings sentence
        who = wording.capitalised(wording.audience_nominative(r["group"]))
        verb = wording.UNDERESTIMATE.get(r["group"], "unterschätzen")
        out.append(
            f"{who} {verb} den Bedarf bei {labels.area(r['level'])}: Einschätzung "
            f"{fmt.share(r['estimate_belief'])}, Selbstauskunft der Zugewanderten "
            f"{fmt.share(r['estimate_newcomer'])} (kleine Gruppe, {fmt.n_eq(r['n'])})."
        )
    for _, r in uncovered(res).head(1).iterrows():
        if findings.eligible(r):
            continue
        out.append(
            f"In {labels.stadtteil(r['stadtteil'])} nennen {fmt.share(r['estimate'])} der "
            f"befragten Zugewanderten {labels.area(r['level'])} als Problem – kein "
            f"erreichbares Angebot deckt das ab (kleine Gruppe, {fmt.n_eq(r['n'])})."
        )
    top = shown(totals(res.volunteers, "vol_need_share")).sort_values("estimate", ascending=False)
    if len(top) >= 2:
        a, b = top.iloc[0], top.iloc[1]
        out.append(
            "Ehrenamtliche wünschen sich am häufigsten "
            f"„{labels.volunteer_needs.get(a['level'], a['level'])}“ ({fmt.share(a['estimate'])}) "
            f"und „{labels.volunteer_needs.get(b['level'], b['level'])}“ "
            f"({fmt.share(b['estimate'])}; {fmt.n_eq(a['n'])})."
        )
    return out


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
