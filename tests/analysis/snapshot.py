"""The demo's complete results table, for the snapshot test of the analysis pipeline.

The answers are prepared as the dashboard and the report prepare them (with the declared
bases of the need areas, :func:`surveys.questionnaire.need_bases.survey_data`).

:func:`demo_results` runs every analysis the dashboard and the report use on the demo
answers and concatenates the results (unsuppressed and suppressed tables alike) into one
long table with a ``table`` column. ``tests/analysis/test_snapshot.py`` compares it with
``snapshots/demo_results.csv.gz``; regenerate that file (``BEDARFSRADAR_UPDATE_SNAPSHOT=1``)
only for a change that is meant to change results, and say so in the commit message.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis import admin, compare, needs, perception, supply
from analysis.results import concat_results
from analysis.subset import select_respondents
from surveys.questionnaire.need_bases import survey_data

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_results.csv.gz"
KEYS = ["table", "indicator", "group_var", "group", "level"]
NUMERIC = ["n", "count", "n_weighted", "estimate", "ci_low", "ci_high", "p_value", "p_adjusted",
           "effect_size"]  # fmt: skip


def demo_results(answers: pd.DataFrame, offers: pd.DataFrame, taxonomy: list) -> pd.DataFrame:
    data = survey_data(answers, taxonomy)
    newest = select_respondents(data, {"wave": [int(answers["wave"].max())]})
    pops = {"administration": 30}
    raw_need = needs.prevalence(data, "newcomer", ["stadtteil", "language", "children"])
    diffs = []
    for gv in ("stadtteil", "language", "children"):
        d = compare.group_differences(raw_need, "need_prevalence", gv)
        diffs.append(
            d.assign(
                indicator="need_prevalence_difference",
                group_var=gv,
                group="",
                n=np.nan,
                suppressed=False,
                ci_low=np.nan,
                ci_high=np.nan,
                estimate=d["effect_size"],
                n_weighted=np.nan,
                count=np.nan,
            )
        )
    tables = {
        "needs": needs.needs_results(data),
        "needs_newest": needs.needs_results(newest, group_vars=()),
        "beliefs": concat_results(
            [needs.prevalence(data, a, ["wave"]) for a in ("volunteer", "administration")]
        ),
        "perception": perception.perception_gap(data, population_sizes=pops),
        "perception_severe": perception.perception_gap(data, population_sizes=pops, severe=True),
        "supply": supply.supply_gap(data, offers),
        "supply_language": supply.supply_gap(data, offers, group_var="language"),
        "barriers": supply.barrier_shares(data, ["stadtteil"]),
        "offer_status": supply.offer_awareness(data),
        "ip": admin.importance_performance(data, population_size=30).results,
        "volunteers": admin.volunteer_results(data, ["wave"]),
        "change": needs.need_change(data, 1, 2),
        "differences": concat_results(diffs),
    }
    frames = [t.assign(table=name) for name, t in tables.items()]
    out = concat_results(frames)
    keep = [c for c in [*KEYS, *NUMERIC, "method", "suppressed"] if c in out.columns]
    extra = ["flag", "rank", "rank_label", "stadtteil", "subgroup", "n_offers_accessible",
             "covered", "top_barriers", "estimate_from", "estimate_to", "n_from", "n_to",
             "estimate_newcomer", "n_newcomer", "estimate_belief", "evidence"]  # fmt: skip
    keep += [c for c in extra if c in out.columns]
    out = out[keep]
    return out.sort_values(KEYS, kind="stable").reset_index(drop=True)
