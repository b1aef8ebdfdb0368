"""Every page: login required, roles respected, numbers equal to what analysis/ computes."""

import json

import pytest

from analysis.display import results_table
from analysis.needs import needs_results
from analysis.perception import perception_gap
from analysis.results import filter_results
from analysis.subset import select_respondents
from surveys.web.state import StateCodec
from tests.dashboard.conftest import run_page

PAGES = ["overview.py", "needs.py", "perspectives.py", "offers.py", "offer_catalogue.py",
         "admin_volunteers.py", "export.py", "campaigns.py"]  # fmt: skip


def _all_text(at) -> str:
    parts = [str(getattr(e, "value", "")) for e in at.main]
    parts += [str(getattr(e, "body", "")) for e in at.main]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_requires_login(as_role, page):
    as_role(None)
    at = run_page(page)
    assert len(at.dataframe) == 0 and len(at.get("download_button")) == 0
    assert "Bitte melden Sie sich an" in at.warning[0].value
    assert "/login" in at.markdown[0].value


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["guide", "admin"])
def test_every_page_renders_for_analysts(as_role, page, role):
    as_role(role)
    at = run_page(page)
    assert len(at.dataframe) >= 1 and not at.error


def test_viewer_sees_aggregates_but_no_raw_data(as_role):
    as_role("viewer")
    at = run_page("export.py")  # the internal export: refused
    assert "Berechtigung" in at.error[0].value and len(at.get("download_button")) == 0
    at = run_page("results.py")  # the release: its tables, its workbook on request
    assert len(at.dataframe) >= 1 and not at.error
    assert [b.label for b in at.button if "Excel" in b.label] == ["Tabellen (Excel) erstellen"]
    assert not [t for t in at.toggle if t.key == "raw"]
    at = run_page("campaigns.py")
    assert "Berechtigung" in at.error[0].value and len(at.dataframe) == 0
    at = run_page("offer_catalogue.py")
    assert len(at.dataframe) == 1 and len(at.tabs) == 0  # read only


def test_bedarfe_filter_shows_the_values_analysis_computes(as_role):
    ctx = as_role("guide")
    at = run_page("needs.py")
    before = at.dataframe[0].value["Schätzung"].tolist()
    at.multiselect(key="filter_stadtteil").set_value(["hallgarten"]).run()
    shown = at.dataframe[0].value
    data = ctx.survey_data(ctx.storage.answers_frame(ctx.municipality_id))
    sub = select_respondents(data, {"stadtteil": ["hallgarten"]}, audience="newcomer")
    rows = filter_results(needs_results(sub, group_vars=()), indicator="need_prevalence",
                          group_var="all")  # fmt: skip
    expected = results_table(rows)
    assert shown["Schätzung"].tolist() == expected["Schätzung"].tolist()
    assert shown["n"].tolist() == expected["n"].tolist()
    assert shown["Schätzung"].tolist() != before
    mobility = shown.set_index("Bedarfsfeld").loc["Mobilität", "Schätzung"]
    assert int(mobility.split()[0]) >= 80  # planted fact 3: mobility need in Hallgarten


def test_bedarfe_breakdown_marks_significant_differences_and_suppresses_small_cells(as_role):
    as_role("guide")
    at = run_page("needs.py")
    at.selectbox(key="breakdown").set_value("stadtteil").run()
    table = at.dataframe[0].value
    mobility = table[table["Bedarfsfeld"] == "Mobilität"]
    assert (mobility["Unterschied signifikant"] == "ja").all()
    assert "Mobilität" in at.success[0].value
    at.multiselect(key="filter_language").set_value(["tr"]).run()
    table = at.dataframe[0].value
    hidden = table[table["Schätzung"] == "·"]
    assert len(hidden) > 0 and (hidden[["95-%-KI", "n"]] == "·").all().all()
    assert any("weniger als 5 Antworten" in c.value for c in at.caption)


def test_perspektiven_shows_the_perception_gap_and_its_wave_filter(as_role):
    ctx = as_role("guide")
    at = run_page("perspectives.py")
    table = at.dataframe[0].value
    data = ctx.survey_data(ctx.storage.answers_frame(ctx.municipality_id))
    gap = perception_gap(data, population_sizes={"administration": 30})
    expected = results_table(gap, kind="points")
    assert table["Differenz (Pp.)"].tolist() == expected["Schätzung"].tolist()
    assert "Die Verwaltung unterschätzt den Bedarf bei" in at.warning[0].value
    assert "Wohnen" in at.warning[0].value  # planted fact 2
    at.multiselect(key="waves").set_value(["2"]).run()
    gap2 = perception_gap(select_respondents(data, {"wave": ["2"]}),
                          population_sizes={"administration": 30})  # fmt: skip
    assert (at.dataframe[0].value["Differenz (Pp.)"].tolist()
            == results_table(gap2, kind="points")["Schätzung"].tolist())  # fmt: skip


