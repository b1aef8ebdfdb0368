"""Texts the import writes itself are in every language of the form (the product's own
translations, data/ui), so the preview and the stored form agree on the languages
respondents get; a form without German is offered in its own languages, not as German;
imported forms carry the town's privacy notice; a section of notes only is not
"unanswered" on the review page."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from bedarfsradar.server import routes
from surveys.translations.languages_report import language_states
from surveys.translations.status import offered_languages
from surveys.xlsform import import_xlsform, product_texts
from tests.test_survey import Respondent, submit, survey_of
from tests.xlsform.corpus import xlsx_bytes
from tests.xlsform.families import TITLE, families_form


@pytest.fixture
def product(sqlite_ctx):
    return product_texts(sqlite_ctx.ui_text.strings, sqlite_ctx.bundles())


def test_every_text_the_import_writes_is_in_every_language_of_the_form(sqlite_ctx, product):
    result = import_xlsform(families_form(), "families.xlsx", product=product)
    bundle = result.bundle
    assert sorted(bundle.translations) == ["ar", "en"]
    assert bundle.missing_keys("ar") == [] and bundle.missing_keys("en") == []
    assert offered_languages(bundle, sqlite_ctx.ui_text) == ["de", "ar", "en"]
    ar, en = bundle.translations["ar"].strings, bundle.translations["en"].strings
    q = bundle.questionnaire
    assert (q.title, ar["title"], en["title"]) == (TITLE, "استبيان", "Survey")
    assert (q.question("help_other").label, ar["q.help_other.label"]) == (
        "Bitte näher angeben:", "يرجى التوضيح:")  # fmt: skip
    assert (q.option_sets["help"][-1].label, ar["options.help.other"]) == ("Sonstiges", "غير ذلك")
    # the form's own message is English only: German and Arabic get the standard message
    assert (
        q.question("kids").constraint_message == "Bitte geben Sie eine Zahl zwischen 1 und 15 ein."
    )
    assert en["q.kids.constraint_message"] == "Between 1 and 15."
    assert "1" in ar["q.kids.constraint_message"] and "15" in ar["q.kids.constraint_message"]
    # the section of questions outside any group is titled like the form, in each language
    assert ar[f"section.{q.sections[0].id}.title"] == ar["title"]


def test_the_preview_names_what_the_import_wrote_without_library_names(product):
    result = import_xlsform(families_form(), "families.xlsx", product=product)
    messages = " ".join(f.message for f in result.findings)
    assert "pyxform" not in messages
    assert "als Titel steht auf Englisch »Survey«, auf Arabisch »استبيان«" in messages
    assert "der Hinweis der Stadt" in messages
    kids = next(f for f in result.findings if "fehlt in einigen Sprachen" in f.message)
    assert result.labels[(kids.sheet, kids.row)] == "Wie viele Kinder?"  # the form's own label


def test_without_the_products_translations_the_languages_it_cannot_fill_are_named(sqlite_ctx):
    result = import_xlsform(families_form(), "families.xlsx")  # German and English only
    states = {s.code: s for s in language_states(result.bundle, sqlite_ctx.ui_text)}
    assert states["de"].offered and states["en"].offered and not states["ar"].offered
    missing = {m.key for m in states["ar"].missing}
    assert {"title", "options.help.other", "q.help_other.label"} <= missing
    assert states["ar"].reasons[0].endswith("Texte des Fragebogens fehlen")


def test_a_form_without_german_is_offered_in_its_languages_not_as_german(sqlite_ctx, product):
    result = import_xlsform(families_form(german=False), "families.xlsx", product=product)
    bundle = result.bundle
    assert bundle.questionnaire.source_language == "en"
    assert offered_languages(bundle, sqlite_ctx.ui_text) == ["ar", "en"]
    states = {s.code: s for s in language_states(bundle, sqlite_ctx.ui_text)}
    assert "keine deutschen Texte" in states["de"].reasons[0]
    assert bundle.translations["en"].strings["q.kids.label"] == "How many children?"
    assert bundle.questionnaire.question("help_other").label == "Please specify:"


def test_a_german_form_keeps_its_content_hash_field_free():
    """Versions stored before ``source_language`` existed keep their content hash."""
    survey = [["type", "name", "label"], ["text", "a", "Frage?"]]
    result = import_xlsform(xlsx_bytes({"survey": survey}), "a.xlsx")
    assert "source_language" not in result.bundle.content_json()


def test_a_sensitive_question_gets_the_standard_consent_step(sqlite_ctx, product):
    survey = [["type", "name", "label::German", "label::English", "sensitive"],
              ["text", "aufenthalt", "Welcher Aufenthalt?", "Which permit?", "yes"]]  # fmt: skip
    result = import_xlsform(xlsx_bytes({"survey": survey}), "s.xlsx", product=product)
    q, en = result.bundle.questionnaire, result.bundle.translations["en"].strings
    assert q.consent_sensitive and q.consent_sensitive.startswith("Einige Fragen sind besonders")
    assert en["consent_sensitive"].startswith("Some questions are particularly personal")
    assert result.bundle.missing_keys("en") == []


@pytest.fixture
def survey(sqlite_ctx, product):
    ctx = sqlite_ctx
    result = import_xlsform(families_form(), "families.xlsx", product=product)
    version = ctx.storage.store_questionnaire_version(ctx.municipality_id, result.bundle)
    ctx.storage.create_campaign(ctx.municipality_id, "familien", "Familien", version)
    app = Starlette(routes=routes(ctx))
    survey_of(app).config.seconds_per_question = 0
    return ctx, app


def test_the_imported_form_shows_the_towns_privacy_notice_and_offers_arabic(survey):
    ctx, app = survey
    languages = Respondent(app, slug="familien").c.get("/u/familien/").text
    assert 'hreflang="ar"' in languages and 'hreflang="en"' in languages
    r = Respondent(app, lang="ar", slug="familien")
    privacy = ctx.bundles()["newcomer"].translations["ar"].strings["privacy"]
    assert privacy in r.page.text and 'dir="rtl"' in r.page.text
    assert "استبيان" in r.page.text and TITLE not in r.page.text


def test_a_section_of_notes_only_is_not_listed_as_unanswered_on_the_review(survey):
    ctx, app = survey
    r = Respondent(app, slug="familien")
    r.accept_privacy()
    assert "Willkommen! Alle Fragen sind freiwillig." in r.page.text
    r.answer({})
    r.answer({"children": "yes"})
    assert 'name="kids"' in r.page.text  # asked after "yes", on the same page
    r.answer({"children": "yes", "kids": "2"})
    needs = {"help": ["housing", "other"], "home_language": "arabic"}
    r.answer(needs)
    assert 'name="help_other"' in r.page.text  # "Sonstiges" asks what it is
    r.answer({**needs, "help_other": "Kita"})
    assert r.path.endswith("/pruefen")
    page = r.page.text
    assert TITLE not in page and "keine Antwort" not in page
    assert "Sonstiges" in page and "Kita" in page
    submit(r)
    frame = ctx.storage.answers_frame(ctx.municipality_id, ["familien"])
    assert set(frame["question_id"]) == {"children", "kids", "help", "help_other", "home_language"}
