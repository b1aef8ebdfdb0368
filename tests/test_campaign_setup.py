"""Creating a wave with any stored questionnaire version (surveys/campaign_setup.py): the
choice lists every version with its languages and review state; a questionnaire with
incomplete languages starts in its complete ones and says which texts the others lack; one
without any complete language is refused; guides may create unless the admin says no."""

from __future__ import annotations

from datetime import date

import pytest

from surveys.campaign_setup import (
    CampaignRequest,
    CampaignSetupError,
    create_campaign,
    guides_may_create,
    may_manage_campaigns,
    parse_date,
    questionnaire_choices,
    set_guides_may_create,
)
from surveys.xlsform import import_xlsform, product_texts
from tests.xlsform.corpus import xlsx_bytes
from tests.xlsform.families import families_form, kinder_form


def stored(ctx, data: bytes, name: str) -> int:
    product = product_texts(ctx.ui_text.strings, ctx.bundles())
    bundle = import_xlsform(data, name, product=product).bundle
    return ctx.storage.store_questionnaire_version(ctx.municipality_id, bundle)


def test_every_stored_version_is_a_choice_with_its_languages_and_review_state(sqlite_ctx):
    ctx = sqlite_ctx
    imported = stored(ctx, families_form(), "families.xlsx")
    choices = questionnaire_choices(ctx.storage, ctx.municipality_id, ctx.ui_text)
    assert choices[0].version.id == imported  # newest first
    assert {c.version.questionnaire_id for c in choices} == {
        "newcomer", "volunteer", "administration", "families_kobo"}  # fmt: skip
    families = choices[0]
    assert not families.built_in and "importiert" in families.label
    assert [lang.name for lang in families.offered] == ["Deutsch", "Arabisch", "Englisch"]
    newcomer = next(c for c in choices if c.version.questionnaire_id == "newcomer")
    assert newcomer.built_in and "mitgeliefert" in newcomer.label
    states = {lang.code: lang for lang in newcomer.languages}
    assert states["de"].review == "Quelltext"
    assert states["ar"].review.startswith(("geprüft", "Entwurf"))


def test_incomplete_languages_are_named_with_their_missing_texts_and_left_out(sqlite_ctx):
    ctx = sqlite_ctx
    version = stored(ctx, kinder_form(), "kinder.xlsx")
    request = CampaignRequest(slug="kinder-w1", title="Kinder", version_id=version, open_now=True)
    created = create_campaign(ctx.storage, ctx.municipality_id, request, ctx.ui_text)
    assert [lang.code for lang in created.offered] == ["de"]
    assert created.messages() == [
        "Die Umfrage wird angeboten auf: Deutsch.",
        "Nicht angeboten: Arabisch – 1 Text des Fragebogens fehlt.",
        "  fehlt: Hinweis unter der Frage „Wie viele Kinder?“: »Nur im Haushalt«",
    ]
    assert created.campaign.status == "open" and created.campaign.wave == 1


def test_a_questionnaire_without_any_complete_language_is_refused(sqlite_ctx):
    ctx = sqlite_ctx
    survey = [["type", "name", "label::English", "label::Tigrinya (ti)", "hint::English"],
              ["text", "a", "Question?", "ሕቶ?", "A hint"]]  # fmt: skip
    version = stored(ctx, xlsx_bytes({"survey": survey}), "ti.xlsx")
    bundle = ctx.storage.questionnaire_bundle(version)  # English is complete: leave it out
    broken = bundle.model_copy(update={"translations": {"ti": bundle.translations["ti"]}})
    version = ctx.storage.store_questionnaire_version(ctx.municipality_id, broken)
    request = CampaignRequest(slug="ti-w1", title="Ti", version_id=version)
    with pytest.raises(CampaignSetupError, match="in keiner Sprache vollständig"):
        create_campaign(ctx.storage, ctx.municipality_id, request, ctx.ui_text)
    assert "ti-w1" not in {c.slug for c in ctx.storage.campaigns(ctx.municipality_id)}


@pytest.mark.parametrize(
    ("change", "message"),
    [({"slug": "Mit Leerzeichen"}, "Kurzname"), ({"title": " "}, "Titel"),
     ({"modes": []}, "Weg"), ({"opens_on": date(2027, 5, 1), "closes_on": date(2027, 4, 1)},
                              "Ende liegt vor dem Start"),
     ({"version_id": 999}, "999 gibt es nicht")],
)  # fmt: skip
def test_bad_input_is_refused_with_a_german_message(sqlite_ctx, change, message):
    ctx = sqlite_ctx
    newcomer = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    request = CampaignRequest(**{"slug": "ok-w1", "title": "OK", "version_id": newcomer, **change})
    with pytest.raises(CampaignSetupError, match=message):
        create_campaign(ctx.storage, ctx.municipality_id, request, ctx.ui_text)


def test_dates_are_typed_in_german_or_iso():
    assert parse_date("1.3.2027", "Start") == parse_date("2027-03-01", "Start") == date(2027, 3, 1)
    assert parse_date(" ", "Start") is None
    with pytest.raises(CampaignSetupError, match=r"Start: „31\.02\.2027“"):
        parse_date("31.02.2027", "Start")


def test_guides_may_create_waves_until_the_admin_restricts_it(sqlite_ctx):
    db, mid = sqlite_ctx.db, sqlite_ctx.municipality_id
    assert guides_may_create(db, mid) and may_manage_campaigns("guide", db, mid)
    set_guides_may_create(db, mid, False)
    assert not may_manage_campaigns("guide", db, mid)
    assert may_manage_campaigns("admin", db, mid) and not may_manage_campaigns("viewer", db, mid)
    set_guides_may_create(db, mid, True)
    assert may_manage_campaigns("guide", db, mid)
