"""Dashboard users: argon2-hashed passwords and roles (admin, guide, viewer in a town;
land in the Land's tenant, :mod:`bedarfsradar.tenancy`).

A new or changed password must pass :func:`bedarfsradar.passwords.password_problem`
(12 characters, not common, not built from the user name or the town). Changing a
user's password, role or state ends every session of that user at once
(:func:`bedarfsradar.session.end_user_sessions`, in the same transaction), whether the
change comes from the CLI or the Benutzer page. Failed logins are slowed down by
:mod:`bedarfsradar.throttle`; no account is ever locked."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedarfsradar.db import Database
from bedarfsradar.db.schema import AppUser, AuditLog, Municipality
from bedarfsradar.passwords import MIN_LENGTH, password_problem
from bedarfsradar.session import end_user_sessions

ROLES = ("admin", "guide", "viewer")
LAND_ROLE = "land"
"""The ministry's role: only in the Land's tenant (:func:`bedarfsradar.tenancy.add_user`)."""
MIN_PASSWORD_LENGTH = MIN_LENGTH
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


class WeakPasswordError(UserError):
    """The password is refused; the message is German and shown as it is."""


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


def _check(username: str, role: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", username):
        raise UserError("user name: 2–64 lower-case letters, digits, '.', '_' or '-'")
    if role not in (*ROLES, LAND_ROLE):
        raise UserError(f"role must be one of {', '.join(ROLES)}")


def _check_password(s: Session, municipality_id: int, username: str, password: str) -> None:
    town = s.get(Municipality, municipality_id)
    names = (town.slug, town.name) if town is not None else ()
    if problem := password_problem(password, username, *names):
        raise WeakPasswordError(problem)


def check_new_user(username: str, password: str | None, role: str, *town: str) -> None:
    """Raise :class:`UserError` unless a user with these values could be added to the
    town named ``town`` (slug, name) (for callers that check everything before they store
    anything; ``password`` None: it is asked for later)."""
    _check(username, role)
    if password is not None and (problem := password_problem(password, username, *town)):
        raise WeakPasswordError(problem)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(
    db: Database, municipality_id: int, username: str, password: str, role: str, actor: str = "cli"
) -> None:
    _check(username, role)
    with db.write() as s:
        _check_password(s, municipality_id, username, password)
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
    _check(username, "viewer")
    with db.write() as s:
        user = s.scalar(
            select(AppUser).where(
                AppUser.municipality_id == municipality_id, AppUser.username == username
            )
        )
        if user is None:
            raise UserError(f"no user {username!r}")
        _check_password(s, municipality_id, username, password)
        user.password_hash = _hasher.hash(password)
        end_user_sessions(s, user.id, "password")
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
        if not active:
            end_user_sessions(s, user.id, "disabled")
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


def authenticate(
    db: Database, municipality_id: int, username: str, password: str
) -> UserInfo | None:
    """The user if the password is right and the account active, else None.

    Unknown and disabled users cost one argon2 verification as well, so timing does not
    tell them apart; the caller shows one message for every failure, slows failures down
    and writes their audit rows (:mod:`bedarfsradar.throttle`). A success is audited
    here."""
    with db.write() as s:
        user = s.scalar(
            select(AppUser).where(
                AppUser.municipality_id == municipality_id, AppUser.username == username
            )
        )
        if user is None or not user.active:
            verify_password(_DUMMY_HASH, password)
            return None
        if not verify_password(user.password_hash, password):
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        s.add(AuditLog(municipality_id=municipality_id, actor=username, action="login", detail={}))
        return UserInfo(user.id, user.municipality_id, user.username, user.role, user.active)


def get_user(db: Database, user_id: int) -> UserInfo | None:
    with db.read() as s:
        u = s.get(AppUser, user_id)
        if u is None:
            return None
        return UserInfo(u.id, u.municipality_id, u.username, u.role, u.active)


def list_users(db: Database, municipality_id: int) -> pd.DataFrame:
    """Columns username, role, active (no hashes)."""
    stmt = (
        select(AppUser.username, AppUser.role, AppUser.active)
        .where(AppUser.municipality_id == municipality_id)
        .order_by(AppUser.username)
    )
    with db.read() as s:
        rows = s.execute(stmt).all()
    return pd.DataFrame(rows, columns=["username", "role", "active"])


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
        if role != user.role:
            end_user_sessions(s, user.id, "role")
        user.role = role
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="user.role",
                detail={"username": username, "role": role},
            )
        )
