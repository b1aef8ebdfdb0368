"""Überblick: targets, Stadtteil, language and month counts as the published views give
them (small counts hidden, every count with its cell's noise), and the key findings of the
newest wave - the same list as the Stadtrat deck of that wave."""

from datetime import date

from analysis import published
from analysis.counts import response_table
from analysis.display import month_label
from analysis.overview import campaign_progress, progress_table
from reports.analyse import analyse, key_findings
from reports.inputs import collect
from tests.dashboard.conftest import run_page


def _campaigns(ctx):
    import pandas as pd

    from surveys.invitations.store import InvitationStore

    rates = InvitationStore(ctx.db, "").rates(ctx.municipality_id).set_index("campaign")
    return pd.DataFrame(
        [
            {"campaign": c.slug, "title": c.title, "audience": c.audience, "wave": c.wave,
             "target": c.targets.get("total"), "population": c.targets.get("population"),
             "invited": rates["invited"].get(c.slug), "finished": rates["finished"].get(c.slug)}
            for c in ctx.storage.campaigns(ctx.municipality_id)
        ]
    )  # fmt: skip


def table_with(at, column: str):
    """The first table showing ``column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _data(ctx):
    return ctx.survey_data(ctx.storage.answers_frame(ctx.municipality_id))  # declared bases


def test_overview_requires_login(as_role):
    as_role(None)
    at = run_page("overview.py")
    assert len(at.dataframe) == 0 and "Bitte melden Sie sich an" in at.warning[0].value


def test_overview_shows_progress_against_targets_as_analysis_computes(as_role):
    ctx = as_role("guide")
    at = run_page("overview.py")
    counts = published.respondent_counts(_data(ctx), ["campaign"])
    expected = progress_table(campaign_progress(counts, _campaigns(ctx)))
    shown = table_with(at, "Rücklaufquote")
    assert shown.to_dict("list") == expected.to_dict("list")
    assert "Zielerreichung" in shown.columns and "Erreicht" not in shown.columns
    # the staff campaign of wave 2 invited 40 by name, 12 finished: the true rate
    staff = shown[shown["Kampagne"] == "Welle 2 – Herbst 2026 (Verwaltung)"]
    assert staff["Rücklaufquote"].tolist() == ["30 %"]
    admin = shown[shown["Zielgruppe"] == "Verwaltung"]
    # the known population of 30 staff gives a response rate; newcomers have no population
    assert admin["Rücklaufquote"].str.endswith("%").all()
    assert (shown.loc[shown["Zielgruppe"] == "Zugewanderte", "Rücklaufquote"] == "–").all()


def test_overview_counts_by_stadtteil_language_and_month_hide_small_cells(as_role):
    ctx = as_role("guide")
    at = run_page("overview.py")
    data = _data(ctx)
    per_stadtteil = response_table(data.respondents, "stadtteil")
    shown = table_with(at, "Stadtteil")
    assert shown["Gesamt"].tolist() == per_stadtteil["Gesamt"].astype(str).tolist()
    assert "Hallgarten" in shown["Stadtteil"].tolist()
    months = response_table(data.respondents, "month")
    table = table_with(at, "Monat")
    assert table["Monat"].tolist() == [
        "Gesamt" if m == "Gesamt" else month_label(m) for m in months["month"]
    ]
    assert table["Monat"].iloc[0].split()[0] in {"März", "April", "Mai", "Oktober"}
    assert table["Gesamt"].tolist() == months["Gesamt"].astype(str).tolist()
    # demo administration responses spread over months: some monthly cells are below 5
    assert (table == "·").any().any()
    assert any("weniger als 5 Antworten" in c.value for c in at.caption)


def test_overview_lists_the_key_findings_the_deck_shows(as_role):
    """Dashboard and deck list the same key findings for the same selection: the newest
    wave with the change since the wave before."""
    ctx = as_role("guide")
    at = run_page("overview.py")
    assert any("Welle 2" in h.value for h in at.subheader)
    shown = [m.value[2:] for m in at.markdown if m.value.startswith("- ")]
    inp = collect(ctx, "zugewanderte-w2", compare="zugewanderte-w1", report_date=date.today())
    deck = key_findings(analyse(inp), inp.labels)
    nbsp, joiner = "\u00a0", "\u2060"

    def plain(s: str) -> str:
        return s.replace(nbsp, " ").replace(joiner, "")

    assert [plain(s) for s in shown] == [plain(s) for s in deck]
    assert 4 <= len(shown) <= 7 and "Wohnen" in shown[0]  # planted fact 1
    assert any("Kinderbetreuung deutlich gesunken" in s for s in shown)  # planted fact 5
    assert any(c.value.startswith("Kernbefunde:") for c in at.caption)
