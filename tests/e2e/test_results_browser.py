"""The public results pages in Debian's Chromium against the real server (``bedarfsradar
serve``): the demo's released wave 1 with its page on, Farsi and Leichte Sprache reviewed
by an interpreter through the workbook.

On a 360 × 740 phone with JavaScript off, with and without the stylesheet: every number
readable, a table right after every chart, nothing wider than the screen, right-to-left
for Farsi. axe-core finds nothing on any page; no login is asked; the first visit
transfers at most 60 KB and a repeat visit at most 10 KB; the print view drops the
navigation and keeps charts and tables.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.e2e.conftest import phone_context
from tests.e2e.test_survey_browser import AXE, shot
from tests.live import serving
from tests.publicity.results import demo_town, review

pytestmark = pytest.mark.browser
SECRET = "e2e-results"
SCREEN = 360


@pytest.fixture(scope="module")
def results_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("results-live")
    ctx = demo_town(tmp, SECRET)
    review(ctx, ["fa", "de-x-ls"], tmp)
    env = {
        "BEDARFSRADAR_DATABASE_URL": ctx.settings.effective_database_url,
        "BEDARFSRADAR_SECRET_KEY": SECRET,
        "BEDARFSRADAR_DATA_DIR": str(ctx.settings.data_dir),
    }
    try:
        with serving(env, tmp / "serve.log") as base:
            yield base
    finally:
        ctx.db.dispose()


def without_stylesheet(context) -> list[str]:
    blocked: list[str] = []

    def drop(route):  # type: ignore[no-untyped-def]
        blocked.append(route.request.url)
        route.abort()

    context.route(re.compile(r".*/results\.css.*"), drop)
    return blocked


def check_readable(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing wider than the phone; every chart followed by its table; every number of
    every table on screen (inside 0..360 px, a real size)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN
    charts = page.locator("div.chart")
    assert charts.count() == 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        # the drawing, then right after it the table with the same rows
        order = chart.evaluate("e => [...e.children].map(c => c.tagName)")
        assert order == ["DIV", "TABLE"]
        svg = chart.locator("svg")
        assert svg.is_visible() and svg.bounding_box()["width"] <= SCREEN
        bars = svg.locator("text").count()
        rows = chart.locator("tbody tr").count()
        assert rows >= 9 and bars >= 2 * rows - 2  # a name and a number per row
    cells = page.locator("main td")
    assert cells.count() > 50
    for box in page.evaluate(
        "[...document.querySelectorAll('main td')].map(td => {const r = td.getBoundingClientRect();"
        " return [r.left, r.right, r.width, r.height, td.innerText]})"
    ):
        left, right, width, height, text = box
        assert left >= 0 and right <= SCREEN + 0.5 and width > 0 and height > 0, box
        assert re.fullmatch(r"[0-9]+ \([0-9]+–[0-9]+\)|[0-9.]+|·", text.strip()), text


@pytest.mark.parametrize("lang", ["fa", "de-x-ls"])
def test_a_phone_without_javascript_reads_every_number_with_and_without_stylesheet(
    results_server, browser, lang
):
    for styled in (True, False):
        phone = phone_context(browser)
        blocked = [] if styled else without_stylesheet(phone)
        page = phone.new_page()
        response = page.goto(f"{results_server}/ergebnisse/welle-1/{lang}/")
        assert response.status == 200 and "/login" not in page.url
        assert styled or blocked, "the stylesheet was requested and dropped"
        html = page.locator("html")
        assert html.get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
        assert html.get_attribute("lang") == ("fa" if lang == "fa" else "de")
        if lang == "fa":  # the bars grow from the right: the first bar touches the right edge
            rect = page.locator("div.chart svg rect").first.bounding_box()
            svg = page.locator("div.chart svg").first.bounding_box()
            assert abs((rect["x"] + rect["width"]) - (svg["x"] + svg["width"])) < 1
        check_readable(page)
        shot(page, f"26-{lang}-{'css' if styled else 'no-css'}")
        phone.close()


PAGES = [
    "/ergebnisse/",
    "/ergebnisse/leichte-sprache/",
    "/ergebnisse/welle-1/",
    "/ergebnisse/welle-1/fa/",
    "/ergebnisse/welle-1/de-x-ls/",
    "/ergebnisse/welle-1/methode/",
    "/ergebnisse/barrierefreiheit/fa/",
    "/ergebnisse/welle-9/",
]


def test_axe_finds_no_violation_on_any_results_page(results_server, browser):
    context = browser.new_context(viewport={"width": SCREEN, "height": 740}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in PAGES:
        page.goto(results_server + path)
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        found[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]]
    context.close()
    assert {p: v for p, v in found.items() if v} == {}


def test_first_visit_at_most_60_kb_and_a_repeat_visit_at_most_10_kb(results_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sizes: list[tuple[str, int]] = []

    def record(response):  # type: ignore[no-untyped-def]
        s = response.request.sizes()
        sizes.append((response.url, s["responseBodySize"] + s["responseHeadersSize"]))

    page.on("response", record)
    page.goto(f"{results_server}/ergebnisse/welle-1/fa/", wait_until="networkidle")
    first = sum(n for _, n in sizes)
    assert len(sizes) == 3, sizes  # the page, its stylesheet, the emblem
    sizes.clear()
    page.goto(f"{results_server}/ergebnisse/welle-1/fa/", wait_until="networkidle")
    repeat = sum(n for _, n in sizes)
    context.close()
    assert first <= 60_000, first
    assert repeat <= 10_000, (repeat, sizes)


def test_the_print_view_keeps_charts_and_tables_and_drops_the_navigation(results_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{results_server}/ergebnisse/welle-1/")
    page.emulate_media(media="print")
    assert page.locator("nav.langs").count() == 1 and not page.locator("nav.langs").is_visible()
    assert not page.locator("a[download]").first.is_visible()
    assert page.locator("div.chart svg").first.is_visible()
    assert page.locator("div.chart table").first.is_visible()
    context.close()


def test_the_results_pages_need_no_login_but_the_dashboard_does(results_server):
    with httpx.Client(base_url=results_server, follow_redirects=False) as c:
        assert c.get("/ergebnisse/").status_code == 200
        assert c.get("/ergebnisse").status_code in (200, 307, 308)
        assert c.get("/").status_code == 303  # the dashboard sends to /login
