"""Injection and XSS payloads in every free-text field of the survey come back escaped,
are stored verbatim (parameterised SQL), and never change the database's structure."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import inspect
from starlette.applications import Starlette

from bedarfsradar.server import routes
from tests.test_survey import Respondent, submit

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","klick")',
    "'; DROP TABLE answer; --",
    "{{7*7}} ${7*7} <% 7*7 %>",
    "\u202eevil\u202c </textarea><script>x</script>",
]


@pytest.fixture
def env(sqlite_ctx):
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "neu", "Test", ctx.storage.latest_version(mid, "newcomer"))
    app = Starlette(routes=routes(ctx))
    app.routes[1].app.state.survey.config.seconds_per_question = 0
    return ctx, app


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_free_text_is_escaped_and_stored_verbatim(env, payload):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    r.answer({"children": "no"})
    r.answer_section({"need.housing": "5"})  # the needs come in parts
    r.answer({})
    assert r.path.endswith("/s/offers")
    r.answer({"barriers": ["other"], "offer.housing": "unknown"})
    page = r.answer({"barriers_other": payload})  # "other" asks what it is
    assert page.status_code == 200
    while not r.path.endswith("/s/final"):
        if r.path.endswith("/einwilligung"):
            r.answer({"consent": "no"})
        else:
            r.answer({})
    r.answer({"helps_most": payload})
    assert r.path.endswith("/pruefen")
    assert str(escape(payload)) in r.page.text  # Jinja2 autoescape: & < > " ' escaped
    for dangerous in ("<script>", "<img ", "</textarea>"):
        if dangerous in payload:
            assert dangerous not in r.page.text
    submit(r)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    texts = list(frame["text"].dropna())
    assert texts == [payload, payload]  # barriers_other and helps_most
    tables = set(inspect(ctx.db.engine).get_table_names())
    assert {"answer", "response", "campaign"} <= tables


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_as_option_code_is_rejected_not_stored(env, payload):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    page = r.answer({"children": "no"}, tamper={"stadtteil": payload})  # a crafted request
    assert page.status_code == 400
    assert "<script>alert" not in page.text
    assert ctx.storage.count_responses(status="partial") == 0
