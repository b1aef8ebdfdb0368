"""Perception gap on a hand-built frame."""

from __future__ import annotations

import pytest

from analysis import needs, perception
from analysis.stats import newcombe_diff_ci
from analysis.tidy import prepare


@pytest.fixture
def frame(builder):
    for i in range(20):
        builder.add(f"n{i}", "need", "4" if i < 15 else "1", item="housing")
        builder.add(f"n{i}", "need", "4" if i < 5 else "na", item="work")
        builder.add(f"n{i}", "need", "dk", item="health")
    for i in range(10):
        builder.add(f"v{i}", "need", "4" if i < 2 else "2", item="housing", audience="volunteer")
        builder.add(f"v{i}", "need", "4" if i < 5 else "2", item="work", audience="volunteer")
    for i in range(3):
        builder.add(f"a{i}", "need", "4", item="housing", audience="administration")
        builder.add(f"a{i}", "need", "3", item="opening", audience="administration")
    return builder.frame()


def _raw_gaps(frame, areas, comparisons=("volunteer", "administration"), pops=None):
    """The gap statistics on unprotected shares (what perception_gap computes after the
    protection layer), to check the method against Newcombe's published values."""
    data = prepare(frame)

    def total(audience):
        res = needs.prevalence(data, audience, (), areas, population_size=(pops or {}).get(
            audience))  # fmt: skip
        ind = f"{needs.indicator_prefix(audience)}_prevalence"
        return res[(res["indicator"] == ind) & (res["group_var"] == "all")].set_index("level")

    beliefs = {a: total(a) for a in comparisons}
    return perception.gaps_between(total("newcomer"), beliefs, areas, pops)


def test_gap_values_flags_and_rank(frame):
    res = _raw_gaps(frame, ["housing", "work", "health"])
    vol = res[res["group"] == "volunteer"].set_index("level")
    d, lo, hi = newcombe_diff_ci(2, 10, 15, 20)
    assert vol.loc["housing", "estimate"] == pytest.approx(0.2 - 0.75)
    assert (vol.loc["housing", "ci_low"], vol.loc["housing", "ci_high"]) == pytest.approx((lo, hi))
    assert vol.loc["housing", "flag"] == perception.UNDERESTIMATED
    # work: newcomers 5/20 (na counts as not in need), volunteers 5/10 -> CI includes 0
    assert vol.loc["work", "estimate"] == pytest.approx(0.25)
    assert vol.loc["work", "flag"] == ""
    assert vol.loc["housing", "rank"] == 1 and vol.loc["work", "rank"] == 2
    assert "health" not in vol.index  # newcomers answered only dk: no base
    assert vol.loc["housing", "method"] == "newcombe"
    adm = res[res["group"] == "administration"]
    assert adm["suppressed"].all()  # n = 3 < 5
    assert "opening" not in set(res["level"])


def test_overestimated_and_fpc(builder):
    for i in range(30):
        builder.add(f"n{i}", "need", "4" if i < 3 else "1", item="mobility")
    for i in range(12):
        builder.add(
            f"a{i}", "need", "5" if i < 11 else "1", item="mobility", audience="administration"
        )
    frame = builder.frame()
    plain = _raw_gaps(frame, ["mobility"], ["administration"]).iloc[0]
    fpc = _raw_gaps(frame, ["mobility"], ["administration"], {"administration": 15}).iloc[0]
    assert plain["flag"] == perception.OVERESTIMATED
    assert fpc["method"] == "newcombe+fpc"
    assert fpc["ci_high"] - fpc["ci_low"] < plain["ci_high"] - plain["ci_low"]
    assert fpc["estimate"] == pytest.approx(11 / 12 - 3 / 30)


def test_published_gaps_come_from_protected_shares(frame):
    """The view's gaps: computed from the published (perturbed) shares of both sides, with
    intervals at least as wide as on the true counts; tiny groups hidden."""
    raw = _raw_gaps(frame, ["housing", "work", "health"]).set_index(["group", "level"])
    pub = perception.perception_gap(frame, areas=["housing", "work", "health"])
    pub = pub.set_index(["group", "level"])
    row, true = pub.loc[("volunteer", "housing")], raw.loc[("volunteer", "housing")]
    assert row["estimate"] == pytest.approx(row["estimate_belief"] - row["estimate_newcomer"])
    assert abs(row["estimate"] - true["estimate"]) < 0.35  # noise of two groups of 10 and 20
    assert row["ci_high"] - row["ci_low"] >= true["ci_high"] - true["ci_low"]
    assert pub.loc["administration", "suppressed"].all()  # 3 staff: hidden
    assert pub.loc["administration", "estimate"].isna().all()
