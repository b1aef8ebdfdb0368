"""The Einladungen page on the demo: the staff campaign of 40 invited with its true
response rate, the list check that stores nothing while a row is wrong, and a mailing
started from the page, sent in its own thread to a real SMTP server."""

from __future__ import annotations

import time

from dashboard import materials
from tests.dashboard.conftest import run_page
from tests.invitations.conftest import Mailbox


def table(at, column: str):  # type: ignore[no-untyped-def]
    """The dataframe on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def choose_staff_campaign(at):  # type: ignore[no-untyped-def]
    return at.selectbox(key="inv-campaign").select("verwaltung-w2").run()


def test_staff_campaign_shows_its_true_response_rate(as_role):
    as_role("guide")
    at = choose_staff_campaign(run_page("invitations.py"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Auf der Liste": "40", "Eingeladen": "40", "Teilgenommen": "12",
                       "Noch offen": "28"}  # fmt: skip
    assert any("Rücklaufquote: 12 von 40 (30 %)" in c.value for c in at.caption)
    people = table(at, "Stand")
    assert (people["Stand"] == "hat teilgenommen").sum() == 12
    assert set(people.columns) == {"Name", "E-Mail", "Bereich", "Stand", "Eingeladen", "Erinnert"}
    finished = people[people["Stand"] == "hat teilgenommen"]
    assert set(finished["Eingeladen"]) == {""} and set(finished["Erinnert"]) == {""}
    departments = table(at, "Geantwortet")
    assert (departments["Geantwortet"] >= 5).all() and (departments["Eingeladen"] >= 5).all()


def test_viewer_may_not_open_the_page(as_role):
    as_role("viewer")
    at = run_page("invitations.py")
    assert any("Berechtigung" in e.value for e in at.error)


def test_list_with_errors_stores_nothing_and_names_every_bad_row(as_role):
    ctx = as_role("guide")
    at = choose_staff_campaign(run_page("invitations.py"))
    before = len(table(at, "Stand"))
    at.text_area(key="inv-typed").input(
        "Name; E-Mail; Bereich\nJana Roth; jana.roth@oestrich-winkel.example; Bürgerbüro\n"
        "Ole Sand; ole.sand@; Soziales\n; leer@oestrich-winkel.example;\n"
        "Jana Roth; JANA.ROTH@oestrich-winkel.example; Bürgerbüro"
    ).run()
    at.button(key="inv-check").click().run()
    [error] = at.error
    assert "Nichts gespeichert" in error.value
    assert "Zeile 3: „ole.sand@“ ist keine gültige E-Mail-Adresse." in error.value
    assert "Zeile 4: Der Name fehlt." in error.value
    assert (
        "Zeile 5: Die E-Mail-Adresse JANA.ROTH@oestrich-winkel.example steht schon in Zeile 2."
        in error.value
    )
    assert not [b for b in at.button if b.key == "inv-save"]
    assert len(table(at, "Stand")) == before
    del ctx


def test_reminder_is_sent_from_the_page_in_a_thread_with_progress(as_role, monkeypatch):
    ctx = as_role("guide")
    box = Mailbox()
    box.start()
    try:
        smtp = {"smtp_host": "127.0.0.1", "smtp_port": box.port, "smtp_security": "none",
                "smtp_from": "guide@oestrich-winkel.example"}  # fmt: skip
        for name, value in smtp.items():
            monkeypatch.setattr(ctx.settings, name, value)
        monkeypatch.setattr(materials, "public_base_url", lambda: "https://umfrage.example")
        at = choose_staff_campaign(run_page("invitations.py"))
        button = at.button(key="inv-send-reminder")
        # 28 have not finished; 5 of them have a letter (no address, or it bounced)
        assert button.label == "Erinnerungen senden (23)" and not button.disabled
        button.click().run()
        for _ in range(100):
            if len(box.messages) >= 23:
                break
            time.sleep(0.1)
        time.sleep(0.5)
        at = choose_staff_campaign(run_page("invitations.py"))
        assert any("Verschickt: 23" in s.value for s in at.success)
        assert len(box.messages) == 23  # the unfinished with a delivered e-mail, once each
    finally:
        box.stop()


def test_staff_answers_are_left_out_of_the_raw_export_and_the_export_says_so(as_role):
    from dashboard import exports

    ctx = as_role("guide")
    at = run_page("export.py")
    assert any("Nicht enthalten: die Antworten der Beschäftigten der Verwaltung und der "
               "Ehrenamtlichen" in i.value for i in at.info)  # fmt: skip
    at.toggle(key="raw").set_value(True).run()
    raw = exports.raw_export(data_version(ctx)).csv.decode("utf-8-sig")
    for question in ("ip_importance", "department", "vol_needs", "hours_month"):
        assert question not in raw  # staff and volunteer questions
    assert "need" in raw and "stadtteil" in raw


def test_staff_means_have_no_exact_n_for_any_role(as_role):
    as_role("guide")  # the explorer
    at = run_page("admin_volunteers.py")
    means = table(at, "Einordnung")
    assert "n" not in means.columns and "Schätzung" in means.columns
    as_role("viewer")  # the release
    at = run_page("results.py")
    means = table(at, "Leistung")
    assert "n" not in means.columns and "Schätzung" in means.columns


def test_datenschutz_informs_the_personalrat_and_the_volunteer_switch_needs_a_reason(as_role):
    from bedarfsradar.audit import entries

    ctx = as_role("guide")
    at = run_page("privacy.py")
    text = " ".join(m.value for m in at.markdown)
    assert "**Wer was sieht.**" in text and "auch nicht der Integrationsguide" in text
    assert "mindestens 5 Personen" in text
    at.button(key="vol-switch").click().run()
    assert any("Bitte begründen Sie" in e.value for e in at.error)
    at.text_input(key="vol-reason").input("Der Ehrenamtskreis hat dem Teilen zugestimmt.").run()
    at.button(key="vol-switch").click().run()
    log = entries(ctx.db, ctx.municipality_id)
    switched = log[log["action"] == "privacy.volunteer_answers"]
    assert switched.iloc[0]["detail"]["reason"] == "Der Ehrenamtskreis hat dem Teilen zugestimmt."
    from dashboard import data

    assert data.protected_audiences() == ("administration",)
    at = run_page("privacy.py")
    at.button(key="vol-switch").click().run()  # protection on again (no reason needed)
    assert data.protected_audiences() == ("administration", "volunteer")


def data_version(ctx):  # type: ignore[no-untyped-def]
    from dashboard import data

    return data.data_version()
