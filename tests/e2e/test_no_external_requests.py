"""Nothing leaves localhost: an admin logs into the dashboard and opens every page, a
respondent walks the whole survey (JavaScript on); every request and websocket of the
browser is recorded and any non-local URL fails the test. The dashboard's CSP
(:mod:`bedarfsradar.headers`) must hold on every page: any CSP violation reported by
Chromium fails the test too, so the policy is verified, not guessed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from bedarfsradar.users import add_user
from tests.e2e.test_dashboard_browser import dashboard_server  # noqa: F401 - fixture
from tests.security.pages import page_roles

pytestmark = pytest.mark.browser
PASSWORD = "admin-e2e-2026"
LOCAL = {"127.0.0.1", "localhost", "::1"}


def non_local(urls: list[str]) -> list[str]:
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname not in LOCAL:
            out.append(url)
    return out


def record(context, page, urls: list[str], problems: list[str]) -> None:  # type: ignore[no-untyped-def]
    context.on("request", lambda r: urls.append(r.url))
    page.on("websocket", lambda ws: urls.append(ws.url))
    page.on("console", lambda m: problems.append(m.text) if _is_violation(m.text) else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))


def _is_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Refused to" in text


def test_dashboard_and_survey_make_only_local_requests(dashboard_server, browser):  # noqa: F811
    base = dashboard_server.base
    ctx = dashboard_server.ctx
    add_user(ctx.db, ctx.municipality_id, "admin", PASSWORD, "admin")
    urls: list[str] = []
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    record(context, page, urls, problems)

    page.goto(base + "/")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("heading", name="Überblick").wait_for()
    sidebar = page.locator('[data-testid="stSidebar"]')
    nav = sidebar.locator('a[data-testid="stPageLink-NavLink"]')  # the app's own page links
    nav.first.wait_for()  # drawn by a component loaded on first use, after the script run
    titles = [nav.nth(i).inner_text().strip() for i in range(nav.count())]
    # the admin sees every page of a town (the Land's page is the Land's role's only)
    assert len(titles) == sum("admin" in roles for roles in page_roles().values())
    for title in titles:
        sidebar.get_by_role("link", name=title, exact=True).click()
        page.locator("h1").first.wait_for()
        page.wait_for_timeout(1200)  # charts and tables drawn
        assert page.locator('[data-testid="stException"]').count() == 0, title
    sidebar.get_by_role("link", name="Bedarfe", exact=True).click()
    page.locator(".js-plotly-plot").first.wait_for()  # Plotly ran under the policy
    dashboard_requests = len(urls)
    assert any(u.startswith(("ws://", "wss://")) for u in urls)  # the websocket was recorded

    survey = browser.new_context(viewport={"width": 360, "height": 740})
    spage = survey.new_page()
    spage.set_default_timeout(30_000)
    record(survey, spage, urls, problems)
    spage.goto(f"{base}/u/zugewanderte-w2/")
    spage.click("a[hreflang=de]")
    spage.click("button[type=submit]")  # privacy notice accepted
    spage.check("#f-stadtteil-oestrich")
    spage.check("#f-children-no")
    pages = 0
    while "/pruefen" not in spage.url and pages < 30:
        if "/einwilligung" in spage.url:
            spage.check("#consent-no")
        spage.click("button[value=next]")
        pages += 1
    assert "/pruefen" in spage.url
    spage.click("button[type=submit]")
    spage.wait_for_load_state()
    survey.close()
    context.close()

    assert non_local(urls) == []
    assert problems == []
    assert dashboard_requests > 50 and len(urls) > dashboard_requests + pages
    print(f"{len(urls)} requests recorded ({dashboard_requests} dashboard, "
          f"{len(titles)} pages; survey {pages + 3} steps): all local")  # fmt: skip
