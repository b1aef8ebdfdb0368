"""Results table helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.results import (
    RESULT_COLUMNS,
    SUPPRESSED_MARK,
    concat_results,
    empty_results,
    filter_results,
    make_results,
    pivot_for_display,
)


def _sample() -> pd.DataFrame:
    return make_results(
        indicator=["need_prevalence"] * 4,
        group_var=["stadtteil"] * 4,
        group=["winkel", "winkel", "hallgarten", "hallgarten"],
        level=["housing", "work", "housing", "work"],
        n=[40, 40, 3, 3],
        estimate=[0.5, 0.25, 1.0, 0.0],
        ci_low=[0.35, 0.14, 0.4, 0.0],
        ci_high=[0.65, 0.4, 1.0, 0.6],
        method=["wilson"] * 4,
        suppressed=[False, False, True, True],
    )


def test_empty_results_schema():
    e = empty_results()
    assert tuple(e.columns) == RESULT_COLUMNS
    assert len(e) == 0
    assert e["n"].dtype == "Int64"


def test_make_results_fills_optional_columns():
    r = _sample()
    assert tuple(r.columns) == RESULT_COLUMNS
    assert r["n_weighted"].tolist() == [40.0, 40.0, 3.0, 3.0]
    assert r["p_value"].isna().all()
    with pytest.raises(ValueError, match="method"):
        make_results(indicator=["x"], group_var=["all"], group=["Gesamt"])


def test_concat_keeps_extra_columns():
    a = _sample()
    b = _sample().assign(rank=1)
    out = concat_results([a, b, empty_results()])
    assert len(out) == 8
    assert "rank" in out.columns
    assert out["rank"].isna().sum() == 4
    assert len(concat_results([])) == 0


def test_filter_results():
    r = _sample()
    assert len(filter_results(r, group="winkel")) == 2
    assert len(filter_results(r, level=["housing"], suppressed=False)) == 1
    with pytest.raises(KeyError):
        filter_results(r, nope=1)


def test_pivot_for_display_marks_suppressed():
    wide = pivot_for_display(_sample(), index="level", columns="group")
    assert wide.loc["housing", "winkel"] == "50%"
    assert wide.loc["work", "hallgarten"] == SUPPRESSED_MARK
    assert wide.loc["housing", "hallgarten"] == SUPPRESSED_MARK
    r = _sample()
    r.loc[0, "estimate"] = np.nan
    assert pivot_for_display(r, "level", "group").loc["housing", "winkel"] == ""
    with pytest.raises(ValueError):
        pivot_for_display(concat_results([r, r]), "level", "group")
