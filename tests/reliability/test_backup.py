"""Backup and restore drill on SQLite and PostgreSQL: back up, wipe, restore — the same
responses with the same checksum."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from bedarfsradar.backup import backup, restore
from bedarfsradar.context import load_demo
from bedarfsradar.db import migrate
from tests.conftest import dispose, make_context, scoped


def checksum(ctx) -> tuple[int, str]:
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    rows = sorted(map(str, frame.astype(object).where(frame.notna(), None).itertuples(False)))
    return frame["response_id"].nunique(), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_backup_wipe_restore_gives_identical_data(database_url, tmp_path):
    if database_url.startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    ctx = make_context(database_url)
    load_demo(ctx)
    with scoped(ctx):
        before = checksum(ctx)
    assert before[0] == 505
    path = backup(ctx.owner_db, database_url, tmp_path)
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
