"""Administration services (importance-performance grid) and volunteer indicators.

Importance-performance analysis (Martilla & James 1977, J Marketing 41:77): for each
service the mean importance and mean performance (1-5; "dk" excluded, never averaged) of
the administration staff, each with a seeded bootstrap percentile CI. The crosshair is at
the **grand means** (the unweighted mean of the service means among the services shown) -
the data-centred variant, because ratings cluster above the scale midpoint. Quadrants by
point estimate:

=====================  =====================  =========================
importance             performance            quadrant
=====================  =====================  =========================
above crosshair        below crosshair        "Konzentration hier"
above                  above (or equal)       "Gute Arbeit fortsetzen"
below (or equal)       below                  "Geringe Priorität"
below (or equal)       above (or equal)       "Möglicher Overkill"
=====================  =====================  =========================

``classification`` is the quadrant, or "unsicher" when the importance CI contains the
vertical crosshair or the performance CI contains the horizontal one. Administration staff
are a small known population: pass ``population_size`` N for the finite-population
correction. Services with fewer than MIN_CELL answers are suppressed and left out of the
crosshair.

Volunteers: share naming each own need (multiple choice, base = all volunteers),
intention to continue for 12 months (share answering 4 or 5 on 1-5, "dk" excluded, dk
share reported), hours per month (median, bootstrap CI; values < 0 or > 744 are invalid).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.disclosure import MIN_CELL, NOISE, apply_suppression, mix_keys
from analysis.estimate import attach, choice_shares, grouped_proportions
from analysis.results import TOTAL_GROUP, TOTAL_GROUP_VAR, concat_results, make_results
from analysis.stats import DEFAULT_N_BOOT, DEFAULT_SEED, ScaleEstimate, bootstrap_scale
from analysis.tidy import RECORD_KEY, RECORD_KEY_RANGE, SurveyData, matrix_long, numeric, prepare

SERVICES: tuple[str, ...] = (
    "interpreting",
    "translated_forms",
    "plain_letters",
    "intercultural_training",
    "referral_routes",
    "time_per_case",
    "appointments",
    "digital_services",
)
VOLUNTEER_NEEDS: tuple[str, ...] = (
    "training",
    "supervision",
    "coordination",
    "recognition",
    "expenses",
    "insurance",
    "networking",
    "information",
)
CONCENTRATE = "Konzentration hier"
KEEP_UP = "Gute Arbeit fortsetzen"
LOW_PRIORITY = "Geringe Priorität"
OVERKILL = "Möglicher Overkill"
UNCERTAIN = "unsicher"
MAX_HOURS_MONTH = 744  # 31 days x 24 h


@dataclass(frozen=True)
class IPGrid:
    """Importance-performance grid.

    ``results``: results rows (indicators ``ip_importance``, ``ip_performance``; level =
    service). ``grid``: one row per service with importance/performance estimates and CIs,
    n, ``quadrant``, ``uncertain`` and ``classification``. Crosshair values on the 1-5 scale.
    """

    results: pd.DataFrame
    grid: pd.DataFrame
    crosshair_importance: float
    crosshair_performance: float


SUM_NOISE_SCALE = 2.0
"""A perturbed mean's sum of ratings carries the cell-key noise times this (sd 2 on a sum
of 1-5 ratings): the difference of two published means can then not be solved for one
person's rating."""
_SUM_SALT = 0x5EED_5


