"""What the guide sees is German: every page, as guide and as viewer, in Chromium against
the real server (demo data). No English interface word and no raw id from the deny
lists anywhere in the visible text, table cells, screen-reader labels or tooltips; no
exception; the "Stand" line on every page; a page the role may not open says so in
German; Streamlit's own texts (multiselect, file uploader) are German too."""

from __future__ import annotations

import re

import pytest

from analysis.supply import BARRIERS
from bedarfsradar.users import add_user
from dashboard.labels import COSTS, INDICATORS, TIMES
from tests.e2e.dashboard_pages import (
    everything_visible,
    logged_in,
    open_page,
    sidebar_titles,
    wait_settled,
    words_outside_urls,
)
from tests.e2e.test_dashboard_browser import PASSWORD, dashboard_server  # noqa: F401

pytestmark = pytest.mark.browser
VIEWER_PASSWORD = "viewer-e2e-2026"
ENGLISH = [
    "Select all", "Choose an option", "Choose options", "No results", "Clear all",
    "Upload", "per file", "Drag and drop", "Browse files", "Page not found",
    "Running", "Download", "Search", "Fullscreen", "Show/hide", "Skip to main content",
    "Zoom", "Autoscale", "Reset axes", "Pan", "Box Select", "Lasso", "Produced with",
    "trace", "Deploy", "Made with", "Press Enter", "Rerun", "Stop", "Sidebar", "Help",
    "Link to heading", "Loading", "Error", "True", "False", "None", "nan", "NaN",
]  # fmt: skip


def raw_ids(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    """Codes that must never reach the screen (outside URLs)."""
    codes = {a.code for a in ctx.taxonomy} | set(ctx.geography.stadtteile)
    codes |= {c.slug for c in ctx.storage.campaigns(ctx.municipality_id)}
    codes |= set(BARRIERS) | set(INDICATORS) | set(COSTS) | set(TIMES)
    codes |= {"newcomer", "volunteer", "administration", "all", "group_var", "suppressed"}
    codes |= {"a1_a2", "b1_b2", "c1p", "lt1", "1_3", "3_6", "gt6", "yes", "no", "female"}
    return sorted(codes)


def respondents_texts(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    """Free-text answers: the respondents' own words (in their language) are content."""
    answers = ctx.storage.answers_frame(ctx.municipality_id)
    return sorted(set(answers["text"].dropna()), key=len, reverse=True)


def offending(text: str, words: list[str], quoted: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    for answer in quoted:
        text = text.replace(answer, " ")
    text = words_outside_urls(text)
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


@pytest.mark.parametrize("role", ["guide", "viewer"])
def test_every_page_is_german_without_raw_ids_or_exceptions(dashboard_server, browser, role):  # noqa: F811
    base, ctx = dashboard_server.base, dashboard_server.ctx
    password = PASSWORD
    if role == "viewer":
        add_user(ctx.db, ctx.municipality_id, "viewer", VIEWER_PASSWORD, "viewer")
        password = VIEWER_PASSWORD
    ids, quoted = raw_ids(ctx), respondents_texts(ctx)
    errors: list[str] = []
    context, page = logged_in(browser, base, role, password)
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert page.evaluate("document.documentElement.lang") == "de"
    titles = sidebar_titles(page)
    assert len(titles) == (16 if role == "guide" else 2), titles
    problems = {}
    for i, title in enumerate(titles):
        if i:  # the first is the page after login
            open_page(page, title)
        page.wait_for_timeout(300)  # tooltips of the charts' toolbars are in place
        assert page.locator('[data-testid="stException"]').count() == 0, title
        text = everything_visible(page)
        assert "Stand der Daten:" in text, title
        found = offending(text, ENGLISH, quoted) + offending(text, ids, quoted)
        if found:
            problems[title] = found
    assert problems == {}
    assert errors == []
    context.close()


def test_streamlit_widgets_and_refused_pages_speak_german(dashboard_server, browser):  # noqa: F811
    base, ctx = dashboard_server.base, dashboard_server.ctx
    context, page = logged_in(browser, base, "guide", PASSWORD)
    open_page(page, "Bedarfe")
    stadtteil = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Stadtteil")
    stadtteil.locator("input").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    names = [options.nth(i).inner_text() for i in range(options.count())]
    assert names[0] == "Alle auswählen" and "Hallgarten" in names
    page.keyboard.press("Escape")
    context.close()

    add_user(ctx.db, ctx.municipality_id, "viewer2", VIEWER_PASSWORD, "viewer")
    context, page = logged_in(browser, base, "viewer2", VIEWER_PASSWORD)
    page.goto(base + "/bedarfe")  # the explorer is internal: refused in German
    page.get_by_role("heading", name="Bedarfe").wait_for()
    wait_settled(page)
    assert "nicht freigegeben" in everything_visible(page)
    page.goto(base + "/benutzer")  # admin only
    page.get_by_role("heading", name="Benutzer").wait_for()
    wait_settled(page)
    text = everything_visible(page)
    assert "nicht freigegeben" in text and "Lesend" in text
    assert not offending(text, ["Page not found", "Seite nicht verfügbar"])
    context.close()

    add_user(ctx.db, ctx.municipality_id, "admin2", VIEWER_PASSWORD, "admin")
    context, page = logged_in(browser, base, "admin2", VIEWER_PASSWORD)
    open_page(page, "Angebotskatalog")
    page.get_by_role("tab", name="Importieren").click()
    uploader = page.locator('[data-testid="stFileUploader"]')
    uploader.wait_for()
    text = uploader.inner_text()
    assert "pro Datei" in text and "1MB" in text.replace(" ", "")
    assert not offending(text, ENGLISH)
    context.close()
