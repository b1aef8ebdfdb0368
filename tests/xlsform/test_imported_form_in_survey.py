"""An imported Kobo-style form works in the public survey: notes are shown and never
stored, whole numbers are checked, and the form's own messages and guidance appear."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from bedarfsradar.server import routes
from surveys.xlsform import import_xlsform
from tests.test_survey import Respondent, submit, survey_of
from tests.xlsform.corpus import xlsx_bytes

FORM = {
    "survey": [
        ["type", "name", "label", "hint", "guidance_hint", "required", "constraint",
         "constraint_message", "required_message"],
        ["start", "start"],
        ["begin_group", "alltag", "Alltag"],
        ["note", "willkommen", "Willkommen! Alle Angaben sind freiwillig."],
        ["integer", "alter", "Wie alt sind Sie?", "In Jahren", "Volle Jahre, abgerundet", "yes",
         ". >= 16 and . <= 99", "Bitte ein Alter von 16 bis 99.", "Bitte geben Sie Ihr Alter an."],
        ["select_one yn", "kinder", "Haben Sie Kinder?"],
        ["end_group"],
    ],
    "choices": [["list_name", "name", "label"], ["yn", "yes", "Ja"], ["yn", "no", "Nein"]],
    "settings": [["form_title", "form_id", "version", "audience"],
                 ["Alltag in der Stadt", "alltag_kobo", "1", "newcomer"]],
}  # fmt: skip


@pytest.fixture
def respondent(sqlite_ctx):
    ctx = sqlite_ctx
    result = import_xlsform(xlsx_bytes(FORM), "alltag.xlsx")
    version = ctx.storage.store_questionnaire_version(ctx.municipality_id, result.bundle)
    ctx.storage.create_campaign(ctx.municipality_id, "kobo", "Kobo-Import", version)
    app = Starlette(routes=routes(ctx))
    survey_of(app).config.seconds_per_question = 0
    r = Respondent(app, slug="kobo")
    r.accept_privacy()
    return ctx, r


def test_a_note_and_guidance_are_shown_and_whole_numbers_take_a_numeric_keyboard(respondent):
    _, r = respondent
    page = r.page.text
    assert r.path.endswith("/s/alltag")
    assert "Willkommen! Alle Angaben sind freiwillig." in page
    assert "Volle Jahre, abgerundet" in page
    assert 'name="willkommen"' not in page  # a note has no input
    assert 'name="alter" type="text" inputmode="numeric"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Bitte geben Sie Ihr Alter an."), ("12", "Bitte ein Alter von 16 bis 99."),
     ("30,5", "Bitte ein Alter von 16 bis 99.")],
)  # fmt: skip
def test_the_forms_own_messages_replace_the_standard_ones(respondent, value, message):
    _, r = respondent
    r.answer({"alter": value, "kinder": "no"})
    assert r.path.endswith("/s/alltag")
    assert r.page.text.count(message) == 2  # summary and at the field
    assert "Bitte geben Sie eine Zahl" not in r.page.text


def test_answers_are_stored_and_the_note_is_not(respondent):
    ctx, r = respondent
    r.answer({"alter": "30", "kinder": "yes"})
    assert r.path.endswith("/pruefen")
    submit(r)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    stored = dict(zip(frame["question_id"], frame["value"], strict=True))
    assert stored == {"alter": "30", "kinder": "yes"}
