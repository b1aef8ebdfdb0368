"""Alembic environment: uses the engine handed over by bedarfsradar.db.migrate.

SQLite cannot alter a column in place, so a batch migration copies the table, drops the
old one and renames the copy. With ``foreign_keys=ON`` (the engine's setting) dropping
``response`` would cascade-delete every answer. Foreign keys are therefore switched off
for the migration (outside the transaction, where SQLite honours the pragma), checked with
``PRAGMA foreign_key_check`` before the commit, and switched on again afterwards.
"""

from alembic import context

from bedarfsradar.db.schema import Base

config = context.config
engine = config.attributes["engine"]
is_sqlite = engine.dialect.name == "sqlite"

with engine.connect() as connection:
    raw = connection.connection.dbapi_connection if is_sqlite else None
    if raw is not None:
        raw.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=is_sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if raw is not None:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        connection.commit()
    finally:
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")
