"""Data sets for the attack suite: the demo, and a town with planted small groups."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from analysis import tidy
from bedarfsradar.context import load_demo
from surveys.offers import offers_frame
from tests.conftest import make_context

# (stadtteil, language) -> number of newcomers; the small ones are what an attacker wants
PLANTED = {
    ("hallgarten", "tr"): 3, ("hallgarten", "ru"): 1, ("hallgarten", "fa"): 2,
    ("hallgarten", "uk"): 4, ("mittelheim", "tr"): 4, ("winkel", "ru"): 2,
    ("hallgarten", "ar"): 25, ("oestrich", "ar"): 40, ("winkel", "ar"): 30,
    ("mittelheim", "de"): 30, ("oestrich", "de"): 30, ("winkel", "uk"): 20,
    ("oestrich", "fa"): 18, ("mittelheim", "ar"): 15, ("oestrich", "ru"): 12,
    ("oestrich", "ti"): 3,
}  # fmt: skip


def planted_answers(seed: int = 12) -> pd.DataFrame:
    """Newcomers in planted cells of 1 to 4 people (e.g. 3 Turkish speakers in Hallgarten,
    2 of them in housing need), 9 of gender "diverse" who are all in housing need, and the
    need matrix; random record keys."""
    rng = np.random.default_rng(seed)
    rows = []
    k = 0
    for (stadtteil, lang), size in PLANTED.items():
        for i in range(size):
            rid = f"p{k:04d}"
            k += 1
            attrs = {
                "stadtteil": stadtteil,
                "german_level": str(rng.choice(["none", "a1_a2", "b1_b2", "c1p"])),
                "years_de": str(rng.choice(["lt1", "y1_3", "y3_6", "gt6"])),
                "children": str(rng.choice(["yes", "no"])),
                "gender": "diverse" if k <= 9 else str(rng.choice(["female", "male"])),
            }
            wave = int(rng.integers(1, 3))
            key = int(rng.integers(0, 2**31))
            for q, v in attrs.items():
                rows.append((rid, wave, lang, q, "", v, key))
            for area in tidy.NEED_AREAS:
                if area == "housing" and (k <= 9 or (stadtteil, lang) == ("hallgarten", "tr")):
                    v = "5" if (k <= 9 or i < 2) else "1"
                else:
                    v = str(rng.choice(["1", "2", "3", "4", "5"]))
                rows.append((rid, wave, lang, "need", area, v, key))
    df = pd.DataFrame(rows, columns=["response_id", "wave", "language", "question_id", "item",
                                     "value", "record_key"])  # fmt: skip
    df["campaign"] = "planted-w" + df["wave"].astype(str)
    df["audience"], df["mode"], df["text"] = "newcomer", "online", None
    return df[[*tidy.ANSWER_COLUMNS, "record_key"]]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Iterator[tuple]:
    ctx = make_context(f"sqlite:///{tmp_path_factory.mktemp('privacy') / 'demo.db'}")
    load_demo(ctx)
    answers = ctx.storage.answers_frame(ctx.municipality_id)
    yield ctx.survey_data(answers), offers_frame(ctx.db, ctx.municipality_id), ctx
    ctx.db.dispose()


@pytest.fixture(scope="session")
def planted_data(demo_data) -> tuple:
    _, offers, ctx = demo_data
    return ctx.survey_data(planted_answers()), offers, ctx
