"""Backup and restore: SQLite online backup API; ``pg_dump -Fc`` / ``pg_restore`` on
PostgreSQL. A restore replaces the whole database with the backup's content.

On PostgreSQL every town's rows are behind row-level security
(:mod:`bedarfsradar.db.rls`), the owner's too: a whole backup is made by a role that
bypasses it (``BEDARFSRADAR_BACKUP_DATABASE_URL``); a restore runs as the owner (the rows
are loaded before the policies are switched on again)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bedarfsradar.db import Database


class BackupError(RuntimeError):
    pass


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    u = make_url(url)
    args = ["--host", u.host or "localhost", "--port", str(u.port or 5432)]
    if u.username:
        args += ["--username", u.username]
    env = {"PGPASSWORD": u.password} if u.password else {}
    return [*args, "--dbname", u.database or ""], env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    import os

    if shutil.which(cmd[0]) is None:
        raise BackupError(f"{cmd[0]} not found: install the PostgreSQL client tools")
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        if "row-level security" in done.stderr:
            raise BackupError(
                f"{cmd[0]}: the database role is confined by row-level security; a whole "
                "backup needs a role that bypasses it (BEDARFSRADAR_BACKUP_DATABASE_URL), "
                "or back up one town (--town SLUG backup)"
            )
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip().splitlines()[-1:]}")


def backup(db: Database, url: str, target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if db.is_sqlite:
        target = target_dir / f"bedarfsradar-{stamp}.sqlite"
        src = sqlite3.connect(make_url(url).database or "")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target
    target = target_dir / f"bedarfsradar-{stamp}.dump"
    args, env = _pg_args(url)
    _run(["pg_dump", "-Fc", "--no-owner", "--file", str(target), *args], env)
    return target


def restore(db: Database, url: str, source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no backup file {source}")
    db.dispose()
    if db.is_sqlite:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            src.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            src.close()
            raise BackupError(f"{source.name} is not a SQLite backup: {exc}") from exc
        dst = sqlite3.connect(make_url(url).database or "")
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    args, env = _pg_args(url)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(source),
        ],
        env,
    )
