"""Backup and restore drill on SQLite and PostgreSQL: back up, wipe, restore — the same
responses with the same checksum."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest
from sqlalchemy.engine import make_url

from bedarfsradar.backup import BackupError, backup, restore
from bedarfsradar.context import load_demo
from bedarfsradar.db import migrate
from tests.conftest import _pg_unavailable, dispose, make_context, scoped

PG_BACKUP_URL = os.environ.get("BEDARFSRADAR_TEST_POSTGRES_BACKUP_URL", "")


def checksum(ctx) -> tuple[int, str]:
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    rows = sorted(map(str, frame.astype(object).where(frame.notna(), None).itertuples(False)))
    return frame["response_id"].nunique(), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def backup_url(database_url: str) -> str:
    """Who makes a whole backup: on PostgreSQL a role that bypasses row-level security
    (``BEDARFSRADAR_TEST_POSTGRES_BACKUP_URL``, its database part replaced)."""
    if not database_url.startswith("postgresql"):
        return database_url
    if not PG_BACKUP_URL:
        _pg_unavailable("BEDARFSRADAR_TEST_POSTGRES_BACKUP_URL is not set (a BYPASSRLS role)")
    database = make_url(database_url).database
    return make_url(PG_BACKUP_URL).set(database=database).render_as_string(hide_password=False)


def test_backup_wipe_restore_gives_identical_data(database_url, tmp_path):
    if database_url.startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    ctx = make_context(database_url)
    load_demo(ctx)
    with scoped(ctx):
        before = checksum(ctx)
    assert before[0] == 505
    path = backup(ctx.owner_db, backup_url(database_url), tmp_path)
    assert path.stat().st_size > 10_000
    ctx.db.dispose()
    migrate.downgrade(ctx.owner_db, "base")  # wipe: every table gone
    ctx.owner_db.dispose()
    restore(ctx.owner_db, database_url, path)
    restored = make_context(database_url)
    assert migrate.is_current(restored.db)
    with scoped(restored):
        assert checksum(restored) == before
    dispose(restored)
    dispose(ctx)


def test_a_whole_backup_by_a_role_row_level_security_confines_is_refused_clearly(
    postgres_url, tmp_path
):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    ctx = make_context(postgres_url)
    load_demo(ctx)
    with pytest.raises(BackupError, match="BEDARFSRADAR_BACKUP_DATABASE_URL"):
        backup(ctx.owner_db, postgres_url, tmp_path)  # the owner: confined (FORCE)
    dispose(ctx)
