"""Releases (issue 23): the rules, one transaction, the same numbers as the published
layer, and a deck that reads no answer."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from analysis.catalogue import MIN_RESPONSES, ReleaseRefused, check_release
from bedarfsradar import releases
from bedarfsradar.context import load_demo
from bedarfsradar.db.schema import Release
from reports.analyse import analyse
from reports.inputs import collect
from reports.release import content_hash, results_of
from tests.conftest import make_context


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ctx = make_context(f"sqlite:///{tmp_path_factory.mktemp('rel') / 'demo.db'}")
    load_demo(ctx)
    yield ctx
    ctx.db.dispose()


def _count(ctx) -> int:
    with ctx.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Release)) or 0)


def test_the_demo_has_its_closed_wave_released_once(demo):
    stored = demo.releases.releases(demo.municipality_id)
    closed = [w for w, s in releases.waves(demo).items() if not s.open]
    assert [(r.wave, r.kind) for r in stored] == [(w, "final") for w in closed]
    payload = demo.releases.payload(demo.municipality_id, stored[0].id)
    assert stored[0].content_hash == content_hash(payload)


def test_released_numbers_are_the_published_numbers_of_the_same_tables(demo):
    final = demo.releases.releases(demo.municipality_id)[0]
    res = releases.release_results(demo, final.id)
    state = releases.waves(demo)[final.wave]
    live = analyse(collect(demo, state.slug, compare=state.compare),
                   needs_group_vars=("stadtteil", "language", "german_level", "years_de",
                                     "children"), release=True)  # fmt: skip
    for name in ("needs", "perception", "supply", "volunteers", "beliefs"):
        a, b = getattr(res, name), getattr(live, name)
        assert a.shape == b.shape, name
        pd.testing.assert_series_equal(a["estimate"].astype(float), b["estimate"].astype(float),
                                       check_names=False)  # fmt: skip
    pd.testing.assert_series_equal(
        res.ip.results["estimate"].astype(float), live.ip.results["estimate"].astype(float)
    )
    # the planted facts hold on released numbers: housing and language lead the needs
    total = res.needs[(res.needs["indicator"] == "need_prevalence")
                      & (res.needs["group_var"] == "all")]  # fmt: skip
    top = total.sort_values("estimate", ascending=False)["level"].head(3).tolist()
    assert {"housing", "language"} <= set(top)


def test_a_second_final_release_and_an_early_final_are_refused_in_german_and_store_nothing(demo):
    before = _count(demo)
    closed = min(w for w, s in releases.waves(demo).items() if not s.open)
    running = max(w for w, s in releases.waves(demo).items() if s.open)
    with pytest.raises(ReleaseRefused, match="bereits endgültig freigegeben"):
        releases.release_wave(demo, closed, "final", "guide")
    with pytest.raises(ReleaseRefused, match="läuft noch"):
        releases.release_wave(demo, running, "final", "guide")
    assert _count(demo) == before


def test_interim_releases_are_totals_rounded_to_five_and_twenty_newcomers_apart(demo):
    running = max(w for w, s in releases.waves(demo).items() if s.open)
    info = releases.release_wave(demo, running, "interim", "guide")
    res = releases.release_results(demo, info.id)
    assert set(res.needs["group_var"]) == {"all"}  # no breakdowns
    assert res.ip is None and res.volunteers.empty and res.perception.empty
    assert res.supply.empty
    shown = res.needs.loc[~res.needs["suppressed"].astype(bool), ["n", "count"]]
    assert (shown["n"].astype(float) % 5 == 0).all()
    assert (shown["count"].dropna().astype(float) % 5 == 0).all()
    with pytest.raises(ReleaseRefused, match="20 neuen Antworten"):
        releases.release_wave(demo, running, "interim", "guide")


@pytest.mark.parametrize(
    ("kind", "newcomers", "previous", "wave_open", "message"),
    [
        ("final", MIN_RESPONSES - 1, [], False, "ab 20"),
        ("interim", 100, [("interim", 90)], True, "ab 20 neuen"),
        ("interim", 100, [], False, "abgeschlossen"),
        ("weekly", 100, [], False, "Unbekannte Art"),
    ],
)
def test_release_rules(kind, newcomers, previous, wave_open, message):
    with pytest.raises(ReleaseRefused, match=message):
        check_release(kind, newcomers, previous, wave_open)


def test_a_final_release_may_follow_an_interim_one_at_any_distance():
    check_release("final", 101, [("interim", 100)], wave_open=False)


def test_a_wave_without_answers_is_refused_and_nothing_is_stored(tmp_path):
    ctx = make_context(f"sqlite:///{tmp_path / 'empty.db'}")
    from bedarfsradar.context import init_db

    init_db(ctx)
    assert releases.waves(ctx) == {}
    with pytest.raises(ReleaseRefused, match="gibt es nicht"):
        releases.release_wave(ctx, 1, "final", "guide")
    assert _count(ctx) == 0
    ctx.db.dispose()


def test_the_deck_of_a_release_is_the_same_twice_and_reads_no_answer(demo, monkeypatch):
    from tests.reports.helpers import open_deck, slide_texts

    final = next(r for r in demo.releases.releases(demo.municipality_id) if r.kind == "final")
    first = releases.release_report(demo, final.id, "pptx")

    def no_answers(*_a, **_k):
        raise AssertionError("a release's deck must not read answers")

    monkeypatch.setattr(demo.storage, "answers_frame", no_answers)
    second = releases.release_report(demo, final.id, "pptx")
    text = ["\n".join(slide_texts(s)) for s in open_deck(first).slides]
    assert text == ["\n".join(slide_texts(s)) for s in open_deck(second).slides]
    assert results_of(demo.releases.payload(demo.municipality_id, final.id)) is not None


def test_withdrawn_and_other_towns_releases_are_not_offered(demo):
    info = demo.releases.releases(demo.municipality_id)[0]
    assert demo.releases.payload(demo.municipality_id + 99, info.id) is None
    assert demo.releases.info(demo.municipality_id + 99, info.id) is None
