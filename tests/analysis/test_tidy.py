"""Tidy frames from the raw long answers."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import tidy


def test_prepare_and_frames(builder):
    builder.add("r1", "stadtteil", "winkel").add("r1", "barriers", "cost")
    builder.add("r1", "barriers", "time").add("r1", "top3", "housing", item="1")
    builder.add("r2", "hours_month", "7,5", audience="volunteer")
    builder.add("r3", "need", "4", item="work")
    data = tidy.prepare(builder.frame())
    resp = data.respondents
    assert list(resp.index) == ["r1", "r2", "r3"]
    assert resp.loc["r1", "stadtteil"] == "winkel"
    assert pd.isna(resp.loc["r3", "stadtteil"])
    assert (resp["weight"] == 1.0).all()
    mc = tidy.multiple_choice(data, "barriers", ["cost", "time", "fear"], audience="newcomer")
    assert mc.loc["r1"].tolist() == [1, 1, 0] and mc.loc["r3"].tolist() == [0, 0, 0]
    ans = tidy.multiple_choice(data, "barriers", base="answered")
    assert list(ans.index) == ["r1"]
    assert tidy.ranking(data, "top3").drop(columns="rpos").to_dict("records") == [
        {"response_id": "r1", "rank": 1, "value": "housing"}
    ]
    assert tidy.numeric(data, "hours_month").loc["r2"] == 7.5
    w = tidy.prepare(data, weights=pd.Series({"r1": 2.0})).respondents["weight"]
    assert w.tolist() == [2.0, 1.0, 1.0]
    assert tidy.prepare(data) is data


def test_validate_answers():
    with pytest.raises(ValueError, match="lacks columns"):
        tidy.prepare(pd.DataFrame({"response_id": ["x"]}))
