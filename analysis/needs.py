"""Needs index: who is in need in which area, prevalence by group, top three, ranking.

Per person and need area the answer on the 1-5 severity scale ("Wie groß ist das Problem
für Sie / Ihre Familie?") is coded:

==========================  ===========  ===========  ================================
answer                      in_need      severe       in prevalence base?
==========================  ===========  ===========  ================================
"1", "2"                    0            0            yes
"3"                         1            0            yes
"4", "5"                    1            1            yes
"na" (betrifft mich nicht)  0            0            yes - the area does not affect
                                                      them, so they are not in need
"dk" (weiß nicht)           NaN          NaN          no  - reported as ``*_dk_share``
no answer (item skipped)    -            -            no  (no row at all)
==========================  ===========  ===========  ================================

So **prevalence = share in need among respondents who gave a 1-5 rating or "na"**.
Thresholds: in need = rating >= :data:`IN_NEED_MIN` (3), severe = rating >= :data:`SEVERE_MIN`
(4). "na", "dk" and missing are never averaged into a scale value. The dk share uses the
base of everyone who answered the item (1-5, na or dk).

Indicators written (prefix ``need`` for newcomers, ``need_belief_<audience>`` for volunteers
and administration, who answer "für die Zugewanderten, die Sie kennen"):
``<prefix>_prevalence``, ``<prefix>_severe``, ``<prefix>_dk_share``; ``top3_share``;
``need_prevalence_change`` (wave comparison). Shares are in [0, 1], Wilson 95 % CIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.bases import applies_column
from analysis.disclosure import MIN_CELL, apply_suppression
from analysis.estimate import (
    PopulationSizes,
    coded_share_rows,
    respondent_groups,
)
from analysis.evidence import RELEVANT_DIFFERENCE, evidence
from analysis.results import TOTAL_GROUP_VAR, concat_results, make_results
from analysis.stats import newcombe_from_intervals, newcombe_p_value
from analysis.tidy import (
    ADMIN_ONLY_AREAS,
    ATTRIBUTE_QUESTIONS,
    NEED_AREAS,
    RECORD_KEY,
    SurveyData,
    matrix_rows,
    prepare,
    ranking_rows,
)

IN_NEED_MIN = 3
SEVERE_MIN = 4
NA_CODE = "na"
DK_CODE = "dk"
RATING_CODES = ("1", "2", "3", "4", "5")
NA_EXCLUDED = "na_excluded"
OUT_OF_POPULATION = "out_of_population"
ANSWER_CODES = (*RATING_CODES, NA_CODE, DK_CODE)
STATUS_CODES = (*ANSWER_CODES, NA_EXCLUDED, OUT_OF_POPULATION)
"""Codes of ``need_status["answer"]``: the answers, plus "na" of an area whose declared base
leaves it out, plus any answer of a newcomer to whom a restricted area does not apply."""
_STATUS_DTYPE = pd.CategoricalDtype(STATUS_CODES)
OUTCOME_TABLES: dict[str, np.ndarray] = {
    # answer code ->   1  2  3  4  5  na  dk      na_excluded  out_of_population
    "prevalence": np.array([0, 0, 1, 1, 1, 0, np.nan, np.nan, np.nan]),
    "severe": np.array([0, 0, 0, 1, 1, 0, np.nan, np.nan, np.nan]),
    "dk_share": np.array([0, 0, 0, 0, 0, 0, 1.0, np.nan, np.nan]),
}
"""Each indicator's outcome per status code (NaN: not in the base; see the module doc)."""
DEFAULT_GROUP_VARS: tuple[str, ...] = ATTRIBUTE_QUESTIONS


def indicator_prefix(audience: str) -> str:
    """``"need"`` for newcomers, ``"need_belief_<audience>"`` otherwise."""
    return "need" if audience == "newcomer" else f"need_belief_{audience}"


def _areas(audience: str, areas: Iterable[str] | None) -> list[str]:
    if areas is not None:
        return list(areas)
    return list(NEED_AREAS) + (list(ADMIN_ONLY_AREAS) if audience == "administration" else [])


