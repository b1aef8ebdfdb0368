"""Dashboard page "Fragebogen importieren": refused files change nothing; left-out rows must
be confirmed before the version is stored (same step as the CLI's ``--yes``)."""

from __future__ import annotations

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


def upload(at, name: str, data: bytes):
    at.file_uploader(key="xf-upload").set_value((name, data, XLSX)).run()
    assert not at.exception, at.exception
    return at


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
    problems = at.dataframe[0].value
    assert problems[["Art", "Blatt", "Zeile", "Spalte"]].values.tolist() == [
        ["Fehler", "survey", 1, "label (C)"]]  # fmt: skip
    assert not [b for b in at.button if b.key == "xf-store"]
    upload(at, "x.xlsx", b"PK\x03\x04 kaputt")
    assert "nichts geändert" in at.error[0].value
    assert page_ctx.storage.latest_version(page_ctx.municipality_id, "farbe") is None


def test_left_out_rows_must_be_confirmed_before_the_version_is_stored(page_ctx):
    mid = page_ctx.municipality_id
    at = run_page(PAGE)
    at.selectbox(key="xf-audience").set_value("administration").run()
    upload(at, "kobo.xlsx", kobo())
    assert "Zielgruppe Verwaltung" in " ".join(m.value for m in at.markdown)
    findings = at.dataframe[0].value
    left_out = findings[findings["Art"] == "Nicht übernommen"]
    assert left_out["Zeile"].tolist() == [2, 3, 4, 5]
    assert at.button(key="xf-store").disabled
    at.checkbox(key="xf-confirm").check().run()
    at.button(key="xf-store").click().run()
    assert not at.exception and not at.error
    version = page_ctx.storage.latest_version(mid, "kobo")
    assert version is not None
    assert f"Fragebogen-Version {version}" in at.success[0].value
    stored = page_ctx.storage.questionnaire_bundle(version).questionnaire
    assert stored.audience == "administration"
    log = entries(page_ctx.db, mid)
    assert log.iloc[0]["action"] == "xlsform.import"
    assert log.iloc[0]["detail"]["findings"] == len(findings)
