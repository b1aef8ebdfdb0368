"""Überblick: targets, Stadtteil, language and month counts as analysis/ computes them,
small counts hidden, headline findings of the newest wave."""

from analysis.counts import response_overview
from analysis.display import month_label
from analysis.needs import needs_results
from analysis.overview import (
    campaign_progress,
    headline_findings,
    progress_table,
    stadtteil_counts,
)
from analysis.perception import perception_gap
from analysis.subset import select_respondents
from analysis.supply import supply_gap
from surveys.offers import offers_frame
from tests.dashboard.conftest import run_page


def _campaigns(ctx):
    import pandas as pd

    return pd.DataFrame(
        [
            {"campaign": c.slug, "title": c.title, "audience": c.audience, "wave": c.wave,
             "target": c.targets.get("total"), "population": c.targets.get("population")}
            for c in ctx.storage.campaigns(ctx.municipality_id)
        ]
    )  # fmt: skip


def table_with(at, column: str):
    """The first table showing ``column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_overview_requires_login(as_role):
    as_role(None)
    at = run_page("overview.py")
    assert len(at.dataframe) == 0 and "Bitte melden Sie sich an" in at.warning[0].value


def test_overview_shows_progress_against_targets_as_analysis_computes(as_role):
    ctx = as_role("viewer")
    at = run_page("overview.py")
    counts = ctx.storage.response_counts(ctx.municipality_id)
    expected = progress_table(campaign_progress(counts, _campaigns(ctx)))
    shown = table_with(at, "Rücklaufquote")
    assert shown.to_dict("list") == expected.to_dict("list")
    admin = shown[shown["Zielgruppe"] == "Verwaltung"]
    # the known population of 30 staff gives a response rate; newcomers have no population
    assert admin["Rücklaufquote"].str.endswith("%").all()
    assert (shown.loc[shown["Zielgruppe"] == "Zugewanderte", "Rücklaufquote"] == "–").all()


def test_overview_counts_by_stadtteil_language_and_month_hide_small_cells(as_role):
    ctx = as_role("viewer")
    at = run_page("overview.py")
    data = ctx.survey_data(ctx.storage.answers_frame(ctx.municipality_id))  # declared bases
    per_stadtteil = response_overview(stadtteil_counts(data.respondents), "stadtteil")
    shown = table_with(at, "Stadtteil")
    assert shown["Gesamt"].tolist() == per_stadtteil["Gesamt"].astype(str).tolist()
    assert "Hallgarten" in shown["Stadtteil"].tolist()
    counts = ctx.storage.response_counts(ctx.municipality_id)
    months = response_overview(counts[counts["status"] == "complete"], "month")
    table = table_with(at, "Monat")
    assert table["Monat"].tolist() == [month_label(m) for m in months["month"]]
    assert table["Monat"].iloc[0].split()[0] in {"März", "April", "Mai", "Oktober"}
    assert table["Gesamt"].tolist() == months["Gesamt"].astype(str).tolist()
    # demo administration responses spread over months: some monthly cells are below 5
    assert (table == "·").any().any()
    assert any("weniger als 5 Antworten" in c.value for c in at.caption)


def test_overview_leads_with_the_headline_findings_of_the_newest_wave(as_role):
    ctx = as_role("viewer")
    at = run_page("overview.py")
    assert any("Welle 2" in h.value for h in at.subheader)
    data = ctx.survey_data(ctx.storage.answers_frame(ctx.municipality_id))  # declared bases
    sub = select_respondents(data, {"wave": [2]})
    expected = headline_findings(
        needs_results(sub, group_vars=()),
        perception_gap(sub, population_sizes={"administration": 30}),
        supply_gap(sub, offers_frame(ctx.db, ctx.municipality_id)),
    )
    shown = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert shown == [f"- {s}" for s in expected["sentence"]]
    assert 3 <= len(shown) <= 4 and "Wohnen" in shown[0]  # planted fact 1
