"""A guide (or anyone) of town A tries town B's ids through every route and gets nothing:
survey addresses, the state cookie, resume and deletion codes, the dashboard's data and
exports, the releases and the report, the session cookie, the CLI. Each test counts what
of B reached A: 0 rows on every route."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
import streamlit as st
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar import releases
from bedarfsradar.db import rls
from bedarfsradar.db.schema import AppUser, Response
from bedarfsradar.server import routes
from bedarfsradar.session import COOKIE, SessionCodec, SessionUser
from reports.inputs import ReportError
from surveys.responses.answers import AnswerRow
from surveys.web.state import COOKIE as STATE_COOKIE
from surveys.web.state import StateCodec, new_state
from tests.survey_client import Browser
from tests.tenancy.conftest import MARK_A, MARK_B, SECRET, Network
from tests.tenancy.test_towns import _cli_env
from tests.test_cli import run_cli

NOT_FOUND = "Diese Befragung gibt es nicht"
UNKNOWN_CODE = "Diesen Code kennen wir nicht"


def _client(network: Network) -> TestClient:
    return TestClient(Starlette(routes=routes(network.ctx)))


def _b_partial(network: Network, uuid: str) -> str:
    """A response in progress in town B (its resume code)."""
    with rls.town_scope(network.b):
        return network.ctx.storage.save_partial(
            network.b_campaign, uuid, [AnswerRow("helps_most", text=MARK_B)], ["helps_most"], "de"
        )


def _b_rows(network: Network) -> int:
    with rls.town_scope(network.b), network.ctx.db.read() as s:
        return len(s.scalars(select(Response.id)).all())


def _leaked(text: str) -> int:
    return text.count(MARK_B) + text.count("Idstein") + text.count("nur-b")


# -- the survey -------------------------------------------------------------------------------
def test_survey_addresses_of_b_under_a_show_nothing(network):
    c = _client(network)
    leaked = 0
    for path in ("/u/oestrich-winkel/nur-b/", "/u/oestrich-winkel/nur-b/de/",
                 "/u/oestrich-winkel/nur-b/de/weiter", "/u/oestrich-winkel/nur-b/de/loeschen",
                 "/u/oestrich-winkel/nur-b/audio/0000.mp3", "/u/nur-b/"):  # fmt: skip
        page = c.get(path)
        assert page.status_code == 404, path
        leaked += _leaked(page.text)
    assert leaked == 0


def test_bs_resume_code_on_as_survey_resumes_nothing(network):
    code = _b_partial(network, "b-in-progress-1")
    browser = Browser(Starlette(routes=routes(network.ctx)))
    browser.get("/u/oestrich-winkel/zugewanderte/de/weiter")
    page = browser.submit({"code": code})
    assert page.status_code == 400 and UNKNOWN_CODE in page.text
    assert _leaked(page.text) == 0
    assert "/s/" not in str(page.url)  # not let into the questionnaire
    browser.get("/u/idstein/zugewanderte/de/weiter")  # counter-check: in B it resumes
    assert "/s/" in str(browser.submit({"code": code}).url)


def test_bs_receipt_code_on_as_deletion_page_deletes_nothing(network):
    before = _b_rows(network)
    browser = Browser(Starlette(routes=routes(network.ctx)))
    browser.get("/u/oestrich-winkel/zugewanderte/de/loeschen")
    page = browser.submit({"code": network.b_receipt.code})
    assert UNKNOWN_CODE in page.text and _leaked(page.text) == 0
    assert _b_rows(network) == before


def test_bs_survey_state_cookie_on_as_pages_shows_none_of_bs_answers(network):
    uuid = "b-in-progress-2"
    _b_partial(network, uuid)
    state = new_state().with_(uuid=uuid, privacy=True, started=time.time() - 60)
    cookie = StateCodec(SECRET).dumps(state)
    c = _client(network)
    c.cookies.set(STATE_COOKIE, cookie, path="/u/oestrich-winkel/zugewanderte")
    page = c.get("/u/oestrich-winkel/zugewanderte/de/s/final")
    assert page.status_code == 200 and _leaked(page.text) == 0
    with rls.town_scope(network.b):
        rows = network.ctx.storage.partial_rows(network.b_campaign, uuid)
    assert [r.text for r in rows] == [MARK_B]  # B's answers untouched


# -- the dashboard, exports, releases and the report --------------------------------------------
@pytest.fixture
def as_guide_of_a(network, monkeypatch):
    import dashboard.auth
    import dashboard.data

    monkeypatch.setattr(dashboard.data, "context", lambda: network.ctx)
    st.cache_data.clear()
    st.cache_resource.clear()
    with rls.town_scope(network.a), network.ctx.db.read() as s:
        uid = s.scalar(select(AppUser.id).where(AppUser.username == "nur-a-guide"))
    user = SessionUser(int(uid), "nur-a-guide", "guide", network.a, time.time())
    monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)
    with rls.town_scope(network.a):
        yield user


def _b_release(network: Network) -> int:
    with rls.town_scope(network.b):
        return network.ctx.releases.releases(network.b)[0].id


def test_the_dashboards_data_and_exports_of_a_hold_nothing_of_b(network, as_guide_of_a):
    import dashboard.data as data
    import dashboard.exports as exports

    version = data.data_version()
    assert version.town == network.a
    raw = data.raw_answers()
    texts = [
        raw.to_csv(),
        data.free_texts(version).to_csv(),
        data.offers().to_csv(),
        exports.raw_export(version).csv.decode(),
        *(frame.to_csv() for frame in data.aggregate_sheets(version).values()),
    ]
    assert sum(_leaked(t) for t in texts) == 0
    assert MARK_A in texts[0]  # counter-check: A's own free text is there
    assert not set(raw["response_id"]) & {network.b_uuid}


def test_bs_release_and_report_are_nothing_for_a(network, as_guide_of_a):
    import dashboard.releases as released

    b_release = _b_release(network)
    assert released.results(b_release) is None
    assert b_release not in {r.id for r in released.release_list()}
    with pytest.raises(ReportError, match="not found"):
        releases.release_report(network.ctx, b_release, "pdf")
    assert network.ctx.releases.payload(network.a, b_release) is None
    assert network.ctx.releases.payload(network.b, b_release) is None  # code asked for B: no


def test_a_session_cookie_naming_b_gives_b_only_and_never_as_user(network, monkeypatch):
    import dashboard.auth
    import dashboard.data

    monkeypatch.setattr(dashboard.data, "context", lambda: network.ctx)
    codec = SessionCodec(SECRET)

    def session_of(user: SessionUser) -> SessionUser | None:
        fake_st = SimpleNamespace(context=SimpleNamespace(cookies={COOKIE: codec.dumps(user)}))
        monkeypatch.setattr(dashboard.auth, "st", fake_st)
        return dashboard.auth.current_user()

    with rls.town_scope(network.a), network.ctx.db.read() as s:
        a_guide = int(s.scalar(select(AppUser.id).where(AppUser.username == "nur-a-guide")))
    claimed = SessionUser(a_guide, "nur-a-guide", "admin", network.b, time.time())
    assert session_of(claimed) is None  # A's user id claimed for town B
    wrong_role = SessionUser(a_guide, "nur-a-guide", "admin", network.a, time.time())
    assert session_of(wrong_role) is None  # a guide calling herself admin
    own = SessionUser(a_guide, "nur-a-guide", "guide", network.a, time.time())
    assert session_of(own) == own


def test_the_cli_of_a_finds_nothing_of_b(network):
    env = _cli_env(network)
    b_release = _b_release(network)
    report = run_cli("--town", "oestrich-winkel", "report", "--release", str(b_release),
                     "--output", "/dev/null", env=env)  # fmt: skip
    assert report.returncode == 4 and "not found" in report.stderr
    listed = run_cli("--town", "oestrich-winkel", "release", "list", env=env)
    assert listed.returncode == 0
    ids = {int(line.split("\t")[0]) for line in listed.stdout.splitlines() if line}
    assert ids and b_release not in ids
