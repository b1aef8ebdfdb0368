"""A throw-away PostgreSQL database for one benchmark run."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError


@contextmanager
def temporary_database(admin_url: str, prefix: str) -> Iterator[str]:
    """Create a database beside ``admin_url`` (a role with CREATEDB), yield its URL, drop
    it. The drop is retried: PostgreSQL refuses ``WITH (FORCE)`` while an autovacuum
    worker (not the role's own process) is still in the database."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        for attempt in range(10):  # bounded
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except DBAPIError:
                if attempt == 9:
                    raise
                time.sleep(1)
        admin.dispose()
