"""The guide's dashboard in a real browser against ``bedarfsradar serve``: log in, explore
Bedarfe with a filter, download an export (formulas neutralised), log out."""

from __future__ import annotations

import csv
import io
import os
import uuid
from pathlib import Path

import pytest

from bedarfsradar.context import load_demo
from bedarfsradar.users import add_user
from surveys.answers import AnswerRow
from tests.conftest import make_context
from tests.e2e.conftest import SECRET, LiveServer
from tests.live import serving

pytestmark = pytest.mark.browser
PASSWORD = "guide-e2e-2026"
EVIL = '=HYPERLINK("http://evil.example","klick")'
SCREENSHOTS = Path(os.environ.get("BEDARFSRADAR_SCREENSHOTS", "/tmp/bedarfsradar-screens"))


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory):
    """The real server on a demo database with a guide and one free text starting "="."""
    tmp = tmp_path_factory.mktemp("dash-live")
    url = f"sqlite:///{tmp / 'live.db'}"
    ctx = make_context(url, SECRET)
    load_demo(ctx)
    add_user(ctx.db, ctx.municipality_id, "guide", PASSWORD, "guide")
    campaign = ctx.storage.campaign("zugewanderte-w2")
    rows = [AnswerRow("stadtteil", value="winkel"), AnswerRow("helps_most", text=EVIL)]
    ctx.storage.complete_response(campaign, str(uuid.uuid4()), rows, language="de")
    log = tmp / "serve.log"
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": SECRET}
    try:
        with serving(env, log) as base:
            yield LiveServer(base, ctx, log)
    finally:
        ctx.db.dispose()


def test_guide_logs_in_filters_bedarfe_exports_and_logs_out(dashboard_server, browser):
    base = dashboard_server.base
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")  # not logged in: sent to the login form
    page.fill("#username", "guide")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("heading", name="Überblick").wait_for()

    page.get_by_role("link", name="Bedarfe").click()
    page.get_by_role("heading", name="Bedarfe").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    stadtteil = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Stadtteil")
    stadtteil.locator("input").click()
    page.get_by_role("option", name="Hallgarten").click()
    page.keyboard.press("Escape")
    stadtteil.get_by_text("Hallgarten").wait_for()
    page.wait_for_timeout(1500)  # rerun finished
    assert page.locator(".js-plotly-plot").first.is_visible()
    assert page.locator('[data-testid="stDataFrame"]').first.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bedarfe.png"), full_page=True)

    page.get_by_role("link", name="Export").click()
    page.get_by_role("heading", name="Einzelantworten").wait_for()
    page.get_by_text("Einzelantworten vorbereiten").click()
    button = page.get_by_role("button", name="Einzelantworten als CSV")
    with page.expect_download() as info:
        button.click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + EVIL in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]

    page.locator("#abmelden").click()
    page.wait_for_url(base + "/login?abgemeldet=1")
    assert "Sie sind abgemeldet" in page.content()
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")
    context.close()
