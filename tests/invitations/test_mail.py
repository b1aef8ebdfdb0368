"""Invitations and reminders through a real SMTP server (aiosmtpd on 127.0.0.1): the mail
arrives in German with the person's own link and a plain-text part, a refused address is
shown as bounced, a server that is down or goes away sends nothing twice and can be
resumed, reminders go only to those who have not finished, at most once a week."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bedarfsradar.db.schema import AuditLog
from surveys.invitations.mail import ServerGone, SmtpTransport
from surveys.invitations.sending import SendingError
from tests.invitations.conftest import BASE_URL, STAFF
from tests.invitations.forms import Browser

WITH_EMAIL = [(n, e) for n, e, _ in STAFF if e]


def plain_text(message) -> str:  # type: ignore[no-untyped-def]
    parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    assert len(parts) == 1
    return parts[0].get_payload(decode=True).decode(parts[0].get_content_charset())


def audit_text(ctx) -> str:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        return " ".join(f"{a} {d}" for a, d in s.execute(select(AuditLog.action, AuditLog.detail)))


def test_invitation_arrives_in_german_with_the_persons_own_link(staff, smtp_server):
    mailings = staff.mailings(smtp_server.port)
    preview = mailings.preview(staff.campaign, "invitation")
    assert preview.recipients == len(WITH_EMAIL) and not preview.problems
    planned = mailings.plan(staff.campaign, "invitation", actor="guide")
    done = mailings.run(planned.id)
    assert (done.status, done.sent, done.bounced) == ("done", len(WITH_EMAIL), 0)
    for name, address in WITH_EMAIL:
        [message] = smtp_server.to(address)
        assert message["Subject"] == "Einladung zur Befragung „Befragung der Mitarbeitenden“"
        assert message["Content-Language"] == "de" and name in message["To"]
        text = plain_text(message)
        assert text.startswith(f"Guten Tag {name},")
        link = f"{BASE_URL}/u/{staff.campaign.slug}/?t={staff.token(name)}"
        assert link in text.split()
        assert "Ihre Antworten werden ohne Ihren Namen" in text
        html = [p for p in message.walk() if p.get_content_type() == "text/html"]
        assert html and link in html[0].get_payload(decode=True).decode()
    people = staff.store.people(staff.campaign.id).set_index("name")
    month = date.today().strftime("%Y-%m")
    assert set(people.loc[[n for n, _ in WITH_EMAIL], "sent_month"]) == {month}
    assert people.at["Eva Fischer", "status"] == "new"  # no address: a letter, not a mail

    # the link in the mail opens the survey
    name, address = WITH_EMAIL[0]
    link = re.search(r"https://umfrage\.example(/u/\S+)", plain_text(smtp_server.to(address)[0]))
    b = Browser(staff.app)
    b.open(link.group(1))
    b.click("de")
    b.answer_everything()
    assert staff.store.people(staff.campaign.id).set_index("name").at[name, "finished"]
    assert not any(n in audit_text(staff.ctx) or e in audit_text(staff.ctx) for n, e in WITH_EMAIL)


def test_refused_address_is_shown_as_bounced(staff, smtp_server):
    smtp_server.refuse.add("carla.dietz@stadt.example")
    mailings = staff.mailings(smtp_server.port)
    done = mailings.run(mailings.plan(staff.campaign, "invitation", actor="guide").id)
    assert (done.status, done.sent, done.bounced) == ("done", len(WITH_EMAIL) - 1, 1)
    row = staff.store.people(staff.campaign.id).set_index("name").loc["Carla Dietz"]
    assert row["status"] == "bounced" and row["status_note"].startswith("550")
    assert not smtp_server.to("carla.dietz@stadt.example")
    counts = staff.store.counts(staff.campaign.id)
    assert counts.bounced == 1 and counts.invited == len(WITH_EMAIL) - 1
    # a bounced person gets a printed letter instead
    letters = mailings.letters(staff.campaign, actor="guide")
    assert {letter.name for letter in letters} == {"Carla Dietz", "Eva Fischer"}
    assert staff.store.counts(staff.campaign.id).invited == len(STAFF)


def test_server_down_gives_a_german_message_and_resumes_without_sending_twice(staff, smtp_server):
    mailings = staff.mailings(smtp_server.port)
    planned = mailings.plan(staff.campaign, "invitation", actor="guide")
    smtp_server.stop()
    down = mailings.run(planned.id)
    assert down.status == "interrupted" and down.sent == 0
    assert "Der Mailserver 127.0.0.1" in down.last_error and "nicht erreichbar" in down.last_error
    with pytest.raises(SendingError, match="noch nicht abgeschlossen"):
        mailings.plan(staff.campaign, "invitation", actor="guide")
    smtp_server.start()
    resumed = mailings.run(planned.id)
    assert (resumed.status, resumed.sent) == ("done", len(WITH_EMAIL))
    assert all(len(smtp_server.to(e)) == 1 for _, e in WITH_EMAIL)


def test_connection_lost_mid_mailing_leaves_only_the_unclear_message_unsent_again(
    staff, smtp_server
):
    mailings = staff.mailings(smtp_server.port)
    planned = mailings.plan(staff.campaign, "invitation", actor="guide")
    config = mailings.config

    @contextmanager
    def breaking(after: int, during_data: bool):  # type: ignore[no-untyped-def]
        with SmtpTransport(config) as real:
            sent = []

            class Flaky:
                def send(self, message, to):  # type: ignore[no-untyped-def]
                    if len(sent) == after:
                        if during_data:
                            real.send(message, to)  # it arrived, but the answer never came
                        raise ServerGone(during_data, "SMTPServerDisconnected")
                    sent.append(to)
                    return real.send(message, to)

            yield Flaky()

    first = mailings.run(planned.id, transport=lambda: breaking(2, during_data=True), batch=2)
    assert first.status == "interrupted" and (first.sent, first.unclear) == (2, 1)
    assert "abgebrochen" in first.last_error
    second = mailings.run(planned.id)
    assert second.status == "done" and second.sent == len(WITH_EMAIL) - 1
    # nobody got two messages; the unclear one got exactly the one that may have arrived
    assert sorted(len(smtp_server.to(e)) for _, e in WITH_EMAIL) == [1] * len(WITH_EMAIL)
    unclear = staff.store.people(staff.campaign.id).query("status == 'unclear'")
    assert len(unclear) == 1


def test_reminders_go_only_to_the_unfinished_at_most_once_a_week(staff, smtp_server):
    mailings = staff.mailings(smtp_server.port)
    day = date.today() - timedelta(days=8)
    mailings.run(mailings.plan(staff.campaign, "invitation", actor="guide", today=day).id)
    b = Browser(staff.app)
    b.open(f"/u/{staff.campaign.slug}/?t={staff.token('Anna Becker')}")
    b.click("de")
    b.answer_everything()
    smtp_server.messages.clear()
    preview = mailings.preview(staff.campaign, "reminder")
    assert preview.recipients == len(WITH_EMAIL) - 1
    assert "vor einiger Zeit haben wir Sie" in preview.text
    done = mailings.run(mailings.plan(staff.campaign, "reminder", actor="guide").id)
    assert done.sent == len(WITH_EMAIL) - 1
    reminded = {rcpt[0] for rcpt, _ in smtp_server.messages}
    assert reminded == {e for n, e in WITH_EMAIL if n != "Anna Becker"}
    for name, address in WITH_EMAIL[1:]:
        [message] = smtp_server.to(address)
        assert message["Subject"].startswith("Erinnerung")
        assert staff.token(name) in plain_text(message)  # the same link as the invitation
    with pytest.raises(SendingError, match="höchstens eine Erinnerung pro Woche"):
        mailings.plan(staff.campaign, "reminder", actor="guide")
    week = date.today() + timedelta(days=7)
    assert mailings.next_reminder_on(staff.campaign.id, week) is None
    people = staff.store.people(staff.campaign.id).set_index("name")
    assert (
        people.at["Anna Becker", "reminders"] == 0 and people.at["Bernd Clausen", "reminders"] == 1
    )
    log = audit_text(staff.ctx)
    assert "invitations.mailing" in log and "'kind': 'reminder'" in log
    assert not any(n in log or e in log or staff.token(n) in log for n, e in WITH_EMAIL)
