"""Who is logged in: the one function every page asks (:func:`current_user`).

The session cookie is set by ``/login`` (:mod:`bedarfsradar.login`); Streamlit hands the
cookies of the websocket's opening request to ``st.context.cookies``. The user must still
exist, be active, belong to the server's municipality and have the name and role the
cookie names. Tests replace ``current_user`` with
``monkeypatch`` (AppTest has no real cookies); there is no bypass in this module.
"""

from __future__ import annotations

import streamlit as st

from bedarfsradar.session import COOKIE, SessionCodec, SessionUser
from bedarfsradar.users import get_user
from dashboard import data

ROLE_LABELS = {"admin": "Verwaltung (Admin)", "guide": "Integrationsguide", "viewer": "Lesend"}


def current_user() -> SessionUser | None:
    ctx = data.context()
    user = SessionCodec(ctx.settings.effective_secret_key).loads(st.context.cookies.get(COOKIE))
    if user is None or user.municipality_id != ctx.municipality_id:
        return None
    stored = get_user(ctx.db, user.user_id)
    if stored is None or not stored.active or stored.role != user.role:
        return None
    if stored.municipality_id != user.municipality_id or stored.username != user.username:
        return None  # the id names another town's (or another) user: never trust the cookie
    return user


def require(*roles: str) -> SessionUser:
    """The logged-in user, or stop the page: a login link when nobody is logged in, a
    message when the role is not among ``roles`` (empty = any role)."""
    user = current_user()
    if user is None:
        st.warning("Bitte melden Sie sich an, um das Dashboard zu sehen.")
        st.markdown("[Zur Anmeldung](/login)")
        st.stop()
    if roles and user.role not in roles:
        st.error("Für diese Seite fehlt Ihrer Rolle die Berechtigung.")
        st.stop()
    return user  # type: ignore[return-value]
