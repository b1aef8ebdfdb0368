"""Who is logged in: the one function every page asks (:func:`current_user`).

The session cookie is set by ``/login`` (:mod:`bedarfsradar.login`); Streamlit hands the
cookies of the websocket's opening request to ``st.context.cookies``. Every page run
checks the session on the server (:meth:`bedarfsradar.session.SessionStore.check`): it
must not have ended (logout, password, role or state change), be within the idle and
absolute timeouts, and belong to an active user of the server's municipality; name and
role come from the database. Tests replace ``current_user`` with ``monkeypatch`` (AppTest
has no real cookies); there is no bypass in this module.
"""

from __future__ import annotations

import streamlit as st

from bedarfsradar.session import COOKIE, SessionUser
from dashboard import data

ROLE_LABELS = {"admin": "Verwaltung (Admin)", "guide": "Integrationsguide", "viewer": "Lesend"}


def current_user() -> SessionUser | None:
    ctx = data.context()
    return ctx.sessions.check(st.context.cookies.get(COOKIE), ctx.municipality_id)


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
