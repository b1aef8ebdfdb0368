"""The administration's ratings before and after one new response (issue 23).

An attacker who sees the mean and the number of raters twice — before and after one
colleague answered — computes n·m(after) − (n−1)·m(before) = that colleague's rating.
With true n and exact means that is exact every time (checked here, so the attack is
real). Readers who may not see single answers get the means from perturbed counts and
sums (:func:`analysis.admin.perturbed_mean`); and releases never publish the ratings twice
in a wave (:mod:`analysis.catalogue`). Measured here: how often the attacker gets the
rating right, and how often the posterior over the five possible ratings reaches 95 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis import admin
from analysis.disclosure import NOISE
from tests.analysis.conftest import AnswerBuilder

SERVICES = ["interpreting", "plain_letters"]
TRIALS = 60


def _frame(ratings: np.ndarray, keys: np.ndarray) -> pd.DataFrame:
    b = AnswerBuilder()
    for i, person in enumerate(ratings):
        for svc, r in zip(SERVICES, person, strict=True):
            b.add(f"a{i}", "ip_importance", str(r), item=svc, audience="administration")
    frame = b.frame()
    frame["record_key"] = frame["response_id"].map({f"a{i}": int(k) for i, k in enumerate(keys)})
    return frame


def _published(frame: pd.DataFrame, perturb: bool) -> pd.DataFrame:
    g = admin.importance_performance(frame, services=SERVICES, n_boot=20, perturb=perturb)
    rows = g.results[g.results["indicator"] == "ip_importance"].set_index("level")
    return rows[["n", "estimate"]].astype(float)


def _attack(perturb: bool) -> tuple[float, float, float]:
    """(exact rate, rate of calls with posterior >= 95 %, precision of those calls)."""
    rng = np.random.default_rng(23)
    exact = confident = right = total = 0
    sd = np.sqrt(2 * (admin.SUM_NOISE_SCALE**2 + 9 * NOISE.variance))  # known to the attacker
    for _ in range(TRIALS):
        n = int(rng.integers(8, 30))
        ratings = rng.integers(1, 6, size=(n, len(SERVICES)))
        keys = rng.integers(0, 2**31, size=n)
        before = _published(_frame(ratings[:-1], keys[:-1]), perturb)
        after = _published(_frame(ratings, keys), perturb)
        for j, svc in enumerate(SERVICES):
            nb, mb = before.loc[svc]
            na, ma = after.loc[svc]
            if np.isnan(mb) or np.isnan(ma):
                continue
            guess = na * ma - nb * mb
            total += 1
            truth = ratings[-1, j]
            exact += int(round(guess) == truth)
            like = norm.pdf(guess, loc=np.arange(1, 6), scale=sd if perturb else 1e-6)
            post = like / like.sum() if like.sum() > 0 else np.full(5, 0.2)
            if post.max() >= 0.95:
                confident += 1
                right += int(np.argmax(post) + 1 == truth)
    return exact / total, confident / total, (right / confident if confident else np.nan)


def test_true_n_and_exact_means_give_every_rating_back():
    exact, confident, precision = _attack(perturb=False)
    assert exact == 1.0 and confident == 1.0 and precision == 1.0


def test_perturbed_means_keep_a_single_rating_hidden():
    exact, confident, _ = _attack(perturb=True)
    print(f"before/after on perturbed means: exact {exact:.1%}, posterior >= 95 %: {confident:.1%}")
    assert exact <= 0.35  # guessing one of five ratings: 20 %
    assert confident <= 0.01


def test_perturbed_means_hide_the_true_n_and_stay_close_to_the_mean():
    rng = np.random.default_rng(5)
    ratings = rng.integers(1, 6, size=(25, len(SERVICES)))
    frame = _frame(ratings, rng.integers(0, 2**31, size=25))
    exact, noisy = _published(frame, False), _published(frame, True)
    assert (exact["n"] == 25).all()
    assert (noisy["estimate"] - exact["estimate"]).abs().max() < 0.6
    grid = admin.importance_performance(frame, services=SERVICES, n_boot=20, perturb=True)
    rated = grid.results[grid.results["indicator"] == "ip_importance"]
    assert rated["method"].str.endswith("+ckm").all()
