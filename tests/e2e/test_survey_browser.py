"""The public survey in Debian's Chromium against the real server.

A newcomer on a 360×740 phone with JavaScript switched off answers in Arabic, stops
halfway, resumes on another phone with the code, submits, and deletes the answers with
the receipt code. A guide enters an interview in assisted mode. axe-core (a local copy
from the axe-playwright-python package) checks every page in German, Arabic and Leichte
Sprache; the form is usable by keyboard alone; no request leaves the machine.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from surveys.web.state import StateCodec
from tests.e2e.conftest import SECRET, phone_context

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("BEDARFSRADAR_SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def go(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Click ``selector`` (a link or a submit button) and wait until the page it leads to
    has loaded: a click returns as soon as the new page is committed, before its content
    exists, so reading the page right after it would race."""
    with page.expect_navigation():
        page.click(selector)


def next_page(page) -> None:  # type: ignore[no-untyped-def]
    go(page, "button[value=next]")


def section_of(url: str) -> str | None:
    found = re.search(r"/s/([a-z_0-9]+)", url)
    return found.group(1) if found else None


def answer_section(page, checks: list[str]) -> None:
    """Tick ``checks`` on whichever part of the current section shows them, then go on
    to the next section (long sections come in parts)."""
    section = section_of(page.url)
    while section_of(page.url) == section:
        for selector in checks:
            if page.locator(selector).count():
                page.check(selector)
        next_page(page)


def record_requests(context) -> list[str]:
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    return urls


def test_arabic_newcomer_without_javascript_resumes_submits_and_deletes(live_server, browser):
    storage, mid = live_server.ctx.storage, live_server.ctx.municipality_id
    before = storage.count_responses()
    phone = phone_context(browser)
    urls = record_requests(phone)
    page = phone.new_page()
    page.goto(f"{live_server.base}/u/neu/")
    shot(page, "01-languages")
    go(page, "a[hreflang=ar]")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    go(page, "button[type=submit]")  # privacy notice accepted
    page.check("#f-stadtteil-hallgarten")
    page.check("#f-children-no")
    next_page(page)
    assert page.url.endswith("/u/neu/ar/s/needs")
    shot(page, "02-matrix-arabic")
    checks = ["#f-need-housing-5", "#f-need-language-4", "#f-need-mobility-4", "#f-need-health-dk"]
    answer_section(page, checks)
    code = re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}", page.locator(".resume").text_content()).group(0)
    phone.close()

    other = phone_context(browser)  # another phone: no cookie, only the code
    urls += record_requests(other)
    page = other.new_page()
    page.goto(f"{live_server.base}/u/neu/ar/weiter")
    page.fill("#code", code.lower())
    go(page, "button[type=submit]")
    # continues at the first page without an answer: the last part of the needs matrix
    assert re.search(r"/u/neu/ar/s/needs/\d$", page.url)
    answer_section(page, [])
    assert page.url.endswith("/u/neu/ar/s/priorities")
    page.select_option("#f-top3-1", "housing")
    page.select_option("#f-top3-2", "mobility")
    next_page(page)
    assert page.url.endswith("/s/offers")
    answer_section(page, ["#f-offer-housing-unknown", "#f-barriers-distance"])
    answer_section(page, [])  # administration, in parts
    page.check("#f-german_level-a1_a2")
    next_page(page)
    assert "/einwilligung" in page.url
    page.check("#consent-yes")
    next_page(page)
    page.check("#f-residence_status-protection")
    next_page(page)
    page.fill("#f-helps_most", "باص في المساء إلى أوستريش")
    next_page(page)
    assert page.url.endswith("/pruefen")
    assert "باص في المساء" in page.content()
    go(page, "button[type=submit]")
    assert page.url.endswith("/danke")
    shot(page, "03-thanks-arabic")
    receipt_text = page.locator(".receipt").text_content()
    receipt = re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}", receipt_text).group(0)

    assert storage.count_responses() == before + 1
    frame = storage.answers_frame(mid, ["neu"])
    mine = frame[frame["response_id"] == frame.loc[frame["text"].notna(), "response_id"].iloc[-1]]
    assert set(mine["language"]) == {"ar"}
    values = dict(zip(mine["question_id"] + "." + mine["item"], mine["value"], strict=True))
    assert values["need.housing"] == "5" and values["residence_status."] == "protection"

    page.goto(f"{live_server.base}/u/neu/ar/loeschen")
    page.fill("#code", receipt)
    go(page, "button[type=submit]")
    assert page.locator(".success").count() == 1
    assert storage.count_responses() == before
    other.close()
    foreign = [u for u in urls if not u.startswith(live_server.base)]
    assert foreign == []


