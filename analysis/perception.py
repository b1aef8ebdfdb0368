"""Perception gap: newcomers' own need vs what volunteers and administration believe.

All three audiences answer the same ``need`` matrix (volunteers and administration "für die
Zugewanderten, die Sie kennen"). Per area and comparison audience:

    gap = p(belief of audience) - p(newcomers' own)

with prevalence defined as in :mod:`analysis.needs` (rating >= 3, or >= 4 with
``severe=True``; base = 1-5 or "na"; "dk" excluded). The interval is Newcombe's (1998b)
method 10 built from the two Wilson intervals (Kish effective n when weighted; with a known
population size, e.g. the number of town-hall staff with newcomer contact, the comparison
audience's Wilson interval gets the finite-population correction).

Bases: the need status of :func:`analysis.needs.need_status`, so both sides use the declared
base of each area (:mod:`analysis.bases`): for childcare, households with children under 11
on the newcomers' side, and on the other side the staff's and volunteers' ratings without
"betrifft mich nicht" - like with like.

Evidence: every comparison gets the test-inversion p-value of its Newcombe interval
(``p_value``); all comparisons of one call form one family, corrected with
Benjamini-Hochberg (``p_adjusted``, ``evidence`` "deutlich" / "Hinweis" / "", see
:mod:`analysis.evidence`). ``flag``: "unterschätzt" when the evidence is "deutlich" and the
gap is negative (the audience believes fewer newcomers are in need than say so themselves),
"überschätzt" when it is positive, "" otherwise. ``rank``: 1 = largest |gap| within the
comparison audience (suppressed rows unranked). Areas only the administration rates
(``opening``) have no newcomer counterpart and are skipped.

Output rows: indicator ``perception_gap`` (or ``perception_gap_severe``), group_var
"audience", group = comparison audience, level = area, ``n`` = comparison base,
``estimate`` = gap (proportion points), method "newcombe", ``p_value``, ``p_adjusted``,
extra columns ``estimate_newcomer``, ``n_newcomer``, ``estimate_belief``, ``evidence``,
``flag``, ``rank``.
Suppressed when either base is below MIN_CELL (primary only: the audiences do not add up
to a published total, so no secondary suppression is needed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.disclosure import MIN_CELL, apply_suppression
from analysis.evidence import CLEAR, RELEVANT_DIFFERENCE, evidence
from analysis.needs import indicator_prefix, prevalence
from analysis.results import TOTAL_GROUP_VAR, concat_results, empty_results, make_results
from analysis.stats import newcombe_from_intervals, newcombe_p_value
from analysis.tidy import NEED_AREAS, SurveyData, prepare

UNDERESTIMATED = "unterschätzt"
OVERESTIMATED = "überschätzt"
REFERENCE_AUDIENCE = "newcomer"


def perception_gap(
    data: SurveyData | pd.DataFrame,
    comparisons: Iterable[str] = ("volunteer", "administration"),
    areas: Iterable[str] | None = None,
    population_sizes: Mapping[str, int] | None = None,
    severe: bool = False,
    confidence: float = 0.95,
    min_cell: int = MIN_CELL,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Perception gap per comparison audience and area (see module docstring).

    ``population_sizes``: {audience: N} for finite-population correction (e.g.
    ``{"administration": 25}``). Returns suppressed (and redacted) results rows.
    """
    data = prepare(data, weights)
    area_list = list(areas) if areas is not None else list(NEED_AREAS)
    kind = "severe" if severe else "prevalence"
    pops = population_sizes or {}

    def _total(audience: str) -> pd.DataFrame:
        n_pop = pops.get(audience)
        # the gap is computed from what is published: protected shares and intervals
        res = apply_suppression(prevalence(data, audience, (), area_list, confidence, n_pop))
        ind = f"{indicator_prefix(audience)}_{kind}"
        res = res[(res["indicator"] == ind) & (res["group_var"] == TOTAL_GROUP_VAR)]
        return res.set_index("level")

    own = _total(REFERENCE_AUDIENCE)
    beliefs = {aud: _total(aud) for aud in comparisons}
    return gaps_between(own, beliefs, area_list, pops, severe, min_cell)


