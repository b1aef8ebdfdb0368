"""Maßnahmen: the guide edits the measures of the deck; changes are stored and audited,
invalid input changes nothing; viewers cannot edit."""

from bedarfsradar import measures as store
from bedarfsradar.audit import entries
from tests.dashboard.conftest import run_page


def test_viewer_may_not_edit_measures(as_role):
    as_role("viewer")
    at = run_page("measures.py")
    assert "Berechtigung" in at.error[0].value


def test_guide_changes_a_measure_and_the_audit_log_names_who_and_what(as_role):
    ctx = as_role("guide")
    before = store.list_measures(ctx.db, ctx.municipality_id)
    assert len(before) == 4  # the demo seed
    at = run_page("measures.py")
    at.selectbox(key="measure-choice").select(before[0].id).run()
    at.text_input(key=f"m-title-{before[0].id}").input("Bürgerbus für Hallgarten")
    at.button[0].click().run()  # Speichern, with the form's values
    assert not at.error and at.success[0].value == "Gespeichert."
    after = store.list_measures(ctx.db, ctx.municipality_id)
    assert after[0].spec.title == "Bürgerbus für Hallgarten"
    assert after[0].updated_by == "test-guide"
    row = entries(ctx.db, ctx.municipality_id).iloc[0]
    assert row["action"] == "measure.update" and row["actor"] == "test-guide"
    assert row["detail"]["changes"]["title"] == [before[0].spec.title, "Bürgerbus für Hallgarten"]


def test_invalid_measure_shows_a_german_error_and_stores_nothing(as_role):
    ctx = as_role("guide")
    n = len(store.list_measures(ctx.db, ctx.municipality_id))
    at = run_page("measures.py")
    at.text_input(key="m-title-0").input("Xy")  # new measure: title too short
    at.button[0].click().run()
    assert at.error[0].value.startswith("Nicht gespeichert: „Titel“ ist zu kurz")
    assert len(store.list_measures(ctx.db, ctx.municipality_id)) == n
