"""The one-port server: health check, dashboard, gzip, and no IP addresses in its logs."""

import os
import subprocess
import sys
import time

import httpx
import pytest
from starlette.applications import Starlette
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
        yield base, log


def test_serve_runs_dashboard_and_routes_on_one_port_without_logging_ips(served):
    base, log = served
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{base}/").headers["location"] == "/login"  # not logged in
    from bedarfsradar.session import COOKIE, SessionCodec, SessionUser

    session = SessionCodec("server-test").dumps(SessionUser(1, "guide", "guide", 1, time.time()))
    page = httpx.get(f"{base}/", headers={"Accept-Encoding": "gzip"}, cookies={COOKIE: session})
    assert page.status_code == 200
    assert page.headers.get("content-encoding") == "gzip"
    assert "<noscript>" in page.text.lower() or "streamlit" in page.text.lower()
    time.sleep(0.5)
    text = log.read_text()
    assert "Uvicorn running" in text
    assert '"GET /healthz' not in text and "127.0.0.1:" not in text.replace(base, "")