def test_offers_page_finds_the_uncovered_mobility_need_in_hallgarten(as_role):
    as_role("guide")
    at = run_page("offers.py")
    uncovered = at.dataframe[0].value
    first = uncovered.iloc[0]
    assert (first["Bedarfsfeld"], first["Gruppe"]) == ("Mobilität", "Hallgarten")


def test_campaign_links_carry_a_valid_signature_and_the_admin_may_keep_waves_to_herself(as_role):
    ctx = as_role("guide")
    at = run_page("campaigns.py")
    links = [m.value for m in at.markdown if "modus=assisted" in m.value]
    assert links and len(at.get("form")) == 1  # guides may create waves unless restricted
    link = links[0].split("(")[1].rstrip(")")
    slug = link.split("/")[2]
    sig = link.split("sig=")[1]
    assert StateCodec(ctx.settings.effective_secret_key).mode_ok(slug, "assisted", sig)
    as_role("admin")
    at = run_page("campaigns.py")
    assert any(b.label == "Schließen" for b in at.button)
    at.checkbox(key="guides-may-create").uncheck().run()
    as_role("guide")
    at = run_page("campaigns.py")
    assert len(at.get("form")) == 0 and not any(b.label == "Schließen" for b in at.button)
    assert any("legt die Verwaltung (Admin) an" in i.value for i in at.info)
    as_role("admin")
    at = run_page("campaigns.py")
    at.checkbox(key="guides-may-create").check().run()
    newcomer = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    at.selectbox(key="new-questionnaire").set_value(newcomer).run()
    at.text_input(key="new-title").set_value("Welle 3 Test")
    at.text_input(key="new-slug").set_value("test-w3")
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert "Angelegt" in at.success[0].value
    created = ctx.storage.campaign("test-w3")
    assert (created.status, created.wave, created.audience) == ("draft", 3, "newcomer")
    from bedarfsradar.audit import entries

    actions = set(entries(ctx.db, ctx.municipality_id)["action"])
    assert {"campaign.create", "setting.campaign_creation"} <= actions


def test_new_wave_dates_are_typed_in_german_and_a_wrong_one_is_named(as_role):
    ctx = as_role("admin")
    at = run_page("campaigns.py")
    assert not at.get("date_input")  # its calendar speaks English only
    at.text_input(key="new-title").set_value("Welle 4 Test")
    at.text_input(key="new-slug").set_value("test-w4")
    at.text_input(key="new-opens").set_value("31.02.2027")
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert at.error[0].value.startswith("Start: „31.02.2027“ ist kein gültiges Datum")
    assert "test-w4" not in {c.slug for c in ctx.storage.campaigns(ctx.municipality_id)}
    at.text_input(key="new-opens").set_value("1.3.2027")
    at.text_input(key="new-closes").set_value("28.02.2027")
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert at.error[0].value == "Das Ende liegt vor dem Start. Bitte die Daten prüfen."
    at.text_input(key="new-closes").set_value("30.04.2027")
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert "Angelegt" in at.success[0].value
    from sqlalchemy import select

    from bedarfsradar.db.schema import Campaign

    with ctx.db.engine.connect() as conn:
        stored = conn.execute(
            select(Campaign.opens_on, Campaign.closes_on).where(Campaign.slug == "test-w4")
        ).one()
    assert tuple(stored) == ("2027-03-01", "2027-04-30")


def test_importance_performance_fields_are_named_in_plain_german(as_role):
    """The grid's fields read as in the deck ("Handlungsbedarf"), not as the analysis's
    working names ("Konzentration hier", "Möglicher Overkill")."""
    as_role("guide")
    at = run_page("admin_volunteers.py")
    table = next(d.value for d in at.dataframe if "Einordnung" in d.value.columns)
    shown = set(table["Einordnung"]) - {""}
    plain = {"Handlungsbedarf", "Stärke – beibehalten", "Nachrangig", "Eher zu viel Aufwand",
             "Einordnung unsicher"}  # fmt: skip
    assert shown and shown <= plain
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    legend = [t["name"] for t in figure["data"] if t.get("name")]
    fields = {name.rsplit("(", 1)[1].rstrip(")") for name in legend}  # "1 Name (Feld)"
    assert fields and fields <= plain
