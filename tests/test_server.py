"""The one-port server: health check, dashboard, gzip, no IP addresses in its logs, and
no database call on the event loop the survey shares with the dashboard."""

import asyncio
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.server import apply_streamlit_config, routes
from tests.conftest import make_context
from tests.live import serving


def test_healthz_is_503_until_migrated_then_ok(sqlite_url):
    ctx = make_context(sqlite_url)
    app = Starlette(routes=routes(ctx))
    client = TestClient(app)
    pending = client.get("/healthz")
    assert pending.status_code == 503
    assert pending.json() == {"status": "error", "database": "migrations pending"}
    from bedarfsradar.context import init_db

    init_db(ctx)
    assert client.get("/healthz").json() == {"status": "ok"}


class Gate:
    """Holds a database call until the test lets it go (at most 10 s, so a broken build
    fails instead of hanging)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()

    def hold(self) -> None:
        self.entered.set()
        self.released.wait(timeout=10)


@pytest.mark.parametrize("path", ["/u/neu/", "/u/neu/de/s/household", "/healthz"])
def test_a_request_waiting_for_the_database_never_holds_the_event_loop(
    sqlite_ctx, monkeypatch, path
):
    """While a survey page or /healthz waits inside the database, a trivial request on the
    same event loop (like Streamlit's health check) is answered first. Were the database
    call made on the loop, the trivial request could only finish after it."""
    from bedarfsradar.db import migrate

    ctx = sqlite_ctx
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "neu", "Test", ctx.storage.latest_version(mid, "newcomer"))
    gate = Gate()
    campaign, revision = ctx.storage.campaign, migrate.current_revision
    monkeypatch.setattr(ctx.storage, "campaign", lambda slug: (gate.hold(), campaign(slug))[1])
    monkeypatch.setattr(migrate, "current_revision", lambda db: (gate.hold(), revision(db))[1])

    async def ping(request: Request) -> PlainTextResponse:
        return PlainTextResponse("pong")

    app = Starlette(routes=[Route("/ping", ping), *routes(ctx)])
    finished: list[str] = []

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            slow = asyncio.create_task(client.get(path))
            slow.add_done_callback(lambda _: finished.append("database"))
            assert await asyncio.to_thread(gate.entered.wait, 10)  # now inside the database
            pong = await client.get("/ping")
            finished.append("ping")
            gate.released.set()
            return await slow, pong

    slow, pong = asyncio.run(scenario())
    assert finished == ["ping", "database"]
    assert pong.text == "pong"
    assert slow.status_code in (200, 303)


def test_streamlit_config_file_is_applied_as_environment(monkeypatch):
    for key in list(os.environ):
        if key.startswith("STREAMLIT_"):
            monkeypatch.delenv(key)
    applied = apply_streamlit_config()
    assert applied["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert applied["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert applied["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"
    assert os.environ["STREAMLIT_SERVER_ENABLE_CORS"] == "true"  # websocket: same origin only


@pytest.fixture
def served(tmp_path):
    env = {**os.environ, "BEDARFSRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
           "BEDARFSRADAR_SECRET_KEY": "server-test"}  # fmt: skip
    subprocess.run([sys.executable, "-m", "bedarfsradar.cli", "demo"], env=env, check=True,
                   capture_output=True, cwd=PROJECT_ROOT, timeout=120)  # fmt: skip
    log = tmp_path / "serve.log"
    with serving(env, log) as base:
        yield base, log, env["BEDARFSRADAR_DATABASE_URL"]


def test_serve_runs_dashboard_and_routes_on_one_port_without_logging_ips(served):
    base, log, url = served
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{base}/").headers["location"] == "/login"  # not logged in
    from bedarfsradar.session import COOKIE
    from tests.conftest import make_context

    ctx = make_context(url, "server-test")
    session = ctx.sessions.start(1, ctx.municipality_id)  # the demo's first user
    page = httpx.get(f"{base}/", headers={"Accept-Encoding": "gzip"}, cookies={COOKIE: session})
    assert page.status_code == 200
    assert page.headers.get("content-encoding") == "gzip"
    assert "<noscript>" in page.text.lower() or "streamlit" in page.text.lower()
    time.sleep(0.5)
    text = log.read_text()
    assert "Uvicorn running" in text
    assert '"GET /healthz' not in text and "127.0.0.1:" not in text.replace(base, "")
