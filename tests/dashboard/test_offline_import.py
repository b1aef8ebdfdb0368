"""Kampagnen, "Interviews (offline) importieren": a refused export changes nothing; what is
dropped and left out is shown and must be confirmed before the interviews are stored."""

from __future__ import annotations

import time

import pytest
import streamlit as st

from bedarfsradar.audit import entries
from bedarfsradar.context import init_db
from bedarfsradar.session import SessionUser
from tests.conftest import make_context
from tests.dashboard.conftest import run_page
from tests.xlsform.submission_files import Form, Interview, central_rows, central_zip, csv_bytes

PAGE = "campaigns.py"
ANSWERS = {"stadtteil": "winkel", "children": "no", "need.housing": "4", "top3": ["housing"]}


@pytest.fixture
def page_ctx(tmp_path, monkeypatch):
    import dashboard.auth
    import dashboard.data

    ctx = make_context(f"sqlite:///{tmp_path / 'page.db'}")
    init_db(ctx)
    version = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    ctx.storage.create_campaign(ctx.municipality_id, "tablet-w1", "Tablet-Welle", version)
    monkeypatch.setattr(dashboard.data, "context", lambda: ctx)
    st.cache_data.clear()
    user = SessionUser(1, "test-guide", "guide", ctx.municipality_id, time.time())
    monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)
    ctx.form = Form(ctx.storage.questionnaire_bundle(version), metadata=True)
    yield ctx
    ctx.db.dispose()


def upload(at, name: str, data: bytes):
    at.file_uploader(key="offline-upload").set_value((name, data, "application/zip")).run()
    assert not at.exception, at.exception
    return at


def table(at, column: str):
    """The first table on the page with this column (AppTest does not keep table keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def interviews(n: int) -> list[Interview]:
    return [
        Interview(dict(ANSWERS), True, f"uuid:00000000-0000-4000-8000-{k:012d}") for k in range(n)
    ]


def test_a_refused_export_shows_its_problems_and_stores_nothing(page_ctx):
    at = run_page(PAGE)
    upload(at, "newcomer.zip", central_zip(page_ctx.form, interviews(2))[:200])
    assert "nichts gespeichert" in at.error[0].value
    problems = table(at, "Hinweis")
    assert problems["Hinweis"][0].startswith("Die ZIP-Datei ist beschädigt")
    assert not [b for b in at.button if b.key == "offline-store"]
    assert page_ctx.storage.count_responses(page_ctx.municipality_id) == 0


def test_dropped_columns_and_left_out_answers_are_confirmed_before_storing(page_ctx):
    ctx = page_ctx
    rows = central_rows(ctx.form, interviews(3))
    rows[2][rows[0].index("needs-need-need.housing")] = "9"
    at = run_page(PAGE)
    at.selectbox(key="offline-language").set_value("ar").run()
    upload(at, "newcomer.zip", _zip(csv_bytes(rows)))
    text = " ".join(m.value for m in at.markdown)
    assert "3 Einsendungen gelesen, 3 können übernommen werden" in text
    assert "Beim Speichern: 3 neu" in text
    dropped = table(at, "Grund")
    names = {c.split(" (")[0] for c in dropped["Spalte"]}
    assert {"deviceid", "SubmitterName", "enumerator", "gps-Latitude", "SubmissionDate"} <= names
    findings = table(at, "Hinweis")
    assert findings[["Art", "Zeile"]].values.tolist() == [["Nicht übernommen", 3]]
    assert "»9«" in findings["Hinweis"][0]
    store = at.button(key="offline-store")
    assert store.disabled and ctx.storage.count_responses(ctx.municipality_id) == 0
    at.checkbox(key="offline-confirm").check().run()
    at.button(key="offline-store").click().run()
    assert not at.exception, at.exception
    assert "3 neue Interviews" in at.success[0].value
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert set(frame["mode"]) == {"offline"} and set(frame["language"]) == {"ar"}
    assert frame["response_id"].nunique() == 3
    log = entries(ctx.db, ctx.municipality_id)
    assert log["action"].iloc[0] == "submissions.import"
    # the same file again: nothing new to store
    upload(at, "newcomer.zip", _zip(csv_bytes(rows)))
    assert any("Nichts Neues" in i.value for i in at.info)
    assert ctx.storage.count_responses(ctx.municipality_id) == 3


def _zip(data: bytes) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("newcomer.csv", data)
    return out.getvalue()
