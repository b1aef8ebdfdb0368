"""Isolation in the database (PostgreSQL row-level security), not only in the code: every
tenant table protected, the application's role unable to bypass it, no town = no row, a
pooled connection that carries nothing into the next town's transaction, and code that
asks for another town's rows by id gets none."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from bedarfsradar import audit, users
from bedarfsradar.db import Database, rls
from bedarfsradar.db.schema import Base, Release, Response
from surveys.offers import offers_frame
from surveys.responses.answers import AnswerRow
from surveys.responses.storage import CampaignClosed
from tests.conftest import app_url
from tests.tenancy.conftest import MARK_A, MARK_B

TENANT_TABLES = rls.tenant_tables(Base.metadata)


def test_every_table_with_town_data_has_forced_row_level_security_and_the_town_policy(network):
    with network.ctx.owner_db.engine.connect() as conn:
        assert rls.unprotected_tables(conn, Base.metadata) == []
        found = rls.policies(conn)
    assert set(TENANT_TABLES) >= {"answer", "free_text_code", "response", "release", "app_user"}
    for table in TENANT_TABLES:
        policy = found[table]["policies"][rls.POLICY]
        assert "current_setting('app.municipality_id'::text, true)" in policy["using"]
        assert policy["using"] == policy["check"], table
    # the Land reads the towns' releases in force, nothing else
    land = {(t, n) for t, info in found.items() for n in info["policies"] if n != rls.POLICY}
    assert land == {("release", "land_reads_town_releases")}
    assert found["release"]["policies"]["land_reads_town_releases"]["cmd"] == "SELECT"


def test_a_new_table_without_the_policy_is_found(network):
    """The guard of the test above: a table holding town rows without protection (created
    here in a transaction that is rolled back) is reported."""
    with network.ctx.owner_db.engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE neue_tabelle (id int, municipality_id int)")
        conn.exec_driver_sql("CREATE TABLE reminder (id int, response_id int)")
        assert rls.unprotected_tables(conn, Base.metadata) == ["neue_tabelle", "reminder"]
        conn.exec_driver_sql("ALTER TABLE neue_tabelle ENABLE ROW LEVEL SECURITY")
        conn.exec_driver_sql(
            f"CREATE POLICY {rls.POLICY} ON neue_tabelle USING ({rls.TENANT_PREDICATE}) "
            f"WITH CHECK ({rls.TENANT_PREDICATE})"
        )
        assert "neue_tabelle" in rls.unprotected_tables(conn, Base.metadata)  # not forced yet
        conn.exec_driver_sql("ALTER TABLE neue_tabelle FORCE ROW LEVEL SECURITY")
        assert rls.unprotected_tables(conn, Base.metadata) == ["reminder"]
        conn.rollback()


def test_the_application_role_neither_owns_the_tables_nor_bypasses_the_policies(network):
    with network.ctx.db.engine.connect() as conn:
        role = conn.execute(
            text(
                "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
        ).one()
        owners = set(
            conn.execute(
                text("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
        )
        assert role.rolname not in owners and not role.rolsuper and not role.rolbypassrls
        # and it may not create a town, alter a table or rewrite the audit log
        for statement in (
            "INSERT INTO municipality (slug, name, kind) VALUES ('x', 'X', 'town')",
            "ALTER TABLE response DISABLE ROW LEVEL SECURITY",
            "UPDATE audit_log SET actor = 'niemand'",
        ):
            with pytest.raises(ProgrammingError):
                conn.exec_driver_sql(statement)
            conn.rollback()


def test_without_a_town_no_row_is_visible_and_none_can_be_written(network):
    db = network.ctx.db
    with db.read() as s:
        for table in TENANT_TABLES:
            n = s.scalar(select(func.count()).select_from(Base.metadata.tables[table]))
            assert n == 0, table
    with rls.town_scope(network.a), db.read() as s:
        assert s.scalar(select(func.count()).select_from(Response)) > 500  # counter-check
    with pytest.raises(DBAPIError, match="row-level security"), db.write() as s:
        s.execute(text("INSERT INTO setting (municipality_id, key, value) VALUES (:m, 'k', '{}')"),
                  {"m": network.a})  # fmt: skip


def test_a_pooled_connection_reused_by_another_town_sees_nothing_of_the_first(network):
    """One connection in the pool: town A's transaction, then B's, then none - and a raw
    cursor (the survey's hot path) after A's, and a transaction of A that failed."""
    engine = create_engine(app_url(network.owner_url), pool_size=1, max_overflow=0,
                           pool_pre_ping=True)  # as bedarfsradar.db.engine.make_engine # fmt: skip
    db = Database(engine)
    pid = "SELECT pg_backend_pid()"
    try:
        with rls.town_scope(network.a), db.read() as s:
            first = s.scalar(text(pid))
            a_ids = set(s.scalars(select(Response.client_uuid)))
        assert network.a_uuid in a_ids
        with rls.town_scope(network.b), db.read() as s:
            assert s.scalar(text(pid)) == first  # the same connection
            b_ids = set(s.scalars(select(Response.client_uuid)))
            towns = set(s.scalars(select(Response.municipality_id)))
        assert network.b_uuid in b_ids and not a_ids & b_ids and towns == {network.b}
        with db.read() as s:  # no town: the transaction-local setting is gone
            assert s.scalar(text(pid)) == first
            assert s.scalar(select(func.count()).select_from(Response)) == 0
        with rls.town_scope(network.a), db.read_cursor() as cur:
            cur.execute("SELECT count(*) FROM response WHERE municipality_id <> %s", (network.a,))
            assert cur.fetchone()[0] == 0
        with rls.town_scope(network.b), db.read_cursor() as cur:
            cur.execute(pid)
            assert cur.fetchone()[0] == first
            cur.execute("SELECT count(*) FROM response WHERE municipality_id = %s", (network.a,))
            assert cur.fetchone()[0] == 0
        with pytest.raises(ZeroDivisionError), rls.town_scope(network.a), db.write() as s:
            s.execute(select(Response.id)).all()
            raise ZeroDivisionError  # A's transaction fails half way
        with db.read() as s:
            assert s.scalar(text(pid)) == first
            assert s.scalar(text(f"SELECT {rls.TOWN_OF_TRANSACTION}")) is None
            assert s.scalar(select(func.count()).select_from(Response)) == 0
        # taken out of the pool in A, its transaction begun in B: B's rows only
        with rls.town_scope(network.a):
            conn = engine.connect()
        with rls.town_scope(network.b), conn.begin():
            assert set(conn.execute(select(Response.municipality_id)).scalars()) == {network.b}
        # after a commit the next transaction sets the town again (in A; none: nothing)
        with rls.town_scope(network.a):
            conn.commit()
            assert set(conn.execute(select(Response.municipality_id)).scalars()) == {network.a}
            conn.commit()
        assert conn.execute(select(func.count()).select_from(Response)).scalar() == 0
        conn.close()
        # a connection whose server process is gone is replaced at checkout, unnoticed, and
        # the new one gets the town too
        owner = create_engine(network.owner_url)
        with owner.begin() as c:
            c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first})
        owner.dispose()
        with rls.town_scope(network.a), db.read() as s:
            assert s.scalar(text(pid)) != first
            assert network.a_uuid in set(s.scalars(select(Response.client_uuid)))
    finally:
        engine.dispose()


def test_code_that_asks_for_another_towns_rows_by_id_gets_none_from_the_database(network):
    """The code filters by the town it is given; here it is given town B while the
    request is town A's (a bug): the database still shows nothing of B and stores
    nothing for B."""
    ctx, b = network.ctx, network.b
    with rls.town_scope(network.a):
        assert ctx.storage.answers_frame(b).empty
        assert ctx.storage.campaigns(b) == []
        assert ctx.storage.response_counts(b).empty
        assert offers_frame(ctx.db, b).empty
        assert users.list_users(ctx.db, b).empty
        assert audit.entries(ctx.db, b).empty
        assert ctx.releases.releases(b) == []
        with ctx.db.read() as s:
            b_release = s.scalar(select(Release.id).where(Release.municipality_id == b))
        assert b_release is None
        assert ctx.storage.delete_by_receipt(network.b_receipt.code, b) is False
        with pytest.raises(CampaignClosed):  # B's campaign is invisible: nothing written
            ctx.storage.complete_response(network.b_campaign, "planted-by-a",
                                          [AnswerRow("helps_most", text=MARK_A)], "de")  # fmt: skip
    with rls.town_scope(b):
        frame = ctx.storage.answers_frame(b)
        assert network.b_uuid in set(frame["response_id"])  # B's answer is still there
        assert "planted-by-a" not in set(frame["response_id"])
        assert MARK_B in set(frame["text"].dropna())


def test_the_land_reads_the_towns_releases_and_nothing_else(network):
    from bedarfsradar import tenancy

    ctx = network.ctx
    land = tenancy.ensure_land(ctx)
    with rls.town_scope(land), ctx.db.read() as s:
        towns = set(s.scalars(select(Release.municipality_id)))
        assert towns == {network.a, network.b}
        for table in TENANT_TABLES:
            if table == "release":
                continue
            n = s.scalar(select(func.count()).select_from(Base.metadata.tables[table]))
            assert n == 0, table
    with rls.town_scope(network.a), ctx.db.read() as s:  # a town reads no other's release
        assert set(s.scalars(select(Release.municipality_id))) == {network.a}