def need_status(
    data: SurveyData | pd.DataFrame,
    audience: str = "newcomer",
    areas: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per person x area coding of the ``need`` matrix (see module docstring).

    Columns: response_id, area (ordered categorical in area order), answer (str),
    rating (float 1-5, NaN for na/dk), in_need, severe (float 1/0, NaN = not in base),
    dk (float 1/0), rpos (the respondent's position in ``data.respondents``: join
    respondent columns with :func:`analysis.estimate.attach`).
    Unknown answer codes raise ValueError. The frame is cached on ``data`` (read-only).
    """
    data = prepare(data)
    area_list = _areas(audience, areas)
    key = ("need_status", audience, tuple(area_list))
    if key not in data.cache:
        data.cache[key] = _need_status(data, audience, area_list)
    return data.cache[key]


def _need_status(data: SurveyData, audience: str, area_list: list[str]) -> pd.DataFrame:
    q, kept = matrix_rows(data, "need", audience=audience)
    items, values = q["item"].array, q["value"].array
    area_of_item = pd.Index(area_list).get_indexer([str(c) for c in items.categories])
    area_codes = area_of_item[items.codes[kept]] if kept.size else np.zeros(0, int)
    rows = kept[area_codes >= 0]
    area_codes = area_codes[area_codes >= 0]
    canon = list(ANSWER_CODES)
    norm = [str(u).strip().lower() for u in values.categories]
    value_codes = values.codes[rows]
    bad = [norm[u] for u in np.unique(value_codes) if norm[u] not in canon]
    if bad:
        raise ValueError(f"unknown need answer codes: {sorted(bad)[:5]}")
    to_canon = np.array([canon.index(u) if u in canon else -1 for u in norm], dtype=np.int64)
    ans_codes = to_canon[value_codes]
    rating = np.array([1, 2, 3, 4, 5, np.nan, np.nan])[ans_codes]
    rpos = q["rpos"].to_numpy()[rows]
    ans_codes = _apply_bases(data, audience, area_list, area_codes, ans_codes, rpos)
    out = pd.DataFrame(
        {
            "response_id": q["response_id"].array.take(rows),
            "area": pd.Categorical.from_codes(
                area_codes, dtype=pd.CategoricalDtype(area_list, ordered=True), validate=False
            ),
            "answer": pd.Categorical.from_codes(ans_codes, dtype=_STATUS_DTYPE, validate=False),
            "rating": rating,
            "in_need": OUTCOME_TABLES["prevalence"][ans_codes],
            "severe": OUTCOME_TABLES["severe"][ans_codes],
            "dk": OUTCOME_TABLES["dk_share"][ans_codes],
            "rpos": rpos,
        }
    )
    return out


def _apply_bases(
    data: SurveyData,
    audience: str,
    area_list: list[str],
    area_codes: np.ndarray,
    ans_codes: np.ndarray,
    rpos: np.ndarray,
) -> np.ndarray:
    """Status codes after the declared bases (:mod:`analysis.bases`): "na" of an area
    with ``not_applicable="exclude"`` becomes ``na_excluded``; for newcomers, every answer
    to a restricted area that does not apply to them becomes ``out_of_population``."""
    out = ans_codes.copy()
    na, excluded = STATUS_CODES.index(NA_CODE), STATUS_CODES.index(NA_EXCLUDED)
    outside = STATUS_CODES.index(OUT_OF_POPULATION)
    for k, area in enumerate(area_list):
        base = data.base(area)
        in_area = area_codes == k
        if base.not_applicable == "exclude":
            out[in_area & (ans_codes == na)] = excluded
        col = applies_column(area)
        if base.restricted and audience == "newcomer" and col in data.respondents.columns:
            applies = data.respondents[col].to_numpy(dtype=bool)[rpos]
            out[in_area & ~applies] = outside
    return out


def prevalence(
    data: SurveyData | pd.DataFrame,
    audience: str = "newcomer",
    group_vars: Iterable[str] = (),
    areas: Iterable[str] | None = None,
    confidence: float = 0.95,
    population_size: PopulationSizes = None,
    status: pd.DataFrame | None = None,
    kinds: Iterable[str] = tuple(OUTCOME_TABLES),
) -> pd.DataFrame:
    """Prevalence of need (>= 3), severe need (>= 4) and "weiß nicht" share per area
    (``kinds``: a subset of "prevalence", "severe", "dk_share").

    Rows for the total (group_var "all") and every level of every ``group_vars`` attribute
    (respondent columns such as "stadtteil", "german_level", "language", "wave").
    Unsuppressed: call :func:`analysis.disclosure.apply_suppression` (or use
    :func:`needs_results`) before showing. ``status`` may pass a precomputed
    :func:`need_status` frame.
    """
    data = prepare(data)
    st = need_status(data, audience, areas) if status is None else status
    prefix = indicator_prefix(audience)
    rpos = st["rpos"].to_numpy()
    resp = data.respondents
    return coded_share_rows(
        st["area"].cat.codes.to_numpy(),
        list(st["area"].cat.categories),
        st["answer"].cat.codes.to_numpy(),
        {f"{prefix}_{kind}": OUTCOME_TABLES[kind] for kind in kinds},
        respondent_groups(data, rpos, group_vars),
        weights=resp["weight"].to_numpy(dtype=float)[rpos],
        record_keys=resp[RECORD_KEY].to_numpy()[rpos],
        confidence=confidence,
        population_size=population_size,
    )


def top3_share(
    data: SurveyData | pd.DataFrame,
    group_vars: Iterable[str] = (),
    areas: Iterable[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of newcomers naming each area among their top three (any rank).

    Base: newcomers with at least one answer to ``top3``. Indicator ``top3_share``.
    """
    data = prepare(data)
    area_list = _areas("newcomer", areas)
    q, rows, _ = ranking_rows(data, "top3")
    resp = data.respondents
    rpos = q["rpos"].to_numpy()[rows]
    values = q["value"].array
    col = pd.Index(area_list).get_indexer(values.categories.astype(str))[values.codes[rows]]
    ok = data.audience_mask("newcomer")[rpos] & (col >= 0)
    rpos, col = rpos[ok], col[ok]
    base = np.unique(rpos)
    row_of = np.full(len(resp), -1, dtype=np.int64)
    row_of[base] = np.arange(base.size)
    k = len(area_list)
    mat = np.zeros((base.size, k), dtype=np.int64)
    mat[row_of[rpos], col] = 1
    unit_rpos = np.repeat(base, k)
    return coded_share_rows(
        np.tile(np.arange(k), base.size),
        area_list,
        mat.ravel(),
        {"top3_share": np.array([0.0, 1.0])},
        respondent_groups(data, unit_rpos, group_vars),
        weights=resp["weight"].to_numpy(dtype=float)[unit_rpos],
        record_keys=resp[RECORD_KEY].to_numpy()[unit_rpos],
        confidence=confidence,
    )


def rank_levels(results: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Rank the levels (areas) of one indicator within each group, with ties from CIs.

    Rank 1 = highest estimate. For each level the plausible rank range is
    [1 + #levels whose CI lies entirely above, K - #levels whose CI lies entirely below]
    (K = ranked levels in the group): levels whose CIs overlap cannot be told apart.
    Returns the rows of ``indicator`` with columns ``rank`` (Int64, position by
    estimate), ``rank_low``, ``rank_high``, ``rank_label`` ("2" or "2–4") and
    ``rank_tied`` (bool: the range has more than one rank). Suppressed or NaN rows are
    not ranked. Non-overlap of 95 % CIs is a conservative criterion (it implies a
    significant difference, not vice versa).
    """
    return with_ranks(results[results["indicator"] == indicator].reset_index(drop=True),
                      [indicator])  # fmt: skip


def with_ranks(results: pd.DataFrame, indicators: Iterable[str]) -> pd.DataFrame:
    """``results`` with the rank columns of :func:`rank_levels` for the rows of
    ``indicators`` (every group of every indicator ranked in one pass; other rows get
    missing ranks)."""
    df = results.reset_index(drop=True)
    m = len(df)
    rank = np.full(m, -1, dtype=np.int64)
    r_low = np.full(m, -1, dtype=np.int64)
    r_high = np.full(m, -1, dtype=np.int64)
    ok_all = (
        ~df["suppressed"].to_numpy(dtype=bool)
        & df["estimate"].notna().to_numpy()
        & df["indicator"].isin(list(indicators)).to_numpy()
    )
    est = df["estimate"].to_numpy(dtype=float)
    lo_all, hi_all = df["ci_low"].to_numpy(dtype=float), df["ci_high"].to_numpy(dtype=float)
    group_ids = np.zeros(m, dtype=np.int64)
    for col in ("indicator", "group_var", "group"):
        codes, uniques = pd.factorize(df[col].to_numpy(dtype=object))
        group_ids = group_ids * (len(uniques) + 1) + codes
    # every group at once: rows sorted by group, then estimate (descending, ties in row
    # order); each group's intervals padded into one row of a (groups x K) matrix
    sel = np.flatnonzero(ok_all)
    order = sel[np.lexsort((-est[sel], group_ids[sel]))]
    g_sorted = group_ids[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]]) if order.size else order
    sizes = np.diff(np.r_[starts, order.size])
    grp = np.repeat(np.arange(starts.size), sizes)
    pos = np.arange(order.size) - np.repeat(starts, sizes)
    k = int(sizes.max()) if sizes.size else 0
    lo, hi = np.full((starts.size, k), np.nan), np.full((starts.size, k), np.nan)
    lo[grp, pos], hi[grp, pos] = lo_all[order], hi_all[order]
    above = (lo[:, None, :] > hi[:, :, None]).sum(axis=2)  # [g, i, j]: lo_j > hi_i
    below = (hi[:, None, :] < lo[:, :, None]).sum(axis=2)
    rank[order] = pos + 1
    r_low[order] = 1 + above[grp, pos]
    r_high[order] = sizes[grp] - below[grp, pos]

    def _int(a: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(np.maximum(a, 0), mask=a < 0)

    ranked = rank >= 0
    labels = np.full(m, "", dtype=object)
    pairs, which = np.unique(r_low[ranked] * (m + 1) + r_high[ranked], return_inverse=True)
    names = [
        str(a) if a == b else f"{a}–{b}" for a, b in (divmod(p, m + 1) for p in pairs.tolist())
    ]
    labels[ranked] = np.array(names, dtype=object)[which.reshape(-1)]
    return df.assign(
        rank=_int(rank),
        rank_low=_int(r_low),
        rank_high=_int(r_high),
        rank_label=pd.Series(labels, dtype=object),
        rank_tied=ranked & (r_low != r_high),
    )


def need_change(
    data: SurveyData | pd.DataFrame,
    wave_from: int,
    wave_to: int,
    audience: str = "newcomer",
    severe: bool = False,
    areas: Iterable[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Change in need prevalence between two waves, p(wave_to) - p(wave_from), per area.

    Newcombe (1998b) method 10 from the two waves' Wilson (or Wilson-Kish) intervals; waves
    are independent samples (see :func:`analysis.stats.wave_change`). Indicator
    ``<prefix>_prevalence_change`` (or ``_severe_change``), group_var "wave", group
    "<to> vs <from>", ``n`` = the smaller of the two bases; ``p_value`` (test inversion of
    the interval) and ``p_adjusted`` (Benjamini-Hochberg over the areas: one family);
    extra columns ``evidence`` (:mod:`analysis.evidence`), ``estimate_from``,
    ``estimate_to``, ``n_from``, ``n_to``.
    """
    kind = "severe" if severe else "prevalence"
    data = prepare(data)
    st = need_status(data, audience, areas)
    waves = data.respondents["wave"].to_numpy()[st["rpos"].to_numpy()]
    st = st[np.isin(waves, [wave_from, wave_to])]
    # the change is computed from what is published: protected shares of each wave
    res = apply_suppression(
        prevalence(data, audience, ["wave"], areas, confidence, status=st, kinds=(kind,))
    )
    ind = f"{indicator_prefix(audience)}_{kind}"
    res = res[(res["indicator"] == ind) & (res["group_var"] == "wave")]
    return change_between(
        res[res["group"] == str(wave_from)],
        res[res["group"] == str(wave_to)],
        f"{ind}_change",
        f"{wave_to} vs {wave_from}",
    )


def change_between(
    before: pd.DataFrame, after: pd.DataFrame, indicator: str, label: str
) -> pd.DataFrame:
    """The change of shares from ``before`` to ``after`` (results rows of one indicator,
    one per level, as published: with ``n_effective`` and optionally ``noise_sd``), as the
    rows :func:`need_change` returns (see there). Pure computation on the two tables."""
    a = before.set_index("level")
    b = after.set_index("level")
    common = [lv for lv in b.index if lv in a.index]
    a, b = a.loc[common], b.loc[common]
    d, lo, hi = newcombe_from_intervals(
        b["estimate"], b["ci_low"], b["ci_high"], a["estimate"], a["ci_low"], a["ci_high"]
    )
    n_a = a["n"].to_numpy(dtype=float, na_value=np.nan)
    n_b = b["n"].to_numpy(dtype=float, na_value=np.nan)
    n = np.minimum(n_a, n_b)
    k = len(common)
    p = np.atleast_1d(
        newcombe_p_value(
            b["estimate"] * b["n_effective"],
            b["n_effective"],
            a["estimate"] * a["n_effective"],
            a["n_effective"],
            margin=RELEVANT_DIFFERENCE,
            noise_sd1=b.get("noise_sd", None),
            noise_sd2=a.get("noise_sd", None),
        )
    )
    p_adjusted, strength = evidence(p)
    return make_results(
        indicator=[indicator] * k,
        group_var=["wave"] * k,
        group=[label] * k,
        level=common,
        n=n,
        n_weighted=np.minimum(a["n_weighted"].to_numpy(), b["n_weighted"].to_numpy()),
        estimate=np.atleast_1d(d),
        ci_low=np.atleast_1d(lo),
        ci_high=np.atleast_1d(hi),
        method=["newcombe"] * k,
        suppressed=a["suppressed"].to_numpy(bool) | b["suppressed"].to_numpy(bool),
        p_value=p,
        p_adjusted=p_adjusted,
        evidence=strength,
        estimate_from=a["estimate"].to_numpy(),
        estimate_to=b["estimate"].to_numpy(),
        n_from=n_a,
        n_to=n_b,
    )


def needs_results(
    data: SurveyData | pd.DataFrame,
    group_vars: Iterable[str] = DEFAULT_GROUP_VARS,
    areas: Iterable[str] | None = None,
    weights: pd.Series | None = None,
    min_cell: int = MIN_CELL,
    confidence: float = 0.95,
    population_size: PopulationSizes = None,
) -> pd.DataFrame:
    """Newcomers' needs, ready to display: prevalence, severe, dk share, top three, ranks.

    Suppression (primary + secondary, redacted) is applied, then areas are ranked within
    each group for ``need_prevalence``, ``need_severe`` and ``top3_share`` (rank columns;
    NaN for other indicators).
    """
    data = prepare(data, weights)
    gv = [g for g in group_vars if g in data.respondents.columns]
    res = concat_results(
        [
            prevalence(data, "newcomer", gv, areas, confidence, population_size),
            top3_share(data, gv, areas, confidence),
        ]
    )
    res = apply_suppression(res, min_cell=min_cell)
    return with_ranks(res, ["need_prevalence", "need_severe", "top3_share"])


def audience_population_sizes(sizes: Mapping[str, int] | None, audience: str) -> int | None:
    """Population size N of one audience from a {audience: N} mapping (or None)."""
    if not sizes:
        return None
    return sizes.get(audience)


__all__ = [
    "DK_CODE",
    "IN_NEED_MIN",
    "NA_CODE",
    "SEVERE_MIN",
    "TOTAL_GROUP_VAR",
    "need_change",
    "need_status",
    "needs_results",
    "prevalence",
    "rank_levels",
    "top3_share",
]
