"""The public survey through HTTP (Starlette TestClient against the real routes)."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import surveys.web.app as survey_app
import surveys.web.context as survey_context
from bedarfsradar.server import routes
from surveys.web.state import StateCodec
from tests.survey_client import Browser, FormError


def survey_of(app) -> survey_app.SurveyApp:
    return app.routes[1].app.state.survey


@pytest.fixture
def env(sqlite_ctx):
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    ctx.storage.create_campaign(mid, "neu", "Test", version)
    app = Starlette(routes=routes(ctx))
    survey_of(app).config.seconds_per_question = 0
    return ctx, app


def client(app) -> TestClient:
    return TestClient(app, follow_redirects=True)


class Respondent(Browser):
    """A browser without JavaScript (:mod:`tests.survey_client`) on the survey's first
    page: it submits the forms the pages render, with only the fields they render."""

    def __init__(self, app, lang="de", slug="neu", query=""):
        super().__init__(app)
        self.c = self.client
        self.lang = lang
        self.base = f"/u/{slug}/{lang}"
        if query:
            self.get(f"/u/{slug}/{query}")
        self.get(f"{self.base}/")

    def accept_privacy(self):
        return self.submit()

    def answer(self, data: dict, nav="next", **options):
        """Submit the current page's form with ``data`` (lists for multiple choice) by
        its ``nav`` button; ``options``: those of :meth:`Browser.submit`."""
        return self.submit(data, button=nav, **options)

    def answer_section(self, data: dict, nav="next"):
        """Answer every part of the current section with the keys of ``data`` it renders
        until the next section; each key must be on one of the parts."""
        section, unused = self.section, set(data)
        for _ in range(20):
            names = self.form().names()
            unused -= names
            self.answer({k: v for k, v in data.items() if k in names}, nav)
            assert self.page.status_code == 200, self.page.text
            if self.section != section:
                break
        if unused:
            raise FormError(f"section {section!r} never rendered {sorted(unused)}")
        return self.page

    @property
    def section(self) -> str | None:
        found = re.search(r"/s/([a-z_0-9]+)", self.path)
        return found.group(1) if found else None


def run_to_review(r: Respondent, children="no", housing="5", stadtteil="hallgarten"):
    r.accept_privacy()
    assert r.path.endswith("/s/household")
    r.answer({"stadtteil": stadtteil, "children": children})
    if children == "yes":  # follow-up appears on the same page after a round trip
        assert r.path.endswith("/s/household")
        assert 'name="children_ages"' in r.page.text
        r.answer({"stadtteil": stadtteil, "children": "yes", "children_ages": ["under3"]})
    assert r.path.endswith("/s/needs")
    r.answer_section({"need.housing": housing, "need.mobility": "4", "need.language": "dk"})
    r.answer({"top3.1": "housing", "top3.2": "mobility"})
    if housing in ("4", "5"):
        assert r.path.endswith("/s/offers")
        offers = {"offer.housing": "unknown", "offer.mobility": "known",
                  "barriers": ["distance", "other"]}  # fmt: skip
        r.answer(offers)
        assert 'name="barriers_other"' in r.page.text  # "other" asks what it is
        # the page it is on may be another part: the form keeps the rest as answered
        r.answer({"barriers": ["distance", "other"], "barriers_other": "<b>Bus</b>"})
    if children == "yes":
        assert r.path.endswith("/s/children_block")
        r.answer({"childcare_status": "waiting"})
    assert r.path.endswith("/s/administration")
    r.answer_section({"admin_exp.letters": "2"})
    r.answer({"gender": "female", "german_level": "a1_a2"})
    assert r.path.endswith("/einwilligung")
    r.answer({"consent": "no"})
    assert r.path.endswith("/s/final")
    r.answer({"helps_most": '<script>alert("x")</script> Ein Bus am Abend'})
    assert r.path.endswith("/pruefen")


def submit(r: Respondent):
    """Press "submit" on the review page; the client UUID its form carries."""
    uuid = r.form().controls["client_uuid"].value
    r.submit()
    return uuid


def test_complete_run_in_german_is_stored_with_language_and_mode(env):
    ctx, app = env
    r = Respondent(app)
    run_to_review(r)
    client_uuid = submit(r)
    assert r.path.endswith("/danke")
    code = re.search(r"Ihr Code: \u2066([A-Z0-9]{5}-[A-Z0-9]{5})\u2069", r.page.text).group(1)
    assert code == ctx.storage.receipt_code(client_uuid)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert set(frame["response_id"]) == {client_uuid}
    assert set(frame["language"]) == {"de"} and set(frame["mode"]) == {"online"}
    values = {(q, i): v for q, i, v in frame[["question_id", "item", "value"]].itertuples(False)}
    assert values[("stadtteil", "")] == "hallgarten"
    assert values[("need", "housing")] == "5"
    assert values[("top3", "2")] == "mobility"
    assert values[("offer", "mobility")] == "known"
    assert ("children_ages", "") not in values
    assert "residence_status" not in set(frame["question_id"])  # consent declined


def test_skip_logic_hides_offers_when_no_need_is_rated_3_or_more(env):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    r.answer({"children": "no"})
    r.answer_section({"need.housing": "2", "need.language": "1"})
    r.answer({})
    assert r.path.endswith("/s/administration")  # offers and children blocks skipped
    # household 1, needs in 5 parts, priorities 7, administration 8-9, about, consent
    # section, final, review: neither skipped block is counted any more
    assert re.search(r"Schritt \d+ von \d+", r.page.text).group(0) == "Schritt 8 von 13"


def test_follow_up_question_and_children_block_appear_with_children(env):
    _, app = env
    r = Respondent(app)
    run_to_review(r, children="yes")
    assert "Ihre Kinder" in r.page.text  # the children block appears in the review


def test_review_escapes_free_text(env):
    _, app = env
    r = Respondent(app)
    run_to_review(r)
    assert "<script>alert" not in r.page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Ein Bus am Abend" in r.page.text
    assert "&lt;b&gt;Bus&lt;/b&gt;" in r.page.text


def test_invalid_answer_shows_error_summary_and_keeps_answers(env):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    # an option the form never offered (a crafted request, or an outdated page)
    page = r.answer({"children": "no"}, tamper={"stadtteil": "atlantis"})
    assert page.status_code == 400
    assert 'class="error-summary"' in page.text
    assert '<a href="#f-stadtteil">In welchem Stadtteil wohnen Sie?: ' in page.text
    assert "Diese Antwort ist nicht möglich" in page.text
    assert 'value="no" checked' in page.text  # the valid answer is kept in the form
    assert page.text.startswith("<!doctype html>")
    assert "<title>! " in page.text  # the title tells screen reader users about errors
    assert ctx.storage.count_responses(status="partial") == 0


def test_validation_message_in_arabic(env):
    _, app = env
    r = Respondent(app, lang="ar")
    r.accept_privacy()
    page = r.answer({}, tamper={"stadtteil": "atlantis"})
    assert page.status_code == 400
    assert 'lang="ar" dir="rtl"' in page.text
    arabic = survey_of(app).config.ui.get("error_invalid_option", "ar")
    assert arabic != "Diese Antwort ist nicht möglich. Bitte wählen Sie eine der Antworten."
    assert arabic in page.text


def test_back_button_keeps_answers(env):
    _, app = env
    r = Respondent(app)
    r.accept_privacy()
    r.answer({"stadtteil": "winkel", "children": "no"})
    r.answer({"need.language": "3"}, nav="back")
    assert r.path.endswith("/s/household")
    assert 'value="winkel" checked' in r.page.text
    r.answer({"stadtteil": "winkel", "children": "no"})
    assert 'value="3" checked' in r.page.text  # the page we went back from kept its answer


def test_arabic_digits_are_accepted_in_numbers():
    from surveys.web.views import _DIGITS

    assert "١٢٫٥".translate(_DIGITS) == "12.5"
    assert "۳۴".translate(_DIGITS) == "34"


def test_double_submit_stores_one_response(env):
    ctx, app = env
    r = Respondent(app)
    run_to_review(r)
    review = r.page
    submit(r)
    r.page = review  # the respondent presses the button again on the old page
    submit(r)
    assert r.path.endswith("/danke")
    assert ctx.storage.count_responses() == 1


def test_a_bot_filling_every_field_keeps_the_answers_and_flags_the_response(env):
    """A bot fills every text field of the rendered form, the anti-bot field that a
    person never sees included: nothing is refused, the page is stored and the response
    flagged for the guide (tests/test_survey_forms.py: on every kind of page)."""
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    page = r.answer({"stadtteil": "winkel", "children": "no"}, bot=True)
    assert page.status_code == 200 and r.path.endswith("/s/needs")
    frame = ctx.storage.answers_frame(ctx.municipality_id, include_partial=True)
    assert set(frame["value"]) == {"winkel", "no"}
    client_uuid = frame["response_id"].iloc[0]
    assert ctx.storage.review_flag(client_uuid) == "honeypot"
    r.answer_section({"need.language": "3"})  # later pages, filled by a person, keep the flag
    run_rest = r.answer({})
    assert run_rest.status_code == 200
    assert ctx.storage.review_flags(ctx.municipality_id) == {"honeypot": 1}


def test_post_without_csrf_token_is_refused(env):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    household = r.page
    page = r.answer({"stadtteil": "winkel"}, tamper={"csrf": None})
    assert page.status_code == 403
    r.page = household
    forged = r.answer({"stadtteil": "winkel"}, tamper={"csrf": "0" * 32})
    assert forged.status_code == 403
    assert ctx.storage.count_responses(status="partial") == 0


def test_resume_with_code_in_a_new_browser(env):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    r.answer({"stadtteil": "oestrich", "children": "no"})
    code = re.search(r"([A-Z0-9]{5}-[A-Z0-9]{5})", r.page.text).group(1)
    other = Respondent(app, lang="uk")  # another phone, another language
    other.get("/u/neu/uk/weiter")
    other.submit({"code": code.lower()})
    assert other.path.endswith("/s/needs")  # continues where the first phone stopped
    other.answer({"need.language": "2"})
    frame = ctx.storage.answers_frame(ctx.municipality_id, include_partial=True)
    assert frame["response_id"].nunique() == 1
    assert set(frame["value"]) >= {"oestrich", "2"}


def test_wrong_resume_code_gives_message(env):
    _, app = env
    r = Respondent(app)
    r.get("/u/neu/de/weiter")
    page = r.submit({"code": "ABCDE-FGHJK"})
    assert page.status_code == 400
    assert "Diesen Code kennen wir nicht" in page.text


def test_receipt_code_deletes_the_response(env):
    ctx, app = env
    r = Respondent(app)
    run_to_review(r)
    submit(r)
    code = re.search(r"Ihr Code: \u2066([A-Z0-9]{5}-[A-Z0-9]{5})\u2069", r.page.text).group(1)
    r.get("/u/neu/de/loeschen")
    done = r.submit({"code": code})
    assert "Ihre Antworten sind gelöscht." in done.text
    assert ctx.storage.count_responses() == 0


def test_too_fast_submission_is_stored_and_flagged_not_refused(env):
    ctx, app = env
    survey_of(app).config.seconds_per_question = 3600
    r = Respondent(app)
    run_to_review(r)
    client_uuid = submit(r)
    assert r.page.status_code == 200 and r.path.endswith("/danke")
    assert ctx.storage.count_responses() == 1
    assert ctx.storage.review_flag(client_uuid) == "too_fast"
    other = Respondent(app)  # a person who took their time is not flagged
    survey_of(app).config.seconds_per_question = 0
    run_to_review(other)
    assert ctx.storage.review_flag(submit(other)) is None


def test_rate_limit_per_campaign(env):
    ctx, app = env
    survey_of(app).limiter.limit = 1
    first, second = Respondent(app), Respondent(app)
    run_to_review(first)
    run_to_review(second)
    submit(first)
    submit(second)
    assert second.page.status_code == 429
    assert ctx.storage.count_responses() == 1
    assert ctx.storage.count_responses(status="partial") == 1


def test_assisted_mode_needs_the_guides_signature(env):
    ctx, app = env
    codec = StateCodec(ctx.settings.effective_secret_key)
    sig = codec.mode_signature("neu", "assisted")
    r = Respondent(app, query=f"?modus=assisted&sig={sig}")
    run_to_review(r)
    submit(r)
    forged = Respondent(app, query="?modus=paper&sig=nope")
    run_to_review(forged)
    submit(forged)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert sorted(frame.groupby("response_id")["mode"].first()) == ["assisted", "online"]


def test_security_headers_on_survey_pages(env):
    _, app = env
    page = client(app).get("/u/neu/")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"


def test_state_cookie_is_httponly_samesite_and_scoped(env):
    _, app = env
    page = client(app).get("/u/neu/de/")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/u/neu" in cookie


def test_closed_campaign_refuses_but_deletion_still_works(env):
    ctx, app = env
    ctx.storage.set_campaign_status("neu", "closed")
    c = client(app)
    assert c.get("/u/neu/de/").status_code == 410
    assert c.get("/u/neu/de/loeschen").status_code == 200


def test_unknown_campaign_is_404_with_message(env):
    _, app = env
    page = client(app).get("/u/gibtsnicht/")
    assert page.status_code == 404
    assert "Diese Befragung gibt es nicht" in page.text


def test_only_complete_languages_are_offered(env):
    _, app = env
    page = client(app).get("/u/neu/")
    offered = re.findall(r'href="/u/neu/([a-z\-]+)/"', page.text)
    survey = survey_of(app)
    bundle = survey.bundle(1)
    for code in offered:
        assert bundle.missing_keys(code) == []
    assert offered[0] == "de"
    assert client(app).get("/u/neu/xx/", follow_redirects=False).status_code == 303


def test_prepared_version_gives_the_bundles_texts_and_languages(env):
    """Pages read texts from the version prepared once; it must say exactly what the
    stored bundle says, in every language, including the German fallback."""
    from surveys.translations.status import offered_languages

    ctx, app = env
    survey = survey_of(app)
    version = ctx.storage.campaign("neu").questionnaire_version_id
    bundle, prepared = survey.bundle(version), survey.prepared(version)
    keys = set(bundle.questionnaire.source_strings()) | {"q.nope.label"}
    for translation in bundle.translations.values():
        keys |= set(translation.strings)
    assert len(bundle.translations) >= 7
    for lang in [*bundle.languages(), "xx"]:
        assert {k: prepared.text(k, lang) for k in keys} == {k: bundle.text(k, lang) for k in keys}
    assert list(prepared.languages) == offered_languages(bundle, ctx.ui_text)
    assert [s.id for s in prepared.sections.values()] == [
        s.id for s in bundle.questionnaire.sections
    ]


def test_a_closed_campaign_reaches_the_pages_after_the_cache_time(env, monkeypatch):
    ctx, app = env
    c = client(app)
    assert c.get("/u/neu/de/").status_code == 200  # the campaign is read and kept
    ctx.storage.set_campaign_status("neu", "closed")
    assert c.get("/u/neu/de/").status_code == 200  # within CAMPAIGN_TTL_SECONDS
    monkeypatch.setattr(survey_context, "CAMPAIGN_TTL_SECONDS", 0)
    assert c.get("/u/neu/de/").status_code == 410


def test_pages_are_gzipped_in_the_worker_only_for_browsers_that_accept_it(env):
    _, app = env
    c = client(app)
    packed = c.get("/u/neu/", headers={"accept-encoding": "gzip"})
    plain = c.get("/u/neu/", headers={"accept-encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert packed.text == plain.text and "<html" in plain.text
    assert int(packed.headers["content-length"]) < len(plain.content)


def test_a_remembered_state_cookie_still_expires_and_forgeries_fail(monkeypatch):
    import time as clock

    from surveys.web import state

    codec = StateCodec("secret")
    token = codec.dumps(state.new_state())
    first = codec.loads(token)
    assert first is not None and codec.loads(token) == first  # the second from memory
    assert codec.loads(token[:-2] + "xx") is None
    assert StateCodec("another secret").loads(token) is None
    later = clock.time() + state.MAX_AGE_SECONDS + 60
    monkeypatch.setattr(clock, "time", lambda: later)
    assert codec.loads(token) is None  # remembered, but too old now
    assert StateCodec("secret").loads(token) is None
