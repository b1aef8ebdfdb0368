"""Browser helpers for the dashboard: log in, wait until a page has finished its script run
and drawn its charts, and read everything a guide can see or hear (text, table cells,
labels read by screen readers, tooltips)."""

from __future__ import annotations

import re

SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return [...charts].every(c => c.querySelector('.main-svg'));
}"""
"""True once the script run is over, nothing is stale and every chart is drawn
(Streamlit's own end-to-end tests read ``data-test-script-state``). A run that changed
nothing visible cannot be told from no run: wait first for what the run shows (a page's
heading, a caption naming the new selection), then for this."""
_VISIBLE_TEXT = """() => {
  const skip = (el) => el.closest('[data-testid="stIconMaterial"], .material-symbols-rounded,'
                                  + ' [data-testid="stIconEmoji"], script, style');
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || skip(el) || !el.checkVisibility()) continue;
    if (node.textContent.trim()) parts.push(node.textContent.trim());
  }
  for (const cell of document.querySelectorAll('[data-testid="stDataFrame"] table :is(td, th)')) {
    parts.push(cell.textContent.trim());  // the grid draws on a canvas; this is its text
  }
  const names = ['aria-label', 'title', 'placeholder', 'data-title', 'alt'];
  for (const el of document.querySelectorAll(names.map(a => `[${a}]`).join(', '))) {
    for (const a of names) {
      const v = el.getAttribute(a);
      if (v) parts.push(v);
    }
  }
  return parts.join('\\n');
}"""
_URL = re.compile(r"\S*/\S*")


def fill_login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """The login form, filled in, not yet sent."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)


def submit_login(page) -> None:  # type: ignore[no-untyped-def]
    """Press "Anmelden" and wait until the first page is drawn (the Überblick; for the
    viewer, who reads releases only, the Freigegebene Ergebnisse)."""
    page.click("button[type=submit]")
    first = re.compile(r"^(Überblick|Freigegebene Ergebnisse)$")
    page.get_by_role("heading", name=first).first.wait_for()
    wait_settled(page)


def login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    fill_login(page, base, username, password)
    submit_login(page)


def logged_in(browser, base: str, username: str, password: str, **context_options):  # type: ignore[no-untyped-def]
    """(context, page) of a new browser context logged in as ``username``."""
    context = browser.new_context(**{"viewport": {"width": 1366, "height": 900}, **context_options})
    page = context.new_page()
    page.set_default_timeout(90_000)
    login(page, base, username, password)
    return context, page


def wait_settled(page, timeout: float = 120_000) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(SETTLED, timeout=timeout, polling=20)


def open_page(page, title: str, heading: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Click ``title`` in the sidebar and wait until that page (its first heading is
    ``heading``, by default the title) is drawn."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name=title, exact=True).click()
    page.locator("h1", has_text=heading or title).first.wait_for()
    wait_settled(page)


def choose(page, multiselect: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Open the multiselect labelled ``multiselect`` and click ``option`` (not waiting)."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=multiselect)
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()


def sidebar_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    links = page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')
    links.first.wait_for()
    return [links.nth(i).inner_text().strip() for i in range(links.count())]


def everything_visible(page) -> str:  # type: ignore[no-untyped-def]
    """Visible text (icon ligatures left out), table cells and the texts screen readers
    and tooltips use (aria-label, title, placeholder, data-title, alt)."""
    return str(page.evaluate(_VISIBLE_TEXT))


def words_outside_urls(text: str) -> str:
    """``text`` without URLs and paths (a campaign's link names its slug on purpose)."""
    return _URL.sub(" ", text)