def test_guide_enters_an_interview_in_assisted_mode(live_server, browser):
    storage = live_server.ctx.storage
    sig = StateCodec(SECRET).mode_signature("neu", "assisted")
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = laptop.new_page()
    page.goto(f"{live_server.base}/u/neu/?modus=assisted&sig={sig}")
    go(page, "a[hreflang=de]")
    go(page, "button[type=submit]")
    page.check("#f-stadtteil-winkel")
    page.check("#f-children-no")
    next_page(page)
    answer_section(page, ["#f-need-work-4"])
    while "/pruefen" not in page.url:
        if "/einwilligung" in page.url:
            page.check("#consent-no")
        next_page(page)
    go(page, "button[type=submit]")
    assert page.url.endswith("/danke")
    assert page.locator("a.button").count() == 1  # "next interview" for the guide
    frame = storage.answers_frame(live_server.ctx.municipality_id, ["neu"])
    work = frame[(frame["question_id"] == "need") & (frame["item"] == "work")]
    assert set(work["mode"]) == {"assisted"} and set(work["language"]) == {"de"}
    laptop.close()


def tab_to(page, selector: str, limit: int = 8) -> int:
    """Press Tab until ``selector`` has focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


def test_keyboard_alone_answers_and_moves_on(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.base}/u/neu/de/")
    assert tab_to(page, "a.skip") == 1  # the skip link comes first
    tab_to(page, "button[type=submit]")  # honeypot is skipped (tabindex -1)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/s/household$"))
    tab_to(page, "#f-stadtteil-oestrich")
    page.keyboard.press("ArrowDown")  # radios of one group move with the arrow keys
    assert page.evaluate("document.activeElement.id") == "f-stadtteil-mittelheim"
    assert page.is_checked("#f-stadtteil-mittelheim")
    page.keyboard.press("Enter")  # Enter submits with the first (primary) button
    page.wait_for_url(re.compile(r"/s/needs$"))
    page.goto(f"{live_server.base}/u/neu/de/s/household")
    assert page.is_checked("#f-stadtteil-mittelheim")
    context.close()


AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["de", "ar", "de-x-ls"])
def test_axe_finds_no_serious_violations_on_any_page(live_server, browser, lang):
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    checked: dict[str, list] = {}

    def check(name: str) -> None:
        checked[name] = [(v["id"], v["help"], len(v["nodes"])) for v in axe_violations(page)]

    base = f"{live_server.base}/u/neu"
    page.goto(f"{base}/")
    check("languages")
    page.goto(f"{base}/{lang}/")
    check("intro")
    go(page, "button[type=submit]")
    page.check("#f-stadtteil-oestrich")
    page.check("#f-children-yes")
    next_page(page)
    check("household-follow-up")
    page.check("#f-children_ages-under3")
    next_page(page)
    check("needs-matrix")
    answer_section(page, ["#f-need-housing-5"])
    check("priorities")
    page.select_option("#f-top3-1", "housing")
    page.select_option("#f-top3-2", "housing")  # duplicate: an error page
    next_page(page)
    check("priorities-with-error")
    page.select_option("#f-top3-2", "")
    next_page(page)
    check("offers")
    while "/pruefen" not in page.url:
        if "/einwilligung" in page.url:
            check("consent")
            page.check("#consent-yes")
        next_page(page)
    check("review")
    go(page, "button[type=submit]")
    check("thanks")
    page.goto(f"{base}/{lang}/weiter")
    check("resume")
    page.goto(f"{base}/{lang}/loeschen")
    check("delete")
    context.close()
    assert {name: v for name, v in checked.items() if v} == {}
    assert len(checked) >= 12


def test_first_survey_page_weighs_at_most_30_kb(live_server):
    """Language page + its CSS, as transferred (gzip) and uncompressed."""
    with httpx.Client(base_url=live_server.base, headers={"Accept-Encoding": "gzip"}) as c:
        html = c.get("/u/neu/")
        css_urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html.text)
        assets = [c.get(u) for u in css_urls]
        images = re.findall(r'<img[^>]+src="([^"]+)"', html.text)
    assert images == [] and len(assets) == 1
    transferred = html.num_bytes_downloaded + sum(a.num_bytes_downloaded for a in assets)
    uncompressed = len(html.content) + sum(len(a.content) for a in assets)
    assert uncompressed <= 30_000, uncompressed
    assert transferred <= uncompressed
