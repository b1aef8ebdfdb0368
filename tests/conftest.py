"""Shared fixtures: real SQLite files and, where configured, real PostgreSQL databases.

PostgreSQL tests use ``BEDARFSRADAR_TEST_POSTGRES_URL`` (a role allowed to create
databases: it owns the tables and runs the migrations); each test gets a fresh database
that is dropped afterwards. ``BEDARFSRADAR_TEST_POSTGRES_APP_URL`` names the application's
role (no owner, no ``BYPASSRLS``; its database part is replaced by the test's): contexts
on PostgreSQL connect with it, so row-level security is what the tests meet. Locally they
skip when the variables are absent; with ``BEDARFSRADAR_REQUIRE_POSTGRES=1`` (set by
``.ci/run``) a missing or unreachable server fails the run instead of skipping.

Contexts run in the scope of the installation's own town (:func:`scoped`), as the CLI
does without ``--town``: on PostgreSQL nothing of a town is visible without one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import AppContext, init_db
from bedarfsradar.db import rls
from bedarfsradar.settings import Settings

PG_URL = os.environ.get("BEDARFSRADAR_TEST_POSTGRES_URL", "")
PG_APP_URL = os.environ.get("BEDARFSRADAR_TEST_POSTGRES_APP_URL", "")
REQUIRE_PG = os.environ.get("BEDARFSRADAR_REQUIRE_POSTGRES") == "1"
DATA_DIR = PROJECT_ROOT / "data"


def _pg_unavailable(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL required (BEDARFSRADAR_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """Create an empty database beside ``BEDARFSRADAR_TEST_POSTGRES_URL`` (skips, or fails
    in CI, when there is none), yield its URL, drop it."""
    if not PG_URL:
        _pg_unavailable("BEDARFSRADAR_TEST_POSTGRES_URL is not set")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        _pg_unavailable(f"cannot create a test database: {exc}")
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with fresh_postgres_database("br_test") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def app_url(owner_url: str) -> str:
    """The application role's URL for the owner's database (the owner's URL without
    ``BEDARFSRADAR_TEST_POSTGRES_APP_URL``, or for SQLite)."""
    if not PG_APP_URL or not owner_url.startswith("postgresql"):
        return owner_url
    database = make_url(owner_url).database
    return make_url(PG_APP_URL).set(database=database).render_as_string(hide_password=False)


def make_context(url: str, secret_key: str = "test-secret") -> AppContext:
    """A context on ``url`` (PostgreSQL: the application role, migrations as the owner)."""
    settings = Settings(
        database_url=app_url(url),
        migration_database_url=url,
        data_dir=DATA_DIR,
        secret_key=secret_key,
    )
    return AppContext(settings)


def add_municipality(context: AppContext, slug: str, name: str) -> int:
    """A second town in the database (as its owner; SQLite too, where the code's own
    filters are what keeps them apart)."""
    from bedarfsradar.db.schema import Municipality

    with context.owner_db.write() as s:
        row = Municipality(slug=slug, name=name)
        s.add(row)
        s.flush()
        return int(row.id)


@contextmanager
def scoped(context: AppContext) -> Iterator[AppContext]:
    """The block in the scope of the context's own town (its database initialised)."""
    init_db(context)
    with rls.town_scope(context.home_municipality_id):
        yield context


def dispose(context: AppContext) -> None:
    context.db.dispose()
    if context.owner_db is not context.db:
        context.owner_db.dispose()


@pytest.fixture
def ctx(database_url: str) -> Iterator[AppContext]:
    """An initialised database (migrated, questionnaires and offers loaded), both engines,
    in the scope of its town."""
    context = make_context(database_url)
    with scoped(context):
        yield context
    dispose(context)


@pytest.fixture
def sqlite_ctx(sqlite_url: str) -> Iterator[AppContext]:
    context = make_context(sqlite_url)
    with scoped(context):
        yield context
    dispose(context)