def perturbed_mean(est: ScaleEstimate, record_keys: np.ndarray, total: float) -> ScaleEstimate:
    """A scale mean as published to readers who may not see single answers: the count of
    raters and the sum of their ratings each carry cell-key noise (:mod:`analysis.disclosure`;
    the sum's noise from a key mixed with a fixed salt, times :data:`SUM_NOISE_SCALE`), the
    mean is their ratio (clipped to 1-5), the interval moves with it and is widened by the
    perturbation's sd (square-and-add, as for shares). ``n`` is the published count (0, i.e.
    hidden, when the true or the published count is below MIN_CELL)."""
    if est.n == 0:
        return est
    key = np.mod(np.asarray(record_keys, dtype=np.int64).sum(), RECORD_KEY_RANGE)
    n_pub = float(max(est.n + NOISE.noise([key])[0], 0))
    sum_pub = total + SUM_NOISE_SCALE * float(NOISE.noise(mix_keys([key], [_SUM_SALT]))[0])
    if est.n < MIN_CELL or n_pub < MIN_CELL:
        return ScaleEstimate(np.nan, np.nan, np.nan, 0, 0.0, est.method + "+ckm")
    mean = float(np.clip(sum_pub / n_pub, 1.0, 5.0))
    sd = float(np.sqrt(SUM_NOISE_SCALE**2 + mean**2 * NOISE.variance) / n_pub)
    z = 1.959963984540054 * sd
    low = max(1.0, mean - float(np.hypot(est.estimate - est.ci_low, z)))
    high = min(5.0, mean + float(np.hypot(est.ci_high - est.estimate, z)))
    return ScaleEstimate(mean, low, high, int(n_pub), n_pub, est.method + "+ckm")


def _scale_rows(
    data: SurveyData,
    question_id: str,
    indicator: str,
    services: list[str],
    population_size: int | None,
    n_boot: int,
    seed: int,
    confidence: float,
    perturb: bool = False,
) -> pd.DataFrame:
    m = matrix_long(data, question_id, audience="administration")
    m = attach(m, data.respondents, ["weight", RECORD_KEY])
    vals = pd.to_numeric(m["value"].where(m["value"] != "dk"), errors="coerce")
    vals = vals.where(vals.between(1, 5))
    rows = []
    for s in services:
        sel = (m["item"] == s).to_numpy()
        w = m.loc[sel, "weight"].to_numpy(dtype=float)
        x = vals[sel].to_numpy()
        est = bootstrap_scale(
            x,
            "mean",
            None if np.allclose(w, 1) else w,
            confidence,
            n_boot,
            seed,
            population_size,
        )
        if perturb:
            rated = ~np.isnan(x)
            keys = m.loc[sel, RECORD_KEY].to_numpy(dtype=np.int64)[rated]
            est = perturbed_mean(est, keys, float(x[rated].sum()))
        rows.append((s, est))
    k = len(rows)
    return make_results(
        indicator=[indicator] * k,
        group_var=[TOTAL_GROUP_VAR] * k,
        group=[TOTAL_GROUP] * k,
        level=[s for s, _ in rows],
        n=[e.n for _, e in rows],
        n_weighted=[e.n_weighted for _, e in rows],
        estimate=[e.estimate for _, e in rows],
        ci_low=[e.ci_low for _, e in rows],
        ci_high=[e.ci_high for _, e in rows],
        method=[e.method for _, e in rows],
    )


def importance_performance(
    data: SurveyData | pd.DataFrame,
    services: Iterable[str] = SERVICES,
    population_size: int | None = None,
    confidence: float = 0.95,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
    min_cell: int = MIN_CELL,
    perturb: bool = False,
) -> IPGrid:
    """Importance-performance grid of administration services (see module docstring).
    ``perturb``: means from perturbed counts and sums (:func:`perturbed_mean`), for
    readers who may not see single answers (releases)."""
    data = prepare(data)
    svc = list(services)
    args = (svc, population_size, n_boot, seed, confidence, perturb)
    res = concat_results(
        [
            _scale_rows(data, "ip_importance", "ip_importance", *args),
            _scale_rows(data, "ip_performance", "ip_performance", *args),
        ]
    )
    res = apply_suppression(res, min_cell=min_cell)
    imp = res[res["indicator"] == "ip_importance"].set_index("level")
    perf = res[res["indicator"] == "ip_performance"].set_index("level")
    grid = pd.DataFrame(
        {
            "service": svc,
            "importance": imp.loc[svc, "estimate"].to_numpy(),
            "importance_low": imp.loc[svc, "ci_low"].to_numpy(),
            "importance_high": imp.loc[svc, "ci_high"].to_numpy(),
            "n_importance": imp.loc[svc, "n"].to_numpy(),
            "performance": perf.loc[svc, "estimate"].to_numpy(),
            "performance_low": perf.loc[svc, "ci_low"].to_numpy(),
            "performance_high": perf.loc[svc, "ci_high"].to_numpy(),
            "n_performance": perf.loc[svc, "n"].to_numpy(),
        }
    )
    shown = grid["importance"].notna() & grid["performance"].notna()
    x = float(grid.loc[shown, "importance"].mean()) if shown.any() else np.nan
    y = float(grid.loc[shown, "performance"].mean()) if shown.any() else np.nan
    hi_imp = grid["importance"] > x
    hi_perf = grid["performance"] >= y
    quadrant = np.select(
        [hi_imp & ~hi_perf, hi_imp & hi_perf, ~hi_imp & ~hi_perf],
        [CONCENTRATE, KEEP_UP, LOW_PRIORITY],
        OVERKILL,
    )
    uncertain = ((grid["importance_low"] <= x) & (grid["importance_high"] >= x)) | (
        (grid["performance_low"] <= y) & (grid["performance_high"] >= y)
    )
    grid["quadrant"] = np.where(shown, quadrant, "")
    grid["uncertain"] = uncertain & shown
    grid["classification"] = np.where(
        ~shown, "", np.where(grid["uncertain"], UNCERTAIN, grid["quadrant"])
    )
    return IPGrid(res, grid, x, y)