def gaps_between(
    own: pd.DataFrame,
    beliefs: Mapping[str, pd.DataFrame],
    areas: Iterable[str],
    population_sizes: Mapping[str, int] | None = None,
    severe: bool = False,
    min_cell: int = MIN_CELL,
) -> pd.DataFrame:
    """The gap rows :func:`perception_gap` returns, from the newcomers' own shares and each
    audience's believed shares (results rows indexed by level, as published: with
    ``n_effective`` and optionally ``noise_sd``). Pure computation on the tables."""
    pops = population_sizes or {}
    area_list = list(areas)
    parts = []
    for aud, bel in beliefs.items():
        common = [a for a in area_list if a in own.index and a in bel.index]
        if not common:
            continue
        o, b = own.loc[common], bel.loc[common]
        d, lo, hi = newcombe_from_intervals(
            b["estimate"], b["ci_low"], b["ci_high"], o["estimate"], o["ci_low"], o["ci_high"]
        )
        lo, hi, d = np.atleast_1d(lo), np.atleast_1d(hi), np.atleast_1d(d)
        p = newcombe_p_value(
            b["estimate"] * b["n_effective"],
            b["n_effective"],
            o["estimate"] * o["n_effective"],
            o["n_effective"],
            population_size1=np.full(len(common), float(pops.get(aud) or np.nan)),
            sample_size1=np.minimum(
                b["n"].to_numpy(dtype=float, na_value=np.nan), float(pops.get(aud) or np.inf)
            ),
            margin=RELEVANT_DIFFERENCE,
            noise_sd1=b.get("noise_sd"),
            noise_sd2=o.get("noise_sd"),
        )
        k = len(common)
        nb = b["n"].to_numpy(dtype=float)
        no = o["n"].to_numpy(dtype=float)
        weighted = b["method"].str.contains("kish").any() or o["method"].str.contains("kish").any()
        part = make_results(
            indicator=[f"perception_gap{'_severe' if severe else ''}"] * k,
            group_var=["audience"] * k,
            group=[aud] * k,
            level=common,
            n=nb,
            n_weighted=b["n_weighted"].to_numpy(),
            estimate=d,
            ci_low=lo,
            ci_high=hi,
            method=[
                "newcombe"
                + ("-kish" if weighted else "")
                + ("+fpc" if b["method"].str.contains("fpc").any() else "")
            ]
            * k,
            suppressed=(
                o["suppressed"].to_numpy(bool)
                | b["suppressed"].to_numpy(bool)
                | ~(no >= min_cell)
                | ~(nb >= min_cell)
            ),
            p_value=np.atleast_1d(p),
            estimate_newcomer=o["estimate"].to_numpy(),
            n_newcomer=no,
            estimate_belief=b["estimate"].to_numpy(),
        )
        parts.append(part)
    if not parts:
        out = empty_results()
        for c in ("estimate_newcomer", "n_newcomer", "estimate_belief", "evidence", "flag",
                  "rank"):  # fmt: skip
            out[c] = pd.Series(dtype=object if c in ("flag", "evidence") else float)
        return out
    res = apply_suppression(concat_results(parts), min_cell=min_cell)
    p_all = res["p_value"].to_numpy(dtype=float)
    res["p_adjusted"], res["evidence"] = evidence(p_all)
    res["flag"] = np.where(
        res["evidence"] == CLEAR,
        np.where(res["estimate"] < 0, UNDERESTIMATED, OVERESTIMATED),
        "",
    ).astype(object)
    res["rank"] = pd.array([pd.NA] * len(res), dtype="Int64")
    for _, idx in res.groupby("group", sort=False).groups.items():
        sub = res.loc[idx]
        sub = sub[~sub["suppressed"] & sub["estimate"].notna()]
        order = sub["estimate"].abs().sort_values(ascending=False, kind="stable").index
        res.loc[order, "rank"] = np.arange(1, len(order) + 1)
    return res.sort_values(["group", "rank"], na_position="last", kind="stable").reset_index(
        drop=True
    )
