"""Statistical building blocks: intervals, tests, effect sizes, reliability, weighting.

All functions are pure and deterministic (bootstrap takes an explicit seed). Proportions are
fractions in [0, 1]; differences are in proportion points; confidence defaults to 95 %.

Methods and sources
-------------------
* Wilson score interval without continuity correction (Wilson 1927; Newcombe 1998a, Stat Med
  17:857, method 3). Weighted data: Wilson evaluated at the weighted proportion with the Kish
  effective sample size (method ``"wilson-kish"``). Finite-population correction: the
  (effective) n is inflated by (N - 1) / (N - n), which shrinks the variance term by the
  usual fpc (N - n) / (N - 1); a census (n >= N) gives a zero-width interval
  (method suffix ``"+fpc"``).
* Difference of two independent proportions: Newcombe (1998b, Stat Med 17:873) hybrid score
  interval, method 10, built from the two Wilson intervals (``"newcombe"``).
* Association: Pearson chi-square or Fisher's exact test, chosen by Cochran's rule on the
  expected counts (see :func:`association_test`).
* Ordinal comparisons: Mann-Whitney U (with rank-biserial r) and Kruskal-Wallis H (with
  epsilon-squared), via scipy.
* Multiple testing: Benjamini & Hochberg (1995) step-up FDR adjustment.
* Reliability: Cronbach's alpha with Feldt, Woodruff & Salih (1987) F-based interval;
  Krippendorff's alpha (nominal / ordinal / interval) for any number of coders with missing
  values (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").
* Bootstrap percentile intervals for the mean or median of a discrete scale; resampling is
  done on the category counts (a multinomial draw is exactly a nonparametric bootstrap of
  discrete data), which makes it fast and deterministic for a given seed.
* Kish (1965) effective sample size and raking (iterative proportional fitting; Deming &
  Stephan 1940) to known population margins.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as _st

ArrayLike = float | int | Sequence[float] | np.ndarray | pd.Series

DEFAULT_SEED = 20260401
DEFAULT_N_BOOT = 2000


@functools.lru_cache(maxsize=64)
def _z(confidence: float) -> float:
    """The two-sided normal quantile of ``confidence`` (memoised: scipy's ppf costs tens of
    microseconds a call, paid several times per results table)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    return float(_st.norm.ppf(1 - (1 - confidence) / 2))


def _out(a: np.ndarray) -> np.ndarray | float:
    return float(a) if np.ndim(a) == 0 else a


# ---------------------------------------------------------------------------------------------
# Proportions
# ---------------------------------------------------------------------------------------------


