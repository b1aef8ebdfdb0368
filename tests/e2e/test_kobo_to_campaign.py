"""From a Kobo form to a running campaign, without touching the database — the way a
guide would try it, in Chromium against ``bedarfsradar serve``.

The guide uploads a KoboToolbox form with German, English and Arabic labels (note,
select_one, select_multiple, integer, relevant, or_other, a constraint whose message is
English only, metadata rows, a title in one language) on "Fragebogen importieren",
confirms the list of what is carried differently and saves it; on "Kampagnen" she creates
and opens a wave with it. A newcomer answers on a phone without JavaScript in Arabic:
right to left, and every text the import wrote itself — title, "Sonstiges", "Bitte näher
angeben:", the error message, the privacy notice — in Arabic. Another answers in German.
Both answers are then on the Kampagnen page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bedarfsradar.context import init_db
from bedarfsradar.users import add_user
from tests.conftest import make_context
from tests.e2e.conftest import SECRET, LiveServer, phone_context
from tests.e2e.dashboard_pages import everything_visible, logged_in, open_page, wait_settled
from tests.e2e.test_survey_browser import go, next_page, record_requests, shot
from tests.live import serving
from tests.xlsform.families import TITLE, families_form

pytestmark = pytest.mark.browser
PASSWORD = "guide-kobo-2026"
SLUG = "familien-w1"


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """The real server on an empty town: built-in questionnaires, no campaign, one guide."""
    tmp = tmp_path_factory.mktemp("kobo-live")
    url = f"sqlite:///{tmp / 'live.db'}"
    ctx = make_context(url, SECRET)
    init_db(ctx)
    add_user(ctx.db, ctx.municipality_id, "guide", PASSWORD, "guide")
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": SECRET}
    try:
        with serving(env, tmp / "serve.log") as base:
            yield LiveServer(base, ctx, tmp / "serve.log")
    finally:
        ctx.db.dispose()


def import_form(page, path) -> None:  # type: ignore[no-untyped-def]
    open_page(page, "Fragebogen importieren", "Fragebogen importieren (XLSForm)")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text("Sprachen in der Umfrage").wait_for()
    wait_settled(page)
    findings = page.locator('[data-testid="stTable"]').filter(has_text="Frage im Formular")
    findings.wait_for()  # a table is drawn a moment after the script run that made it
    table = findings.inner_text()
    assert "Wie viele Kinder?" in table  # findings name the form's own question
    text = everything_visible(page) + table
    assert "pyxform" not in text and "None" not in text
    shot(page, "kobo-01-preview")
    page.get_by_text("Ich habe die Liste gelesen").click()
    wait_settled(page)
    page.get_by_role("button", name="Als Fragebogen-Version speichern").click()
    page.get_by_text("Gespeichert: Fragebogen").wait_for()
    wait_settled(page)
    shot(page, "kobo-02-saved")
    assert page.get_by_role("button", name="Als Fragebogen-Version speichern").count() == 0


def create_campaign(page) -> None:  # type: ignore[no-untyped-def]
    open_page(page, "Kampagnen")
    page.get_by_text("Neue Welle anlegen").wait_for()
    chosen = page.locator('[data-testid="stSelectbox"]').filter(has_text="Fragebogen (")
    assert TITLE in chosen.locator("input").input_value()  # the newest version: the import
    page.get_by_label("Titel").fill("Familien – Welle 1")
    page.get_by_label("Kurzname im Link (a–z, 0–9, -)").fill(SLUG)
    page.get_by_text("Gleich öffnen").click()
    page.get_by_role("button", name="Anlegen").click()
    page.get_by_text("Angelegt: Familien – Welle 1 (offen).").wait_for()
    wait_settled(page)
    shot(page, "kobo-03-campaign")


def answer_in_arabic(browser, base: str, privacy: str) -> None:  # type: ignore[no-untyped-def]
    phone = phone_context(browser)
    urls = record_requests(phone)
    page = phone.new_page()
    page.set_default_timeout(90_000)  # two cores shared with the dashboard's first runs
    page.goto(f"{base}/u/{SLUG}/")
    go(page, "a[hreflang=ar]")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "استبيان"  # the title, written by the import
    assert page.locator("#privacy-title + p").inner_text() == privacy  # the town's, in Arabic
    go(page, "button[type=submit]")
    assert "مرحبًا! كل الأسئلة اختيارية." in page.content()  # the welcome note
    next_page(page)
    assert page.url.endswith(f"/u/{SLUG}/ar/s/family")
    page.check("#f-children-yes")
    next_page(page)
    page.fill("#f-kids", "٢٠")  # Arabic digits, out of range
    next_page(page)
    assert "بين 1 و15" in page.locator(".error-summary").inner_text()  # standard, in Arabic
    page.fill("#f-kids", "٢")
    next_page(page)
    assert page.url.endswith(f"/u/{SLUG}/ar/s/needs")
    assert "غير ذلك" in page.content()  # "Sonstiges"
    shot(page, "kobo-04-arabic")
    page.check("#f-help-housing")
    page.check("#f-help-other")
    page.check("#f-home_language-arabic")
    next_page(page)
    assert "يرجى التوضيح:" in page.locator("label[for=f-help_other]").inner_text()
    page.fill("#f-help_other", "روضة أطفال")
    next_page(page)
    assert page.url.endswith(f"/u/{SLUG}/ar/pruefen")
    review = page.locator("main").inner_text()
    assert "لا توجد إجابة" not in review and "روضة أطفال" in review
    for german_or_english in (TITLE, "Sonstiges", "Other", "Bitte näher", "Please specify"):
        assert german_or_english not in page.content()
    go(page, "button[type=submit]")
    assert page.url.endswith(f"/u/{SLUG}/ar/danke")
    assert [u for u in urls if not u.startswith(base)] == []
    phone.close()


def answer_in_german(browser, base: str) -> None:  # type: ignore[no-untyped-def]
    phone = phone_context(browser, javascript=True)
    page = phone.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{base}/u/{SLUG}/")
    go(page, "a[hreflang=de]")
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("#privacy-title + p").inner_text().startswith("Wir speichern nur")
    go(page, "button[type=submit]")
    next_page(page)
    page.check("#f-children-no")
    next_page(page)
    page.check("#f-help-work")
    page.check("#f-home_language-german")
    next_page(page)
    assert page.url.endswith(f"/u/{SLUG}/de/pruefen")
    assert "keine Antwort" not in page.locator("main").inner_text()
    go(page, "button[type=submit]")
    assert page.url.endswith(f"/u/{SLUG}/de/danke")
    phone.close()


def test_a_guide_runs_a_kobo_form_in_arabic_and_german(fresh_server: LiveServer, browser, tmp_path):
    base = fresh_server.base
    path = tmp_path / "needs-of-families.xlsx"
    path.write_bytes(families_form())
    context, page = logged_in(browser, base, "guide", PASSWORD)
    import_form(page, path)
    create_campaign(page)

    town = fresh_server.ctx.bundles()["newcomer"]
    answer_in_arabic(browser, base, town.translations["ar"].strings["privacy"])
    answer_in_german(browser, base)

    for attempt in range(3):  # a click during a rerun on a busy machine can be lost
        open_page(page, "Kampagnen")
        page.get_by_text("Familien – Welle 1 · Zugewanderte · Welle 1 · offen").click()
        page.get_by_text("Antworten ansehen (Einzelantworten)").click()
        try:
            page.get_by_text("2 abgeschickte Antworten:").wait_for(timeout=30_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    wait_settled(page)
    wave = page.locator('[data-testid="stExpander"]').filter(has_text="Familien – Welle 1")
    answers = wave.locator('[data-testid="stTable"]').inner_text()
    assert "Arabisch" in answers and "Deutsch" in answers
    assert "روضة أطفال" in answers and "Sonstiges" in answers  # her words, the option in German
    shot(page, "kobo-05-answers")
    context.close()
    frame = fresh_server.ctx.storage.answers_frame(fresh_server.ctx.municipality_id, [SLUG])
    assert sorted(frame.drop_duplicates("response_id")["language"]) == ["ar", "de"]
