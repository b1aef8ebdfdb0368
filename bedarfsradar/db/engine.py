"""Engine and session factory: the one way to reach the database.

SQLite (default): WAL, ``synchronous=FULL``, ``busy_timeout`` and foreign keys on every
connection; write transactions start with ``BEGIN IMMEDIATE`` so that concurrent writers
queue for the lock instead of failing on upgrade (plain ``BEGIN`` lost 336 of 500
submissions under 50 writers in a probe). Read transactions stay deferred, so the
dashboard never blocks the survey. Writers of one process also take turns on a lock per
database file before ``BEGIN IMMEDIATE``: SQLite's own busy handler waits by sleeping
(1, 2, 5 … 100 ms), a thread lock hands over at once, so 50 concurrent respondents queue
in microseconds instead of sleeping; other processes (CLI, backup) still meet
``busy_timeout``.

PostgreSQL: ``pool_pre_ping`` so a server restart is invisible to the next request; every
transaction, ORM, Core or raw cursor, starts by setting the current town for row-level
security (:mod:`bedarfsradar.db.rls`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

from bedarfsradar.db import rls

SQLITE_BUSY_TIMEOUT_MS = 30_000
_SQLITE_WRITERS: dict[str, threading.RLock] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()


def _sqlite_writer_lock(database: str) -> threading.RLock:
    """One lock per database file for every :class:`Database` of this process (the
    dashboard builds its own contexts beside the server's)."""
    with _SQLITE_WRITERS_GUARD:
        return _SQLITE_WRITERS.setdefault(database, threading.RLock())


class DatabaseConfigError(ValueError):
    """The database URL cannot be used; the message is one line for the CLI."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Autocommit at the driver level: SQLAlchemy's "begin" event below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseConfigError(f"cannot parse database URL {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseConfigError(
            f"unsupported database {backend!r}: use sqlite:///… or postgresql+psycopg://…"
        )
    try:
        if backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                from pathlib import Path

                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(
                parsed, pool_pre_ping=True, pool_size=10, max_overflow=20, pool_recycle=1800
            )
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseConfigError(f"no driver for {parsed.drivername!r}: {exc}") from exc
    return engine


@dataclass
class Database:
    """Engine plus session factories; ``write()`` for transactions that change data."""

    engine: Engine

    def __post_init__(self) -> None:
        rls.install(self.engine)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = (
            self.engine.execution_options(sqlite_write=True) if self.is_sqlite else self.engine
        )
        self._write = sessionmaker(self._writer, expire_on_commit=False)
        database = self.engine.url.database or ""
        self._turn: AbstractContextManager[Any] = (
            _sqlite_writer_lock(database)
            if self.is_sqlite and database not in ("", ":memory:")
            else nullcontext()
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self._turn, self._write() as session, session.begin():
            yield session

    @contextmanager
    def write_cursor(self) -> Iterator[Any]:
        """A DB-API cursor in a write transaction, for the survey's hot path: statements
        compiled once by SQLAlchemy run here without its per-call execution machinery
        (the pool, ``pool_pre_ping`` and the SQLite pragmas still apply). Committed on
        success, rolled back on any exception; driver errors surface as SQLAlchemy's
        (``sqlalchemy.exc.OperationalError`` …), like everywhere else."""
        with self._turn, self._raw_cursor() as (raw, cursor):
            try:
                if self.is_sqlite:
                    cursor.execute("BEGIN IMMEDIATE")
                else:
                    rls.apply_to_cursor(cursor)
                yield cursor
                raw.commit()
            except BaseException:
                with suppress(Exception):  # a dead connection cannot roll back
                    raw.rollback()
                raise

    @contextmanager
    def read_cursor(self) -> Iterator[Any]:
        """A DB-API cursor for one read statement (SQLite: its own implicit transaction;
        PostgreSQL: rolled back when the connection returns to the pool)."""
        with self._raw_cursor() as (_, cursor):
            if not self.is_sqlite:
                rls.apply_to_cursor(cursor)
            yield cursor

    @contextmanager
    def _raw_cursor(self) -> Iterator[tuple[PoolProxiedConnection, Any]]:
        dbapi_error: Any = self.engine.dialect.loaded_dbapi.Error  # the driver's base error
        raw: PoolProxiedConnection | None = None
        try:
            raw = self.engine.raw_connection()
            cursor = raw.cursor()
            try:
                yield raw, cursor
            finally:
                with suppress(Exception):
                    cursor.close()
        except dbapi_error as exc:
            gone = raw is None or self.engine.dialect.is_disconnect(exc, raw.dbapi_connection, None)
            if gone and raw is not None:
                raw.invalidate(exc)  # the pool opens a new connection next time
            raise DBAPIError.instance(
                None, None, exc, dbapi_error, connection_invalidated=gone
            ) from exc
        finally:
            if raw is not None:
                raw.close()

    def dispose(self) -> None:
        self.engine.dispose()
