"""The analysis pipeline gives the same results on the demo data as the stored snapshot
(see tests/analysis/snapshot.py). Rewritten only by changes meant to change results: the
vectorised pipeline of issue 17 reproduced it; issue 13 rewrote it (declared bases,
relevant-difference tests with false-discovery control, staff beliefs in the demo)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from bedarfsradar.context import load_demo
from surveys.offers import offers_frame
from tests.analysis.snapshot import KEYS, NUMERIC, SNAPSHOT, demo_results
from tests.conftest import make_context


@pytest.fixture(scope="module")
def demo_answers(tmp_path_factory):
    ctx = make_context(f"sqlite:///{tmp_path_factory.mktemp('snap') / 'demo.db'}")
    load_demo(ctx)
    answers = ctx.storage.answers_frame(ctx.municipality_id)
    offers = offers_frame(ctx.db, ctx.municipality_id)
    taxonomy = ctx.taxonomy
    ctx.db.dispose()
    return answers, offers, taxonomy


def test_demo_results_match_the_snapshot(demo_answers):
    now = demo_results(*demo_answers)
    if os.environ.get("BEDARFSRADAR_UPDATE_SNAPSHOT") == "1":
        now.to_csv(SNAPSHOT, index=False, float_format="%.10g")
        pytest.skip("snapshot rewritten")
    before = pd.read_csv(SNAPSHOT, keep_default_na=False, na_values=[""], dtype=str)
    now_text = pd.read_csv(
        __import__("io").StringIO(now.to_csv(index=False, float_format="%.10g")),
        keep_default_na=False,
        na_values=[""],
        dtype=str,
    )
    assert list(now_text.columns) == list(before.columns)
    assert len(now_text) == len(before)
    pd.testing.assert_frame_equal(now_text[KEYS], before[KEYS])
    for col in now_text.columns:
        if col in KEYS:
            continue
        if col in NUMERIC or col in (
            "estimate_from",
            "estimate_to",
            "n_from",
            "n_to",
            "estimate_newcomer",
            "n_newcomer",
            "estimate_belief",
        ):
            a = pd.to_numeric(now_text[col], errors="coerce").to_numpy(dtype=float)
            b = pd.to_numeric(before[col], errors="coerce").to_numpy(dtype=float)
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=col)
        else:
            bad = now_text[col].fillna("") != before[col].fillna("")
            assert not bad.any(), (col, now_text.loc[bad, [*KEYS, col]].head())
