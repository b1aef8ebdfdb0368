"""The survey on a cheap phone with a weak connection (issue 19), through HTTP.

Each test fails without its fix: the honeypot hidden by an attribute, the consent error
summary, ``dir="auto"`` on free text, parts of long sections, announced follow-ups, the
open resume code, the language switch that keeps the page, list commas, the versioned
stylesheet and its cache headers.
"""

from __future__ import annotations

import re

from tests.test_survey import Respondent, client, env, run_to_review, submit

__all__ = ["env"]  # the fixture, shared with tests/test_survey.py


def test_honeypot_is_hidden_by_the_html_itself_on_every_form(env):
    _, app = env
    r = Respondent(app, lang="fa")
    pages = [r.page, r.accept_privacy()]
    pages.append(r.c.get("/u/neu/fa/weiter"))
    for page in pages:
        found = re.findall(r"<div class=\"hp\"([^>]*)>", page.text)
        assert found == [" hidden"], page.url  # display:none without any stylesheet
        assert "Bitte leer lassen" not in page.text  # and never German on a Farsi page
        assert "style=" not in page.text  # the CSP forbids inline styles anyway


def test_consent_error_has_the_error_summary_and_plain_text(env):
    _, app = env
    r = Respondent(app, lang="fa")
    run_to_consent(r)
    page = r.answer({})  # neither yes nor no
    assert page.status_code == 400
    assert "<title>! " in page.text
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page.text, re.S)
    assert summary is not None and 'href="#consent-yes"' in summary.group(0)
    text = survey_text(app, "consent_sensitive", "fa")
    assert f'<p id="consent-text">{text}</p>' in page.text  # not in the bold legend
    legend = re.search(r"<legend>(.*?)</legend>", page.text).group(1)
    assert text not in legend and len(legend) < 80


def survey_text(app, key: str, lang: str) -> str:
    from tests.test_survey import survey_of

    survey = survey_of(app)
    return survey.prepared(1).text(key, lang)


def run_to_consent(r: Respondent) -> None:
    r.accept_privacy()
    r.answer({"children": "no"})
    while "/einwilligung" not in r.path:
        r.answer({})


def test_free_text_fields_and_review_answers_have_dir_auto(env):
    _, app = env
    r = Respondent(app, lang="fa")
    run_to_review(r)
    answers = re.findall(r'<dd>(?:[^<]*: )?<span dir="auto">([^<]*)</span></dd>', r.page.text)
    assert "&lt;b&gt;Bus&lt;/b&gt;" in answers  # Latin text in a Farsi page, isolated
    r.page = r.c.get("/u/neu/fa/s/final")
    assert re.search(r'<textarea id="f-helps_most"[^>]* dir="auto"', r.page.text) or re.search(
        r'<input id="f-helps_most"[^>]* dir="auto"', r.page.text
    )


def test_lists_in_farsi_use_the_arabic_comma_and_ranks_have_no_dot_colon(env):
    _, app = env
    r = Respondent(app, lang="fa")
    run_to_review(r)
    assert "، " in r.page.text and ".:" not in r.page.text
    barriers = re.search(r"<dd><span dir=\"auto\">([^<]*، [^<]*)</span></dd>", r.page.text)
    assert barriers is not None and ", " not in barriers.group(1)
    german = Respondent(app)
    run_to_review(german)
    assert '<dd>Platz 1: <span dir="auto">Wohnen</span></dd>' in german.page.text
    assert ".:" not in german.page.text


def test_long_matrix_is_split_into_parts_that_keep_each_others_answers(env):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    r.answer({"children": "no"})
    assert r.path.endswith("/s/needs")
    first = re.findall(r'name="(need\.[a-z]+)" value="1"', r.page.text)
    assert 2 <= len(first) <= 4  # a few areas per page, not all 13
    r.answer({first[0]: "4"})
    assert r.path.endswith("/s/needs/2")
    second = re.findall(r'name="(need\.[a-z]+)" value="1"', r.page.text)
    assert not set(first) & set(second)
    r.answer({second[0]: "2"})
    stored = ctx.storage.answers_frame(ctx.municipality_id, include_partial=True)
    needs = stored[stored["question_id"] == "need"]
    assert dict(zip(needs["item"], needs["value"], strict=True)) == {
        first[0].split(".")[1]: "4",
        second[0].split(".")[1]: "2",
    }
    r.page = r.c.get("/u/neu/de/s/needs")
    assert f'name="{first[0]}" value="4" checked' in r.page.text


