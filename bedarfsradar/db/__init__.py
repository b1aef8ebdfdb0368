"""Database: engine and sessions (engine), schema (schema), Alembic migrations (migrate)."""

from bedarfsradar.db.engine import Database, DatabaseConfigError, make_engine

__all__ = ["Database", "DatabaseConfigError", "make_engine"]
