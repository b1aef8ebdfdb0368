"""``/login`` and ``/logout`` over HTTP (Starlette TestClient on the server's real routes)."""

import re

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from bedarfsradar.audit import entries
from bedarfsradar.login import CSRF_COOKIE, LoginRequired, safe_next
from bedarfsradar.server import routes
from bedarfsradar.session import COOKIE, SessionCodec
from bedarfsradar.users import add_user, set_active

PASSWORD = "richtig-geheim-2026"
FAILED = "Die Anmeldung ist fehlgeschlagen"


@pytest.fixture
def client(sqlite_ctx):
    add_user(sqlite_ctx.db, sqlite_ctx.municipality_id, "guide", PASSWORD, "guide")

    async def dashboard(request):
        return PlainTextResponse("dashboard")

    app = Starlette(
        routes=[*routes(sqlite_ctx), Route("/", dashboard), Route("/bedarfe", dashboard)],
        middleware=[Middleware(LoginRequired, ctx=sqlite_ctx)],
    )
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        c.ctx = sqlite_ctx
        yield c


def _csrf(client) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _login(client, username="guide", password=PASSWORD, **extra):
    return client.post("/login", data={"csrf": _csrf(client), "username": username,
                                       "password": password, **extra})  # fmt: skip


def test_login_page_is_a_plain_form_with_csrf_and_strict_headers(client):
    page = client.get("/login")
    assert 'type="password"' in page.text and "<script" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert CSRF_COOKIE in page.cookies


def test_login_without_the_csrf_token_is_refused(client):
    _csrf(client)
    r = client.post("/login", data={"username": "guide", "password": PASSWORD})
    assert r.status_code == 403 and COOKIE not in r.cookies
    client.cookies.clear()
    r = client.post("/login", data={"csrf": "forged", "username": "guide", "password": PASSWORD})
    assert r.status_code == 403 and COOKIE not in r.cookies


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = _login(client, password="falsch-falsch")
    unknown = _login(client, username="niemand", password="falsch-falsch")
    assert wrong.status_code == unknown.status_code == 401
    for r in (wrong, unknown):
        assert FAILED in r.text and COOKIE not in r.cookies
        assert "existiert" not in r.text and "gesperrt ist" not in r.text


def test_success_sets_a_signed_httponly_strict_session_cookie(client):
    r = _login(client, next="/bedarfe")
    assert r.status_code == 303 and r.headers["location"] == "/bedarfe"
    header = next(h for h in r.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/", "max-age=28800"} <= flags
    user = client.ctx.sessions.check(r.cookies[COOKIE], client.ctx.municipality_id)
    assert (user.username, user.role) == ("guide", "guide")
    assert client.get("/").text == "dashboard"  # the cookie opens the dashboard
    assert "login" in set(entries(client.ctx.db, client.ctx.municipality_id)["action"])


def test_dashboard_pages_redirect_to_login_without_a_valid_session(client):
    r = client.get("/bedarfe")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/bedarfe"
    assert client.get("/").headers["location"] == "/login"
    client.cookies.set(COOKIE, "forged.token.value")
    assert client.get("/").status_code == 303
    assert client.get("/healthz").status_code == 200
    assert client.get("/u/nicht-da/").status_code == 404  # the survey stays public


def test_expired_or_tampered_session_cookies_are_rejected():
    codec = SessionCodec("s")
    token = codec.dumps("k" * 43, 7)
    assert codec.loads(token) == "k" * 43 and codec.payload(token) == (7, "k" * 43)
    assert codec.loads(token, max_age=-1) is None
    assert SessionCodec("other").loads(token) is None
    assert codec.loads(token[:-2] + "xx") is None
    assert codec.loads(codec.dumps("short", 7)) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/bedarfe", "/bedarfe"), ("//evil.example", "/"), ("https://evil.example", "/"),
     ("/\\evil", "/"), ("/logout", "/"), (None, "/")],
)  # fmt: skip
def test_only_local_paths_are_followed_after_login(target, expected):
    assert safe_next(target) == expected


def test_logout_needs_its_token_and_clears_the_cookie(client):
    _login(client)
    page = client.get("/logout")
    assert page.status_code == 200 and 'action="/logout"' in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert client.get("/").text == "dashboard"  # still logged in
    r = client.post("/logout", data={"csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/login?abgemeldet=1"
    header = next(h for h in r.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
    assert "max-age=0" in header.lower() and "path=/" in header.lower()
    assert client.get("/").status_code == 303
    assert "Sie sind abgemeldet" in client.get("/login?abgemeldet=1").text


def test_a_disabled_user_cannot_log_in(client):
    set_active(client.ctx.db, client.ctx.municipality_id, "guide", False)
    r = _login(client)
    assert r.status_code == 401 and FAILED in r.text
