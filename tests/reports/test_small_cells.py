"""Disclosure control in the deck: a Stadtteil with 3 respondents never shows up as a
number - not in slide text, tables, chart XML or the charts' embedded workbooks."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis import supply, tidy
from analysis.stats import proportion
from bedarfsradar import PROJECT_ROOT
from reports.analyse import analyse
from reports.inputs import Labels, ReportCampaign, ReportInput
from reports.measures import load_seed
from reports.render.pptx import render_pptx
from reports.slides import build_content
from tests.conftest import make_context
from tests.reports.helpers import all_xml_text, numbers_in_xml, open_deck, slide_texts, tables

SIZES = {"oestrich": 46, "winkel": 38, "mittelheim": 29, "hallgarten": 3}
# Hallgarten: mobility rated 5, 4, 1 -> 2 of 3 in need (66.7 %, Wilson 20.8-93.9 %)
HALLGARTEN_MOBILITY = ["5", "4", "1"]
SERVICES = ["interpreting", "translated_forms", "time_per_case", "appointments"]


def _rows(rid, audience, qid, item, value):
    return {"response_id": rid, "audience": audience, "question_id": qid, "item": item,
            "value": value}  # fmt: skip


def small_town_answers(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    k = 0
    for stadtteil, n in SIZES.items():
        for i in range(n):
            rid = f"n{k:04d}"
            k += 1
            rows.append(_rows(rid, "newcomer", "stadtteil", "", stadtteil))
            rows.append(_rows(rid, "newcomer", "german_level", "", ["a1_a2", "b1_b2"][i % 2]))
            for area in tidy.NEED_AREAS:
                v = str(rng.choice(["1", "2", "3", "4", "5"], p=[0.3, 0.25, 0.2, 0.15, 0.1]))
                if stadtteil == "hallgarten" and area == "mobility":
                    v = HALLGARTEN_MOBILITY[i]
                rows.append(_rows(rid, "newcomer", "need", area, v))
            if rng.random() < 0.4:
                rows.append(_rows(rid, "newcomer", "barriers", "", "not_known"))
    # group sizes that cannot produce a share of exactly 2/3 (no multiple of 3)
    for i in range(11):
        rid = f"v{i:03d}"
        for area in tidy.NEED_AREAS:
            rows.append(_rows(rid, "volunteer", "need", area, str(rng.integers(1, 6))))
        rows.append(_rows(rid, "volunteer", "vol_needs", "", "supervision"))
        rows.append(_rows(rid, "volunteer", "continue_12m", "", str(rng.integers(3, 6))))
        rows.append(_rows(rid, "volunteer", "hours_month", "", str(rng.integers(2, 20))))
    for i in range(10):
        rid = f"a{i:03d}"
        for area in tidy.NEED_AREAS:
            rows.append(_rows(rid, "administration", "need", area, str(rng.integers(1, 6))))
        for s in SERVICES:
            rows.append(_rows(rid, "administration", "ip_importance", s, str(rng.integers(3, 6))))
            rows.append(_rows(rid, "administration", "ip_performance", s, str(rng.integers(1, 5))))
    df = pd.DataFrame(rows)
    df["campaign"] = df["audience"].map(
        {"newcomer": "z-w1", "volunteer": "e-w1", "administration": "v-w1"}
    )
    df["wave"], df["language"], df["mode"], df["text"] = 1, "de", "online", None
    # record keys drawn once per respondent from the seeded generator: a reproducible deck
    ids = df["response_id"].unique()
    keys = dict(zip(ids, rng.integers(0, 2**31, len(ids)), strict=True))
    df["record_key"] = df["response_id"].map(keys)
    return df[[*tidy.ANSWER_COLUMNS, "record_key"]]


@pytest.fixture(scope="module")
def small():
    ctx = make_context("sqlite://")  # labels only; no database is touched
    offers = pd.DataFrame(
        [("o1", "Sprachkurs", ["language"], "all", ["de"], ["morning"], "free", False, True)],
        columns=list(supply.OFFER_COLUMNS),
    )
    inp = ReportInput(
        answers=small_town_answers(),
        offers=offers,
        campaigns=[
            ReportCampaign("z-w1", "Welle 1 – Test (Zugewanderte)", 1, "newcomer", {"total": 200}),
            ReportCampaign("e-w1", "Welle 1 – Test (Ehrenamtliche)", 1, "volunteer"),
            ReportCampaign(
                "v-w1",
                "Welle 1 – Test (Verwaltung)",
                1,
                "administration",
                {"total": 12, "population": 12},
            ),
        ],
        labels=Labels.from_context(ctx),
        measures=load_seed(PROJECT_ROOT / "data" / "measures.yaml").measures,
        town="Teststadt",
        report_date=date(2026, 5, 1),
    )
    res = analyse(inp)
    deck = render_pptx(build_content(inp, res))
    return {"inp": inp, "res": res, "deck": deck}


def test_the_small_stadtteil_is_suppressed_by_the_analysis(small):
    needs = small["res"].needs
    hall = needs[(needs["group_var"] == "stadtteil") & (needs["group"] == "hallgarten")]
    assert len(hall) and hall["suppressed"].all() and hall["estimate"].isna().all()


def test_no_value_of_the_small_stadtteil_appears_anywhere_in_the_deck(small):
    est = proportion([1, 1, 0])
    hidden = [2 / 3, est.ci_low, est.ci_high]  # its estimate and interval
    xml = all_xml_text(small["deck"])
    for number in numbers_in_xml(xml):
        assert all(abs(number - h) > 1e-9 for h in hidden), number
    texts = [t for slide in open_deck(small["deck"]).slides for t in slide_texts(slide)]
    joined = "\n".join(texts)
    assert "n = 3" not in joined and "n = 3)" not in joined
    assert "n\u00a0=\u00a03)" not in joined
    assert "21–94" not in joined and "21\u2060–\u206094" not in joined


def test_tables_show_the_small_stadtteil_as_dash_with_footnote(small):
    deck = open_deck(small["deck"])
    slide = next(s for s in deck.slides if s.shapes.title.text == "Anhang: Bedarf nach Stadtteil")
    table = tables(slide)[0]
    col = table[0].index("Hallgarten")
    assert all(row[col] == "–" for row in table[1:])
    # no secondary suppression is needed: the other Stadtteile and the total are published,
    # each with the noise of its own cell, so their difference is not Hallgarten's count
    others = [c for c, h in enumerate(table[0]) if h in ("Oestrich", "Winkel", "Mittelheim")]
    assert all(table[1][c] != "–" for c in others)
    assert any("– = nicht gezeigt (Datenschutz)" in t for t in slide_texts(slide))
    supply_rows = [r for s in deck.slides for t in tables(s) for r in t if r[0] == "Mobilität"]
    assert supply_rows  # the supply matrix lists mobility; Hallgarten's cell is a dash
