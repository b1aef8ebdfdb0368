"""Security headers on every route family of the real server (``bedarfsradar serve``):
survey, login, logout, health check, dashboard, Streamlit's files and API; the
middleware itself; Streamlit's settings really applied."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import httpx
import pytest

from bedarfsradar.context import init_db
from bedarfsradar.headers import (
    SecurityHeaders,
    dashboard_csp,
    default_headers,
    inline_script_hashes,
    with_websocket,
)
from bedarfsradar.session import COOKIE
from bedarfsradar.users import add_user
from tests.conftest import make_context
from tests.live import serving

SECRET = "headers-secret"
REQUIRED = ("x-content-type-options", "referrer-policy", "permissions-policy",
            "content-security-policy")  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("headers")
    url = f"sqlite:///{tmp / 'h.db'}"
    ctx = make_context(url, SECRET)
    init_db(ctx)
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "neu", "neu", ctx.storage.latest_version(mid, "newcomer"))
    add_user(ctx.db, mid, "guide", "headers-guide-2026", "guide")
    info = ctx.storage.municipality_id(ctx.settings.municipality)
    from bedarfsradar.users import authenticate

    user = authenticate(ctx.db, info, "guide", "headers-guide-2026")
    cookie = ctx.sessions.start(user.id, mid)
    log = tmp / "serve.log"
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": SECRET}
    try:
        with serving(env, log) as base:
            yield base, {COOKIE: cookie}
    finally:
        ctx.db.dispose()


def _check(r: httpx.Response) -> None:
    h = r.headers
    for name in REQUIRED:
        assert h.get(name), (
            f"{r.request.method} {r.request.url.path} ({r.status_code}) lacks {name}"
        )
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] in ("no-referrer", "same-origin")
    assert "camera=()" in h["permissions-policy"] and "geolocation=()" in h["permissions-policy"]
    csp = h["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and h.get("x-frame-options") == "DENY"
    assert "unsafe-eval" not in csp and not re.search(r"script-src[^;]*'unsafe-inline'", csp)
    assert "http:" not in csp and "https:" not in csp and "*" not in csp


def test_every_route_family_carries_the_security_headers(server):
    base, session = server
    anon = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    user = httpx.Client(base_url=base, follow_redirects=False, timeout=30, cookies=session)
    index = user.get("/")
    assert index.status_code == 200 and "<script" in index.text  # Streamlit's page
    script = re.search(r'src="\./(static/js/[^"]+\.js)"', index.text).group(1)
    checked = {
        "survey": anon.get("/u/neu/"),
        "survey 404": anon.get("/u/nicht-da/"),
        "survey file": anon.get("/u/static/survey.css"),
        "login": anon.get("/login"),
        "login css": anon.get("/login.css"),
        "login POST without token": anon.post("/login", data={"username": "x"}),
        "logout (anonymous)": anon.get("/logout"),
        "logout": user.get("/logout"),
        "healthz": anon.get("/healthz"),
        "dashboard redirect": anon.get("/"),
        "dashboard page redirect": anon.get("/bedarfe"),
        "dashboard": index,
        "dashboard page": user.get("/bedarfe"),
        "streamlit js": anon.get("/" + script),
        "streamlit favicon": anon.get("/favicon.png"),
        "streamlit manifest": anon.get("/manifest.json"),
        "stcore health": anon.get("/_stcore/health"),
        "stcore host-config": anon.get("/_stcore/host-config"),
        "media 404": anon.get("/media/nicht-da.png"),
    }
    for name, r in checked.items():
        assert r.status_code < 500, name
        _check(r)
    assert checked["dashboard redirect"].status_code == 303
    assert checked["streamlit js"].status_code == 200
    assert checked["stcore health"].status_code == 200
    # the survey and the login page keep their own, stricter policy: no script at all
    for name in ("survey", "login", "logout"):
        csp = checked[name].headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp, name
    # the dashboard's policy: exactly the one of bedarfsradar.headers, websocket of this host
    host = base.removeprefix("http://")
    assert index.headers["content-security-policy"] == with_websocket(dashboard_csp(), host)
    assert (
        f"connect-src 'self' ws://{host} wss://{host};" in index.headers["content-security-policy"]
    )
    # the hash in script-src is that of index.html's only inline script
    assert inline_script_hashes(index.text) and all(
        h in index.headers["content-security-policy"] for h in inline_script_hashes(index.text)
    )
    assert len(checked) == 19


def test_middleware_keeps_headers_a_response_sets_and_ignores_websockets():
    sent: list[dict] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        headers = [(b"x-frame-options", b"SAMEORIGIN"), (b"content-type", b"text/plain")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request"}

    scope = {"type": "http", "headers": [(b"host", b"example.test:8501")]}
    asyncio.run(SecurityHeaders(app)(scope, receive, send))
    headers = dict(sent[0]["headers"])
    assert headers[b"x-frame-options"] == b"SAMEORIGIN"  # the response's own value wins
    assert [k for k, _ in sent[0]["headers"]].count(b"x-frame-options") == 1
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert b"ws://example.test:8501" in headers[b"content-security-policy"]
    sent.clear()
    asyncio.run(SecurityHeaders(app)({"type": "websocket", "headers": []}, receive, send))
    assert dict(sent[0]["headers"]) == {b"x-frame-options": b"SAMEORIGIN",
                                        b"content-type": b"text/plain"}  # fmt: skip


def test_a_forged_host_header_cannot_inject_into_the_policy():
    csp = dashboard_csp()
    for host in ("evil; script-src *", "a b", "x'y", "", None, "ex\u00e4mple"):
        assert with_websocket(csp, host) == csp
    assert set(default_headers()) >= {"content-security-policy", "x-frame-options"}


def test_streamlit_settings_are_really_applied(monkeypatch):
    """Under uvicorn Streamlit ignores STREAMLIT_* variables for ordinary options; the
    server must load streamlit_config.toml itself (it once silently did not)."""
    from streamlit import config

    from bedarfsradar.server import load_streamlit_config

    try:
        options = load_streamlit_config()
        assert options["browser.gatherUsageStats"] is False
        assert config.get_option("browser.gatherUsageStats") is False
        assert config.get_option("client.showErrorDetails") == "none"
        assert config.get_option("server.enableXsrfProtection") is True
        assert config.get_option("server.enableCORS") is True
    finally:
        config.get_config_options(force_reparse=True)  # back to defaults for other tests
