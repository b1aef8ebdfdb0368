"""Who is logged in: the one function every page asks (:func:`current_user`).

The session cookie is set by ``/login`` (:mod:`bedarfsradar.login`); Streamlit hands the
cookies of the websocket's opening request to ``st.context.cookies``. Every page run
checks the session on the server (:meth:`bedarfsradar.session.SessionStore.check`): it
must not have ended (logout, password, role or state change), be within the idle and
absolute timeouts, and belong to an active user of the town the cookie names; name and
role come from the database. That town is then the current town of the script run
(:mod:`bedarfsradar.db.rls`: every query of the page, cached or not, is that town's, and
on PostgreSQL the database shows no other). Tests replace ``current_user`` with
``monkeypatch`` (AppTest has no real cookies); there is no bypass in this module.
"""

from __future__ import annotations

import streamlit as st

from bedarfsradar.db import rls
from bedarfsradar.session import COOKIE, SessionUser
from dashboard import data

TOWN_ROLES = ("admin", "guide", "viewer")
ROLE_LABELS = {"admin": "Verwaltung (Admin)", "guide": "Integrationsguide", "viewer": "Lesend",
               "land": "Land (Ministerium)"}  # fmt: skip


def current_user() -> SessionUser | None:
    """The signed-in user (None: nobody), checked in the town the cookie names."""
    ctx = data.context()
    return ctx.sessions.check(st.context.cookies.get(COOKIE))


def enter_town(user: SessionUser | None) -> None:
    """The user's town as the current town of this script run (none without a user)."""
    rls.set_town(user.municipality_id if user is not None else None)


def require(*roles: str) -> SessionUser:
    """The logged-in user, or stop the page: a login link when nobody is logged in, a
    message when the role is not among ``roles`` (empty = any of a town's roles; the
    Land's role opens only the pages that name it)."""
    user = current_user()
    enter_town(user)
    if user is None:
        st.warning("Bitte melden Sie sich an, um das Dashboard zu sehen.")
        st.markdown("[Zur Anmeldung](/login)")
        st.stop()
    assert user is not None
    if user.role not in (roles or TOWN_ROLES):
        st.error("Für diese Seite fehlt Ihrer Rolle die Berechtigung.")
        st.stop()
    return user
