"""Responses flagged for review (a filled hidden field, a very fast submission): the guide
sees how many and why on Kampagnen, finds them in the individual answers, and may delete
the ones she judges to be no person's answer. Its own module: it deletes demo responses."""

import uuid

from dashboard import data
from surveys.responses.answers import AnswerRow
from tests.dashboard.conftest import run_page


def _submit(ctx, flag: str | None) -> str:  # type: ignore[no-untyped-def]
    campaign = ctx.storage.campaign("zugewanderte-w2")
    client = str(uuid.uuid4())
    rows = [AnswerRow("stadtteil", value="winkel")]
    ctx.storage.complete_response(campaign, client, rows, language="de", review_flag=flag)
    return client


def test_flagged_responses_are_counted_named_and_deleted_only_after_confirmation(as_role):
    ctx = as_role("guide")
    bots = [_submit(ctx, "honeypot") for _ in range(2)]
    fast = _submit(ctx, "too_fast")
    person = _submit(ctx, None)

    at = run_page("campaigns.py")
    notes = [i.value for i in at.info if "zur Prüfung markiert" in i.value]
    assert len(notes) == 1
    assert notes[0].startswith("3 Antworten sind zur Prüfung markiert")
    assert "2 unsichtbares Feld ausgefüllt" in notes[0]
    assert "1 in sehr kurzer Zeit abgeschickt" in notes[0]

    raw = data.raw_answers()
    reasons = raw.drop_duplicates("response_id").set_index("response_id")["review_flag"]
    assert reasons[bots[0]] == "unsichtbares Feld ausgefüllt (vermutlich ein Programm)"
    assert reasons[fast] == "in sehr kurzer Zeit abgeschickt"
    assert reasons[person] == ""

    button = at.button(key="flag-delete-honeypot")
    assert button.disabled  # nothing is deleted before the guide confirms
    at.checkbox(key="flag-confirm-honeypot").check().run()
    at.button(key="flag-delete-honeypot").click().run()
    assert not at.exception
    left = set(ctx.storage.answers_frame(ctx.municipality_id)["response_id"])
    assert not set(bots) & left
    assert {fast, person} <= left
    assert ctx.storage.review_flags(ctx.municipality_id) == {"too_fast": 1}
