"""Dashboard page "Fragebogen importieren": refused files change nothing; left-out rows must
be confirmed before the version is stored (same step as the CLI's ``--yes``); the preview
speaks the guide's words and names the languages respondents get; after saving the form is
empty again and the same questionnaire is not stored twice."""

from __future__ import annotations

import re
import time

import pytest
import streamlit as st

from bedarfsradar.audit import entries
from bedarfsradar.context import init_db
from bedarfsradar.session import SessionUser
from tests.conftest import make_context
from tests.dashboard.conftest import run_page
from tests.xlsform.corpus import CORPUS, YES_NO, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = "xlsform_import.py"


@pytest.fixture
def page_ctx(tmp_path, monkeypatch):
    import dashboard.auth
    import dashboard.data

    ctx = make_context(f"sqlite:///{tmp_path / 'page.db'}")
    init_db(ctx)
    monkeypatch.setattr(dashboard.data, "context", lambda: ctx)
    st.cache_data.clear()

    def login(role):
        user = role and SessionUser(1, f"test-{role}", role, ctx.municipality_id, time.time())
        monkeypatch.setattr(dashboard.auth, "current_user", lambda: user or None)

    ctx.login = login
    login("guide")
    yield ctx
    ctx.db.dispose()


def key(at, name: str) -> str:
    """The widget key of this round (the page starts a new round after each save)."""
    return f"{name}-{at.session_state['xf-round']}"


def upload(at, name: str, data: bytes):
    at.file_uploader(key=key(at, "xf-upload")).set_value((name, data, XLSX)).run()
    assert not at.exception, at.exception
    return at


def tables(at, column: str):
    return [t.value for t in at.table if column in t.value.columns]


def kobo() -> bytes:
    return next(f for f in CORPUS if f.name == "kobo_default" and f.fmt == "xlsx").data()


@pytest.mark.parametrize("role", [None, "viewer"])
def test_the_import_page_needs_guide_or_admin(page_ctx, role):
    page_ctx.login(role)
    at = run_page(PAGE)
    assert len(at.get("file_uploader")) == 0
    assert (at.warning if role is None else at.error)[0].value


def test_a_refused_file_shows_every_problem_and_stores_nothing(page_ctx):
    at = run_page(PAGE)
    survey = [["type", "name", "label", "label"], ["select_one farben", "farbe", "A", "B"]]
    upload(at, "kaputt.xlsx", xlsx_bytes({"survey": survey, "choices": YES_NO}))
    assert "nichts geändert" in at.error[0].value
    [problems] = tables(at, "Hinweis")
    assert problems[["Art", "Blatt", "Zeile", "Spalte"]].values.tolist() == [
        ["Fehler", "survey", "1", "Beschriftung"]]  # fmt: skip
    assert not [b for b in at.button if b.key.startswith("xf-store")]
    upload(at, "x.xlsx", b"PK\x03\x04 kaputt")
    assert "nichts geändert" in at.error[0].value
    assert page_ctx.storage.latest_version(page_ctx.municipality_id, "farbe") is None


def test_left_out_rows_must_be_confirmed_before_the_version_is_stored(page_ctx):
    mid = page_ctx.municipality_id
    at = run_page(PAGE)
    at.selectbox(key=key(at, "xf-audience")).set_value("administration").run()
    upload(at, "kobo.xlsx", kobo())
    assert "Zielgruppe Verwaltung" in " ".join(m.value for m in at.markdown)
    [findings] = tables(at, "Hinweis")
    left_out = findings[findings["Art"] == "Nicht übernommen"]
    assert left_out["Zeile"].tolist() == ["2", "3", "4", "5"]
    assert at.button(key=key(at, "xf-store")).disabled
    at.checkbox(key=key(at, "xf-confirm")).check().run()
    at.button(key=key(at, "xf-store")).click().run()
    assert not at.exception and not at.error
    version = page_ctx.storage.latest_version(mid, "kobo")
    assert version is not None
    assert f"Fragebogen-Version {version}" in at.success[0].value
    stored = page_ctx.storage.questionnaire_bundle(version).questionnaire
    assert stored.audience == "administration"
    log = entries(page_ctx.db, mid)
    assert log.iloc[0]["action"] == "xlsform.import"
    assert log.iloc[0]["detail"]["findings"] == len(findings)


def test_the_preview_names_sheet_row_and_the_forms_own_question_in_german_words(page_ctx):
    at = run_page(PAGE)
    upload(at, "kobo.xlsx", kobo())
    [findings] = tables(at, "Hinweis")
    assert list(findings.columns) == ["Art", "Blatt", "Zeile", "Frage im Formular", "Spalte",
                                      "Hinweis"]  # fmt: skip
    start = findings[findings["Zeile"] == "2"].iloc[0]
    assert (start["Blatt"], start["Frage im Formular"], start["Spalte"]) == (
        "survey", "start", "Fragetyp")  # fmt: skip
    text = " ".join(findings.astype(str).values.ravel())
    assert "None" not in text and "pyxform" not in text
    assert not any(re.search(r"\([A-Z]\)", str(c)) for c in findings["Spalte"])  # no letters
    assert len(at.get("table")) >= 2  # st.table: long texts wrap, nothing is cut off
    languages = tables(at, "in der Umfrage")[0]
    assert languages.set_index("Sprache")["in der Umfrage"].to_dict() == {"Deutsch": "ja"}


def test_after_saving_the_form_is_empty_and_the_same_file_is_not_stored_twice(page_ctx):
    mid = page_ctx.municipality_id
    at = run_page(PAGE)
    upload(at, "kobo.xlsx", kobo())
    at.checkbox(key=key(at, "xf-confirm")).check().run()
    at.button(key=key(at, "xf-store")).click().run()
    assert at.session_state["xf-round"] == 1
    assert "Gespeichert" in at.success[0].value and "Kampagnen" in at.success[0].value
    assert not [b for b in at.button if b.key.startswith("xf-store")]  # nothing armed
    assert at.file_uploader(key=key(at, "xf-upload")).value is None
    versions = len(page_ctx.storage.questionnaire_versions(mid))
    upload(at, "kobo.xlsx", kobo())  # the same file again
    assert "schon gespeichert" in at.info[0].value
    assert not [b for b in at.button if b.key.startswith("xf-store")]
    assert len(page_ctx.storage.questionnaire_versions(mid)) == versions


def test_an_english_and_arabic_form_names_the_languages_respondents_get(page_ctx):
    survey = [["type", "name", "label::English", "label::Arabic", "hint::English"],
              ["select_one yn or_other", "kinder", "Children?", "أطفال؟", "Only at home"],
              ["integer", "zahl", "How many?", "كم؟", None]]  # fmt: skip
    choices = [["list_name", "name", "label::English", "label::Arabic"],
               ["yn", "yes", "Yes", "نعم"], ["yn", "no", "No", "لا"]]  # fmt: skip
    at = run_page(PAGE)
    upload(at, "en-ar.xlsx", xlsx_bytes({"survey": survey, "choices": choices}))
    states = tables(at, "in der Umfrage")[0].set_index("Sprache")
    assert states["in der Umfrage"].to_dict() == {"Deutsch": "nein", "Arabisch": "nein",
                                                  "Englisch": "ja"}  # fmt: skip
    assert "keine deutschen Texte" in states.loc["Deutsch", "warum nicht"]
    assert states.loc["Arabisch", "warum nicht"] == "1 Text des Fragebogens fehlt"
    [missing] = tables(at, "Wortlaut")
    assert missing.values.tolist() == [["survey", "2", "Hinweis unter der Frage „Children?“",
                                        "Only at home"]]  # fmt: skip
