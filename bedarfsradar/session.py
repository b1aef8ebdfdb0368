"""The dashboard session: a signed cookie naming the logged-in user.

The cookie carries user id, user name, role, municipality and the time it was issued,
signed with the server secret (itsdangerous, its own salt) and valid for
:data:`MAX_AGE_SECONDS`. It is set by ``/login`` (:mod:`bedarfsradar.login`) and read by
the Streamlit pages through :func:`dashboard.auth.current_user`, which also checks that
the user still exists, is active and has the same role (so disabling a user or changing
a role ends their sessions at once).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "br_session"
MAX_AGE_SECONDS = 8 * 60 * 60
ROLES = ("admin", "guide", "viewer", "land")
ANALYST_ROLES = ("admin", "guide")
"""Roles that may see raw responses, free text and raw exports."""


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


class SessionCodec:
    def __init__(self, secret: str):
        self._serializer = URLSafeTimedSerializer(secret, salt="bedarfsradar-session")

    def dumps(self, user: SessionUser) -> str:
        return self._serializer.dumps(asdict(user))

    def loads(self, token: str | None, max_age: int = MAX_AGE_SECONDS) -> SessionUser | None:
        """The user of a valid, unexpired token; None for anything else."""
        if not token:
            return None
        try:
            data = self._serializer.loads(token, max_age=max_age)
            user = SessionUser(**data)
        except (BadSignature, TypeError, ValueError):
            return None
        if user.role not in ROLES or user.issued_at > time.time() + 60:
            return None
        return user
