"""The guide's dashboard in a real browser against ``bedarfsradar serve``: log in, explore
Bedarfe with a filter, download an export (formulas neutralised), log out; the first
login after a start never lists raw file names; a repeated visit costs almost nothing
(hashed static files are cached for a year); the print view keeps charts whole and
leaves the sidebar out."""

from __future__ import annotations

import csv
import io
import os
import uuid
from pathlib import Path

import pytest

from bedarfsradar.context import load_demo
from bedarfsradar.users import add_user
from surveys.responses.answers import AnswerRow
from tests.conftest import make_context
from tests.e2e.conftest import SECRET, LiveServer
from tests.e2e.dashboard_pages import choose, logged_in, login, open_page, wait_settled
from tests.live import serving
from tests.tools import poppler

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


# Records whether the sidebar ever showed the file names of dashboard/pages (Streamlit's
# v1 page discovery: "admin volunteers", "login required", …) while the app loaded.
RAW_NAMES_WATCH = """
window.__rawNames = [];
new MutationObserver(() => {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  const text = bar ? bar.innerText : '';
  for (const name of ['admin volunteers', 'login required', 'offer catalogue', 'free text']) {
    if (text.includes(name) && !window.__rawNames.includes(name)) window.__rawNames.push(name);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def test_guide_logs_in_filters_bedarfe_exports_and_logs_out(dashboard_server, browser):
    """The first test of this module: its login is the first after the server started."""
    base = dashboard_server.base
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.add_init_script(RAW_NAMES_WATCH)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")  # not logged in: sent to the login form
    page.fill("#username", "guide")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("heading", name="Überblick").wait_for()
    wait_settled(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    # The page links are drawn by a component the browser loads on first use; on a busy
    # machine they appear a moment after the script run has ended, so wait for them.
    sidebar.get_by_role("link", name="Bedarfe", exact=True).wait_for()
    assert page.evaluate("window.__rawNames") == []  # watched from the start until here
    emblem = sidebar.locator(".eu-funding img")  # the EU emblem beside the statement
    assert emblem.get_attribute("alt").startswith("Flagge der Europäischen Union")
    box = emblem.bounding_box()
    assert box is not None and (round(box["width"]), round(box["height"])) == (54, 36)
    assert page.evaluate("document.querySelector('.eu-funding img').naturalWidth") > 0

    sidebar.get_by_role("link", name="Bedarfe", exact=True).click()
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

    sidebar.get_by_role("link", name="Export", exact=True).click()
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


def _transferred(responses) -> int:  # type: ignore[no-untyped-def]
    total = 0
    for r in responses:
        sizes = r.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


def test_a_repeated_visit_transfers_under_100_kb(dashboard_server, browser):
    base = dashboard_server.base
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    first = context.new_page()
    first.set_default_timeout(90_000)
    responses: list = []
    first.on("response", lambda r: responses.append(r))
    login(first, base, "guide", PASSWORD)  # the responses of the login are counted too
    open_page(first, "Bedarfe")  # Plotly's script too
    first_visit = _transferred(responses)
    hashed = [r for r in responses if r.url.startswith(base + "/static/")]
    immutable = [r for r in hashed if _cached_for_a_year(r.headers.get("cache-control", ""))]
    patched = [r for r in hashed if r.headers.get("etag", "").startswith('"de-')]
    assert len(immutable) + len(patched) == len(hashed) > 20
    assert all(r.headers.get("cache-control") == "no-cache" for r in patched)
    first.close()

    again = context.new_page()
    again.set_default_timeout(90_000)
    responses = []
    again.on("response", lambda r: responses.append(r))
    again.goto(base + "/")
    again.get_by_role("heading", name="Überblick").wait_for()
    wait_settled(again)
    open_page(again, "Bedarfe")
    repeated = _transferred(responses)
    print(f"first visit {first_visit / 1000:.0f} KB, repeated visit {repeated / 1000:.1f} KB")
    assert first_visit > 1_000_000  # the counter-check: the first visit did load everything
    assert repeated < 100_000
    context.close()


def _cached_for_a_year(header: str) -> bool:
    return {p.strip() for p in header.split(",")} == {"public", "immutable", "max-age=31536000"}


A4_LANDSCAPE_PX = (297 - 2 * 12) / 25.4 * 96  # @page margin 12 mm


def test_print_view_keeps_charts_whole_and_names_filters_and_date(
    dashboard_server, browser, tmp_path
):
    base = dashboard_server.base
    wide = {"viewport": {"width": 1920, "height": 1080}}  # a wide screen
    context, page = logged_in(browser, base, "guide", PASSWORD, **wide)
    open_page(page, "Bedarfe")
    choose(page, "Stadtteil", "Hallgarten")
    page.keyboard.press("Escape")
    page.get_by_text("Auswahl: Stadtteil: Hallgarten", exact=True).wait_for()
    wait_settled(page)
    screen_width = page.locator(".js-plotly-plot .main-svg").first.bounding_box()["width"]
    assert screen_width > A4_LANDSCAPE_PX  # on this screen, the chart is wider than paper
    page.get_by_text("Druckansicht").click()
    page.locator('[data-testid="stTable"]').first.wait_for()  # the print view's tables
    wait_settled(page)
    page.emulate_media(media="print")
    svg = page.locator(".js-plotly-plot .main-svg").first.bounding_box()
    assert svg["width"] <= A4_LANDSCAPE_PX
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    pdf = tmp_path / "bedarfe.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    assert "Auswahl: Stadtteil: Hallgarten" in text and "Stand der Daten:" in text
    assert "Druckansicht" not in text and "Abmelden" not in text  # no sidebar on paper
    assert "80 %" in text and "100 %" in text  # the whole share axis is on the page
    context.close()
