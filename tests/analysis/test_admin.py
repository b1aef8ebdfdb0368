"""Importance-performance grid and volunteer indicators."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import admin


@pytest.fixture
def ip_frame(builder):
    # 12 staff; interpreting: very important, poorly done; digital: unimportant, done well
    pattern = {
        "interpreting": ("5", "1"),
        "plain_letters": ("5", "5"),
        "digital_services": ("1", "5"),
        "appointments": ("1", "1"),
    }
    for i in range(12):
        for svc, (imp, perf) in pattern.items():
            builder.add(f"a{i}", "ip_importance", imp, item=svc, audience="administration")
            builder.add(f"a{i}", "ip_performance", perf, item=svc, audience="administration")
        builder.add(f"a{i}", "ip_importance", "dk", item="time_per_case", audience="administration")
    return builder.frame()


def test_ip_grid_quadrants(ip_frame):
    svc = ["interpreting", "plain_letters", "digital_services", "appointments"]
    g = admin.importance_performance(ip_frame, services=svc, n_boot=200)
    assert g.crosshair_importance == pytest.approx(3.0)
    assert g.crosshair_performance == pytest.approx(3.0)
    cls = dict(zip(g.grid["service"], g.grid["classification"], strict=True))
    assert cls == {
        "interpreting": admin.CONCENTRATE,
        "plain_letters": admin.KEEP_UP,
        "digital_services": admin.OVERKILL,
        "appointments": admin.LOW_PRIORITY,
    }
    assert set(g.results["indicator"]) == {"ip_importance", "ip_performance"}


def test_ip_grid_uncertain_dk_and_fpc(builder):
    # two services with overlapping, noisy ratings -> CIs cross the crosshair
    rng = np.random.default_rng(3)
    for i in range(15):
        for svc in ("interpreting", "referral_routes"):
            for q in ("ip_importance", "ip_performance"):
                builder.add(
                    f"a{i}", q, str(rng.integers(1, 6)), item=svc, audience="administration"
                )
        builder.add(f"a{i}", "ip_importance", "dk", item="appointments", audience="administration")
    frame = builder.frame()
    svc = ["interpreting", "referral_routes", "appointments"]
    g = admin.importance_performance(frame, services=svc, n_boot=300)
    grid = g.grid.set_index("service")
    assert grid.loc["interpreting", "classification"] == admin.UNCERTAIN
    assert grid.loc["appointments", "classification"] == ""  # only dk: n = 0, suppressed
    fpc = admin.importance_performance(frame, services=svc, population_size=20, n_boot=300)
    f = fpc.grid.set_index("service")
    assert (f.loc["interpreting", "importance_high"] - f.loc["interpreting", "importance_low"]) < (
        grid.loc["interpreting", "importance_high"] - grid.loc["interpreting", "importance_low"]
    )
    assert fpc.results["method"].iloc[0].endswith("+fpc")


def test_volunteer_indicators(builder):
    hours = ["4", "10", "2,5", "20", "8", "abc", "-3"]
    cont = ["5", "4", "2", "dk", "5", "3", "4"]
    for i in range(7):
        rid = f"v{i}"
        builder.add(rid, "hours_month", hours[i], audience="volunteer")
        builder.add(rid, "continue_12m", cont[i], audience="volunteer")
        if i < 3:
            builder.add(rid, "vol_needs", "training", audience="volunteer")
        if i == 0:
            builder.add(rid, "vol_needs", "insurance", audience="volunteer")
    builder.add("n1", "vol_needs", "training")  # a newcomer row must be ignored
    f = builder.frame()
    needs = admin.volunteer_needs(f).set_index("level")
    assert needs.loc["training", "estimate"] == pytest.approx(3 / 7)
    assert needs.loc["insurance", "estimate"] == pytest.approx(1 / 7)
    assert needs.loc["supervision", "estimate"] == 0
    c = admin.volunteer_continuation(f).set_index("indicator")
    # 1-5 answers: 5,4,2,5,3,4 -> 4 of 6 answer 4-5; dk = 1 of 7
    assert c.loc["vol_continue_12m", "estimate"] == pytest.approx(4 / 6)
    assert c.loc["vol_continue_12m_dk_share", "estimate"] == pytest.approx(1 / 7)
    h = admin.volunteer_hours(f).iloc[0]
    assert h["estimate"] == pytest.approx(8.0)  # median of 4, 10, 2.5, 20, 8
    assert h["n"] == 5
    res = admin.volunteer_results(f)
    # published: bases of 6-7 volunteers carry the noise of their cell; what is shown has
    # at least 5, what is hidden has no numbers
    shown = res[~res["suppressed"]]
    assert len(shown) and (shown["n"].astype(float) >= 5).all()
    assert res.loc[res["suppressed"], "estimate"].isna().all()


def test_volunteer_results_suppressed_below_min_cell(builder):
    for i in range(4):
        builder.add(f"v{i}", "continue_12m", "5", audience="volunteer")
        builder.add(f"v{i}", "hours_month", "3", audience="volunteer")
    res = admin.volunteer_results(builder.frame())
    assert res["suppressed"].all()
    assert res["estimate"].isna().all()
