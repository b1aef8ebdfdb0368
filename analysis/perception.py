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
from analysis.results import TOTAL_GROUP_VAR, empty_results, make_results
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
        res = apply_suppression(
            prevalence(data, audience, (), area_list, confidence, n_pop, kinds=(kind,))
        )
        ind = f"{indicator_prefix(audience)}_{kind}"
        rows = (res["indicator"].to_numpy(dtype=object) == ind) & (
            res["group_var"].to_numpy(dtype=object) == TOTAL_GROUP_VAR
        )
        return (res if rows.all() else res[rows]).set_index("level")

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
    cols = ("estimate", "ci_low", "ci_high", "n_effective", "n", "n_weighted", "noise_sd")

    def columns(frame: pd.DataFrame) -> tuple[pd.Index, dict[str, np.ndarray], set[str]]:
        """Index, numeric columns and method names of a frame (read once)."""
        out = {c: frame[c].to_numpy(dtype=float, na_value=np.nan) if c in frame else
               np.zeros(len(frame)) for c in cols}  # fmt: skip
        out["suppressed"] = frame["suppressed"].to_numpy(dtype=bool, na_value=True)
        return frame.index, out, {str(m) for m in frame["method"].to_numpy(dtype=object)}

    def arrays(of: dict[str, np.ndarray], pos: np.ndarray) -> dict[str, np.ndarray]:
        return {c: v[pos] for c, v in of.items()}

    own_index, own_cols, own_methods = columns(own)
    blocks: list[tuple[str, list[str], dict, dict, str]] = []
    for aud, bel in beliefs.items():
        common = [a for a in area_list if a in own.index and a in bel.index]
        if not common:
            continue
        bel_index, bel_cols, bel_methods = columns(bel)
        methods = bel_methods | own_methods
        method = (
            "newcombe"
            + ("-kish" if any("kish" in m for m in methods) else "")
            + ("+fpc" if any("fpc" in m for m in bel_methods) else "")
        )
        own_at = arrays(own_cols, own_index.get_indexer(common))  # every level is there
        blocks.append((aud, common, own_at, arrays(bel_cols, bel_index.get_indexer(common)),
                       method))  # fmt: skip
    if not blocks:
        out = empty_results()
        for c in ("estimate_newcomer", "n_newcomer", "estimate_belief", "evidence", "flag",
                  "rank"):  # fmt: skip
            out[c] = pd.Series(dtype=object if c in ("flag", "evidence") else float)
        return out
    # one vectorised pass over every comparison of the family
    o = {c: np.concatenate([blk[2][c] for blk in blocks]) for c in (*cols, "suppressed")}
    b = {c: np.concatenate([blk[3][c] for blk in blocks]) for c in (*cols, "suppressed")}
    groups = np.concatenate([[blk[0]] * len(blk[1]) for blk in blocks]).astype(object)
    levels = np.concatenate([blk[1] for blk in blocks]).astype(object)
    method = np.concatenate([[blk[4]] * len(blk[1]) for blk in blocks]).astype(object)
    pop = np.array([float(pops.get(g) or np.nan) for g in groups])
    d, lo, hi = (
        np.atleast_1d(v)
        for v in newcombe_from_intervals(
            b["estimate"], b["ci_low"], b["ci_high"], o["estimate"], o["ci_low"], o["ci_high"]
        )
    )
    with np.errstate(invalid="ignore"):
        p = newcombe_p_value(
            np.nan_to_num(b["estimate"] * b["n_effective"]),
            np.nan_to_num(b["n_effective"]),
            np.nan_to_num(o["estimate"] * o["n_effective"]),
            np.nan_to_num(o["n_effective"]),
            population_size1=pop,
            sample_size1=np.minimum(np.nan_to_num(b["n"]), np.where(np.isnan(pop), np.inf, pop)),
            margin=RELEVANT_DIFFERENCE,
            noise_sd1=b["noise_sd"],
            noise_sd2=o["noise_sd"],
        )
    hidden = o["suppressed"] | b["suppressed"] | ~(o["n"] >= min_cell) | ~(b["n"] >= min_cell)
    k = len(groups)
    res = make_results(
        indicator=np.full(k, f"perception_gap{'_severe' if severe else ''}", dtype=object),
        group_var=np.full(k, "audience", dtype=object),
        group=groups,
        level=levels,
        n=b["n"],
        n_weighted=b["n_weighted"],
        estimate=d,
        ci_low=lo,
        ci_high=hi,
        method=method,
        suppressed=hidden,
        p_value=np.where(hidden, np.nan, np.atleast_1d(p)),
        estimate_newcomer=o["estimate"],
        n_newcomer=o["n"],
        estimate_belief=b["estimate"],
    )
    res = apply_suppression(res, min_cell=min_cell)
    p_adjusted, strength = evidence(res["p_value"].to_numpy(dtype=float))
    est = res["estimate"].to_numpy(dtype=float)
    flag = np.where(strength == CLEAR, np.where(est < 0, UNDERESTIMATED, OVERESTIMATED), "")
    rank = np.full(k, -1, dtype=np.int64)
    ok = ~res["suppressed"].to_numpy(dtype=bool) & ~np.isnan(est)
    for g in dict.fromkeys(groups):
        idx = np.flatnonzero((groups == g) & ok)
        idx = idx[np.argsort(-np.abs(est[idx]), kind="stable")]
        rank[idx] = np.arange(1, idx.size + 1)
    res = res.assign(
        p_adjusted=p_adjusted,
        evidence=strength,
        flag=flag.astype(object),
        rank=pd.arrays.IntegerArray(np.maximum(rank, 0), rank < 0),
    )
    order = np.lexsort((np.where(rank < 0, np.iinfo(np.int64).max, rank), groups.astype(str)))
    return res.iloc[order].reset_index(drop=True)
