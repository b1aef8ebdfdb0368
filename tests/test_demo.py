"""The demo data carry the planted facts of surveys/demo_facts.md (checked in raw data)."""

import pandas as pd
import pytest

from bedarfsradar.context import load_demo
from tests.conftest import make_context


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ctx = make_context(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    stored = load_demo(ctx)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    yield ctx, stored, frame
    ctx.db.dispose()


def severity(frame: pd.DataFrame, audience: str) -> pd.DataFrame:
    """Respondent × area table of numeric ratings (missing codes dropped)."""
    need = frame[(frame["audience"] == audience) & (frame["question_id"] == "need")]
    need = need[need["value"].isin(list("12345"))]
    return need.assign(v=need["value"].astype(int)).pivot_table(
        index="response_id", columns="item", values="v"
    )


def prevalence(table: pd.DataFrame) -> pd.Series:
    return (table >= 3).sum() / table.notna().sum()


def attribute(frame: pd.DataFrame, question_id: str) -> pd.Series:
    rows = frame[frame["question_id"] == question_id]
    return rows.set_index("response_id")["value"]


def test_demo_sizes_and_waves(demo):
    ctx, stored, frame = demo
    assert stored == {"newcomer": 420, "volunteer": 60, "administration": 25}
    per_wave = frame.groupby(["audience", "wave"])["response_id"].nunique().to_dict()
    assert per_wave == {("administration", 1): 13, ("administration", 2): 12,
                        ("newcomer", 1): 232, ("newcomer", 2): 188,
                        ("volunteer", 1): 32, ("volunteer", 2): 28}  # fmt: skip


def test_demo_is_deterministic(demo, tmp_path):
    _, _, frame = demo
    ctx2 = make_context(f"sqlite:///{tmp_path / 'again.db'}")
    load_demo(ctx2)
    again = ctx2.storage.answers_frame(ctx2.municipality_id)
    ctx2.db.dispose()
    key = ["response_id", "question_id", "item", "value"]
    pd.testing.assert_frame_equal(
        frame[key].sort_values(key).reset_index(drop=True),
        again[key].sort_values(key).reset_index(drop=True),
    )


def test_fact1_housing_and_language_are_most_severe(demo):
    _, _, frame = demo
    table = severity(frame, "newcomer")
    severe = ((table >= 4).sum() / table.notna().sum()).sort_values(ascending=False)
    assert set(severe.index[:2]) == {"housing", "language"}
    assert severe.iloc[1] - severe.iloc[2] > 0.08


def test_fact2_administration_underestimates_housing_and_belonging(demo):
    _, _, frame = demo
    newcomers = prevalence(severity(frame, "newcomer"))
    admin = prevalence(severity(frame, "administration"))
    for area in ("housing", "belonging"):
        assert newcomers[area] - admin[area] > 0.3, area
    gaps = (newcomers - admin).dropna().sort_values(ascending=False)
    assert set(gaps.index[:2]) == {"housing", "belonging"}


def test_fact3_mobility_need_in_hallgarten_without_offer(demo):
    ctx, _, frame = demo
    table = severity(frame, "newcomer")
    stadtteil = attribute(frame[frame["audience"] == "newcomer"], "stadtteil")
    mob = (table["mobility"] >= 3).groupby(stadtteil).mean()
    assert mob["hallgarten"] > 0.7
    assert max(mob.drop("hallgarten")) < 0.5
    from surveys.offers import offers_frame

    offers = offers_frame(ctx.db, ctx.municipality_id)
    serving = offers[offers["areas"].apply(lambda a: "mobility" in a)]
    assert len(serving) > 0
    assert not serving["stadtteil"].isin(["hallgarten", "all", "online"]).any()


def test_fact4_volunteers_ask_most_for_supervision_and_coordination(demo):
    _, _, frame = demo
    chosen = frame[(frame["audience"] == "volunteer") & (frame["question_id"] == "vol_needs")]
    ranking = chosen["value"].value_counts()
    assert list(ranking.index[:2]) in (
        ["supervision", "coordination"],
        ["coordination", "supervision"],
    )


def test_fact5_childcare_need_falls_after_the_new_offer(demo):
    ctx, _, frame = demo
    newcomers = frame[frame["audience"] == "newcomer"]
    table = severity(newcomers, "newcomer")
    wave = newcomers.groupby("response_id")["wave"].first()
    childcare = (table["childcare"].dropna() >= 3).groupby(wave).mean()
    assert childcare[1] - childcare[2] > 0.15
    from surveys.offers import offers_frame

    offers = offers_frame(ctx.db, ctx.municipality_id)
    added = offers[offers["since"].notna()]
    assert list(added["key"]) == ["kita-brueckenangebot"]
    assert "2026-05" < added["since"].iloc[0] < "2026-09"  # between the waves


def test_demo_has_realistic_noise(demo):
    _, _, frame = demo
    newcomers = frame[frame["audience"] == "newcomer"]
    need = newcomers[newcomers["question_id"] == "need"]
    assert 0.02 < (need["value"] == "dk").mean() < 0.08
    assert (need["value"] == "na").sum() > 50
    texts = newcomers.loc[newcomers["question_id"] == "helps_most"]
    assert len(texts) > 100
    assert set(texts["language"]) >= {"de", "ar", "fa", "uk", "tr"}
    assert set(newcomers["mode"]) == {"online", "assisted", "paper"}
    consented = newcomers.loc[newcomers["question_id"] == "residence_status", "response_id"]
    assert 0.45 < consented.nunique() / newcomers["response_id"].nunique() < 0.75
