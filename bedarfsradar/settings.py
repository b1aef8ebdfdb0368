"""One settings object, read from ``BEDARFSRADAR_*`` environment variables (or ``.env``)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bedarfsradar import PROJECT_ROOT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BEDARFSRADAR_", env_file=".env", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "data"
    """Questionnaires, taxonomy, offers, geography — and, by default, the SQLite file."""
    database_url: str = ""
    """``sqlite:///path`` or ``postgresql+psycopg://user:pw@host/db``; empty = SQLite file in
    ``data_dir``."""
    migration_database_url: str = Field(default="", repr=False)
    """The owner of the tables, for migrations and for adding and removing towns; empty =
    ``database_url``. On PostgreSQL with several towns the application's own URL names a
    role that neither owns the tables nor bypasses row-level security
    (:mod:`bedarfsradar.db.rls`)."""
    backup_database_url: str = Field(default="", repr=False)
    """PostgreSQL: a role that may read every town's rows for a whole-database backup
    (``BYPASSRLS``, e.g. with ``pg_read_all_data``); empty = the migration URL, which
    row-level security confines (``backup`` then says so)."""
    municipality: str = "oestrich-winkel"
    """The installation's own town (its Stadtteile: ``data/geography.yaml``); the town of
    the CLI without ``--town``."""
    host: str = "127.0.0.1"
    port: int = 8501
    secret_key: str = Field(default="", repr=False)
    """Signs session cookies and derives receipt codes. Empty = a key kept in
    ``data_dir/.secret_key`` (created on first use, never committed)."""
    backup_dir: Path = PROJECT_ROOT / "backups"
    survey_submissions_per_minute: int = 120
    """Per-campaign limit on completed submissions (anti-bot; the town's peak is ~500/day)."""
    survey_min_fill_seconds: float = 20
    """Online answers submitted faster than this after the privacy notice are held back."""
    secure_cookies: bool = False
    """Set true behind HTTPS so cookies carry the Secure flag."""
    public_base_url: str = "http://localhost:8501"
    """Address respondents reach the survey at (QR codes and posters): ``<base>/u/<slug>/``."""

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bedarfsradar.db'}"

    @property
    def effective_migration_url(self) -> str:
        return self.migration_database_url or self.effective_database_url

    @property
    def effective_backup_url(self) -> str:
        return self.backup_database_url or self.effective_migration_url

    @property
    def effective_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / ".secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def questionnaire_dir(self) -> Path:
        return self.data_dir / "questionnaires"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
