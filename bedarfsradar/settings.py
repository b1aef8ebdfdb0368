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
    survey_seconds_per_question: float = 2
    """Online answers submitted sooner after the privacy notice than this many seconds per
    question shown are flagged for review (:mod:`surveys.web.fill_time`); 0: off."""
    secure_cookies: bool | None = None
    """Cookies carry the Secure flag: unset = whenever :attr:`public_base_url` is https
    (see :attr:`effective_secure_cookies`); a request that arrived over https always gets
    Secure cookies."""
    public_base_url: str = "http://localhost:8501"
    """Address respondents reach the survey at (QR codes and posters): ``<base>/u/<slug>/``."""
    forwarded_allow_ips: str = ""
    """Addresses of a reverse proxy (TLS in front of the server) whose ``X-Forwarded-For``
    and ``X-Forwarded-Proto`` headers are trusted, comma-separated (e.g. ``127.0.0.1``);
    empty = no proxy, the connection's own address and scheme count."""
    session_idle_minutes: float = 30
    """A dashboard session ends after this long without a request or click."""
    session_absolute_hours: float = 8
    """A dashboard session ends this long after the login, however active."""
    download_minutes: float = 10
    """How long a dashboard download (``/media/…``) stays available to the session that
    made it after the page showing it last ran."""
    smtp_host: str = ""
    """Mail server for invitations and reminders (:mod:`surveys.invitations.mail`); empty =
    no e-mail (letters only)."""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    """``starttls`` (port 587), ``ssl`` (implicit TLS, port 465) or ``none`` (only for a
    server on this machine, e.g. in tests)."""
    smtp_username: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_from: str = ""
    """Sender address, e.g. ``Integrationsguide Oestrich-Winkel <integration@…>``."""
    smtp_timeout: float = 20.0

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bedarfsradar.db'}"

    @property
    def effective_secure_cookies(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.public_base_url.strip().lower().startswith("https://")

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
