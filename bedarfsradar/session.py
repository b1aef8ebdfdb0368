"""The dashboard session: a random key in a signed cookie, and a row on the server.

``POST /login`` (:mod:`bedarfsradar.login`) starts a session: a row in ``app_session``
with the SHA-256 of a random 256-bit key, the user and the times, and the cookie
``br_session`` holding the user's town and the key, signed with the server secret
(itsdangerous, its own salt). Every request that needs a user asks
:meth:`SessionStore.check`: in the town the cookie names (the transaction's town,
:mod:`bedarfsradar.db.rls`), the row must exist and not be ended, the user must be active
and of that town, the session younger
than the absolute timeout and used within the idle timeout
(:attr:`~bedarfsradar.settings.Settings.session_idle_minutes`,
:attr:`~bedarfsradar.settings.Settings.session_absolute_hours`). The role comes from the
database, never from the cookie.

Logout, and every change of a user's password, role or state (CLI and dashboard alike,
:mod:`bedarfsradar.users`), end every session of that user at once
(:func:`end_user_sessions`): a copy of an old cookie then opens nothing. The last-seen
time is written at most once per :data:`TOUCH_EVERY_SECONDS` per session, so a guide
clicking through the dashboard costs one small write a minute, not one per click.

:meth:`SessionStore.check` reads (and sometimes writes) the database: callers on the event
loop run it in a worker thread.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bedarfsradar.db import Database, rls
from bedarfsradar.db.schema import AppSession, AppUser

COOKIE = "br_session"
ROLES = ("admin", "guide", "viewer", "land")
ANALYST_ROLES = ("admin", "guide")
"""Roles that may see raw responses, free text and raw exports."""
TOUCH_EVERY_SECONDS = 60.0
KEEP_ENDED = timedelta(days=7)
"""Ended or expired session rows are deleted this long after they could last have been
used (at the next login)."""


@dataclass(frozen=True)
class SessionUser:
    user_id: int
    username: str
    role: str
    municipality_id: int
    issued_at: float

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def sees_raw_data(self) -> bool:
        return self.role in ANALYST_ROLES


@dataclass(frozen=True)
class SessionPolicy:
    idle_seconds: float = 30 * 60
    absolute_seconds: float = 8 * 60 * 60

    @classmethod
    def from_settings(cls, settings) -> SessionPolicy:  # type: ignore[no-untyped-def]
        return cls(
            idle_seconds=settings.session_idle_minutes * 60,
            absolute_seconds=settings.session_absolute_hours * 3600,
        )


def key_hash(key: str) -> str:
    """What the server stores of a session key (and names a session by elsewhere)."""
    return hashlib.sha256(key.encode()).hexdigest()


class SessionCodec:
    """The cookie: the session's town and key, signed so a forged or altered cookie costs
    no query. The town says in which tenant the session row is looked up
    (:mod:`bedarfsradar.db.rls`); a cookie naming another town finds no row there."""

    def __init__(self, secret: str):
        self._serializer = URLSafeTimedSerializer(secret, salt="bedarfsradar-session-key")

    def dumps(self, key: str, municipality_id: int) -> str:
        return self._serializer.dumps([int(municipality_id), key])

    def payload(self, token: str | None, max_age: float | None = None) -> tuple[int, str] | None:
        """(town, key) of a validly signed token no older than ``max_age`` seconds, else None."""
        if not token:
            return None
        try:
            found = self._serializer.loads(token, max_age=max_age)
        except (BadSignature, TypeError, ValueError):
            return None
        if not (isinstance(found, list) and len(found) == 2):
            return None
        town, key = found
        if not (isinstance(town, int) and isinstance(key, str) and len(key) >= 32):
            return None
        return town, key

    def loads(self, token: str | None, max_age: float | None = None) -> str | None:
        """The key of a validly signed token (no older than ``max_age`` seconds), else None."""
        found = self.payload(token, max_age)
        return None if found is None else found[1]


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they were written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def end_user_sessions(s: Session, user_id: int, reason: str, now: datetime | None = None) -> None:
    """End every open session of a user, inside the caller's write transaction (so the
    change that causes it and the end are one commit)."""
    s.execute(
        update(AppSession)
        .where(AppSession.user_id == user_id, AppSession.ended_at.is_(None))
        .values(ended_at=now or datetime.now(UTC), end_reason=reason)
    )


class SessionStore:
    """Start, check and end dashboard sessions of one database."""

    def __init__(
        self,
        db: Database,
        secret: str,
        policy: SessionPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.db = db
        self.codec = SessionCodec(secret)
        self.policy = policy or SessionPolicy()
        self.clock = clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    @property
    def cookie_max_age(self) -> int:
        return int(self.policy.absolute_seconds)

    def start(self, user_id: int, municipality_id: int) -> str:
        """A new session of the user: the cookie value to set."""
        key = secrets.token_urlsafe(32)
        now = self._now()
        stale = now - timedelta(seconds=self.policy.absolute_seconds) - KEEP_ENDED
        with rls.town_scope(municipality_id), self.db.write() as s:
            s.execute(
                delete(AppSession).where(
                    AppSession.municipality_id == municipality_id, AppSession.created_at < stale
                )
            )
            s.add(AppSession(municipality_id=municipality_id, user_id=user_id,
                             key_hash=key_hash(key), created_at=now, last_seen_at=now))  # fmt: skip
        return self.codec.dumps(key, municipality_id)

    def key_hash_of(self, token: str | None) -> str | None:
        """The stored name of the session a cookie claims (signature checked, no query):
        what downloads are bound to."""
        key = self.codec.loads(token, self.policy.absolute_seconds)
        return None if key is None else key_hash(key)

    def check(self, token: str | None, municipality_id: int | None = None) -> SessionUser | None:
        """The user of a live session, else None; the session is looked up in the town its
        cookie names (and must be of ``municipality_id`` where one is given). Ends a
        session found past a timeout and notes its use (at most once a minute)."""
        found_key = self.codec.payload(token, self.policy.absolute_seconds)
        if found_key is None:
            return None
        town, key = found_key
        if municipality_id is not None and town != municipality_id:
            return None
        with rls.town_scope(town):
            return self._check(key_hash(key), town)

    def _check(self, digest: str, municipality_id: int) -> SessionUser | None:
        now = self._now()
        stmt = (
            select(AppSession, AppUser)
            .join(AppUser, AppUser.id == AppSession.user_id)
            .where(AppSession.key_hash == digest, AppSession.municipality_id == municipality_id)
        )
        with self.db.read() as s:
            found = s.execute(stmt).first()
        if found is None:
            return None
        session, user = found
        if session.ended_at is not None or not user.active:
            return None
        if not (session.municipality_id == user.municipality_id == municipality_id):
            return None
        created, seen = _aware(session.created_at), _aware(session.last_seen_at)
        expired = None
        if (now - created).total_seconds() >= self.policy.absolute_seconds:
            expired = "absolute"
        elif (now - seen).total_seconds() >= self.policy.idle_seconds:
            expired = "idle"
        if expired or (now - seen).total_seconds() >= TOUCH_EVERY_SECONDS:
            values = {"ended_at": now, "end_reason": expired} if expired else {"last_seen_at": now}
            with self.db.write() as s:
                s.execute(
                    update(AppSession)
                    .where(AppSession.id == session.id, AppSession.ended_at.is_(None))
                    .values(**values)
                )
        if expired:
            return None
        return SessionUser(user.id, user.username, user.role, user.municipality_id,
                           created.timestamp())  # fmt: skip

    def end_all(self, user: SessionUser, reason: str) -> None:
        """End every session of the user (logout ends them on every device)."""
        with rls.town_scope(user.municipality_id), self.db.write() as s:
            end_user_sessions(s, user.user_id, reason, self._now())
