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
    sessions, codec = network.ctx.sessions, SessionCodec(SECRET)

    def session_of(cookie: str) -> SessionUser | None:
        fake_st = SimpleNamespace(context=SimpleNamespace(cookies={COOKIE: cookie}))
        monkeypatch.setattr(dashboard.auth, "st", fake_st)
        return dashboard.auth.current_user()

    with rls.town_scope(network.a), network.ctx.db.read() as s:
        a_guide = int(s.scalar(select(AppUser.id).where(AppUser.username == "nur-a-guide")))
    own_cookie = sessions.start(a_guide, network.a)
    key = codec.loads(own_cookie)
    assert key is not None
    # A's live session key in a validly signed cookie that names town B: no row in B
    assert session_of(codec.dumps(key, network.b)) is None
    # a session row in B for A's user (as if written by a bug): not a user of B
    assert session_of(sessions.start(a_guide, network.b)) is None
    own = session_of(own_cookie)  # counter-check: the role comes from the database
    assert own is not None and (own.username, own.role, own.municipality_id) == (
        "nur-a-guide", "guide", network.a)  # fmt: skip


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


# -- public results pages and personal links --------------------------------------------------
def test_each_towns_results_pages_live_under_its_own_address(network):
    """Both towns released wave 1 and turned its public page on (the demo does). With two
    towns, a results address names its town; one without a town shows no town's page."""
    c = _client(network)
    b_index = c.get("/ergebnisse/idstein/")
    assert b_index.status_code == 200 and "Idstein" in b_index.text
    assert 'href="/ergebnisse/idstein/welle-1/' in b_index.text  # its links keep the town
    b_page = c.get("/ergebnisse/idstein/welle-1/")
    assert b_page.status_code == 200 and "Idstein" in b_page.text
    a_page = c.get("/ergebnisse/oestrich-winkel/welle-1/")
    assert a_page.status_code == 200 and "Oestrich-Winkel" in a_page.text
    assert _leaked(a_page.text) == 0 and _leaked(c.get("/ergebnisse/oestrich-winkel/").text) == 0
    assert a_page.text != b_page.text
    for path in ("/ergebnisse/welle-1/", "/ergebnisse/nirgendwo/welle-1/"):
        page = c.get(path)
        assert page.status_code == 404, path
        assert _leaked(page.text) == 0 and "Oestrich-Winkel" not in page.text, path


def test_a_personal_link_of_b_names_b_and_opens_nothing_under_a(network):
    from functools import partial

    from bedarfsradar import tenancy
    from surveys.invitations.lists import Person
    from surveys.invitations.mail import SmtpConfig
    from surveys.invitations.sending import Mailings
    from surveys.invitations.store import InvitationStore

    ctx = network.ctx
    with rls.town_scope(network.b):
        version = ctx.storage.latest_version(network.b, "administration")
        campaign = ctx.storage.create_campaign(network.b, "b-personal", "Verwaltung B", version,
                                               wave=3)  # fmt: skip
        store = InvitationStore(ctx.db, SECRET)
        store.add(campaign, [Person("Erika Muster", None, None, 2)])
        smtp = SmtpConfig(host="localhost", sender="x@example")
        mailings = Mailings(ctx.db, store, smtp, "https://umfrage.example",
                            partial(tenancy.survey_slug, ctx))  # fmt: skip
        (letter,) = mailings.letters(campaign, "b-guide")
        preview = mailings.preview(campaign, "invitation")
    assert letter.link.startswith("https://umfrage.example/u/idstein/b-personal/?t=")
    assert "https://umfrage.example/u/idstein/b-personal/?t=" in preview.text
    token = letter.link.split("?t=", 1)[1]
    c = TestClient(Starlette(routes=routes(ctx)), follow_redirects=False)
    under_a = c.get(f"/u/oestrich-winkel/b-personal/?t={token}")
    assert under_a.status_code == 404 and _leaked(under_a.text) == 0
    own = c.get(f"/u/idstein/b-personal/?t={token}")
    assert own.status_code == 303 and own.headers["location"] == "/u/idstein/b-personal/"
    assert "Path=/u/idstein/b-personal" in own.headers["set-cookie"]
