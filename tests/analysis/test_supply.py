"""Supply gap on a hand-built frame and offers catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import needs, supply
from analysis.disclosure import apply_suppression
from analysis.stats import wilson_ci
from analysis.tidy import prepare


def _offers() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # offer_id, name, areas, stadtteil, languages, times, cost, childcare, active
            (
                "o1",
                "Sprachcafé",
                ["language"],
                "winkel",
                ["de", "ar"],
                ["evening"],
                "free",
                False,
                True,
            ),
            (
                "o2",
                "Wohnungslotsen",
                ["housing"],
                "oestrich",
                ["de"],
                ["morning"],
                "free",
                False,
                True,
            ),
            (
                "o3",
                "Online-Beratung",
                ["work", "authorities"],
                "online",
                ["de", "uk"],
                ["afternoon"],
                "low",
                False,
                True,
            ),
            ("o4", "Kita-Kurs", ["language"], "all", ["de"], ["morning"], "fee", True, True),
            ("o5", "alt", ["housing"], "winkel", ["de"], ["morning"], "free", False, False),
        ],
        columns=list(supply.OFFER_COLUMNS),
    )


def test_accessible_offers_filters():
    o = _offers()
    ids = lambda df: sorted(df["offer_id"])  # noqa: E731
    assert ids(supply.accessible_offers(o, stadtteil="winkel", area="language")) == ["o1", "o4"]
    assert ids(supply.accessible_offers(o, stadtteil="winkel", area="housing")) == []  # o5 off
    assert ids(supply.accessible_offers(o, stadtteil="hallgarten", area="work")) == ["o3"]
    assert ids(supply.accessible_offers(o, area="language", languages=["ar"])) == ["o1"]
    assert ids(supply.accessible_offers(o, area="language", max_cost="low")) == ["o1"]
    assert ids(supply.accessible_offers(o, area="language", childcare=True)) == ["o4"]
    assert ids(supply.accessible_offers(o, area="language", times=["evening"])) == ["o1"]
    with pytest.raises(ValueError):
        supply.accessible_offers(o.drop(columns="cost"))


@pytest.fixture
def frame(builder):
    # winkel: 10 newcomers, 6 in need of housing, barriers mostly not_known + cost
    for i in range(10):
        rid = f"w{i}"
        builder.add(rid, "stadtteil", "winkel")
        builder.add(rid, "need", "4" if i < 6 else "1", item="housing")
        builder.add(rid, "need", "3", item="language")
        if i < 6:
            builder.add(rid, "barriers", "not_known")
            if i < 3:
                builder.add(rid, "barriers", "cost")
        if i == 0:
            builder.add(rid, "barriers", "fear")
    for i in range(8):
        rid = f"o{i}"
        builder.add(rid, "stadtteil", "oestrich")
        builder.add(rid, "need", "5" if i < 2 else "na", item="housing")
        builder.add(rid, "need", "1", item="language")
    return builder.frame()


def test_supply_gap_rows(frame):
    data = prepare(frame)  # one set of record keys for both views
    gap = supply.supply_gap(data, _offers(), areas=["housing", "language"])
    g = gap.set_index(["stadtteil", "level"])
    w = g.loc[("winkel", "housing")]
    # published: the same cell as the prevalence of Winkel, so the same perturbed numbers
    # (6 of 10 before the noise)
    prev = apply_suppression(needs.prevalence(data, group_vars=["stadtteil"],
                                              areas=["housing", "language"]))  # fmt: skip
    same = prev[(prev["indicator"] == "need_prevalence") & (prev["group"] == "winkel")
                & (prev["level"] == "housing")].iloc[0]  # fmt: skip
    for col in ("n", "count", "estimate", "ci_low", "ci_high"):
        assert w[col] == pytest.approx(same[col])
    assert abs(w["estimate"] - 0.6) < 0.3
    lo, hi = wilson_ci(w["count"], w["n"])
    assert w["ci_low"] <= lo and w["ci_high"] >= hi  # widened for the noise
    assert w["n_offers_accessible"] == 0 and not w["covered"]
    assert w["top_barriers"] == "not_known; cost; fear"
    o = g.loc[("oestrich", "housing")]
    assert o["estimate"] == pytest.approx(o["count"] / o["n"]) and o["covered"]
    assert g.loc[("winkel", "language"), "n_offers_accessible"] == 2
    un = supply.uncovered_needs(gap)
    assert list(zip(un["stadtteil"], un["level"], strict=True)) == [("winkel", "housing")]
    assert supply.uncovered_needs(gap, min_prevalence=0.7).empty


def test_supply_gap_by_language_group(builder):
    for i in range(6):
        builder.add(f"a{i}", "stadtteil", "winkel", language="ar")
        builder.add(f"a{i}", "need", "4", item="language", language="ar")
        builder.add(f"u{i}", "stadtteil", "winkel", language="uk")
        builder.add(f"u{i}", "need", "4", item="language", language="uk")
    data = builder.frame()
    gap = supply.supply_gap(data, _offers(), group_var="language", areas=["language"])
    by = gap.set_index("subgroup")
    assert by.loc["ar", "n_offers_accessible"] == 1  # only the Arabic Sprachcafé
    assert by.loc["uk", "n_offers_accessible"] == 0
    assert set(gap["group_var"]) == {"stadtteil|language"}


def test_supply_gap_without_need_answers_is_an_empty_table(builder):
    for i in range(6):  # newcomers who answered the Stadtteil but no need
        builder.add(f"n{i}", "stadtteil", "winkel")
        builder.add(f"v{i}", "need", "4", item="language", audience="volunteer")
    gap = supply.supply_gap(builder.frame(), _offers())
    assert len(gap) == 0
    assert list(gap.columns[-5:]) == ["stadtteil", "subgroup", "n_offers_accessible",
                                      "covered", "top_barriers"]  # fmt: skip


def test_barrier_shares_and_offer_awareness(frame, builder):
    res = supply.barrier_shares(frame)  # unprotected building block: exact counts
    tot = res.set_index("level")
    assert tot.loc["not_known", "estimate"] == pytest.approx(6 / 18)
    assert tot.loc["not_known", "n"] == 18
    builder.add("x1", "offer", "unknown", item="housing")
    builder.add("x2", "offer", "used_helped", item="housing")
    aw = supply.offer_awareness(builder.frame())
    row = aw[(aw["indicator"] == "offer_unknown_share") & (aw["level"] == "housing")].iloc[0]
    assert row["estimate"] == 0.5 and row["n"] == 2
