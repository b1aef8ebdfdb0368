"""Perception gap on a hand-built frame."""

from __future__ import annotations

import pytest

from analysis import perception
from analysis.stats import newcombe_diff_ci


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


def test_gap_values_flags_and_rank(frame):
    res = perception.perception_gap(frame, areas=["housing", "work", "health"])
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
    plain = perception.perception_gap(frame, ["administration"], ["mobility"]).iloc[0]
    fpc = perception.perception_gap(
        frame, ["administration"], ["mobility"], population_sizes={"administration": 15}
    ).iloc[0]
    assert plain["flag"] == perception.OVERESTIMATED
    assert fpc["method"] == "newcombe+fpc"
    assert fpc["ci_high"] - fpc["ci_low"] < plain["ci_high"] - plain["ci_low"]
    assert fpc["estimate"] == pytest.approx(11 / 12 - 3 / 30)
