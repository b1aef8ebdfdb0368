"""Datenschutz: retention and purge (admin only, confirmed, audited), deletion by receipt
code (guide), record of processing, audit log in German words (admin: all of it; guide:
her own entries). Own demo database: these tests delete data."""

from sqlalchemy import func, select

from bedarfsradar import audit
from bedarfsradar.audit import entries
from bedarfsradar.db.schema import Response
from surveys.privacy import retention
from surveys.responses.storage import current_month
from tests.dashboard.conftest import run_page


def _labels(at) -> list[str]:
    return [b.label for b in at.button] + [b.proto.label for b in at.get("download_button")]


def test_privacy_page_requires_login_and_is_closed_to_viewers(as_role):
    as_role(None)
    at = run_page("privacy.py")
    assert "Bitte melden Sie sich an" in at.warning[0].value
    as_role("viewer")
    at = run_page("privacy.py")
    assert "Berechtigung" in at.error[0].value
    assert len(at.dataframe) == 0 and not at.get("download_button")


def test_guide_deletes_by_receipt_code_and_reads_only_her_own_audit_entries(as_role):
    ctx = as_role("guide")
    audit.record(ctx.db, ctx.municipality_id, "admin", "user.role", username="x", role="viewer")
    at = run_page("privacy.py")
    labels = _labels(at)
    assert "Endgültig löschen" not in labels and "Frist speichern" not in labels
    assert "Verzeichnis herunterladen" in labels
    assert set(at.dataframe[0].value["Wer"]) <= {"test-guide"}  # not the admin's entries
    client_uuid = ctx.storage.answers_frame(ctx.municipality_id)["response_id"].iloc[0]
    code = ctx.storage.receipt_code(client_uuid)
    before = ctx.storage.count_responses(ctx.municipality_id)
    at.text_input(key="receipt-code").input(code.lower())
    at.checkbox(key="receipt-confirm").check()
    next(b for b in at.button if b.label == "Löschen").click().run()
    assert "gelöscht" in at.success[0].value
    assert ctx.storage.count_responses(ctx.municipality_id) == before - 1
    assert ctx.storage.response_status(client_uuid) is None
    log = entries(ctx.db, ctx.municipality_id)
    deleted = log[log["action"] == "response.delete_by_receipt"].iloc[0]
    assert deleted["detail"] == {"deleted": True} and code not in str(log["detail"].tolist())
    # the same code again: nothing left to delete
    at.text_input(key="receipt-code").input(code)
    at.checkbox(key="receipt-confirm").check()
    next(b for b in at.button if b.label == "Löschen").click().run()
    assert "keine Antwort" in at.error[0].value
    own = at.dataframe[0].value
    assert set(own["Wer"]) == {"test-guide"}
    assert "Antwort mit Quittungscode gelöscht" in set(own["Was"])
    assert "gelöscht: ja" in set(own["Einzelheiten"])


def test_admin_sets_retention_and_purges_old_responses_after_confirmation(as_role):
    ctx = as_role("admin")
    mid = ctx.municipality_id
    at = run_page("privacy.py")
    at.number_input(key="retention").set_value(18)
    next(b for b in at.button if b.label == "Frist speichern").click().run()
    assert retention.retention_months(ctx.db, mid) == 18
    # purge everything before 2026-06: the demo's wave 1 (2026-03..05) goes, wave 2 stays
    year, month = (int(p) for p in current_month().split("-"))
    months = (year * 12 + month) - (2026 * 12 + 6)
    assert months >= 1, "the demo months lie in the future of this machine's clock"
    at.number_input(key="purge-months").set_value(months).run()
    purge = next(b for b in at.button if b.label == "Endgültig löschen")
    assert purge.disabled  # not before the confirmation
    with ctx.db.read() as s:
        old = s.scalar(select(func.count()).where(Response.month < "2026-06"))
        total = s.scalar(select(func.count()).select_from(Response))
    assert old > 0 and f"**{old}**" in " ".join(m.value for m in at.markdown)
    at.checkbox(key="purge-confirm").check().run()
    next(b for b in at.button if b.label == "Endgültig löschen").click().run()
    assert f"{old} Antworten" in at.success[0].value
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).where(Response.month < "2026-06")) == 0
        assert s.scalar(select(func.count()).select_from(Response)) == total - old
    log = entries(ctx.db, mid)
    assert log.iloc[0]["action"] == "purge" and log.iloc[0]["detail"]["responses"] == old
    assert "retention.set" in set(log["action"])
    at.run()
    audit_table = at.dataframe[0].value
    assert list(audit_table.columns) == ["Zeit", "Wer", "Was", "Einzelheiten"]
    purged = audit_table[audit_table["Was"] == "alte Antworten gelöscht"].iloc[0]
    assert f"Antworten: {old}" in purged["Einzelheiten"]
    assert not any("." in str(w) and " " not in str(w) for w in audit_table["Was"])


def test_record_of_processing_is_offered_with_facts_from_the_code(as_role):
    as_role("guide")
    at = run_page("privacy.py")
    button = next(b for b in at.get("download_button")
                  if b.proto.label == "Verzeichnis herunterladen")  # fmt: skip
    assert button.proto.label
    from dashboard.data import processing_facts
    from surveys.privacy.processing_record import record_markdown

    text = record_markdown(processing_facts())
    assert "Art. 30" in text and "Keine IP-Adressen" in text
    assert "Welchen Aufenthalt haben Sie?" in text  # a sensitive question, Art. 9
