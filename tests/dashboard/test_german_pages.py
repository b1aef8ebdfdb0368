"""What the guide reads on the pages: chart titles that carry the selection (and so does
the PNG), German Plotly, the perception axis in percentage points, no claim about group
differences when only one group is left, the Überblick leading to the gaps, the offer
catalogue filtered by a need area, the Stand line and role-filtered links of the app."""

import base64
import json
import time

import numpy as np
from streamlit.testing.v1 import AppTest

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.session import SessionUser
from tests.dashboard.conftest import run_page

APP = PROJECT_ROOT / "dashboard" / "app.py"


def charts(at) -> list[tuple[dict, dict]]:  # type: ignore[no-untyped-def]
    """(figure, config) of every Plotly chart of a page run."""
    return [(json.loads(c.proto.spec), json.loads(c.proto.config)) for c in at.get("plotly_chart")]


def test_chart_titles_and_png_names_carry_the_selection(as_role):
    as_role("guide")
    at = run_page("needs.py")
    at.multiselect(key="filter_stadtteil").set_value(["hallgarten"]).run()
    (figure, config), *_ = charts(at)
    title = figure["layout"]["title"]
    assert title["text"].startswith("Bedarf (mittel bis sehr groß")
    assert title["subtitle"]["text"].startswith("Auswahl: Stadtteil: Hallgarten · Stand ")
    assert "hallgarten" in config["toImageButtonOptions"]["filename"]
    assert any("Auswahl: Stadtteil: Hallgarten" in c.value for c in at.caption)
    # German Plotly: locale and its dictionary travel with the chart, nothing is fetched
    assert config["locale"] == "de"
    german = config["locales"]["de"]
    assert german["format"]["decimal"] == "," and german["format"]["months"][2] == "März"
    assert german["dictionary"]["Download plot as a PNG"] == "Als PNG-Bild herunterladen"
    assert "zoom2d" in config["modeBarButtonsToRemove"] and not config["displaylogo"]
    assert figure["layout"]["xaxis"]["ticktext"][-1] == "100 %"


def test_perception_axis_is_in_percentage_points(as_role):
    as_role("guide")
    at = run_page("perspectives.py")
    (figure, _), *_ = charts(at)
    axis = figure["layout"]["xaxis"]
    assert axis["title"]["text"] == "Differenz in Prozentpunkten"
    assert axis["range"] == [-100, 100] and "+50" in axis["ticktext"] and "−50" in axis["ticktext"]
    assert not [t for t in axis["ticktext"] if "%" in t]
    bars = figure["data"][0]
    x = bars["x"]  # plotly sends numbers as a typed array
    values = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]) if "bdata" in x else x
    assert np.abs(values).max() > 1  # points, not fractions
    assert " Pp. (95-%-KI " in bars["customdata"][0]


def test_one_group_left_is_not_called_no_difference(as_role):
    as_role("guide")
    at = run_page("needs.py")
    at.selectbox(key="breakdown").set_value("stadtteil").run()
    assert at.success or at.info  # several groups: a verdict about differences
    at.multiselect(key="filter_stadtteil").set_value(["hallgarten"]).run()
    texts = [m.value for m in [*at.info, *at.success]]
    assert not [t for t in texts if "Unterschiede" in t]
    assert any("nur eine Gruppe" in t for t in texts)


def test_overview_leads_to_the_gaps_and_the_matching_offers(as_role):
    as_role("guide")
    at = run_page("overview.py")
    assert any(h.value.startswith("Größte Lücken") for h in at.subheader)
    gaps = [m.value for m in at.markdown if m.value.endswith("kein erreichbares Angebot")]
    assert gaps and gaps[0].startswith("**Mobilität in Hallgarten:**")  # planted fact 3
    links = [m.value for m in at.markdown if m.value.startswith("[→ ")]
    assert "[→ Passende Angebote](/angebotskatalog?bereich=mobility)" in links
    assert "[→ Details: Bedarfe](/bedarfe)" in links  # a headline leads to its page


def test_offer_catalogue_is_filtered_by_the_need_area_of_the_link(as_role):
    as_role("viewer")
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "pages" / "offer_catalogue.py"))
    at.query_params["bereich"] = "mobility"
    at.run(timeout=60)
    assert at.multiselect(key="catalogue-areas").value == ["mobility"]
    table = at.dataframe[0].value
    assert len(table) >= 2 and table["Bedarfsfelder"].str.contains("Mobilität").all()
    assert set(table["Kosten"]) <= {"kostenlos", "geringe Kosten", "kostenpflichtig"}
    assert set(table["Kinderbetreuung"]) <= {"ja", "nein"}
    everything = run_page("offer_catalogue.py").dataframe[0].value
    assert len(everything) > len(table)
    assert "ganze Stadt" in set(everything["Ort"])
    assert "Arabisch" in ", ".join(everything["Sprachen"])


def test_app_shows_the_stand_and_links_only_to_the_roles_pages(as_role, monkeypatch):
    ctx = as_role("viewer")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    stand = at.caption[0].value
    assert stand.startswith("Stand der Daten: ") and " Uhr · 505 Antworten" in stand
    assert "Welle 2 vorläufig" in stand  # the demo's wave 2 campaigns are open
    labels = [link.proto.label for link in at.sidebar.get("page_link")]
    # the viewer reads releases: no explorer page, no internal export
    assert labels == ["Freigegebene Ergebnisse", "Angebotskatalog"]
    assert at.title[0].value == "Freigegebene Ergebnisse"  # the viewer's first page
    assert not [w for w in at.warning if "Interne Ansicht" in w.value]
    import dashboard.auth

    admin = SessionUser(1, "test-admin", "admin", ctx.municipality_id, time.time())
    monkeypatch.setattr(dashboard.auth, "current_user", lambda: admin)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert len(at.sidebar.get("page_link")) == 17  # with Einladungen
    assert at.title[0].value == "Überblick"  # the explorer, marked internal
    assert any("Interne Ansicht – nicht zur Weitergabe" in w.value for w in at.warning)


def test_app_without_a_session_shows_only_the_login_notice(as_role):
    as_role(None)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception and "Bitte melden Sie sich an" in at.warning[0].value
    assert len(at.sidebar.get("page_link")) == 0 and len(at.dataframe) == 0
