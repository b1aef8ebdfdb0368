"""Shared fixtures: real SQLite files and, where configured, real PostgreSQL databases.

PostgreSQL tests use ``BEDARFSRADAR_TEST_POSTGRES_URL`` (a role allowed to create
databases); each test gets a fresh database that is dropped afterwards. Locally they skip
when the variable is absent; with ``BEDARFSRADAR_REQUIRE_POSTGRES=1`` (set by ``.ci/run``)
a missing or unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import AppContext, init_db
from bedarfsradar.settings import Settings

PG_URL = os.environ.get("BEDARFSRADAR_TEST_POSTGRES_URL", "")
REQUIRE_PG = os.environ.get("BEDARFSRADAR_REQUIRE_POSTGRES") == "1"
DATA_DIR = PROJECT_ROOT / "data"


def _pg_unavailable(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL required (BEDARFSRADAR_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    if not PG_URL:
        _pg_unavailable("BEDARFSRADAR_TEST_POSTGRES_URL is not set")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    name = f"br_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        _pg_unavailable(f"cannot create a test database: {exc}")
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def make_context(url: str, secret_key: str = "test-secret") -> AppContext:
    return AppContext(Settings(database_url=url, data_dir=DATA_DIR, secret_key=secret_key))


@pytest.fixture
def ctx(database_url: str) -> Iterator[AppContext]:
    """An initialised database (migrated, questionnaires and offers loaded), both engines."""
    context = make_context(database_url)
    init_db(context)
    yield context
    context.db.dispose()


@pytest.fixture
def sqlite_ctx(sqlite_url: str) -> Iterator[AppContext]:
    context = make_context(sqlite_url)
    init_db(context)
    yield context
    context.db.dispose()
