"""No path from a finished invitation to its answers: people answer through their
personal links; then a backup is restored and every path is tried - shared values in any
column, foreign keys, times, row order and ids, the audit log, the server log."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date

import pytest

from bedarfsradar.backup import backup, restore
from bedarfsradar.db import Database
from tests.invitations.conftest import STAFF, make_staff
from tests.invitations.forms import Browser

FINISHING_ORDER = ["Frank Gerber", "Anna Becker", "Deniz Ekinci"]
IDENTITY = {"id", "name", "email", "department", "token_hash", "municipality_id", "campaign_id"}


def rows(con: sqlite3.Connection, table: str) -> list[dict]:
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute(f"SELECT * FROM {table}")]  # physical order


def test_restored_backup_cannot_link_a_finished_invitation_to_its_answers(
    sqlite_ctx, smtp_server, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    staff = make_staff(sqlite_ctx)
    ctx = staff.ctx
    mailings = staff.mailings(smtp_server.port)
    first = date(2026, 1, 12)  # the campaign's first mailing: its responses carry this month
    mailings.run(mailings.plan(staff.campaign, "invitation", actor="guide", today=first).id)
    mailings.run(mailings.plan(staff.campaign, "reminder", actor="guide").id)
    list_order = [r["id"] for r in rows(sqlite3.connect(ctx.db.engine.url.database), "invitation")]
    secrets = set()
    for name in FINISHING_ORDER:
        token = staff.token(name)
        secrets |= {token, staff.store.hash_of(token)}
        b = Browser(staff.app)
        b.open(f"/u/{staff.campaign.slug}/?t={token}")
        b.click("de")
        b.answer_everything()
        assert b.path.endswith("/danke")
    people = {n: e for n, e, _ in STAFF}
    secrets |= {n for n in people} | {e for e in people.values() if e}

    # the server log of the whole run: no token, hash, name or address. Not ours: the test's
    # HTTP client logs the URLs it opens (a browser's history) and the mail server
    # (aiosmtpd, "mail.log") its recipients, as every mail server does.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "mail."))]
    assert server  # something was logged at all (asyncio, SQLAlchemy …)
    leaks = {s: {r.name for r in server if s in f"{r.getMessage()} {r.args}"} for s in secrets}
    assert not {s: names for s, names in leaks.items() if names}

    path = backup(ctx.db, str(ctx.db.engine.url), tmp_path / "backup")
    target = tmp_path / "restored.db"
    restore(Database.from_url(f"sqlite:///{target}"), f"sqlite:///{target}", path)
    con = sqlite3.connect(target)
    invitations, responses, answers = (rows(con, t) for t in ("invitation", "response", "answer"))
    audit = rows(con, "audit_log")
    uuids = {r["client_uuid"] for r in responses}
    assert len(responses) == 3 and all(r["status"] == "complete" for r in responses)

    # 1. no shared value: nothing of an invitation in a response or an answer, and back
    #    (months are shared on purpose: every response of the campaign carries its month)
    personal = ("name", "email", "department", "token_hash", "status_note")
    invitation_values = {str(r[k]) for r in invitations for k in personal if r[k]}
    response_values = {str(v) for t in (responses, answers) for r in t for v in r.values() if v}
    assert not invitation_values & response_values
    assert not [s for s in secrets if any(s in v for v in response_values)]
    invitation_text = " ".join(str(v) for r in invitations for v in r.values())
    assert not [u for u in uuids if u in invitation_text]
    for table in ("response", "answer"):
        columns = {c[1] for c in con.execute(f"PRAGMA table_info({table})")}
        assert not {c for c in columns if "invit" in c or "token" in c or "mailing" in c}

    # 2. no foreign key between the two stores, and no time finer than the month
    for table, other in (
        ("invitation", "response"),
        ("response", "invitation"),
        ("answer", "invitation"),
        ("mailing", "response"),
    ):
        assert other not in {fk[2] for fk in con.execute(f"PRAGMA foreign_key_list({table})")}
    for table in ("invitation", "response", "answer"):
        types = {c[2].upper() for c in con.execute(f"PRAGMA table_info({table})")}
        assert not {t for t in types if "DATE" in t or "TIME" in t}
    assert {r["month"] for r in responses} == {"2026-01"}  # the campaign's month, not their own

    # 3. order and ids: finishing changed neither the rows' order nor anything that differs
    #    between finished rows apart from who they are
    assert [r["id"] for r in invitations] == list_order
    done = [r for r in invitations if r["finished"]]
    assert sorted(r["name"] for r in done) == sorted(FINISHING_ORDER)
    states = {tuple((k, v) for k, v in r.items() if k not in IDENTITY) for r in done}
    assert len(states) == 1, states  # the finished rows are alike: no order, no month, no count
    assert (
        dict(next(iter(states)))["sent_month"] is None
        and dict(next(iter(states)))["reminded_month"] is None
    )
    unfinished = [r for r in invitations if not r["finished"] and r["email"]]
    assert all(
        r["reminders"] == 1 for r in unfinished
    )  # they were reminded; the finished were too, and it is gone

    # 4. the audit log names mailings with counts; nothing was logged when people finished
    details = " ".join(f"{r['action']} {r['detail']}" for r in audit)
    assert not [s for s in secrets | uuids if s in details]
    assert [r["action"] for r in audit] == [
        "invitations.mailing_planned",
        "invitations.mailing",
    ] * 2


@pytest.mark.postgres
def test_on_postgresql_finishing_singles_out_no_row_by_transaction_id_or_order(postgres_url):
    """PostgreSQL writes a new version of an updated row, stamped with the writing
    transaction (``xmin``) and placed where there is room: the completing transaction
    rewrites every invitation of the campaign, so all carry its id and keep their order."""
    from sqlalchemy import text

    from tests.conftest import dispose, make_context, scoped

    ctx = make_context(postgres_url)
    with scoped(ctx):  # the town of every transaction (row-level security)
        staff = make_staff(ctx)
        order = "SELECT id FROM invitation WHERE campaign_id = :c"  # physical order, as pg_dump
        with ctx.db.engine.connect() as conn:
            before = conn.execute(text(order), {"c": staff.campaign.id}).scalars().all()
        for name in ("Carla Dietz", "Anna Becker"):
            b = Browser(staff.app)
            b.open(f"/u/{staff.campaign.slug}/?t={staff.token(name)}")
            b.click("de")
            b.answer_everything()
        with ctx.db.engine.connect() as conn:
            after = conn.execute(text(order), {"c": staff.campaign.id}).scalars().all()
            xmins = (
                conn.execute(
                    text("SELECT DISTINCT xmin::text FROM invitation WHERE campaign_id = :c"),
                    {"c": staff.campaign.id},
                )
                .scalars()
                .all()
            )
        assert after == before
        assert len(xmins) == 1  # the last completing transaction wrote every row
    dispose(ctx)
