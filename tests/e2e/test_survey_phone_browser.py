"""Issue 19 in Debian's Chromium: a Farsi respondent on a 360×740 phone, JavaScript off,
on a connection that drops the stylesheet; page heights; recordings that cost nothing
until someone presses play."""

from __future__ import annotations

import re
import time
from itertools import pairwise

import httpx
import pytest

from surveys.translations.recordings import RecordingStore
from tests.e2e.conftest import phone_context
from tests.e2e.test_survey_browser import axe_violations, go, next_page, shot
from tests.test_survey_audio import wav

pytestmark = pytest.mark.browser

SCREEN = 740
MAX_PAGE_PX = 3 * SCREEN


def test_farsi_without_javascript_and_without_stylesheet(live_server, browser):
    phone = phone_context(browser)
    blocked: list[str] = []

    def drop(route):
        blocked.append(route.request.url)
        route.abort()

    phone.route(re.compile(r".*/survey\.css.*"), drop)
    page = phone.new_page()
    page.goto(f"{live_server.base}/u/neu/fa/")
    assert blocked, "the stylesheet was requested and dropped"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#hp-field").count() == 1
    assert not page.locator("#hp-field").is_visible()
    assert "Bitte leer lassen" not in page.locator("body").inner_text()
    shot(page, "19-01-intro-no-css")
    go(page, "button[type=submit]")
    assert not page.locator("#hp-field").is_visible()
    page.check("#f-children-no")
    next_page(page)
    while "/einwilligung" not in page.url:
        assert not page.locator("#hp-field").is_visible()
        next_page(page)
    next_page(page)  # no choice made: the error
    assert page.title().startswith("! ")
    summary = page.locator(".error-summary[role=alert]")
    assert summary.is_visible() and summary.locator("a[href='#consent-yes']").count() == 1
    assert page.locator("legend").inner_text() != page.locator("#consent-text").inner_text()
    shot(page, "19-02-consent-error-no-css")
    page.check("#consent-yes")
    next_page(page)
    while "/s/final" not in page.url:
        next_page(page)
    field = page.locator("#f-helps_most")
    assert field.get_attribute("dir") == "auto"
    field.fill("Deutschkurs am Abend, bitte!")
    next_page(page)
    assert page.url.endswith("/pruefen")
    answer = page.locator("dd span[dir=auto]", has_text="Deutschkurs am Abend")
    assert answer.count() == 1
    phone.close()


def walk_heights(base: str, browser, lang: str) -> dict[str, int]:
    """Every page of the longest path (all needs "very big", children of every age,
    sensitive questions agreed): its height in CSS pixels at 360 px width."""
    phone = phone_context(browser)
    page = phone.new_page()
    page.goto(f"{base}/u/neu/{lang}/")
    go(page, "button[type=submit]")
    heights: dict[str, int] = {}

    def measure() -> None:
        page.wait_for_load_state()
        name = page.url.split(f"/{lang}/", 1)[1]
        heights[name] = page.evaluate("document.documentElement.scrollHeight")

    page.check("#f-children-yes")
    next_page(page)
    for age in ("under3", "age3_6", "age6_10", "age11_17"):
        page.check(f"#f-children_ages-{age}")
    measure()
    next_page(page)
    while "/pruefen" not in page.url:
        if "/einwilligung" in page.url:
            measure()
            page.check("#consent-yes")
            next_page(page)
            continue
        measure()
        for radio in page.locator("input[type=radio][value='5']").all():
            radio.check()
        other = page.locator("#f-barriers-other")
        if other.count():
            other.check()
        next_page(page)
    phone.close()
    return heights  # the review page lists every answer: long by nature, not measured


@pytest.mark.parametrize("lang", ["fa", "de", "ru"])
def test_no_page_needs_more_than_three_phone_screens(live_server, browser, lang):
    heights = walk_heights(live_server.base, browser, lang)
    assert any(name.startswith("s/needs/") for name in heights)  # the matrix is in parts
    assert any(name.startswith("s/offers/") for name in heights)
    too_long = {name: px for name, px in heights.items() if px > MAX_PAGE_PX}
    assert too_long == {}, heights
    assert len(heights) >= 15


def transferred(browser, url: str) -> dict[str, int]:
    """URL -> encoded body bytes of everything a fresh phone loads for ``url``."""
    phone = phone_context(browser)
    page = phone.new_page()
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    audio = page.locator("audio[preload=none]").count()
    phone.close()
    sizes["#audio-elements"] = audio
    return sizes


def test_recordings_show_play_controls_and_fetch_nothing_until_played(live_server, browser):
    ctx = live_server.ctx
    url = f"{live_server.base}/u/neu/fa/"
    before = transferred(browser, url)
    assert before.pop("#audio-elements") == 0
    with httpx.Client() as c:
        plain_before = len(c.get(url, headers={"accept-encoding": "identity"}).content)
    version = ctx.storage.campaign("neu").questionnaire_version_id
    keys = ctx.storage.questionnaire_bundle(version).questionnaire.source_strings()
    store = RecordingStore(ctx.db)
    for i, key in enumerate(("intro", "privacy", "q.children.label")):
        store.save(
            municipality_id=ctx.municipality_id,
            version_id=version,
            language="fa",
            text_key=key,
            audio=wav(2, i),
            known_keys=keys,
        )
    time.sleep(2.5)  # the server reads the recordings of a version at most every 2 s
    after = transferred(browser, url)
    assert after.pop("#audio-elements") == 2  # intro and privacy, nothing else
    assert not [u for u in after if "/audio/" in u]  # preload="none": nothing fetched
    assert set(after) == set(before)  # the same requests: page, stylesheet, emblem
    with httpx.Client() as c:
        plain_after = len(c.get(url, headers={"accept-encoding": "identity"}).content)
    markup = plain_after - plain_before
    assert 0 < markup < 600
    document = next(u for u in after if u.endswith("/fa/"))
    assert 0 < after[document] - before[document] <= markup  # only the markup, gzipped
    assert {u: n for u, n in after.items() if u != document} == {
        u: n for u, n in before.items() if u != document
    }
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    assert axe_violations(page) == []
    src = page.locator("audio").first.get_attribute("src")
    context.close()
    with httpx.Client(base_url=live_server.base) as c:
        got = c.get(src)
    assert got.status_code == 200 and got.headers["content-type"] == "audio/wav"
    assert "immutable" in got.headers["cache-control"]


def option_tops(page) -> list[float]:
    """The vertical positions of the first matrix row's radio buttons, in scale order."""
    radios = page.locator("fieldset.row").first.locator("input[type=radio]")
    radios.first.wait_for()  # the click returns once the next page is committed, not drawn
    page.wait_for_load_state("load")  # with its stylesheet
    return [radios.nth(i).bounding_box()["y"] for i in range(radios.count())]


def test_scale_is_one_option_per_line_on_a_phone_and_one_row_when_wide(live_server, browser):
    for viewport, one_line in (({"width": 360, "height": 740}, False),
                               ({"width": 1280, "height": 900}, True)):  # fmt: skip
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{live_server.base}/u/neu/fa/")
        go(page, "button[type=submit]")
        next_page(page)
        page.wait_for_url(re.compile(r".*/s/needs.*"))
        tops = option_tops(page)
        assert len(tops) == 7
        if one_line:
            assert max(tops) - min(tops) < 2  # a compact table row
        else:
            assert all(b - a >= 40 for a, b in pairwise(tops))  # in scale order
        context.close()
