"""Kampagnen, "Neue Welle anlegen": the guide picks an imported questionnaire, sees its
languages and the texts an incomplete one lacks, creates and opens the wave; the answers
show on the page (audited); a deletion of flagged responses is confirmed, in the singular
where it is one; the "too fast" rule is explained."""

from __future__ import annotations

import time
import uuid

import pytest
import streamlit as st

from bedarfsradar.audit import entries
from bedarfsradar.context import init_db
from bedarfsradar.session import SessionUser
from surveys.responses.answers import AnswerRow
from surveys.xlsform import import_xlsform, product_texts
from tests.conftest import make_context
from tests.dashboard.conftest import run_page
from tests.xlsform.families import families_form, kinder_form

PAGE = "campaigns.py"


@pytest.fixture
def page_ctx(tmp_path, monkeypatch):
    import dashboard.auth
    import dashboard.data

    ctx = make_context(f"sqlite:///{tmp_path / 'page.db'}")
    init_db(ctx)
    monkeypatch.setattr(dashboard.data, "context", lambda: ctx)
    st.cache_data.clear()
    st.cache_resource.clear()

    def login(role):
        user = SessionUser(1, f"test-{role}", role, ctx.municipality_id, time.time())
        monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)

    ctx.login = login
    login("guide")
    yield ctx
    ctx.db.dispose()


def store(ctx, data: bytes, name: str, audience: str | None = None) -> int:
    product = product_texts(ctx.ui_text.strings, ctx.bundles())
    bundle = import_xlsform(data, name, product=product, audience=audience).bundle
    return ctx.storage.store_questionnaire_version(ctx.municipality_id, bundle)


def create(at, version: int, slug: str, *, open_now: bool = True):
    at.selectbox(key="new-questionnaire").set_value(version).run()
    at.text_input(key="new-title").set_value(f"Welle {slug}")
    at.text_input(key="new-slug").set_value(slug)
    if open_now:
        at.checkbox(key="new-open").check()
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert not at.exception, at.exception
    return at


def test_the_guide_starts_a_wave_with_an_imported_questionnaire(page_ctx):
    ctx = page_ctx
    version = store(ctx, families_form(), "families.xlsx")
    at = run_page(PAGE)
    assert at.selectbox(key="new-questionnaire").value == version  # the newest first
    languages = at.table[0].value.set_index("Sprache")
    assert languages["in der Umfrage"].to_dict() == {"Deutsch": "ja", "Arabisch": "ja",
                                                     "Englisch": "ja"}  # fmt: skip
    create(at, version, "familien-w1")
    assert at.success[0].value.startswith("Angelegt: Welle familien-w1 (offen).")
    assert "Deutsch, Arabisch, Englisch" in at.success[0].value
    assert at.text_input(key="new-slug").value == ""  # the form is empty for the next wave
    campaign = ctx.storage.campaign("familien-w1")
    assert (campaign.status, campaign.questionnaire_version_id) == ("open", version)
    log = entries(ctx.db, ctx.municipality_id)
    assert (log.iloc[0]["actor"], log.iloc[0]["action"]) == ("test-guide", "campaign.create")


def test_incomplete_languages_name_their_missing_texts_and_the_wave_offers_the_rest(page_ctx):
    ctx = page_ctx
    version = store(ctx, kinder_form(), "kinder.xlsx")
    at = run_page(PAGE)
    at.selectbox(key="new-questionnaire").set_value(version).run()
    languages = at.table[0].value.set_index("Sprache")
    assert languages.loc["Arabisch", "in der Umfrage"] == "nein"
    assert languages.loc["Arabisch", "warum nicht"] == "1 Text des Fragebogens fehlt"
    missing = at.table[1].value
    assert missing[["Text", "Wortlaut"]].values.tolist() == [
        ["Hinweis unter der Frage „Wie viele Kinder?“", "Nur im Haushalt"]]  # fmt: skip
    create(at, version, "kinder-w1")
    assert "angeboten auf: Deutsch." in at.success[0].value
    assert "Nicht angeboten: Arabisch – 1 Text des Fragebogens fehlt." in [
        w.value for w in at.warning
    ]


def test_the_answers_of_a_wave_are_readable_on_the_page_and_their_view_is_audited(page_ctx):
    ctx = page_ctx
    version = store(ctx, families_form(), "families.xlsx")
    campaign = ctx.storage.create_campaign(ctx.municipality_id, "fam", "Familien", version)
    rows = [AnswerRow("children", value="yes"), AnswerRow("kids", value="2"),
            AnswerRow("help", value="other"), AnswerRow("help_other", text="Kita")]  # fmt: skip
    ctx.storage.complete_response(campaign, str(uuid.uuid4()), rows, language="ar")
    ctx.storage.complete_response(campaign, str(uuid.uuid4()), rows[:1], language="de")
    at = run_page(PAGE)
    at.toggle(key="answers-fam").set_value(True).run()
    [table] = [t.value for t in at.table if "Weg" in t.value.columns]
    assert sorted(table["Sprache"]) == ["Arabisch", "Deutsch"]
    arabic = table[table["Sprache"] == "Arabisch"].iloc[0]
    assert arabic["Haben Sie Kinder?"] == "Ja" and arabic["Wie viele Kinder?"] == "2"
    assert arabic["Wobei brauchen Sie Hilfe?"] == "Sonstiges"
    assert arabic["Bitte näher angeben:"] == "Kita"
    assert "Willkommen! Alle Fragen sind freiwillig." not in table.columns  # a note
    log = entries(ctx.db, ctx.municipality_id)
    assert log.iloc[0]["action"] == "raw.view" and log.iloc[0]["detail"]["campaign"] == "fam"


def test_a_deletion_of_flagged_responses_is_confirmed_and_one_is_singular(page_ctx):
    ctx = page_ctx
    newcomer = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    campaign = ctx.storage.create_campaign(ctx.municipality_id, "neu", "Neu", newcomer)
    rows = [AnswerRow("stadtteil", value="winkel")]
    ctx.storage.complete_response(campaign, str(uuid.uuid4()), rows, "de", review_flag="too_fast")
    at = run_page(PAGE)
    [note] = [i.value for i in at.info if "zur Prüfung markiert" in i.value]
    assert note.startswith("1 Antwort ist zur Prüfung markiert")
    assert "Sie ist gespeichert" in note and "steht bei ihr der Grund" in note
    assert any("2 Sekunden je gezeigter Frage" in c.value for c in at.caption)
    at.checkbox(key="flag-confirm-too_fast").check().run()
    at.button(key="flag-delete-too_fast").click().run()
    assert at.success[0].value == (
        "1 Antwort mit dem Hinweis „in sehr kurzer Zeit abgeschickt“ endgültig gelöscht."
    )
    assert ctx.storage.review_flags(ctx.municipality_id) == {}


def test_a_staff_wave_offers_no_individual_answers(page_ctx):
    """The staff's answers are never shown one by one (Personalrat), not even here."""
    ctx = page_ctx
    version = store(ctx, families_form(), "staff.xlsx", audience="administration")
    campaign = ctx.storage.create_campaign(ctx.municipality_id, "team", "Team", version)
    ctx.storage.complete_response(campaign, str(uuid.uuid4()), [AnswerRow("children",
                                  value="yes")], language="de")  # fmt: skip
    at = run_page(PAGE)
    assert not [t for t in at.toggle if t.key == "answers-team"]
    assert any("nicht einzeln gezeigt" in c.value for c in at.caption)
    assert not [t for t in at.table if "Weg" in t.value.columns]