def test_follow_up_is_announced_with_an_anchor_and_the_step_counter_holds(env):
    _, app = env
    r = Respondent(app)
    r.accept_privacy()
    before = re.search(r"Schritt \d+ von \d+", r.page.text).group(0)
    r.c.follow_redirects = False
    moved = r.answer({"children": "yes"})
    assert moved.status_code == 303
    assert moved.headers["location"].endswith("/s/household?neu=children_ages#f-children_ages")
    r.c.follow_redirects = True
    page = r.get(moved.headers["location"])
    notice = re.search(r'<div class="box notice" role="status">(.*?)</div>', page.text, re.S)
    assert notice is not None and 'href="#f-children_ages"' in notice.group(1)
    assert "Wegen Ihrer Antwort gibt es hier eine weitere Frage" in notice.group(1)
    assert "<title>Neue Frage: " in page.text
    assert re.search(r"Schritt \d+ von \d+", page.text).group(0) == before


def test_resume_code_is_shown_openly_after_the_first_page(env):
    ctx, app = env
    r = Respondent(app)
    r.accept_privacy()
    assert 'class="box resume"' not in r.page.text  # nothing stored yet, nothing to resume
    r.answer({"stadtteil": "winkel"})
    assert "<details" not in r.page.text
    box = re.search(r'<section class="box resume".*?</section>', r.page.text, re.S).group(0)
    code = re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}", box).group(0)
    uuid = ctx.storage.answers_frame(ctx.municipality_id, include_partial=True)
    assert code == ctx.storage.resume_code(uuid["response_id"].iloc[0])


def test_switching_language_mid_survey_keeps_the_page(env):
    _, app = env
    r = Respondent(app)
    r.accept_privacy()
    r.answer({"children": "no"})
    r.answer({})
    assert r.path.endswith("/s/needs/2")
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', r.page.text).group(1)
    assert switch == "/u/neu/?seite=s/needs/2"
    languages = r.c.get(switch)
    farsi = re.search(r'href="(/u/neu/fa/[^"]*)"', languages.text).group(1)
    assert farsi == "/u/neu/fa/s/needs/2"
    assert r.get(farsi).url.path == "/u/neu/fa/s/needs/2"
    assert 'lang="fa"' in r.page.text
    r.answer({})  # the Farsi page's form goes on in Farsi
    assert r.path == "/u/neu/fa/s/needs/3" and 'lang="fa"' in r.page.text
    forged = r.c.get("/u/neu/?seite=https://example.org/")
    assert 'href="/u/neu/fa/"' in forged.text  # only pages of this survey


def test_stylesheet_has_a_content_hash_and_long_cache_headers(env):
    _, app = env
    c = client(app)
    page = c.get("/u/neu/")
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text).group(1)
    assert re.fullmatch(r"/u/_static/survey\.css\?v=[0-9a-f]{12}", href)
    css = c.get(href)
    assert css.status_code == 200 and "max-age=31536000" in css.headers["cache-control"]
    assert "immutable" in css.headers["cache-control"] and css.headers["etag"]
    plain = c.get("/u/_static/survey.css")
    assert plain.headers["cache-control"] == "public, max-age=3600"
    again = c.get("/u/_static/survey.css", headers={"if-none-match": plain.headers["etag"]})
    assert again.status_code == 304


def test_scale_is_one_option_per_line_on_a_phone_and_a_table_when_wide():
    from pathlib import Path

    css = Path("surveys/web/static/survey.css").read_text()
    assert ".scale{display:block}" in css
    wide = re.search(r"@media \(min-width:40rem\)\{(.*)\}\s*$", css, re.S).group(1)
    assert ".scale{display:grid;grid-auto-flow:column" in wide


def test_a_flagged_response_counts_as_complete_for_the_respondent(env):
    ctx, app = env
    r = Respondent(app)
    run_to_review(r)
    r.submit(bot=True)  # a bot on the review page: every text field filled
    assert r.path.endswith("/danke")
    assert ctx.storage.review_flags(ctx.municipality_id) == {"honeypot": 1}
    assert ctx.storage.count_responses() == 1
    second = Respondent(app)
    run_to_review(second)
    submit(second)
    assert ctx.storage.count_responses() == 2
    assert ctx.storage.review_flags(ctx.municipality_id) == {"honeypot": 1}
