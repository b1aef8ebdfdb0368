"""Statistics against published reference values (source cited at each test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from analysis import stats


# --- Wilson ----------------------------------------------------------------------------------
# Newcombe RG (1998a) Two-sided confidence intervals for the single proportion: comparison of
# seven methods. Stat Med 17:857-872, Table I/II, method 3 (Wilson score, no CC).
@pytest.mark.parametrize(
    ("x", "n", "lo", "hi"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_newcombe_1998a(x, n, lo, hi):
    got = stats.wilson_ci(x, n)
    assert got[0] == pytest.approx(lo, abs=5e-5)
    assert got[1] == pytest.approx(hi, abs=5e-5)


def test_wilson_vectorised_and_edge_cases():
    lo, hi = stats.wilson_ci(np.array([0, 5, 10]), np.array([10, 10, 10]))
    assert lo[0] == 0.0 and hi[2] == 1.0
    assert lo[1] < 0.5 < hi[1]
    # symmetric around 1/2 for x = n/2
    assert 0.5 - lo[1] == pytest.approx(hi[1] - 0.5)
    nan_lo, nan_hi = stats.wilson_ci(0, 0)
    assert np.isnan(nan_lo) and np.isnan(nan_hi)
    with pytest.raises(ValueError):
        stats.wilson_ci(5, 3)


def test_wilson_fpc():
    # fpc: n_eff = n (N-1)/(N-n); 10 of N = 20 sampled -> n_eff = 19
    lo, hi = stats.wilson_ci(5, 10, population_size=20)
    lo_ref, hi_ref = stats.wilson_ci(5 * 1.9, 19)
    assert (lo, hi) == pytest.approx((lo_ref, hi_ref))
    assert hi - lo < np.subtract(*stats.wilson_ci(5, 10)[::-1])
    # census: zero width
    assert stats.wilson_ci(3, 10, population_size=10) == pytest.approx((0.3, 0.3))
    with pytest.raises(ValueError):
        stats.wilson_ci(3, 10, population_size=8)


def test_weighted_proportion_uses_kish_n():
    y = np.array([1, 0, 1, 0, 1, 1])
    w = np.array([1, 1, 2, 2, 1, 1])
    est = stats.proportion(y, w)
    assert est.estimate == pytest.approx(5 / 8)
    # Kish n_eff = (sum w)^2 / sum w^2 = 64 / 12
    assert est.n_effective == pytest.approx(64 / 12)
    lo, hi = stats.wilson_ci(5 / 8 * 64 / 12, 64 / 12)
    assert (est.ci_low, est.ci_high) == pytest.approx((lo, hi))
    assert est.method == "wilson-kish"
    assert stats.proportion(y).method == "wilson"


def test_kish_effective_n():
    # Kish (1965): n_eff = (sum w)^2 / sum w^2
    assert stats.kish_effective_n([1, 1, 1, 1]) == 4
    assert stats.kish_effective_n([1, 3]) == pytest.approx(16 / 10)


# --- Newcombe difference --------------------------------------------------------------------
# Newcombe RG (1998b) Interval estimation for the difference between independent proportions:
# comparison of eleven methods. Stat Med 17:873-890, Table II, method 10.
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lo", "hi"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_newcombe_1998b_method10(x1, n1, x2, n2, lo, hi):
    d, got_lo, got_hi = stats.newcombe_diff_ci(x1, n1, x2, n2)
    assert d == pytest.approx(x1 / n1 - x2 / n2)
    assert got_lo == pytest.approx(lo, abs=5e-5)
    assert got_hi == pytest.approx(hi, abs=5e-5)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lo", "hi"),
    [
        # Recomputed from the method-10 formula with the Wilson limits (not used as
        # published oracles: the values circulated for these two examples, 0.0068-0.7226 and
        # -0.0326-0.1933, could not be reproduced by method 10 or 11 and were not verified
        # against the paper's text).
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
    ],
)
def test_newcombe_recomputed_examples(x1, n1, x2, n2, lo, hi):
    d, got_lo, got_hi = stats.newcombe_diff_ci(x1, n1, x2, n2)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = stats.wilson_ci(x1, n1)
    l2, u2 = stats.wilson_ci(x2, n2)
    assert got_lo == pytest.approx(p1 - p2 - np.hypot(p1 - l1, u2 - p2))
    assert got_hi == pytest.approx(p1 - p2 + np.hypot(u1 - p1, p2 - l2))
    assert (got_lo, got_hi) == pytest.approx((lo, hi), abs=5e-5)


def test_wave_change_is_after_minus_before():
    d, lo, hi = stats.wave_change(48, 80, 56, 70)
    assert d == pytest.approx(0.2)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=5e-5)


# --- Association tests ----------------------------------------------------------------------
def test_fisher_exact_oracle():
    # DESIGN.md oracle; also R fisher.test(matrix(c(8,1,2,5),2)) p-value = 0.03497
    res = stats.association_test([[8, 2], [1, 5]])
    assert res.method == "fisher-exact"
    assert res.p_value == pytest.approx(0.034965, abs=5e-7)


def test_chi_square_scipy_documented_example():
    # scipy.stats.chi2_contingency docs: [[10, 10, 20], [20, 20, 20]] -> 2.7777..., 0.24935
    res = stats.association_test([[10, 10, 20], [20, 20, 20]])
    assert res.method == "pearson-chi2"
    assert res.statistic == pytest.approx(2.777777777777778)
    assert res.p_value == pytest.approx(0.24935, abs=5e-6)
    assert res.dof == 2
    assert res.warning == ""


def test_cochran_rule_large_table_flagged():
    res = stats.association_test([[1, 0, 3], [2, 6, 1], [0, 1, 9]])
    assert res.method == "pearson-chi2"
    assert "Cochran" in res.warning


def test_two_by_two_large_expected_uses_uncorrected_chi2():
    t = [[30, 20], [15, 35]]
    res = stats.association_test(t)
    assert res.method == "pearson-chi2"
    assert res.statistic == pytest.approx(st.chi2_contingency(t, correction=False)[0])


def test_cramers_v_published():
    # Agresti (2007) An Introduction to Categorical Data Analysis, 2nd ed., Table 2.5 (party
    # identification by gender): chi2 = 30.07 (df 2), n = 2757 -> V = sqrt(30.07/2757) = 0.1044
    table = [[762, 327, 468], [484, 239, 477]]
    res = stats.association_test(table)
    assert res.statistic == pytest.approx(30.07, abs=0.01)
    assert stats.cramers_v(table) == pytest.approx(0.1044, abs=1e-4)
    # cross-check against scipy.stats.contingency.association
    assert stats.cramers_v(table) == pytest.approx(
        st.contingency.association(np.array(table), method="cramer")
    )


# --- Ordinal tests --------------------------------------------------------------------------
def test_mann_whitney_scipy_doc_example():
    # scipy.stats.mannwhitneyu docs (example from its reference [4]): ages of male vs female
    # staff; U1 = 17, exact two-sided p = 0.1111 (= 14/126).
    males = [19, 22, 16, 29, 24]
    females = [20, 11, 17, 12]
    res = stats.mann_whitney(males, females)
    assert res.statistic == 17
    assert res.p_value == pytest.approx(0.111111, abs=1e-6)
    # Kerby (2014) simple difference formula: r = 1 - 2 U_small / (n1 n2); U_small = 20-17 = 3
    assert res.effect_size == pytest.approx(1 - 2 * 3 / 20)
    assert stats.rank_biserial(females, males) == pytest.approx(-0.7)


def test_rank_biserial_extremes():
    assert stats.rank_biserial([5, 6, 7], [1, 2]) == 1.0
    assert stats.rank_biserial([1, 1], [1, 1]) == 0.0


def test_kruskal_wallis_scipy_doc_example():
    # scipy.stats.kruskal docs: x=[1,3,5,7,9], y=[2,4,6,8,10] -> H=0.2727..., p=0.6015...
    res = stats.kruskal_wallis([1, 3, 5, 7, 9], [2, 4, 6, 8, 10])
    assert res.statistic == pytest.approx(0.2727272727272734)
    assert res.p_value == pytest.approx(0.6015081344405895)
    assert res.dof == 1
    assert res.effect_size == pytest.approx(0.2727272727272734 / 9)


def test_kruskal_wallis_textbook():
    # Hollander & Wolfe (1973), Table 6.1 (mucociliary efficiency; scipy/R kruskal.test
    # example): H = 0.7714 (df 2), p = 0.68
    x = [2.9, 3.0, 2.5, 2.6, 3.2]
    y = [3.8, 2.7, 4.0, 2.4]
    z = [2.8, 3.4, 3.7, 2.2, 2.0]
    res = stats.kruskal_wallis(x, y, z)
    assert res.statistic == pytest.approx(0.7714, abs=1e-4)
    assert res.p_value == pytest.approx(0.68, abs=0.005)


# --- Benjamini-Hochberg ---------------------------------------------------------------------
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.000,
]


def test_benjamini_hochberg_1995_example():
    # Benjamini & Hochberg (1995) JRSS B 57:289, section 4.2: 15 p-values, q = 0.05 ->
    # the four smallest are rejected.
    adj = stats.benjamini_hochberg(BH_1995)
    assert int(np.sum(adj <= 0.05)) == 4
    # hand-worked: p_(4) * 15 / 4 = 0.035625 and it is the minimum over i >= 4
    assert adj[3] == pytest.approx(0.0095 * 15 / 4)
    # step-up: adj_(1) = min_i p_(i) 15 / i = min(0.0015, 0.003, ...) = 0.0015
    assert adj[0] == pytest.approx(0.0001 * 15)
    assert adj[4] == pytest.approx(0.0201 * 15 / 5)
    assert adj[-1] == 1.0


def test_benjamini_hochberg_matches_scipy_and_nan():
    p = np.array([0.01, np.nan, 0.04, 0.03, 0.2])
    adj = stats.benjamini_hochberg(p)
    assert np.isnan(adj[1])
    ok = ~np.isnan(p)
    assert adj[ok] == pytest.approx(st.false_discovery_control(p[ok], method="bh"))
    assert stats.benjamini_hochberg(BH_1995) == pytest.approx(
        st.false_discovery_control(BH_1995, method="bh")
    )


# --- Reliability ----------------------------------------------------------------------------
# pingouin's documented example (pingouin.cronbach_alpha docstring, dataset
# "cronbach_alpha", 15 subjects x 10 items, tested there against R psych::alpha):
# alpha = 0.591719, Feldt 95 % CI [0.195, 0.84].
PINGOUIN_CRONBACH = {
    "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
}


def test_cronbach_alpha_pingouin_example():
    res = stats.cronbach_alpha(pd.DataFrame(PINGOUIN_CRONBACH))
    assert res.alpha == pytest.approx(0.591719, abs=5e-7)
    assert res.ci_low == pytest.approx(0.195, abs=5e-4)
    assert res.ci_high == pytest.approx(0.84, abs=5e-4)
    assert (res.n, res.k) == (15, 10)


def test_cronbach_alpha_listwise_deletion():
    df = pd.DataFrame(PINGOUIN_CRONBACH).astype(float)
    df.loc[15] = [np.nan] + [1.0] * 9
    assert stats.cronbach_alpha(df).alpha == pytest.approx(0.591719, abs=5e-7)


# Krippendorff K (2011) Computing Krippendorff's Alpha-Reliability, Univ. of Pennsylvania.
def test_krippendorff_two_coders_binary():
    # Section A: two observers, 10 units, binary, no missing data -> alpha = 0.095
    ben = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    gerry = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert stats.krippendorff_alpha([ben, gerry]) == pytest.approx(0.095, abs=5e-4)


KRIPP_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    ("level", "alpha"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_krippendorff_four_coders_missing(level, alpha):
    # Section C/D/E: 4 observers, 12 units, missing data -> nominal 0.743,
    # ordinal 0.815, interval 0.849
    assert stats.krippendorff_alpha(KRIPP_C, level) == pytest.approx(alpha, abs=5e-4)


def test_krippendorff_two_coders_with_missing_strings():
    a = ["housing", "work", None, "health", "health"]
    b = ["housing", "work", "work", None, "health"]
    # three pairable units, perfect agreement -> 1
    assert stats.krippendorff_alpha([a, b]) == 1.0
    assert np.isnan(stats.krippendorff_alpha([[None, "x"], ["y", None]]))


# --- Bootstrap ------------------------------------------------------------------------------
def test_bootstrap_median_deterministic_and_matches_numpy():
    x = np.array([1, 2, 2, 3, 4, 4, 4, 5, 5, 3, np.nan])
    a = stats.bootstrap_scale(x, "median", seed=7)
    b = stats.bootstrap_scale(x, "median", seed=7)
    assert a == b
    assert a.estimate == np.nanmedian(x)
    assert a.n == 10
    assert a.ci_low <= a.estimate <= a.ci_high
    assert a.method == "bootstrap-percentile-median"
    assert stats.bootstrap_scale([1, 2, 3, 4], "median").estimate == 2.5
    assert stats.bootstrap_scale([1, 3], "median").estimate == 2.0


def test_bootstrap_mean_close_to_normal_theory():
    rng = np.random.default_rng(1)
    x = rng.integers(1, 6, size=400).astype(float)
    res = stats.bootstrap_scale(x, "mean", n_boot=4000)
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert res.estimate == pytest.approx(x.mean())
    assert res.ci_high - res.ci_low == pytest.approx(2 * 1.96 * se, rel=0.1)


def test_bootstrap_fpc_narrows():
    x = [1, 2, 3, 4, 5, 5, 4, 3]
    plain = stats.bootstrap_scale(x, "mean")
    fpc = stats.bootstrap_scale(x, "mean", population_size=10)
    assert fpc.ci_high - fpc.ci_low < plain.ci_high - plain.ci_low
    assert fpc.method.endswith("+fpc")
    census = stats.bootstrap_scale(x, "mean", population_size=8)
    assert census.ci_low == census.ci_high == pytest.approx(np.mean(x))


# --- Raking ---------------------------------------------------------------------------------
def test_rake_reproduces_margins_exactly():
    frame = pd.DataFrame(
        {
            "sex": ["f", "f", "m", "m", "m", "f", "m", "m"],
            "area": ["a", "b", "a", "b", "b", "a", "a", "b"],
        }
    )
    margins = {"sex": {"f": 60, "m": 40}, "area": {"a": 30, "b": 70}}
    w = stats.rake(frame, margins, total=100)
    assert w.groupby(frame["sex"]).sum().to_dict() == pytest.approx({"f": 60, "m": 40})
    assert w.groupby(frame["area"]).sum().to_dict() == pytest.approx({"a": 30, "b": 70})
    assert (w > 0).all()


def test_rake_single_margin_is_poststratification():
    frame = pd.DataFrame({"g": ["x", "x", "x", "y"]})
    w = stats.rake(frame, {"g": {"x": 0.5, "y": 0.5}})
    # total defaults to n = 4: x weights 2/3 each, y weight 2
    assert w.tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])
    assert stats.kish_effective_n(w) == pytest.approx(16 / (3 * 4 / 9 + 4))


def test_rake_errors():
    frame = pd.DataFrame({"g": ["x", "x", "y"], "h": ["p", "q", None]})
    with pytest.raises(stats.RakingError, match="impossible margins"):
        stats.rake(frame, {"g": {"x": 1, "y": 1, "z": 1}})
    with pytest.raises(stats.RakingError, match="no population margin"):
        stats.rake(frame, {"g": {"x": 1}})
    with pytest.raises(stats.RakingError, match="missing values"):
        stats.rake(frame, {"h": {"p": 1, "q": 1}})
    with pytest.raises(stats.RakingError, match="not in the sample"):
        stats.rake(frame, {"zz": {"p": 1}})
    # a zero target for an absent level is fine
    assert len(stats.rake(frame, {"g": {"x": 1, "y": 1, "z": 0}})) == 3


def test_rake_non_convergence_reported():
    # structural zero: (f, a) and (m, b) only -> margins sex 50/50 and area 90/10 conflict
    frame = pd.DataFrame({"sex": ["f", "m"], "area": ["a", "b"]})
    with pytest.raises(stats.RakingError, match="did not converge"):
        stats.rake(frame, {"sex": {"f": 1, "m": 1}, "area": {"a": 9, "b": 1}}, max_iter=50)


# -- p-value dual to the Newcombe interval ---------------------------------------------------


def test_newcombe_p_value_is_dual_to_the_interval():
    """p < alpha exactly when the (1 - alpha) interval excludes 0 (test inversion)."""
    from analysis.stats import newcombe_diff_ci, newcombe_p_value

    rng = np.random.default_rng(7)
    n1, n2 = rng.integers(5, 300, 300), rng.integers(5, 300, 300)
    x1, x2 = rng.binomial(n1, 0.4), rng.binomial(n2, 0.5)
    p = newcombe_p_value(x1, n1, x2, n2)
    for alpha in (0.2, 0.05, 0.01):
        _, lo, hi = newcombe_diff_ci(x1, n1, x2, n2, 1 - alpha)
        excludes = (lo > 0) | (hi < 0)
        decided = np.abs(p - alpha) > 1e-9
        assert np.array_equal((p < alpha)[decided], excludes[decided])


def test_newcombe_p_value_against_the_pooled_z_test():
    """Cross-check with a second method: for moderate samples the score-based Newcombe test
    and the pooled two-proportion z-test (any textbook; computed here with scipy) agree
    closely. Newcombe's example 56/70 vs 48/80: z-test p = 0.00805."""
    from scipy import stats as st

    from analysis.stats import newcombe_p_value

    pooled = (56 + 48) / 150
    z = (56 / 70 - 48 / 80) / np.sqrt(pooled * (1 - pooled) * (1 / 70 + 1 / 80))
    z_test = 2 * st.norm.sf(z)
    assert z_test == pytest.approx(0.00805, abs=5e-5)
    assert newcombe_p_value(56, 70, 48, 80) == pytest.approx(z_test, rel=0.05)


def test_newcombe_p_value_with_a_relevance_margin():
    from analysis.stats import newcombe_diff_ci, newcombe_p_value

    assert newcombe_p_value(52, 100, 50, 100, margin=0.05) == 1.0  # |d| = 2 points
    assert newcombe_p_value(50, 100, 50, 100) == 1.0
    strict = newcombe_p_value(70, 100, 50, 100, margin=0.05)
    plain = newcombe_p_value(70, 100, 50, 100)
    assert plain < strict < 1
    # at level 1 - p the interval just touches the margin
    _, lo, _ = newcombe_diff_ci(70, 100, 50, 100, 1 - strict)
    assert lo == pytest.approx(0.05, abs=1e-6)
