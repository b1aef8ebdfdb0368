"""Disclosure control: the cell-key method with threshold rules (the published parameters,
checked against a second implementation), and what a published table looks like."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy import stats as st

from analysis.disclosure import (
    MIN_CELL,
    NOISE,
    apply_suppression,
    cell_keys,
    count_table,
    mix_keys,
    published_counts,
)
from analysis.estimate import coded_share_rows
from analysis.results import make_results
from analysis.tidy import RECORD_KEY_RANGE


def test_published_parameters():
    assert MIN_CELL == 5
    d, p = NOISE.probabilities()
    assert p.sum() == pytest.approx(1.0)
    assert (d * p).sum() == pytest.approx(0.0, abs=1e-15)  # unbiased
    assert (d * d * p).sum() == pytest.approx(1.0, abs=1e-6)  # variance 1
    assert NOISE.variance == pytest.approx(1.0, abs=1e-6)
    assert p[d == 0][0] == pytest.approx(0.3989, abs=1e-4)  # 40 % of cells unchanged


def test_noise_distribution_is_the_discrete_gaussian():
    """Second implementation: the discrete Gaussian with sigma 1 is the normal density at
    the integers, normalised (Canonne, Kamath & Steinke 2020); scipy gives the density."""
    d, p = NOISE.probabilities()
    ref = st.norm.pdf(d) / st.norm.pdf(np.arange(-60, 61)).sum()
    np.testing.assert_allclose(p, ref, rtol=1e-9)


def test_noise_of_uniform_keys_follows_the_table():
    keys = np.arange(0, RECORD_KEY_RANGE, RECORD_KEY_RANGE // 200_000, dtype=np.int64)
    noise = NOISE.noise(keys)
    d, p = NOISE.probabilities()
    for value in range(-3, 4):
        assert (noise == value).mean() == pytest.approx(p[d == value][0], abs=0.002)
    assert np.abs(noise).max() >= 4  # the tails are there (+-6 with the full key range)


def test_cell_key_is_the_sum_of_record_keys_whichever_way_a_cell_is_formed():
    rng = np.random.default_rng(1)
    keys = rng.integers(0, RECORD_KEY_RANGE, 40)
    cells = rng.integers(0, 3, 40)
    got = cell_keys(keys, cells, 3)
    for c in range(3):
        assert got[c] == int(keys[cells == c].sum()) % RECORD_KEY_RANGE
    # the same records in another order, another table: the same key, the same noise
    perm = rng.permutation(40)
    assert cell_keys(keys[perm], cells[perm], 3).tolist() == got.tolist()


def test_mixed_keys_are_spread_and_depend_on_both_parts():
    a = np.arange(10_000, dtype=np.int64)
    mixed = mix_keys(a, np.full(a.size, 7, dtype=np.int64))
    assert mixed.min() >= 0 and mixed.max() < RECORD_KEY_RANGE
    assert len(set(mixed.tolist())) == a.size
    assert 0.45 < (mixed < RECORD_KEY_RANGE // 2).mean() < 0.55
    assert mix_keys(np.array([5]), np.array([6]))[0] != mix_keys(np.array([6]), np.array([5]))[0]


def test_published_counts_hide_small_true_or_published_values():
    counts = np.array([0, 3, 4, 5, 6, 50])
    keys = np.array([11, 22, 33, 44, 55, 66])
    pub = published_counts(counts, keys)
    assert np.isnan(pub[:3]).all()  # true count below 5: never published
    shown = ~np.isnan(pub)
    assert (pub[shown] >= MIN_CELL).all()
    np.testing.assert_array_equal(pub[-1], 50 + NOISE.noise(keys[-1:])[0])


def _shares(n_by_group: dict[str, int], in_need: dict[str, int], seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    groups = list(n_by_group)
    g = np.concatenate([[i] * n for i, n in enumerate(n_by_group.values())])
    answer = np.concatenate([[1] * in_need[k] + [0] * (n_by_group[k] - in_need[k]) for k in groups])
    return coded_share_rows(
        np.zeros(g.size, dtype=np.int64),
        ["housing"],
        answer,
        {"need_prevalence": np.array([0.0, 1.0])},
        [("stadtteil", g, groups)],
        record_keys=rng.integers(0, RECORD_KEY_RANGE, g.size),
    )


def test_published_shares_come_from_perturbed_counts_and_drop_the_keys():
    raw = _shares({"winkel": 40, "hallgarten": 3, "oestrich": 25}, {"winkel": 10,
                  "hallgarten": 3, "oestrich": 20})  # fmt: skip
    pub = apply_suppression(raw)
    assert "key_n" not in pub and "key_count" not in pub
    by = pub.set_index("group")
    # a group of 3: hidden, every number blanked (the 100 % it had is not published)
    assert by.loc["hallgarten", "suppressed"]
    assert by.loc[["hallgarten"], ["n", "count", "estimate", "ci_low"]].isna().all(axis=None)
    raw_w = raw.set_index("group").loc["winkel"]
    n_pub = 40 + NOISE.noise(np.array([int(raw_w["key_n"])]))[0]
    assert by.loc["winkel", "n"] == n_pub
    assert by.loc["winkel", "estimate"] == pytest.approx(by.loc["winkel", "count"] / n_pub)
    assert by.loc["winkel", "method"] == "wilson+ckm"
    # the interval is wider than the plain Wilson interval of the same published counts
    lo, hi = st.binomtest(int(by.loc["winkel", "count"]), int(n_pub)).proportion_ci(method="wilson")
    assert by.loc["winkel", "ci_high"] - by.loc["winkel", "ci_low"] > hi - lo


def test_protection_is_idempotent_and_deterministic():
    raw = _shares({"a": 30, "b": 12}, {"a": 9, "b": 6})
    once = apply_suppression(raw)
    pd.testing.assert_frame_equal(apply_suppression(once), once)
    pd.testing.assert_frame_equal(apply_suppression(raw), once)


def test_rows_without_keys_get_the_threshold_only():
    means = make_results(indicator="ip_importance", group_var="all", group="Gesamt",
                         level=["a", "b"], n=[4, 9], estimate=[4.2, 3.1],
                         ci_low=[3.0, 2.5], ci_high=[5.0, 3.6], method="bootstrap")  # fmt: skip
    out = apply_suppression(means)
    assert out["suppressed"].tolist() == [True, False]
    assert np.isnan(out["estimate"][0]) and out["estimate"][1] == 3.1


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.integers(1, 60), min_size=1, max_size=6), hs.integers(0, 10_000))
def test_no_published_base_is_below_five(sizes, seed):
    groups = {f"g{i}": s for i, s in enumerate(sizes)}
    need = {k: v // 2 for k, v in groups.items()}
    pub = apply_suppression(_shares(groups, need, seed))
    shown = pub[~pub["suppressed"]]
    assert (shown["n"].astype(float) >= MIN_CELL).all()
    assert shown["estimate"].between(0, 1).all()
    hidden_true_small = [k for k, v in groups.items() if v < MIN_CELL]
    assert set(hidden_true_small) <= set(pub.loc[pub["suppressed"], "group"])


def test_count_table_perturbs_every_group_and_the_total_once():
    rng = np.random.default_rng(5)
    resp = pd.DataFrame(
        {
            "language": pd.Categorical(["de"] * 30 + ["tr"] * 3 + ["ar"] * 12 + [None] * 6),
            "record_key": rng.integers(0, RECORD_KEY_RANGE, 51),
        }
    )
    table = count_table(resp, ["language"]).set_index("language")
    assert table.loc["tr", "suppressed"] and np.isnan(table.loc["tr", "n"])
    assert (
        table.loc["keine Angabe", "n"]
        == 6 + NOISE.noise([int(resp["record_key"][45:].sum()) % RECORD_KEY_RANGE])[0]
    )
    total_key = int(resp["record_key"].sum()) % RECORD_KEY_RANGE
    assert table.loc["Gesamt", "n"] == 51 + NOISE.noise([total_key])[0]
    # the total alone (no breakdown): the same cell, the same number
    assert count_table(resp, [])["n"].tolist() == [table.loc["Gesamt", "n"]]
