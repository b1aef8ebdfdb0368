"""Dashboard users: argon2-hashed passwords and roles (admin, guide, viewer)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from bedarfsradar.db import Database
from bedarfsradar.db.schema import AppUser, AuditLog

ROLES = ("admin", "guide", "viewer")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


class UserError(ValueError):
    pass


def _check(username: str, password: str, role: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", username):
        raise UserError("user name: 2–64 lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


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
