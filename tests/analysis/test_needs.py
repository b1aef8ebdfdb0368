"""Needs index on small hand-built frames (exact values, na/dk handling)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import needs, tidy
from analysis.results import filter_results
from analysis.stats import wilson_ci

HOUSING = ["1", "3", "4", "na", "dk", "5", "2"]  # r0..r6


@pytest.fixture
def housing_frame(builder):
    for i, v in enumerate(HOUSING):
        builder.add(f"r{i}", "need", v, item="housing")
        builder.add(f"r{i}", "stadtteil", ["winkel", "oestrich"][i % 2])
    builder.add("r7", "stadtteil", "winkel")  # answered nothing on housing: missing
    return builder.frame()


def test_need_status_coding(housing_frame):
    st = needs.need_status(housing_frame).set_index("response_id")
    assert st.loc["r0", "in_need"] == 0 and st.loc["r1", "in_need"] == 1
    assert st.loc["r1", "severe"] == 0 and st.loc["r2", "severe"] == 1
    assert st.loc["r3", "in_need"] == 0 and np.isnan(st.loc["r3", "rating"])  # na
    assert np.isnan(st.loc["r4", "in_need"]) and st.loc["r4", "dk"] == 1  # dk
    assert "r7" not in st.index  # missing: no row


def test_prevalence_exact_values(housing_frame):
    res = needs.prevalence(housing_frame, group_vars=["stadtteil"], areas=["housing"])
    tot = filter_results(res, group_var="all", level="housing").set_index("indicator")
    # base = 1-5 or na: r0,r1,r2,r3,r5,r6 = 6; in need (>=3): r1,r2,r5 = 3
    assert tot.loc["need_prevalence", "n"] == 6
    assert tot.loc["need_prevalence", "count"] == 3
    assert tot.loc["need_prevalence", "estimate"] == pytest.approx(3 / 6)
    lo, hi = wilson_ci(3, 6)
    assert tot.loc["need_prevalence", "ci_low"] == pytest.approx(lo)
    assert tot.loc["need_prevalence", "ci_high"] == pytest.approx(hi)
    assert tot.loc["need_prevalence", "method"] == "wilson"
    # severe (>=4): r2, r5
    assert tot.loc["need_severe", "estimate"] == pytest.approx(2 / 6)
    # dk share: base = everyone who answered (7), dk = 1
    assert tot.loc["need_dk_share", "n"] == 7
    assert tot.loc["need_dk_share", "estimate"] == pytest.approx(1 / 7)
    grp = filter_results(res, indicator="need_prevalence", group_var="stadtteil")
    by = grp.set_index("group")
    # winkel: r0(1) r2(4) r4(dk) r6(2) -> base 3, in need 1
    assert by.loc["winkel", "n"] == 3 and by.loc["winkel", "estimate"] == pytest.approx(1 / 3)
    # oestrich: r1(3) r3(na) r5(5) -> base 3, in need 2
    assert by.loc["oestrich", "estimate"] == pytest.approx(2 / 3)
    assert by["n"].sum() == tot.loc["need_prevalence", "n"]


def test_missing_attribute_is_its_own_group(builder):
    for i in range(6):
        builder.add(f"r{i}", "need", "4", item="work")
        if i < 4:
            builder.add(f"r{i}", "stadtteil", "winkel")
    res = needs.prevalence(builder.frame(), group_vars=["stadtteil"], areas=["work"])
    grp = filter_results(res, indicator="need_prevalence", group_var="stadtteil")
    assert dict(zip(grp["group"], grp["n"], strict=True)) == {"winkel": 4, "keine Angabe": 2}


def test_weighted_prevalence(builder):
    vals = ["4", "1", "1", "1"]
    for i, v in enumerate(vals):
        builder.add(f"r{i}", "need", v, item="work")
    data = tidy.prepare(builder.frame(), weights=pd.Series({"r0": 3.0, "r1": 1.0}))
    res = needs.prevalence(data, areas=["work"])
    row = filter_results(res, indicator="need_prevalence").iloc[0]
    assert row["estimate"] == pytest.approx(3 / 6)
    assert row["n"] == 4 and row["n_weighted"] == pytest.approx(6)
    assert row["n_effective"] == pytest.approx(36 / 12)
    assert row["method"] == "wilson-kish"


def test_unknown_code_rejected(builder):
    builder.add("r0", "need", "7", item="work")
    with pytest.raises(ValueError, match="unknown need answer"):
        needs.need_status(builder.frame())


def test_top3_share(builder):
    builder.add("r0", "top3", "housing", item="1").add("r0", "top3", "work", item="2")
    builder.add("r1", "top3", "work", item="1")
    builder.add("r2", "need", "3", item="work")  # no top3 answer: not in base
    res = needs.top3_share(builder.frame(), areas=["housing", "work", "health"])
    est = dict(zip(res["level"], res["estimate"], strict=True))
    assert est == pytest.approx({"housing": 0.5, "work": 1.0, "health": 0.0})
    assert set(res["n"]) == {2}


def test_rank_levels_ties():
    from analysis.results import make_results

    res = make_results(
        indicator=["x"] * 4,
        group_var=["all"] * 4,
        group=["Gesamt"] * 4,
        level=["a", "b", "c", "d"],
        n=[100] * 4,
        estimate=[0.6, 0.55, 0.2, 0.05],
        ci_low=[0.5, 0.45, 0.12, 0.01],
        ci_high=[0.7, 0.65, 0.3, 0.1],
        method=["wilson"] * 4,
    )
    r = needs.rank_levels(res, "x").set_index("level")
    assert r["rank"].tolist() == [1, 2, 3, 4]
    assert r["rank_label"].tolist() == ["1–2", "1–2", "3", "4"]
    assert r["rank_tied"].tolist() == [True, True, False, False]


def test_need_change_between_waves(builder):
    for i in range(10):
        builder.add(f"a{i}", "need", "4" if i < 3 else "1", item="housing", wave=1)
    for i in range(10):
        builder.add(f"b{i}", "need", "4" if i < 9 else "1", item="housing", wave=2)
    # the statistics on unprotected counts: the published oracle
    raw = needs.prevalence(builder.frame(), group_vars=["wave"], areas=["housing"])
    raw = filter_results(raw, indicator="need_prevalence", group_var="wave")
    row = needs.change_between(
        raw[raw["group"] == "1"], raw[raw["group"] == "2"], "need_prevalence_change", "2 vs 1"
    ).iloc[0]
    # Newcombe 1998b Table II example (b): 9/10 - 3/10 -> 0.1705 to 0.8090
    assert row["estimate"] == pytest.approx(0.6)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.1705, 0.8090), abs=5e-5)
    assert row["group"] == "2 vs 1" and row["method"] == "newcombe"
    # the published change is computed from the protected shares of each wave: the same
    # difference up to the noise, a wider interval
    pub = needs.need_change(builder.frame(), 1, 2, areas=["housing"]).iloc[0]
    assert abs(pub["estimate"] - 0.6) <= 0.35
    assert pub["ci_high"] - pub["ci_low"] > row["ci_high"] - row["ci_low"]


def test_needs_results_suppresses_and_ranks(builder):
    for i in range(40):
        builder.add(f"r{i}", "need", "4" if i % 2 else "1", item="housing")
        builder.add(f"r{i}", "need", "5", item="work")
        builder.add(f"r{i}", "stadtteil", "hallgarten" if i < 3 else "winkel")
    res = needs.needs_results(builder.frame(), group_vars=["stadtteil"], areas=["housing", "work"])
    prev = filter_results(res, indicator="need_prevalence")
    hall = prev[prev["group"] == "hallgarten"]
    assert hall["suppressed"].all() and hall["estimate"].isna().all()
    # the total and winkel are both published, each with its own noise: their difference
    # is not hallgarten's count (no secondary suppression needed)
    win = prev[prev["group"] == "winkel"].set_index("level")
    tot = prev[prev["group_var"] == "all"].set_index("level")
    assert not win["suppressed"].any()
    assert "key_n" not in prev and "key_count" not in prev
    assert tot.loc["work", "rank"] == 1 and tot.loc["housing", "rank"] == 2
    assert not tot["rank_tied"].any()
