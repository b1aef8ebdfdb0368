"""The town of the running work: a context variable, set at the edges, sent to the
database with every transaction.

One installation serves many towns (tenants). Every tenant row carries
``municipality_id`` and the code filters by it. The current town
(:func:`town_scope`, :func:`set_town`) is set at the edges only: the survey from the town
in its URL, the dashboard from the signed-in user, the CLI from ``--town``, a background
job per town it works on. Code below the edges does not choose a town.

On PostgreSQL the engine's ``begin`` event (:func:`install`; it fires for every
transaction, an ORM session's included, and for the Core connections of the survey's
hot path) runs ``SELECT set_config('app.municipality_id', <town>, true)``; the raw DB-API
cursors of :class:`~bedarfsradar.db.engine.Database` do the same
(:func:`apply_to_cursor`). ``true`` makes it local to the transaction: a pooled
connection never carries a town into the next request (a plain ``SET`` would survive
the commit). Row-level security policies read it (migration 0008).

Migrations run as the owner of the tables (``BEDARFSRADAR_MIGRATION_DATABASE_URL``); the
application may connect as another role, granted what :func:`grant_app_role` lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, event, text

SETTING = "app.municipality_id"

APP_READ_ONLY = frozenset({"municipality", "alembic_version"})
APP_APPEND_ONLY = frozenset({"audit_log"})
NO_TOWN = 0
"""A town that does not exist (ids start at 1): work scoped to it finds nothing, in the
code's own filters and in the database (e.g. a survey address that names no known town)."""

_TOWN: ContextVar[int | None] = ContextVar("bedarfsradar_town", default=None)


def current_town() -> int | None:
    """The town the running work belongs to (None: no town; on PostgreSQL no tenant row
    is visible then)."""
    return _TOWN.get()


@contextmanager
def town_scope(municipality_id: int | None) -> Iterator[None]:
    """Run the block for one town (None: for none); the previous town afterwards."""
    token = _TOWN.set(municipality_id)
    try:
        yield
    finally:
        _TOWN.reset(token)


def set_town(municipality_id: int | None) -> None:
    """Set the town for the rest of this context (a dashboard script run, which starts
    by setting it from the signed-in user every time)."""
    _TOWN.set(municipality_id)


def _config_sql(town: int) -> str:
    return f"SELECT set_config('{SETTING}', '{int(town)}', true)"


def _begin(conn: Connection) -> None:
    town = _TOWN.get()
    if town is not None:  # unset: nothing to do, the transaction-local value is gone
        conn.exec_driver_sql(_config_sql(town))


def install(engine: Engine) -> None:
    """Set the current town at the start of every transaction on ``engine``
    (PostgreSQL)."""
    if engine.dialect.name == "postgresql" and not event.contains(engine, "begin", _begin):
        event.listen(engine, "begin", _begin)


def apply_to_cursor(cursor: Any) -> None:
    """The same for a raw DB-API cursor at the start of its transaction (PostgreSQL)."""
    town = _TOWN.get()
    if town is not None:
        cursor.execute(_config_sql(town))


def tenant_tables(metadata: MetaData) -> list[str]:
    """Tables whose rows belong to one town (they have ``municipality_id``)."""
    return sorted(name for name, t in metadata.tables.items() if "municipality_id" in t.c)


def grant_app_role(conn: Connection, role: str) -> None:
    """What the application role may do (run by the owner after every migration, so new
    tables are covered): read the shared tables, append to the audit log, read and write
    the other tables (within the policies), use the sequences. Never own, alter or
    bypass."""
    quoted = conn.dialect.identifier_preparer.quote(role)
    tables = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ).scalars()
    for table in tables:
        name = conn.dialect.identifier_preparer.quote(table)
        conn.exec_driver_sql(f"REVOKE ALL ON {name} FROM {quoted}")
        if table in APP_READ_ONLY:
            rights = "SELECT"
        elif table in APP_APPEND_ONLY:
            rights = "SELECT, INSERT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        conn.exec_driver_sql(f"GRANT {rights} ON {name} TO {quoted}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
