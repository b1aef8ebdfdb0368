"""Dashboard users: argon2-hashed passwords and roles (admin, guide, viewer in a town;
land in the Land's tenant, :mod:`bedarfsradar.tenancy`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedarfsradar.db import Database
from bedarfsradar.db.schema import AppUser, AuditLog

ROLES = ("admin", "guide", "viewer")
LAND_ROLE = "land"
"""The ministry's role: only in the Land's tenant (:func:`bedarfsradar.tenancy.add_user`)."""
MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


@dataclass(frozen=True)
class UserInfo:
    id: int
    municipality_id: int
    username: str
    role: str
    active: bool


class UserError(ValueError):
    pass


class LastAdminError(UserError):
    """The change would leave the municipality without an active admin."""


def _guard_last_admin(s: Session, user: AppUser, role: str, active: bool) -> None:
    """Refuse to demote or disable the last active admin (nobody could manage users then)."""
    if not (user.role == "admin" and user.active) or (role == "admin" and active):
        return
    others = s.scalar(
        select(func.count(AppUser.id)).where(
            AppUser.municipality_id == user.municipality_id,
            AppUser.role == "admin",
            AppUser.active.is_(True),
            AppUser.id != user.id,
        )
    )
    if not others:
        raise LastAdminError(f"{user.username} is the last active admin; add another admin first")


def _check(username: str, password: str, role: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", username):
        raise UserError("user name: 2–64 lower-case letters, digits, '.', '_' or '-'")
    if role not in (*ROLES, LAND_ROLE):
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def check_new_user(username: str, password: str, role: str) -> None:
    """Raise :class:`UserError` unless a user with these values could be added (for
    callers that check everything before they store anything)."""
    _check(username, password, role)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(
    db: Database, municipality_id: int, username: str, password: str, role: str, actor: str = "cli"
) -> None:
    _check(username, password, role)
    with db.write() as s:
        exists = s.scalar(
            select(AppUser.id).where(
                AppUser.municipality_id == municipality_id, AppUser.username == username
            )
        )
        if exists is not None:
            raise UserError(f"user {username!r} exists already")
        s.add(
            AppUser(
                municipality_id=municipality_id,
                username=username,
                password_hash=_hasher.hash(password),
                role=role,
            )
        )
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="user.add",
                detail={"username": username, "role": role},
            )
        )


def set_password(
    db: Database, municipality_id: int, username: str, password: str, actor: str = "cli"
) -> None:
    _check(username, password, "viewer")
    with db.write() as s:
        user = s.scalar(
            select(AppUser).where(
                AppUser.municipality_id == municipality_id, AppUser.username == username
            )
        )
        if user is None:
            raise UserError(f"no user {username!r}")
        user.password_hash = _hasher.hash(password)
        user.failed_logins = 0
        user.locked_until = None
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="user.passwd",
                detail={"username": username},
            )
        )


def set_active(
    db: Database, municipality_id: int, username: str, active: bool, actor: str = "cli"
) -> None:
    with db.write() as s:
        user = s.scalar(
            select(AppUser).where(
                AppUser.municipality_id == municipality_id, AppUser.username == username
            )
        )
        if user is None:
            raise UserError(f"no user {username!r}")
        _guard_last_admin(s, user, user.role, active)
        user.active = active
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="user.enable" if active else "user.disable",
                detail={"username": username},
            )
        )


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def user_exists(db: Database, municipality_id: int, username: str) -> bool:
    with db.read() as s:
        return (
            s.scalar(
                select(AppUser.id).where(
                    AppUser.municipality_id == municipality_id, AppUser.username == username
                )
            )
            is not None
        )


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def authenticate(
    db: Database, municipality_id: int, username: str, password: str, now: datetime | None = None
) -> UserInfo | None:
    """The user if the password is right and the account active and not locked, else None.

    After :data:`MAX_FAILED_LOGINS` consecutive failures the account is locked for
    :data:`LOCKOUT` (no password is checked while locked). Unknown, disabled and locked
    users cost one argon2 verification as well, so timing does not tell them apart; the
    caller shows one message for every failure."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        user = s.scalar(
            select(AppUser).where(
                AppUser.municipality_id == municipality_id, AppUser.username == username
            )
        )
        if user is None or not user.active:
            verify_password(_DUMMY_HASH, password)
            return None
        locked_until = _aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            verify_password(_DUMMY_HASH, password)
            s.add(AuditLog(municipality_id=municipality_id, actor=username,
                           action="login.locked", detail={}))  # fmt: skip
            return None
        if not verify_password(user.password_hash, password):
            user.failed_logins = (user.failed_logins or 0) + 1
            detail: dict[str, object] = {"failed": user.failed_logins}
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
                detail["locked_minutes"] = int(LOCKOUT.total_seconds() // 60)
            s.add(AuditLog(municipality_id=municipality_id, actor=username,
                           action="login.failed", detail=detail))  # fmt: skip
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.failed_logins = 0
        user.locked_until = None
        s.add(AuditLog(municipality_id=municipality_id, actor=username, action="login", detail={}))
        return UserInfo(user.id, user.municipality_id, user.username, user.role, user.active)


def get_user(db: Database, user_id: int) -> UserInfo | None:
    with db.read() as s:
        u = s.get(AppUser, user_id)
        if u is None:
            return None
        return UserInfo(u.id, u.municipality_id, u.username, u.role, u.active)


def list_users(db: Database, municipality_id: int) -> pd.DataFrame:
    """Columns username, role, active, locked_until (no hashes)."""
    stmt = (
        select(AppUser.username, AppUser.role, AppUser.active, AppUser.locked_until)
        .where(AppUser.municipality_id == municipality_id)
        .order_by(AppUser.username)
    )
    with db.read() as s:
        rows = s.execute(stmt).all()
    return pd.DataFrame(rows, columns=["username", "role", "active", "locked_until"])


def set_role(
    db: Database, municipality_id: int, username: str, role: str, actor: str = "cli"
) -> None:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    with db.write() as s:
        user = s.scalar(
            select(AppUser).where(
                AppUser.municipality_id == municipality_id, AppUser.username == username
            )
        )
        if user is None:
            raise UserError(f"no user {username!r}")
        _guard_last_admin(s, user, role, user.active)
        user.role = role
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="user.role",
                detail={"username": username, "role": role},
            )
        )