def volunteer_needs(
    data: SurveyData | pd.DataFrame,
    group_vars: Iterable[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of volunteers naming each own need (``vol_needs``), indicator ``vol_need_share``.

    Base: all volunteer respondents. Unsuppressed rows.
    """
    data = prepare(data)
    return choice_shares(
        data,
        "vol_needs",
        VOLUNTEER_NEEDS,
        "volunteer",
        "vol_need_share",
        "need",
        group_vars,
        confidence,
    )


def volunteer_continuation(
    data: SurveyData | pd.DataFrame,
    group_vars: Iterable[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Intention to continue 12 months: ``vol_continue_12m`` = share of 4-5 among 1-5 answers
    ("dk" excluded); ``vol_continue_12m_dk_share`` = dk among all answers. Unsuppressed."""
    data = prepare(data)
    q = data.question("continue_12m").drop_duplicates("response_id", keep="last")
    vol = data.respondents.index[data.respondents["audience"] == "volunteer"]
    q = q[q["response_id"].isin(vol) & q["value"].notna()].copy()
    v = q["value"].astype(str).str.strip().str.lower()
    r = pd.to_numeric(v.where(v.isin(["1", "2", "3", "4", "5"])), errors="coerce")
    q["y"] = np.where(r.notna(), (r >= 4).astype(float), np.nan)
    q["dk"] = (v == "dk").astype(float)
    q = attach(q, data.respondents, [*group_vars, "weight", RECORD_KEY])
    kw = {"group_vars": list(group_vars), "confidence": confidence}
    return concat_results(
        [
            grouped_proportions(q, "y", "vol_continue_12m", **kw),
            grouped_proportions(q, "dk", "vol_continue_12m_dk_share", **kw),
        ]
    )


def volunteer_hours(
    data: SurveyData | pd.DataFrame,
    confidence: float = 0.95,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Median hours per month (``hours_month``) with bootstrap CI, ``vol_hours_month``."""
    data = prepare(data)
    h = numeric(data, "hours_month", audience="volunteer")
    h = h.where((h >= 0) & (h <= MAX_HOURS_MONTH))
    est = bootstrap_scale(h.to_numpy(), "median", None, confidence, n_boot, seed)
    return make_results(
        indicator=["vol_hours_month"],
        group_var=[TOTAL_GROUP_VAR],
        group=[TOTAL_GROUP],
        level=["median"],
        n=[est.n],
        n_weighted=[est.n_weighted],
        estimate=[est.estimate],
        ci_low=[est.ci_low],
        ci_high=[est.ci_high],
        method=[est.method],
    )


def volunteer_results(
    data: SurveyData | pd.DataFrame,
    group_vars: Iterable[str] = (),
    min_cell: int = MIN_CELL,
) -> pd.DataFrame:
    """All volunteer indicators, suppressed (primary + secondary) and redacted."""
    data = prepare(data)
    gv = list(group_vars)
    res = concat_results(
        [volunteer_needs(data, gv), volunteer_continuation(data, gv), volunteer_hours(data)]
    )
    return apply_suppression(res, min_cell=min_cell)
