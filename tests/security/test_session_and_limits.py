"""Issue 29, finding by finding: each test replays what the probe did from outside and
fails on the code before the fix (sessions that outlived logout, downloads without a
login, chunked bodies past the limit, a lockout anyone could trigger, weak passwords,
public metrics, a 500 for a foreign survey cookie, unlimited code tries, cookies without
Secure behind https).

In-process tests run the server's real routes and middleware (``bedarfsradar.server``)
under Starlette's TestClient or httpx's ASGI transport; the download test at the end runs
``bedarfsradar serve`` and the dashboard's own pages over Streamlit's websocket.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.runtime.media_file_storage import MediaFileKind

from bedarfsradar import throttle
from bedarfsradar.audit import entries
from bedarfsradar.db.schema import AppSession, AuditLog
from bedarfsradar.limits import LOGIN_MAX_BODY, SURVEY_MAX_BODY
from bedarfsradar.media import SessionMediaStorage
from bedarfsradar.passwords import password_problem
from bedarfsradar.server import middleware, routes
from bedarfsradar.session import COOKIE
from bedarfsradar.settings import Settings
from bedarfsradar.users import (
    UserError,
    WeakPasswordError,
    add_user,
    set_active,
    set_password,
    set_role,
)
from tests.test_cli import run_cli

PASSWORD = "richtig-geheim-2026"
NEW_PASSWORD = "ganz-anderes-geheimnis-7"
FAILED = "Die Anmeldung ist fehlgeschlagen"
DOWNLOAD_REFUSED = "Download nicht verfügbar"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sends(cookie: str | None) -> dict[str, str]:
    """Request headers that send the session cookie (or nothing)."""
    return {"cookie": f"{COOKIE}={cookie}"} if cookie else {}


class Site:
    """The server's routes and middleware in process, with a stand-in dashboard page and
    Streamlit's media and metrics routes (the real ones need a Streamlit runtime)."""

    def __init__(self, ctx):  # type: ignore[no-untyped-def]
        self.ctx = ctx
        self.owner: list[str | None] = [None]
        self.media = SessionMediaStorage(lambda: self.owner[0], lifetime=600)
        self.waits: list[float] = []
        self.now = [1000.0]
        ctx.login_throttle.clock = lambda: self.now[0]

        async def no_sleep(seconds: float) -> None:
            self.waits.append(seconds)

        ctx.login_throttle.sleep = no_sleep

        async def dashboard(request: Request) -> Response:
            return PlainTextResponse("dashboard")

        async def media_file(request: Request) -> Response:
            found = self.media.get_file(request.path_params["name"])
            return Response(found.content, media_type=found.mimetype)

        async def metrics(request: Request) -> Response:
            return PlainTextResponse("cache hits")

        pages = [Route(path, dashboard) for path in ("/", "/export", "/freitext")]
        extra = [*pages, Route("/media/{name}", media_file), Route("/_stcore/metrics", metrics)]
        self.app = Starlette(routes=[*routes(ctx), *extra], middleware=middleware(ctx, self.media))

    def client(self, address: str = "10.0.0.1", base_url: str = "http://testserver") -> TestClient:
        return TestClient(self.app, base_url=base_url, follow_redirects=False,
                          client=(address, 50000))  # fmt: skip

    def login(self, username: str, password: str = PASSWORD, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
        c = self.client(address)
        page = c.get("/login")
        csrf = csrf_of(page.text)
        r = c.post("/login", data={"csrf": csrf, "username": username, "password": password})
        return c, r

    def cookie(self, username: str) -> str:
        _, r = self.login(username)
        assert r.status_code == 303, r.text
        return r.cookies[COOKIE]

    def opens(self, cookie: str, path: str = "/export") -> bool:
        """Whether a replayed cookie still opens a dashboard page (else: the login)."""
        c = self.client()
        r = c.get(path, headers=sends(cookie))
        if r.status_code == 303:
            assert r.headers["location"].startswith("/login")
            return False
        assert r.status_code == 200 and r.text == "dashboard"
        return True

    def dashboard_user(self, cookie: str):  # type: ignore[no-untyped-def]
        """What the Streamlit pages get (:func:`dashboard.auth.current_user` asks this)."""
        return self.ctx.sessions.check(cookie, self.ctx.municipality_id)


@pytest.fixture
def site(sqlite_ctx) -> Site:
    mid = sqlite_ctx.municipality_id
    for name in ("admin", "guide", "viewer"):
        add_user(sqlite_ctx.db, mid, name, PASSWORD, name)
    return Site(sqlite_ctx)


# -- 1. logout, password change, role change, disable end every session ---------------------
def test_logout_ends_the_session_on_the_server(site):
    c, r = site.login("guide")
    cookie = r.cookies[COOKIE]
    other_device = site.cookie("guide")
    assert site.opens(cookie) and site.opens(other_device, "/freitext")
    page = c.get("/logout")
    token = csrf_of(page.text)
    assert c.post("/logout", data={"csrf": token}).status_code == 303
    for replayed in (cookie, other_device):  # the old cookie, copied before the logout
        assert not site.opens(replayed) and not site.opens(replayed, "/freitext")
        assert site.dashboard_user(replayed) is None
    assert site.opens(site.cookie("guide"))  # logging in again works


def test_password_change_by_the_cli_ends_every_session(site, sqlite_url):
    cookies = [site.cookie("guide"), site.cookie("guide")]
    env = {"BEDARFSRADAR_DATABASE_URL": sqlite_url, "BEDARFSRADAR_SECRET_KEY": "test-secret"}
    done = run_cli("user", "passwd", "guide", "--password-stdin", env=env,
                   stdin=NEW_PASSWORD + "\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    for cookie in cookies:
        assert not site.opens(cookie) and site.dashboard_user(cookie) is None
    assert site.opens(site.cookie("admin"))  # other users' sessions go on


@pytest.mark.parametrize(
    "change",
    [lambda ctx, mid: set_password(ctx.db, mid, "guide", NEW_PASSWORD, actor="admin"),
     lambda ctx, mid: set_role(ctx.db, mid, "guide", "viewer", actor="admin"),
     lambda ctx, mid: set_active(ctx.db, mid, "guide", False, actor="admin")],
    ids=["password", "role", "disable"],
)  # fmt: skip
def test_password_role_and_state_changes_end_every_session(site, change):
    cookie = site.cookie("guide")
    admin = site.cookie("admin")
    assert site.opens(cookie)
    change(site.ctx, site.ctx.municipality_id)  # what the Benutzer page calls
    assert not site.opens(cookie) and site.dashboard_user(cookie) is None
    assert site.opens(admin)


def test_idle_and_absolute_timeouts_end_a_session(site):
    store = site.ctx.sessions
    clock = [time.time()]
    store.clock = lambda: clock[0]
    idle, absolute = store.policy.idle_seconds, store.policy.absolute_seconds
    mid = site.ctx.municipality_id
    user_id = site.ctx.sessions.check(site.cookie("guide"), mid).user_id

    quiet = store.start(user_id, mid)
    clock[0] += idle - 60
    assert store.check(quiet, mid) is not None  # used just in time: renewed
    clock[0] += idle - 60
    assert store.check(quiet, mid) is not None
    clock[0] += idle + 1
    assert store.check(quiet, mid) is None  # idle too long
    clock[0] -= 10 * idle
    assert store.check(quiet, mid) is None  # and ended for good

    busy = store.start(user_id, mid)
    start = clock[0]
    while clock[0] - start < absolute - idle / 2:
        clock[0] += idle / 2
        assert store.check(busy, mid) is not None
    clock[0] = start + absolute
    assert store.check(busy, mid) is None  # however active
    with site.ctx.db.read() as s:
        reasons = set(s.scalars(select(AppSession.end_reason)))
    assert {"idle", "absolute"} <= reasons


def test_timeouts_and_the_cookie_lifetime_come_from_the_settings(monkeypatch):
    monkeypatch.setenv("BEDARFSRADAR_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("BEDARFSRADAR_SESSION_ABSOLUTE_HOURS", "4")
    from bedarfsradar.context import AppContext

    store = AppContext(Settings(_env_file=None)).sessions
    assert (store.policy.idle_seconds, store.policy.absolute_seconds) == (900, 4 * 3600)
    assert store.cookie_max_age == 4 * 3600


def test_the_cookie_names_no_user_and_the_server_keeps_only_a_hash(site):
    cookie = site.cookie("admin")
    assert "admin" not in cookie and "role" not in cookie
    key = site.ctx.sessions.codec.loads(cookie)
    with site.ctx.db.read() as s:
        stored = set(s.scalars(select(AppSession.key_hash)))
    assert key not in stored and site.ctx.sessions.key_hash_of(cookie) in stored


# -- 2. downloads only for the session that made them ----------------------------------------
def _offer(site: Site, cookie: str, payload: bytes, name: str) -> str:
    """What a page run of the session behind ``cookie`` does for a download button."""
    site.owner[0] = site.ctx.sessions.key_hash_of(cookie)
    file_id = site.media.load_and_get_id(payload, "text/csv", MediaFileKind.DOWNLOADABLE, name)
    site.owner[0] = None
    return site.media.get_url(file_id)


def test_downloads_go_only_to_the_session_that_made_them(site):
    guide, viewer = site.cookie("guide"), site.cookie("viewer")
    url = _offer(site, guide, b"raw;free text\n", "einzelantworten.csv")
    c = site.client()
    assert c.get(url, headers=sends(guide)).content == b"raw;free text\n"
    refused = [c.get(url), c.get(url, headers=sends(viewer)),
               c.get(url, headers=sends(site.cookie("guide")))]  # fmt: skip
    for r in refused:  # no cookie, another role, another session of the same user
        assert r.status_code == 403 and DOWNLOAD_REFUSED in r.text
    c.cookies.set(COOKIE, guide)
    token = csrf_of(c.get("/logout").text)
    assert c.post("/logout", data={"csrf": token}).status_code == 303
    after = c.get(url, headers=sends(guide))
    assert after.status_code == 403 and b"free text" not in after.content


def test_downloads_expire_after_the_page_last_showed_them(site):
    clock = [0.0]
    site.media._clock = lambda: clock[0]
    guide = site.cookie("guide")
    url = _offer(site, guide, b"deck", "bericht.pptx")
    clock[0] += site.media.lifetime - 1
    assert site.client().get(url, headers=sends(guide)).status_code == 200
    clock[0] += 2
    assert site.client().get(url, headers=sends(guide)).status_code == 403
    assert _offer(site, guide, b"deck", "bericht.pptx") == url  # the page ran again
    assert site.client().get(url, headers=sends(guide)).status_code == 200


def test_download_lifetime_is_a_setting(monkeypatch):
    monkeypatch.setenv("BEDARFSRADAR_DOWNLOAD_MINUTES", "3")
    assert Settings(_env_file=None).download_minutes == 3


# -- 3. request bodies bounded however they arrive --------------------------------------------
async def _chunked_post(app, path: str, chunks: int, chunk: bytes) -> tuple[httpx.Response, int]:
    """POST a chunked body (no Content-Length) of ``chunks`` × ``chunk``; the response and
    how many chunks the server pulled."""
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(chunks):
            pulled += 1
            yield chunk

    transport = httpx.ASGITransport(app=app, client=("10.0.0.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        headers = {"content-type": "application/x-www-form-urlencoded"}
        r = await c.post(path, content=body(), headers=headers)
    return r, pulled


@pytest.mark.parametrize(("path", "limit"), [("/u/neu/de/start", SURVEY_MAX_BODY),
                                             ("/login", LOGIN_MAX_BODY),
                                             ("/logout", LOGIN_MAX_BODY)])  # fmt: skip
def test_chunked_bodies_are_cut_at_the_limit(site, path, limit):
    ctx = site.ctx
    version = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    ctx.storage.create_campaign(ctx.municipality_id, "neu", "Neu", version)
    chunk = b"a=" + b"x" * 65_534
    # 300 MB offered, as in the probe: the server stops reading just past the limit
    r, pulled = asyncio.run(_chunked_post(site.app, path, 300 * 16, chunk))
    assert r.status_code == 413 and "Zu viele Daten" in r.text
    assert "content-length" not in r.request.headers
    assert pulled <= limit // len(chunk) + 2
    small, _ = asyncio.run(_chunked_post(site.app, path, 1, b"a=b"))
    assert small.status_code != 413  # a body within the limit still reaches the form


# -- 4. failed logins slow down their source, never lock the holder out -----------------------
def test_an_attacker_failing_forever_never_keeps_the_holder_out(site):
    attacker = []
    for i in range(40):  # far past the old lockout of five
        site.now[0] += 1
        _, r = site.login("admin", f"falsch-{i}", address="203.0.113.66")
        attacker.append(r.status_code)
    assert attacker == [401] * 40
    assert site.waits[:3] == [0.0, 0.0, 0.0] and max(site.waits) > 10  # slowed down
    for _ in range(3):  # the holder, from the town hall, while the attack goes on
        site.waits.clear()
        _, r = site.login("admin", address="192.0.2.10")
        assert r.status_code == 303 and COOKIE in r.cookies
        assert max(site.waits) <= throttle.USERNAME_CAP_SECONDS  # a moment, never locked out
        _, r = site.login("admin", "falsch", address="203.0.113.66")
        assert r.status_code == 401


def test_each_wait_comes_before_the_password_check_and_doubles_to_a_cap():
    t = throttle.LoginThrottle(clock=lambda: 0.0)  # a burst: all at the same moment
    waits = [t.admit("203.0.113.1", f"name{i}") for i in range(11)]
    # free, then 1, 2, 4, 8, 16, 30, 30 … seconds, checked one after another
    assert waits[:10] == [0, 0, 0, 1, 3, 7, 15, 31, 61, 91]
    assert waits[10] is None  # over two minutes queued from one address: refused unchecked
    assert t.admit("198.51.100.7", "someone") == 0  # another address is not affected
    assert t.admit("198.51.100.7", "name3") == 0  # one failure of a name: no wait yet
    assert throttle.step(40, throttle.USERNAME_CAP_SECONDS) == throttle.USERNAME_CAP_SECONDS


def test_a_burst_of_failures_is_a_few_audit_rows(site):
    for i in range(50):
        site.now[0] += 2
        site.login("guide", f"falsch-{i}", address="203.0.113.66")
    rows = entries(site.ctx.db, site.ctx.municipality_id)
    failed = rows[rows["action"] == "login.failed"]
    assert 1 <= len(failed) <= 2 and failed["detail"].map(lambda d: d["failures"]).sum() <= 50
    site.now[0] += throttle.AUDIT_EVERY_SECONDS
    site.login("guide", "falsch-spaeter", address="203.0.113.66")
    rows = entries(site.ctx.db, site.ctx.municipality_id)
    counted = rows[rows["action"] == "login.failed"]["detail"].map(lambda d: d["failures"])
    assert counted.sum() == 51  # every failure counted, in few rows


# -- 5. weak passwords ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "username"),
    [("1111111111", "guide"), ("aaaaaaaaaa", "admin"), ("password12", "guide"), (" " * 10, "guide"),
     ("111111111111", "guide"), ("aaaaaaaaaaaa", "admin"), ("password1234", "guide"),
     (" " * 12, "guide"), ("oestrich-winkel-2026", "guide"), ("Winkel-Guide-2026", "guide"),
     ("barbara-barbara", "barbara"), ("qwertzuiop12", "guide")],
)  # fmt: skip
def test_weak_passwords_are_refused_in_german(sqlite_ctx, password, username):
    with pytest.raises(WeakPasswordError, match="Das Passwort") as refused:
        add_user(sqlite_ctx.db, sqlite_ctx.municipality_id, username, password, "admin")
    assert str(refused.value).startswith("Das Passwort")


def test_demo_and_good_passwords_pass(sqlite_ctx):
    from bedarfsradar.cli import DEMO_USERS

    for name, password, _ in DEMO_USERS:  # printed by `make run`, listed in README.md
        assert password_problem(password, name, "oestrich-winkel", "Oestrich-Winkel") is None
    add_user(sqlite_ctx.db, sqlite_ctx.municipality_id, "lena", "Kaffeetasse-Rheinufer-47", "guide")
    with pytest.raises(UserError):
        set_password(sqlite_ctx.db, sqlite_ctx.municipality_id, "lena", "lena12345678")


def test_the_cli_refuses_a_weak_password_in_german(tmp_path):
    env = {"BEDARFSRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "BEDARFSRADAR_SECRET_KEY": "cli-secret"}  # fmt: skip
    assert run_cli("init-db", env=env).returncode == 0
    weak = run_cli("user", "add", "chef", "--role", "admin", "--password-stdin", env=env,
                   stdin="aaaaaaaaaaaa\n")  # fmt: skip
    assert weak.returncode != 0 and "Das Passwort ist zu leicht zu erraten" in weak.stderr


# -- 6. metrics, foreign survey cookies, code tries ------------------------------------------
def test_streamlit_metrics_only_for_the_admin(site):
    c = site.client()
    assert c.get("/_stcore/metrics").status_code == 404
    assert c.get("/_stcore/metrics", headers=sends(site.cookie("guide"))).status_code == 404
    assert c.get("/_stcore/metrics", headers=sends(site.cookie("viewer"))).status_code == 404
    admin = c.get("/_stcore/metrics", headers=sends(site.cookie("admin")))
    assert admin.status_code == 200 and admin.text == "cache hits"


def _two_campaigns(ctx) -> None:  # type: ignore[no-untyped-def]
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    for slug in ("welle-a", "welle-b"):
        ctx.storage.create_campaign(mid, slug, slug, version)


def test_a_survey_cookie_of_another_campaign_gets_the_session_expired_page(site):
    ctx = site.ctx
    _two_campaigns(ctx)
    c = TestClient(site.app, follow_redirects=True)
    page = c.get("/u/welle-a/de/")
    page = c.post("/u/welle-a/de/start", data={"csrf": csrf_of(page.text)})
    form = {"csrf": csrf_of(page.text), "stadtteil": "winkel", "children": "no",
            "shown": "stadtteil,children", "nav": "next"}  # fmt: skip
    assert c.post(page.url.path, data=form).status_code == 200  # stored in campaign A
    cookie = c.cookies.get("br_survey")
    other = TestClient(site.app, follow_redirects=False, raise_server_exceptions=False)
    other.cookies.set("br_survey", cookie)  # sent by hand to campaign B's page
    csrf = site.app.routes[1].app.state.survey.codec.csrf_token(
        site.app.routes[1].app.state.survey.codec.loads(cookie), "welle-b"
    )
    r = other.post("/u/welle-b/de/s/household", data={**form, "csrf": csrf})
    assert r.status_code == 403 and "Die Seite war zu lange offen" in r.text


def test_resume_and_deletion_codes_are_rate_limited_per_address(site):
    _two_campaigns(site.ctx)
    from surveys.web.security import CODE_TRIES_PER_MINUTE

    def tries(address: str, page: str, n: int) -> list[int]:
        c = site.client(address)
        form = c.get(f"/u/welle-a/de/{page}")
        csrf = csrf_of(form.text)
        return [c.post(f"/u/welle-a/de/{page}", data={"csrf": csrf, "code": f"ABCDE-{i:05d}"},
                       follow_redirects=False).status_code for i in range(n)]  # fmt: skip

    statuses = tries("203.0.113.5", "weiter", CODE_TRIES_PER_MINUTE + 5)
    assert statuses[:CODE_TRIES_PER_MINUTE] == [400] * CODE_TRIES_PER_MINUTE  # "unknown code"
    assert set(statuses[CODE_TRIES_PER_MINUTE:]) == {429}
    assert set(tries("203.0.113.5", "loeschen", 3)) == {429}  # one budget for both pages
    assert set(tries("192.0.2.44", "loeschen", 3)) == {400}  # another phone is not slowed
    c = site.client("203.0.113.5")
    page = c.get("/u/welle-a/de/loeschen")
    csrf = csrf_of(page.text)
    limited = c.post("/u/welle-a/de/loeschen", data={"csrf": csrf, "code": "ABCDE-FGHJK"})
    assert "Bitte versuchen Sie es in einer Minute noch einmal" in limited.text


# -- 7. Secure cookies behind https -----------------------------------------------------------
def _set_cookie(response: httpx.Response, name: str) -> set[str]:
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(name + "="))
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_cookies_are_secure_whenever_the_public_address_is_https(sqlite_url):
    from tests.conftest import make_context

    assert not Settings(_env_file=None).effective_secure_cookies
    https = Settings(_env_file=None, public_base_url="https://umfrage.oestrich-winkel.de")
    assert https.effective_secure_cookies
    assert not Settings(_env_file=None, public_base_url="https://x.de",
                        secure_cookies=False).effective_secure_cookies  # fmt: skip
    ctx = make_context(sqlite_url)
    from bedarfsradar.context import init_db

    init_db(ctx)
    ctx.settings.public_base_url = "https://umfrage.oestrich-winkel.de"
    add_user(ctx.db, ctx.municipality_id, "guide", PASSWORD, "guide")
    version = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    ctx.storage.create_campaign(ctx.municipality_id, "neu", "Neu", version)
    site = Site(ctx)
    c = site.client()  # plain http to the app: TLS ends at a proxy that says nothing
    page = c.get("/login")
    assert "secure" in _set_cookie(page, "br_login_csrf")
    c.cookies.set("br_login_csrf", page.cookies["br_login_csrf"])  # as the browser over https
    r = c.post("/login", data={"csrf": csrf_of(page.text), "username": "guide",
                               "password": PASSWORD})  # fmt: skip
    assert r.status_code == 303 and "secure" in _set_cookie(r, COOKIE)
    assert "secure" in _set_cookie(c.get("/u/neu/de/"), "br_survey")
    ctx.db.dispose()


def test_a_request_that_came_over_https_gets_secure_cookies(site):
    version = site.ctx.storage.latest_version(site.ctx.municipality_id, "newcomer")
    site.ctx.storage.create_campaign(site.ctx.municipality_id, "neu", "Neu", version)
    c = site.client(base_url="https://testserver")
    assert "secure" in _set_cookie(c.get("/u/neu/de/"), "br_survey")
    assert "secure" in _set_cookie(c.get("/login"), "br_login_csrf")
    plain = site.client()
    assert "secure" not in _set_cookie(plain.get("/u/neu/de/"), "br_survey")


# -- 2 again, end to end: the real server, the dashboard's own download buttons ----------------
def _download_urls(base: str, cookie: str, page: str) -> list[str]:
    """Run a dashboard page over Streamlit's websocket with ``cookie``; the URLs of its
    download buttons."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    urls: list[str] = []
    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    rerun.rerun_script.page_name = page
    stream = base.replace("http", "ws", 1) + "/_stcore/stream"
    headers = {"Cookie": f"{COOKIE}={cookie}"}
    with connect(stream, subprotocols=["streamlit"], additional_headers=headers,  # type: ignore[list-item]
                 open_timeout=30) as ws:  # fmt: skip
        ws.send(rerun.SerializeToString())
        for _ in range(5000):  # bounded: a page sends a few hundred messages
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=120))
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "download_button":
                    urls.append(element.download_button.url)
            if kind == "script_finished":
                break
    return urls


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[str, str]]:
    from bedarfsradar.context import load_demo
    from tests.conftest import make_context
    from tests.live import serving

    tmp: Path = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{tmp / 'live.db'}"
    ctx = make_context(url, "live-secret")
    load_demo(ctx)
    for name in ("guide", "viewer"):
        add_user(ctx.db, ctx.municipality_id, f"t-{name}", PASSWORD, name)
    ctx.db.dispose()
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": "live-secret"}
    with serving(env, tmp / "serve.log") as base:
        yield base, url


def _live_login(base: str, username: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    page = c.get("/login")
    csrf = csrf_of(page.text)
    r = c.post("/login", data={"csrf": csrf, "username": username, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return c, r.cookies[COOKIE]


@pytest.mark.slow
def test_every_dashboard_download_is_refused_without_its_session(live):
    base, _ = live
    guide_client, guide = _live_login(base, "t-guide")
    _, viewer = _live_login(base, "t-viewer")
    urls = [u for page in ("datenschutz", "export") for u in _download_urls(base, guide, page)]
    assert len(urls) >= 4 and all(u.startswith("/media/") for u in urls), urls
    anon = httpx.Client(base_url=base, timeout=60)
    for u in urls:
        assert anon.get(u, headers=sends(guide)).status_code == 200  # the guide's own
        for cookie in (None, viewer):  # no login; another role's
            r = anon.get(u, headers=sends(cookie) if cookie else None)
            assert r.status_code == 403 and DOWNLOAD_REFUSED in r.text, u
    assert anon.get("/_stcore/metrics").status_code == 404
    assert anon.get("/_stcore/metrics", headers=sends(guide)).status_code == 404
    page = guide_client.get("/logout")
    token = csrf_of(page.text)
    assert guide_client.post("/logout", data={"csrf": token}).status_code == 303
    for u in urls:  # the guide's cookie, replayed after the logout
        assert anon.get(u, headers=sends(guide)).status_code == 403, u
    assert anon.get("/export", headers=sends(guide)).headers["location"].startswith("/login")


def test_audit_rows_never_hold_a_client_address(site):
    for i in range(5):
        site.login("guide", f"falsch-{i}", address="203.0.113.66")
    with site.ctx.db.read() as s:
        details = [str(d) for d in s.scalars(select(AuditLog.detail))]
        assert s.scalar(select(func.count(AuditLog.id))) >= 1
    assert not any("203.0.113" in d for d in details)
