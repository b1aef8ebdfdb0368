"""Freitext: guide/admin only, texts shown escaped with suggestions, coding stored per
coder, blind second coding, agreement and coded results as analysis/ computes them."""

from analysis.coding import coded_area_results, coded_table, coder_agreement
from bedarfsradar.audit import entries
from dashboard.labels import AUDIENCES
from surveys.free_text.codes import codes, free_text_answers
from tests.dashboard.conftest import run_page


def test_free_text_requires_login_and_viewers_never_see_it(as_role):
    as_role(None)
    at = run_page("free_text.py")
    assert "Bitte melden Sie sich an" in at.warning[0].value and len(at.dataframe) == 0
    ctx = as_role("viewer")
    at = run_page("free_text.py")
    assert "Berechtigung" in at.error[0].value
    assert len(at.dataframe) == 0 and len(at.text) == 0
    some_text = free_text_answers(ctx.db, ctx.municipality_id)["text"].iloc[0]
    assert some_text not in str([e.value for e in at.main if hasattr(e, "value")])


def test_guide_sees_texts_as_plain_text_with_suggestions_and_the_view_is_audited(as_role):
    ctx = as_role("guide")
    at = run_page("free_text.py")
    table = at.dataframe[0].value
    texts = free_text_answers(ctx.db, ctx.municipality_id)
    # staff and volunteers' texts are never listed (surveys.privacy.protected)
    assert len(table) == (~texts["audience"].isin(["administration", "volunteer"])).sum()
    assert set(table["Zielgruppe"]) == {"Zugewanderte"}
    wohnung = table[table["Text"] == "Eine Wohnung."]
    assert (wohnung["Vorschlag"].str.startswith("Wohnen")).all()
    assert at.text[0].value == table.iloc[0]["Text"]  # st.text: never Markdown or HTML
    assert not [m for m in at.markdown if table.iloc[0]["Text"] in m.value]
    views = entries(ctx.db, ctx.municipality_id)
    assert (views["action"] == "view.free_text").sum() == 1
    at.run()  # a rerun in the same session is not a second entry
    assert (entries(ctx.db, ctx.municipality_id)["action"] == "view.free_text").sum() == 1


def test_two_coders_code_blind_and_the_agreement_is_what_analysis_computes(as_role):
    ctx = as_role("guide")
    mid = ctx.municipality_id
    at = run_page("free_text.py")
    first = at.selectbox(key="answer").value
    at.selectbox(key=f"area-{first}").set_value("housing")
    at.text_input(key=f"theme-{first}").input("Größere Wohnung")
    at.button(key="save").click().run()
    assert "Gespeichert" in at.success[0].value
    assert at.selectbox(key="answer").value != first  # on to the next uncoded answer
    table = at.dataframe[0].value.set_index("Nr.")
    assert (table.at[first, "Code"], table.at[first, "Thema"]) == ("Wohnen", "Größere Wohnung")
    stored = codes(ctx.db, mid)
    assert stored.to_dict("records") == [
        {"answer_id": first, "coder": "test-guide", "area": "housing", "theme": "Größere Wohnung"}
    ]

    as_role("admin")  # the second coder
    at = run_page("free_text.py")
    at.toggle(key="blind").set_value(True).run()
    table = at.dataframe[0].value
    assert table["Nr."].tolist() == [first]  # only what someone else has coded
    assert "Vorschlag" not in table.columns and (table["Code"] == "").all()
    assert at.selectbox(key=f"area-{first}-blind").value == "none"  # no suggestion as anchor
    assert not [h for h in at.header if "Übereinstimmung" in h.value]
    at.selectbox(key=f"area-{first}-blind").set_value("housing")
    at.button(key="save").click().run()

    at = run_page("free_text.py")  # admin, normal mode: agreement and results
    agreement = coder_agreement(codes(ctx.db, mid))
    assert agreement.units == 1 and agreement.percent == 1.0
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Doppelt codierte Antworten"] == "1"
    assert metrics["Übereinstimmung"] == "100 %"
    results = coded_area_results(codes(ctx.db, mid), free_text_answers(ctx.db, mid), "audience")
    expected = coded_table(results, {"housing": "Wohnen"}, AUDIENCES)
    shown = at.dataframe[1].value
    assert shown.to_dict("list") == expected.to_dict("list")
    assert set(shown["Anzahl"]) == {"·"}  # one coded answer: below 5, hidden