def fpc_inflated_n(
    n: ArrayLike, population_size: ArrayLike | None, sample_size: ArrayLike | None = None
) -> np.ndarray:
    """Effective n after finite-population correction: n * (N - 1) / (N - n_sample).

    ``sample_size`` (unweighted respondents) defaults to ``n``. Returns ``inf`` for a census
    (n_sample >= N) and ``n`` unchanged where N is None/NaN.
    """
    n = np.asarray(n, dtype=float)
    if population_size is None:
        return n
    big_n = np.asarray(population_size, dtype=float)
    ss = n if sample_size is None else np.asarray(sample_size, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.any((ss > big_n) & np.isfinite(big_n)):
            raise ValueError("sample size exceeds population size")
        adj = np.where(ss >= big_n, np.inf, n * (big_n - 1) / (big_n - ss))
    return np.where(np.isnan(big_n), n, adj)


def wilson_ci(
    successes: ArrayLike,
    n: ArrayLike,
    confidence: float = 0.95,
    population_size: ArrayLike | None = None,
    sample_size: ArrayLike | None = None,
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Wilson score interval (no continuity correction) for ``successes / n``.

    Vectorised over arrays. ``successes`` and ``n`` may be non-integer (weighted data: pass
    ``p * n_eff`` and ``n_eff``). With ``population_size`` N the interval is narrowed by the
    finite-population correction (see :func:`fpc_inflated_n`; ``sample_size`` = unweighted n
    for the sampling fraction). n == 0 gives (NaN, NaN). Returns (low, high) in [0, 1].

    Oracle: 81/263 -> (0.2553, 0.3662) (Newcombe 1998a).
    """
    lo, hi = _wilson_z(successes, n, _z(confidence), population_size, sample_size)
    return _out(lo), _out(hi)


def _wilson_z(
    successes: ArrayLike,
    n: ArrayLike,
    z: float | np.ndarray,
    population_size: ArrayLike | None = None,
    sample_size: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`wilson_ci` for a given normal quantile ``z`` (scalar or array)."""
    return _WilsonParts.of(successes, n, population_size, sample_size).limits(z)


@dataclass(frozen=True)
class _WilsonParts:
    """What the Wilson limits need apart from z, computed once (a test inversion evaluates
    the limits at many z)."""

    p: np.ndarray
    ne: np.ndarray  # effective n after the fpc (1 where infinite)
    finite: np.ndarray
    at_zero: np.ndarray
    at_full: np.ndarray
    empty: np.ndarray

    @classmethod
    def of(
        cls,
        successes: ArrayLike,
        n: ArrayLike,
        population_size: ArrayLike | None = None,
        sample_size: ArrayLike | None = None,
    ) -> _WilsonParts:
        x = np.asarray(successes, dtype=float)
        n0 = np.asarray(n, dtype=float)
        if np.any(x < 0) or np.any(x > n0 + 1e-9):
            raise ValueError("need 0 <= successes <= n")
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(n0 > 0, x / n0, np.nan)
            ne = fpc_inflated_n(n0, population_size, sample_size)
        finite = np.isfinite(ne)
        return cls(p, np.where(finite, ne, 1.0), finite, x <= 0, x >= n0, ~(n0 > 0))

    @classmethod
    def stacked(cls, a: _WilsonParts, b: _WilsonParts, shape: tuple[int, ...]) -> _WilsonParts:
        """``a`` and ``b`` (each broadcast to ``shape``) as one flat set of parts."""

        def cat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return np.concatenate([np.broadcast_to(x, shape).ravel(),
                                   np.broadcast_to(y, shape).ravel()])  # fmt: skip

        return cls(*(cat(getattr(a, f), getattr(b, f)) for f in
                     ("p", "ne", "finite", "at_zero", "at_full", "empty")))  # fmt: skip

    def limits(self, z: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, ne = self.p, self.ne
        with np.errstate(divide="ignore", invalid="ignore"):
            z2 = z * z
            denom = 1 + z2 / ne
            centre = (p + z2 / (2 * ne)) / denom
            half = z * np.sqrt(p * (1 - p) / ne + z2 / (4 * ne * ne)) / denom
            lo = np.where(self.finite, centre - half, p)
            hi = np.where(self.finite, centre + half, p)
        lo = np.where(self.at_zero, 0.0, np.clip(lo, 0.0, 1.0))
        hi = np.where(self.at_full, 1.0, np.clip(hi, 0.0, 1.0))
        return np.where(self.empty, np.nan, lo), np.where(self.empty, np.nan, hi)


@dataclass(frozen=True)
class ProportionEstimate:
    """A (possibly weighted) proportion with its Wilson interval."""

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    count: int
    n_weighted: float
    n_effective: float
    method: str


def kish_effective_n(weights: ArrayLike) -> float:
    """Kish (1965) effective sample size (sum w)^2 / sum w^2; 0 for no weights."""
    w = np.asarray(weights, dtype=float)
    w = w[~np.isnan(w)]
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    s2 = float(np.sum(w * w))
    return float(np.sum(w) ** 2 / s2) if s2 > 0 else 0.0


def proportion_method(weighted: bool, fpc: bool) -> str:
    """Name of the proportion interval method as written to the results table."""
    return "wilson" + ("-kish" if weighted else "") + ("+fpc" if fpc else "")


def proportion(
    y: ArrayLike,
    weights: ArrayLike | None = None,
    confidence: float = 0.95,
    population_size: int | None = None,
) -> ProportionEstimate:
    """Proportion of true/1 values in ``y`` (NaN dropped) with Wilson CI.

    With ``weights`` the estimate is the weighted share and the interval uses the Kish
    effective n; ``population_size`` applies the finite-population correction.
    """
    yv = np.asarray(y, dtype=float)
    w = np.ones_like(yv) if weights is None else np.asarray(weights, dtype=float)
    keep = ~np.isnan(yv) & ~np.isnan(w)
    yv, w = yv[keep], w[keep]
    n = int(yv.size)
    sw = float(w.sum())
    p = float(np.sum(w * yv) / sw) if sw > 0 else np.nan
    weighted = weights is not None and not np.allclose(w, w[0] if n else 1.0)
    n_eff = kish_effective_n(w) if weighted else float(n)
    lo, hi = wilson_ci(p * n_eff if n else 0.0, n_eff, confidence, population_size, n)
    return ProportionEstimate(
        estimate=p,
        ci_low=float(lo),
        ci_high=float(hi),
        n=n,
        count=int(np.sum(yv > 0)),
        n_weighted=sw,
        n_effective=n_eff,
        method=proportion_method(weighted, population_size is not None),
    )


def newcombe_from_intervals(
    p1: ArrayLike, l1: ArrayLike, u1: ArrayLike, p2: ArrayLike, l2: ArrayLike, u2: ArrayLike
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float]:
    """Newcombe (1998b) method 10 for p1 - p2 from the two single-proportion intervals.

    L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    Returns (difference, low, high); vectorised.
    """
    p1, l1, u1, p2, l2, u2 = (np.asarray(a, dtype=float) for a in (p1, l1, u1, p2, l2, u2))
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return _out(d), _out(np.clip(lo, -1, 1)), _out(np.clip(hi, -1, 1))


def newcombe_diff_ci(
    x1: ArrayLike,
    n1: ArrayLike,
    x2: ArrayLike,
    n2: ArrayLike,
    confidence: float = 0.95,
    population_size1: ArrayLike | None = None,
    population_size2: ArrayLike | None = None,
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float]:
    """Difference p1 - p2 of independent proportions with Newcombe's hybrid score interval.

    Newcombe (1998b), method 10 (Wilson intervals without continuity correction). ``x``/``n``
    may be effective (weighted) counts. Optional population sizes apply the fpc to each
    Wilson interval. Returns (difference, low, high).

    Oracle: 56/70 - 48/80 -> 0.2000 (0.0524, 0.3339).
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.where(n1 > 0, x1 / n1, np.nan)
        p2 = np.where(n2 > 0, x2 / n2, np.nan)
    l1, u1 = wilson_ci(x1, n1, confidence, population_size1)
    l2, u2 = wilson_ci(x2, n2, confidence, population_size2)
    return newcombe_from_intervals(p1, l1, u1, p2, l2, u2)


def newcombe_p_value(
    x1: ArrayLike,
    n1: ArrayLike,
    x2: ArrayLike,
    n2: ArrayLike,
    population_size1: ArrayLike | None = None,
    population_size2: ArrayLike | None = None,
    sample_size1: ArrayLike | None = None,
    sample_size2: ArrayLike | None = None,
    margin: float = 0.0,
    noise_sd1: ArrayLike | None = None,
    noise_sd2: ArrayLike | None = None,
) -> np.ndarray | float:
    """Two-sided p-value of |p1 - p2| <= ``margin``, dual to Newcombe's interval (method 10).

    The p-value is the smallest alpha at which the (1 - alpha) Newcombe interval of
    p1 - p2 lies entirely outside [-margin, margin] (test inversion), found by bisection on
    the normal quantile z (60 steps, vectorised). With ``margin=0`` this is the test of
    p1 = p2, and "the 95 % interval excludes 0" and "p < 0.05" always agree. A margin > 0
    tests for a *relevant* difference (more than ``margin`` proportion points); p = 1 where
    |p1 - p2| <= margin. ``x``/``n`` may be effective (weighted) counts; population sizes
    apply the fpc as in :func:`wilson_ci`; ``noise_sd`` widens each Wilson interval for the
    perturbation of published counts as :func:`widen_interval` does. NaN where a base is 0.
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    x1, n1, x2, n2 = np.broadcast_arrays(x1, n1, x2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.where(n1 > 0, x1 / n1, np.nan)
        p2 = np.where(n2 > 0, x2 / n2, np.nan)
    d = p1 - p2
    z_lo = np.zeros(d.shape)
    z_hi = np.full(d.shape, 8.5)  # 2 * sf(8.5) ~ 2e-17: below any level anyone uses
    # both sides' limits in one array (the same element-wise arithmetic, half the calls)
    k = d.size
    both = _WilsonParts.stacked(
        _WilsonParts.of(x1, n1, population_size1, sample_size1),
        _WilsonParts.of(x2, n2, population_size2, sample_size2),
        d.shape,
    )
    sd1 = None if noise_sd1 is None else np.asarray(noise_sd1, dtype=float)
    sd2 = None if noise_sd2 is None else np.asarray(noise_sd2, dtype=float)
    sd12 = p12 = None
    if sd1 is not None and sd2 is not None:
        sd12 = np.concatenate([np.broadcast_to(sd, d.shape).ravel() for sd in (sd1, sd2)])
        p12 = np.concatenate([p1.ravel(), p2.ravel()])
    for _ in range(36):  # 8.5 / 2**36: far below any p-value anyone reads
        z = (z_lo + z_hi) / 2
        zz = np.concatenate([z.ravel(), z.ravel()])
        lo12, hi12 = both.limits(zz)
        if sd12 is not None:
            lo12, hi12 = _widen(p12, lo12, hi12, zz * sd12)  # type: ignore[arg-type]
        l1, u1 = lo12[:k].reshape(d.shape), hi12[:k].reshape(d.shape)
        l2, u2 = lo12[k:].reshape(d.shape), hi12[k:].reshape(d.shape)
        if sd12 is None and sd1 is not None:
            l1, u1 = _widen(p1, l1, u1, z * sd1)
        if sd12 is None and sd2 is not None:
            l2, u2 = _widen(p2, l2, u2, z * sd2)
        lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        excludes = np.where(d > 0, lo > margin, hi < -margin)
        z_lo = np.where(excludes, z, z_lo)
        z_hi = np.where(excludes, z_hi, z)
    p = 2 * _st.norm.sf(z_lo)
    p = np.where(np.abs(d) <= margin, 1.0, p)
    return _out(np.where(np.isnan(d), np.nan, p))


def _widen(
    p: np.ndarray, lo: np.ndarray, hi: np.ndarray, extra: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        extra = np.where(np.isnan(extra), 0.0, extra)
        new_lo = p - np.sqrt((p - lo) ** 2 + extra**2)
        new_hi = p + np.sqrt((hi - p) ** 2 + extra**2)
    return np.clip(new_lo, 0.0, 1.0), np.clip(new_hi, 0.0, 1.0)


def widen_interval(
    estimate: ArrayLike,
    ci_low: ArrayLike,
    ci_high: ArrayLike,
    noise_sd: ArrayLike,
    confidence: float = 0.95,
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """An interval widened for an independent additive error of known sd (here: the
    perturbation of published counts), square-and-add on each side (the MOVER principle of
    Zou & Donner 2008, the same device as Newcombe's method 10): L = p - sqrt((p - l)^2 +
    (z sd)^2), U = p + sqrt((u - p)^2 + (z sd)^2), clipped to [0, 1]."""
    p, lo, hi, sd = (np.asarray(a, dtype=float) for a in (estimate, ci_low, ci_high, noise_sd))
    new_lo, new_hi = _widen(p, lo, hi, _z(confidence) * sd)
    return _out(new_lo), _out(new_hi)


def wave_change(
    x_before: ArrayLike,
    n_before: ArrayLike,
    x_after: ArrayLike,
    n_after: ArrayLike,
    confidence: float = 0.95,
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float]:
    """Change of a proportion between two survey waves: p_after - p_before, Newcombe CI.

    The waves are treated as independent samples: responses are anonymous, so the same
    person cannot be linked across waves. (For overlapping samples this interval is
    conservative when the waves are positively correlated.)
    """
    return newcombe_diff_ci(x_after, n_after, x_before, n_before, confidence)


# ---------------------------------------------------------------------------------------------
# Tests and effect sizes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResult:
    """Outcome of a significance test. ``method`` names the test actually run."""

    method: str
    statistic: float
    p_value: float
    dof: float = np.nan
    effect_size: float = np.nan
    effect_size_method: str = ""
    warning: str = ""


COCHRAN_MIN_EXPECTED = 5.0


def _clean_table(table: ArrayLike) -> np.ndarray:
    t = np.asarray(table, dtype=float)
    if t.ndim != 2:
        raise ValueError("contingency table must be 2-dimensional")
    if np.any(t < 0) or np.any(np.isnan(t)):
        raise ValueError("contingency table must hold non-negative counts")
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    return t


def cramers_v(table: ArrayLike, bias_correction: bool = False) -> float:
    """Cramér's V = sqrt(chi2 / (n (min(r, c) - 1))) from the uncorrected Pearson chi2.

    ``bias_correction`` applies Bergsma (2013). Empty rows/columns are dropped first.
    """
    t = _clean_table(table)
    r, c = t.shape
    if min(r, c) < 2:
        return np.nan
    n = t.sum()
    chi2 = _st.chi2_contingency(t, correction=False)[0]
    if not bias_correction:
        return float(np.sqrt(chi2 / (n * (min(r, c) - 1))))
    phi2 = max(0.0, chi2 / n - (r - 1) * (c - 1) / (n - 1))
    rc = r - (r - 1) ** 2 / (n - 1)
    cc = c - (c - 1) ** 2 / (n - 1)
    return float(np.sqrt(phi2 / min(rc - 1, cc - 1)))


def association_test(table: ArrayLike) -> TestResult:
    """Test of independence for an r x c table of counts, chosen by Cochran's rule.

    * 2 x 2 with any expected count < 5: Fisher's exact test, two-sided
      (``"fisher-exact"``; oracle [[8, 2], [1, 5]] -> p = 0.034965).
    * otherwise Pearson's chi-square without continuity correction (``"pearson-chi2"``).
      For tables larger than 2 x 2 Cochran's rule (no expected count < 1 and at most 20 %
      below 5) is checked and a violation is reported in ``warning`` (an exact test of an
      r x c table is not offered; treat the p-value as approximate).

    Empty rows/columns are dropped; a table with fewer than two non-empty rows or columns
    returns method ``"not-testable"`` and NaN. ``effect_size`` is Cramér's V.
    """
    t = _clean_table(table)
    if min(t.shape) < 2:
        return TestResult("not-testable", np.nan, np.nan, warning="fewer than 2 rows/columns")
    chi2, p, dof, expected = _st.chi2_contingency(t, correction=False)
    v = cramers_v(t)
    if t.shape == (2, 2) and np.any(expected < COCHRAN_MIN_EXPECTED):
        res = _st.fisher_exact(t, alternative="two-sided")
        return TestResult(
            "fisher-exact", float(res.statistic), float(res.pvalue), np.nan, v, "cramers-v"
        )
    warning = ""
    if np.any(expected < 1) or np.mean(expected < COCHRAN_MIN_EXPECTED) > 0.2:
        warning = "Cochran rule violated: expected counts small, p-value approximate"
    return TestResult("pearson-chi2", float(chi2), float(p), float(dof), v, "cramers-v", warning)


def _clean(x: ArrayLike) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    return a[~np.isnan(a)]


def rank_biserial(x: ArrayLike, y: ArrayLike) -> float:
    """Rank-biserial correlation r = 2 U_x / (n_x n_y) - 1 (Kerby 2014, simple difference).

    Equals P(X > Y) - P(X < Y) (ties count half): +1 when every x exceeds every y.
    """
    a, b = _clean(x), _clean(y)
    if a.size == 0 or b.size == 0:
        return np.nan
    ranks = _st.rankdata(np.concatenate([a, b]))
    u_x = ranks[: a.size].sum() - a.size * (a.size + 1) / 2
    return float(2 * u_x / (a.size * b.size) - 1)


def mann_whitney(x: ArrayLike, y: ArrayLike) -> TestResult:
    """Two-sided Mann-Whitney U test (scipy, exact for small samples without ties).

    ``statistic`` is U for ``x``; ``effect_size`` the rank-biserial r (positive when x tends
    to be larger). NaNs are dropped.
    """
    a, b = _clean(x), _clean(y)
    if a.size == 0 or b.size == 0:
        return TestResult("mann-whitney-u", np.nan, np.nan, warning="empty sample")
    res = _st.mannwhitneyu(a, b, alternative="two-sided", method="auto")
    return TestResult(
        "mann-whitney-u",
        float(res.statistic),
        float(res.pvalue),
        np.nan,
        rank_biserial(a, b),
        "rank-biserial",
    )


def kruskal_wallis(*groups: ArrayLike) -> TestResult:
    """Kruskal-Wallis H test (tie-corrected, scipy); effect size epsilon^2 = H / (n - 1).

    (Tomczak & Tomczak 2014.) Empty groups are dropped; fewer than two groups or all values
    equal give NaN.
    """
    gs = [g for g in (_clean(g) for g in groups) if g.size]
    if len(gs) < 2:
        return TestResult("kruskal-wallis-h", np.nan, np.nan, warning="fewer than 2 groups")
    n = sum(g.size for g in gs)
    try:
        res = _st.kruskal(*gs)
    except ValueError as exc:  # all numbers identical
        return TestResult("kruskal-wallis-h", np.nan, np.nan, warning=str(exc))
    h = float(res.statistic)
    return TestResult(
        "kruskal-wallis-h", h, float(res.pvalue), len(gs) - 1, h / (n - 1), "epsilon-squared"
    )


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Benjamini & Hochberg (1995) adjusted p-values (step-up FDR); NaNs stay NaN.

    Reject H_(i) at FDR q when adjusted p <= q. m counts the non-NaN p-values.
    """
    p = np.asarray(p_values, dtype=float).ravel()
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    pv = p[ok]
    m = pv.size
    if m == 0:
        return out
    if np.any((pv < 0) | (pv > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    order = np.argsort(pv, kind="mergesort")
    scaled = pv[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(scaled[::-1])[::-1]
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


# ---------------------------------------------------------------------------------------------
# Reliability
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    """A reliability coefficient with optional interval."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    method: str


def cronbach_alpha(items: pd.DataFrame | np.ndarray, confidence: float = 0.95) -> AlphaResult:
    """Cronbach's alpha of a respondents x items matrix with Feldt's F-based interval.

    Listwise deletion of respondents with any missing item. alpha = k/(k-1) (1 - sum s_i^2 /
    s_total^2) with sample variances (ddof=1). Feldt, Woodruff & Salih (1987):
    low = 1 - (1 - alpha) F_{1-g/2}(n-1, (n-1)(k-1)), high = 1 - (1 - alpha) F_{g/2}(...),
    g = 1 - confidence. ``n`` is the number of complete respondents, ``k`` of items.
    """
    m = np.asarray(items, dtype=float)
    if m.ndim != 2 or m.shape[1] < 2:
        raise ValueError("need a 2-D matrix with at least two items")
    m = m[~np.isnan(m).any(axis=1)]
    n, k = m.shape
    if n < 2:
        return AlphaResult(np.nan, np.nan, np.nan, n, k, "cronbach-feldt")
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return AlphaResult(np.nan, np.nan, np.nan, n, k, "cronbach-feldt")
    a = k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / total_var)
    g = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - a) * _st.f.isf(g / 2, df1, df2)
    hi = 1 - (1 - a) * _st.f.isf(1 - g / 2, df1, df2)
    return AlphaResult(float(a), float(lo), float(hi), n, k, "cronbach-feldt")


def krippendorff_alpha(
    data: pd.DataFrame | np.ndarray | Sequence[Sequence[object]],
    level: Literal["nominal", "ordinal", "interval"] = "nominal",
) -> float:
    """Krippendorff's alpha for a coders x units reliability matrix with missing values.

    Missing values are None/NaN. Units with fewer than two values are not pairable and are
    ignored. Follows Krippendorff (2011): coincidence matrix o_ck = sum_u sum_{pairs}
    1/(m_u - 1); alpha = 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck with d the squared
    difference function of the ``level`` (nominal: 0/1; interval: (c - k)^2; ordinal:
    (sum_{g=c..k} n_g - (n_c + n_k)/2)^2). Ordinal/interval need numeric values.
    Returns NaN when there is no pairable unit or no variation (D_e = 0).
    """
    raw = np.asarray(data, dtype=object)
    if raw.ndim != 2:
        raise ValueError("reliability data must be coders x units")
    flat = [v for v in raw.ravel() if not _is_missing(v)]
    if not flat:
        return np.nan
    if level == "nominal":
        values = sorted(set(flat), key=lambda v: (str(type(v)), v))
    elif level in ("ordinal", "interval"):
        values = sorted({float(v) for v in flat})
    else:
        raise ValueError("level must be nominal, ordinal or interval")
    index = {v: i for i, v in enumerate(values)}
    n_units, n_vals = raw.shape[1], len(values)
    counts = np.zeros((n_units, n_vals))
    for u in range(n_units):
        for v in raw[:, u]:
            if not _is_missing(v):
                counts[u, index[v if level == "nominal" else float(v)]] += 1
    m_u = counts.sum(axis=1)
    counts, m_u = counts[m_u >= 2], m_u[m_u >= 2]
    if counts.shape[0] == 0:
        return np.nan
    scaled = counts / (m_u - 1)[:, None]
    o = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if level == "nominal":
        delta = 1.0 - np.eye(n_vals)
    elif level == "interval":
        v = np.asarray(values)
        delta = (v[:, None] - v[None, :]) ** 2
    else:
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        i, j = np.meshgrid(np.arange(n_vals), np.arange(n_vals), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cum[hi + 1] - cum[lo]
        delta = (between - (n_c[i] + n_c[j]) / 2) ** 2
    d_e = float(np.sum(np.outer(n_c, n_c) * delta))
    if d_e == 0:
        return np.nan
    return float(1 - (n - 1) * np.sum(o * delta) / d_e)


def _is_missing(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return bool(np.isnan(v))  # type: ignore[arg-type]
    except TypeError:
        return False


# ---------------------------------------------------------------------------------------------
# Bootstrap for means / medians of discrete scales
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleEstimate:
    """Mean or median of a scale with a bootstrap percentile interval."""

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    n_weighted: float
    method: str


def _median_from_counts(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Median from (possibly weighted) counts per sorted value; rows = replicates.

    Where the cumulative share hits exactly one half the median is the average of the two
    neighbouring values (matches ``np.median`` for unweighted data).
    """
    counts = np.atleast_2d(counts)
    cum = np.cumsum(counts, axis=1)
    total = cum[:, -1:]
    half = total / 2
    tol = 1e-9 * np.maximum(total, 1)
    k = values.size
    lo = np.minimum((cum < half - tol).sum(axis=1), k - 1)
    hi = np.minimum((cum <= half + tol).sum(axis=1), k - 1)
    return (values[lo] + values[hi]) / 2


def bootstrap_scale(
    values: ArrayLike,
    statistic: Literal["mean", "median"] = "median",
    weights: ArrayLike | None = None,
    confidence: float = 0.95,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
    population_size: int | None = None,
) -> ScaleEstimate:
    """Mean or median of numeric answers with a seeded bootstrap percentile interval.

    NaNs are dropped (pass "weiß nicht" as NaN: never averaged in). The resampling draws
    category counts from a multinomial with the observed (weighted) shares and size n
    (n_eff, rounded, when weighted), which is the nonparametric bootstrap for discrete data.
    With ``population_size`` N the interval's distances from the estimate are multiplied by
    sqrt((N - n) / (N - 1)) (method suffix ``"+fpc"``). Deterministic for a given seed.
    """
    x = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    keep = ~np.isnan(x) & ~np.isnan(w)
    x, w = x[keep], w[keep]
    n = int(x.size)
    method = f"bootstrap-percentile-{statistic}"
    if n == 0:
        return ScaleEstimate(np.nan, np.nan, np.nan, 0, 0.0, method)
    vals, inv = np.unique(x, return_inverse=True)
    wc = np.bincount(inv, weights=w, minlength=vals.size)
    shares = wc / wc.sum()
    weighted = weights is not None and not np.allclose(w, w[0])
    size = max(1, round(kish_effective_n(w))) if weighted else n

    def stat(c: np.ndarray) -> np.ndarray:
        c = np.atleast_2d(c)
        if statistic == "mean":
            return (c @ vals) / c.sum(axis=1)
        if statistic == "median":
            return _median_from_counts(vals, c)
        raise ValueError("statistic must be 'mean' or 'median'")

    est = float(stat(wc)[0])
    rng = np.random.default_rng(seed)
    reps = stat(rng.multinomial(size, shares, size=n_boot).astype(float))
    g = 1 - confidence
    lo, hi = np.quantile(reps, [g / 2, 1 - g / 2])
    if population_size is not None:
        if n > population_size:
            raise ValueError("sample size exceeds population size")
        f = np.sqrt((population_size - n) / (population_size - 1)) if population_size > 1 else 0
        lo, hi = est - (est - lo) * f, est + (hi - est) * f
        method += "+fpc"
    return ScaleEstimate(est, float(lo), float(hi), n, float(w.sum()), method)


# ---------------------------------------------------------------------------------------------
# Weighting
# ---------------------------------------------------------------------------------------------


class RakingError(ValueError):
    """Margins cannot be matched (impossible margins, bad input or no convergence)."""


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    base_weights: ArrayLike | None = None,
    total: float | None = None,
    max_iter: int = 200,
    tol: float = 1e-10,
) -> pd.Series:
    """Rake weights so that weighted margins match known population margins (IPF).

    ``margins`` maps a column of ``frame`` to {level: target}; targets may be counts or
    shares (each margin is normalised to shares, then scaled to ``total``; default: the sum
    of ``base_weights``, i.e. n when unweighted). Every respondent must have a level listed
    in each margin (code non-response as its own level, e.g. "keine Angabe", if its
    population share is known).

    Raises :class:`RakingError` when a variable is missing, a respondent's level is absent
    from the margins, a level with a positive target has no respondents (impossible
    margins), a target is negative, or the weights have not converged after ``max_iter``
    full cycles (convergence: max relative deviation of every margin < ``tol``).

    Returns the weights as a Series aligned with ``frame.index`` (name ``"weight"``).
    """
    if not margins:
        raise RakingError("no margins given")
    n = len(frame)
    if n == 0:
        raise RakingError("cannot rake an empty frame")
    w = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float).copy()
    if w.shape != (n,) or np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise RakingError("base weights must be positive and one per respondent")
    grand = float(w.sum()) if total is None else float(total)
    plan: list[tuple[str, np.ndarray, np.ndarray]] = []
    for var, target in margins.items():
        if var not in frame.columns:
            raise RakingError(f"margin variable {var!r} is not in the sample")
        col = frame[var]
        if col.isna().any():
            raise RakingError(f"{var!r} has missing values; code them as a level")
        levels = [str(k) for k in target]
        t = np.array([float(v) for v in target.values()])
        if np.any(t < 0) or t.sum() <= 0:
            raise RakingError(f"targets for {var!r} must be non-negative with a positive sum")
        codes = pd.Index(levels).get_indexer(col.astype(str))
        if np.any(codes < 0):
            bad = sorted(set(col.astype(str)) - set(levels))
            raise RakingError(f"{var!r}: sample levels {bad} have no population margin")
        present = np.bincount(codes, minlength=len(levels)) > 0
        missing = [lv for lv, p, tv in zip(levels, present, t, strict=True) if not p and tv > 0]
        if missing:
            raise RakingError(
                f"impossible margins for {var!r}: levels {missing} have a target but no "
                "respondents in the sample"
            )
        plan.append((var, codes.astype(np.intp), t / t.sum() * grand))
    for _ in range(max_iter):
        for _var, codes, t in plan:
            cur = np.bincount(codes, weights=w, minlength=t.size)
            factor = np.divide(t, cur, out=np.zeros_like(t), where=cur > 0)
            w = w * factor[codes]
        dev = 0.0
        for _var, codes, t in plan:
            cur = np.bincount(codes, weights=w, minlength=t.size)
            dev = max(dev, float(np.max(np.abs(cur - t) / np.maximum(t, 1e-300) * (t > 0))))
        if dev < tol:
            return pd.Series(w, index=frame.index, name="weight")
    raise RakingError(f"raking did not converge in {max_iter} iterations (max dev {dev:.2g})")
