"""The town of the running work, and PostgreSQL's row-level security that enforces it.

One installation serves many towns (tenants). Every tenant row carries
``municipality_id``; the code filters by it, and on PostgreSQL the database filters
again, so a bug in a query can return nothing of another town:

- **The current town** is a context variable (:func:`town_scope`, :func:`set_town`),
  set at the edges only: the survey from the town in its URL, the dashboard from the
  signed-in user, the CLI from ``--town``, a background job per town it works on. Code
  below the edges never chooses a town; it passes ``municipality_id`` in its queries, and
  a wrong one finds nothing because the database sees the edge's town.
- **Per transaction**: the engine's ``begin`` event (:func:`install`; it fires for every
  transaction, an ORM session's ``after_begin`` included, and for the Core connections
  of the survey's hot path) runs ``SELECT set_config('app.municipality_id', <town>,
  true)``. ``true`` makes it local to the transaction: a pooled connection never carries
  a town into the next request (a plain ``SET`` would survive the commit). The raw
  DB-API cursors of :class:`~bedarfsradar.db.engine.Database` do the same
  (:func:`apply_to_cursor`).
- **Fail closed**: every tenant table has ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and
  the policy :data:`TENANT_PREDICATE`; without a town set, ``current_setting(…, true)``
  is NULL or empty and no row is visible or writable.
- **Roles**: migrations run as the owner of the tables (``BEDARFSRADAR_MIGRATION_
  DATABASE_URL``); the application connects as another role without ``BYPASSRLS``
  (``BEDARFSRADAR_DATABASE_URL``), granted what :func:`grant_app_role` lists: it cannot
  create or delete towns, alter tables or change the audit log. ``FORCE`` subjects the
  owner to the policies too; a later migration that moves tenant data sets a town per
  town (or lifts ``FORCE`` for its own transaction and sets it back).
- **Views**: there are none; a view that must respect the policies is created
  ``WITH (security_invoker = true)`` (PostgreSQL 15), else it reads as its owner.
- **Backups**: a whole-database ``pg_dump`` needs a role that bypasses row-level security
  (``BEDARFSRADAR_BACKUP_DATABASE_URL``); one town's rows are dumped by the owner with
  ``--enable-row-security`` and that town set (:mod:`bedarfsradar.backup`).
- **The Land** (the ministry) is a tenant of its own (``municipality.kind = 'land'``):
  its users, its pooled releases and its participation figures are its rows. One more
  policy lets it read the towns' releases that are not withdrawn (:data:`LAND_POLICIES`)
  — never a response, an answer or a user of a town.

Tables holding tenant data without a ``municipality_id`` of their own would need a
policy through their parent (an ``EXISTS`` subquery per row). ``answer`` and
``free_text_code`` got the column instead (migration 0011, backfilled from the
response): one policy for every table, no subquery per row on the six million answer
rows of 100,000 responses, and one rule to test (:func:`tenant_tables`: every table but
the few in :data:`SHARED_TABLES` has the column and the policy).

SQLite has no row-level security: it keeps one town per database file
(:mod:`bedarfsradar.tenancy` refuses a second one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, event, text

SETTING = "app.municipality_id"
POLICY = "tenant_isolation"
TOWN_OF_TRANSACTION = f"NULLIF(current_setting('{SETTING}', true), '')::integer"
TENANT_PREDICATE = f"municipality_id = {TOWN_OF_TRANSACTION}"
"""The one policy of every tenant table (``USING`` and ``WITH CHECK``)."""
IS_LAND = (
    "EXISTS (SELECT 1 FROM municipality m WHERE m.kind = 'land' AND m.id = "  # noqa: S608
    + TOWN_OF_TRANSACTION
    + ")"
)
LAND_POLICIES = {
    "release": ("land_reads_town_releases", f"withdrawn_at IS NULL AND {IS_LAND}"),
}
"""Extra read-only policies for the Land: table -> (policy name, USING expression)."""
SHARED_TABLES = frozenset({"municipality", "alembic_version"})
"""Tables without tenant rows: the list of towns (slug, name, Stadtteile: all public)
and Alembic's revision."""
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


# -- DDL (migrations, as the owner) ----------------------------------------------------------
def enable_statements(table: str) -> list[str]:
    """Row-level security for one tenant table: on, forced for the owner, one policy."""
    out = [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({TENANT_PREDICATE}) '
        f"WITH CHECK ({TENANT_PREDICATE})",
    ]
    if table in LAND_POLICIES:
        name, using = LAND_POLICIES[table]
        out += [
            f'DROP POLICY IF EXISTS {name} ON "{table}"',
            f'CREATE POLICY {name} ON "{table}" FOR SELECT USING ({using})',
        ]
    return out


def disable_statements(table: str) -> list[str]:
    out = [f'DROP POLICY IF EXISTS {POLICY} ON "{table}"']
    if table in LAND_POLICIES:
        out.append(f'DROP POLICY IF EXISTS {LAND_POLICIES[table][0]} ON "{table}"')
    out.append(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    out.append(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
    return out


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


def policies(conn: Connection) -> dict[str, dict[str, Any]]:
    """Per table of the schema: whether RLS is enabled and forced, and its policies."""
    rows = conn.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        )
    ).all()
    out: dict[str, dict[str, Any]] = {
        name: {"enabled": bool(on), "forced": bool(forced), "policies": {}}
        for name, on, forced in rows
    }
    for table, name, cmd, using, check in conn.execute(
        text(
            "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies "
            "WHERE schemaname = current_schema()"
        )
    ).all():
        out[table]["policies"][name] = {"cmd": cmd, "using": using, "check": check}
    return out


def unprotected_tables(conn: Connection, metadata: MetaData) -> list[str]:
    """Tables that could hold a town's rows without the town's protection: every table of
    the database but :data:`SHARED_TABLES` must have row-level security enabled and forced
    and the policy :data:`POLICY` on the transaction's town for reading and writing, and
    every table of the schema with ``municipality_id`` must exist so. Empty: all safe."""
    found = policies(conn)
    out = {name for name in tenant_tables(metadata) if name not in found}
    for table, info in found.items():
        if table in SHARED_TABLES:
            continue
        policy = info["policies"].get(POLICY) or {}
        on_town = all(SETTING in str(policy.get(part) or "") for part in ("using", "check"))
        if not (info["enabled"] and info["forced"] and policy.get("cmd") == "ALL" and on_town):
            out.add(table)
    return sorted(out)
