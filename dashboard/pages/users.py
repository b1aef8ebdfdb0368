"""Benutzer (admin only): list dashboard users, add one, change a role, disable or enable,
set a new password. :mod:`bedarfsradar.users` checks passwords (12 characters, not
common, not built from the name or the town: German reasons shown as they are), hashes
with argon2, writes every change to the audit log (actor = the admin), refuses to demote
or disable the last active admin, and ends every session of a user whose password, role
or state changes — one's own too."""

import streamlit as st

from bedarfsradar.users import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    LastAdminError,
    UserError,
    WeakPasswordError,
    add_user,
    list_users,
    set_active,
    set_password,
    set_role,
)
from dashboard import auth, data

user = auth.require("admin")
ctx = data.context()
mid = ctx.municipality_id
st.title("Benutzer")


def german(exc: UserError) -> str:
    """The core's message in the dashboard's language."""
    text = str(exc)
    if isinstance(exc, WeakPasswordError):
        return text
    if isinstance(exc, LastAdminError):
        return "Es muss mindestens ein aktiver Admin bleiben: zuerst einen anderen Admin anlegen."
    if "exists already" in text:
        return "Diesen Benutzernamen gibt es schon."
    if text.startswith("user name"):
        return "Benutzername: 2–64 Kleinbuchstaben, Ziffern, „.“, „_“ oder „-“."
    return f"Nicht möglich: {text}"


def attempt(change, success: str) -> None:  # type: ignore[no-untyped-def]
    try:
        change()
    except UserError as exc:
        st.error(german(exc))
    else:
        st.session_state["users-done"] = success
        st.rerun()


if done := st.session_state.pop("users-done", None):
    st.success(done)
users = list_users(ctx.db, mid)
st.dataframe(
    users.assign(
        role=users["role"].map(auth.ROLE_LABELS),
        active=users["active"].map({True: "ja", False: "nein"}),
    ).rename(
        columns={
            "username": "Benutzer",
            "role": "Rolle",
            "active": "aktiv",
        }
    ),
    hide_index=True,
    key="users",
)

st.header("Benutzer ändern")
name = st.selectbox("Benutzer", users["username"].tolist(), key="user-edit")
if name:
    row = users.set_index("username").loc[name]
    if name == user.username:
        st.warning(
            "Das ist Ihr eigenes Konto: eine andere Rolle, ein neues Passwort oder "
            "Deaktivieren beendet Ihre Sitzung."
        )
    cols = st.columns(2)
    with cols[0]:
        role = st.selectbox(
            "Rolle",
            ROLES,
            index=ROLES.index(row["role"]),
            format_func=auth.ROLE_LABELS.get,
            key="user-role",
        )
        if st.button("Rolle ändern", key="user-set-role", disabled=role == row["role"]):
            attempt(
                lambda: set_role(ctx.db, mid, name, role, actor=user.username),
                f"{name}: Rolle ist jetzt {auth.ROLE_LABELS[role]}.",
            )
    with cols[1]:
        active = bool(row["active"])
        if st.button("Deaktivieren" if active else "Aktivieren", key="user-toggle"):
            attempt(
                lambda: set_active(ctx.db, mid, name, not active, actor=user.username),
                f"{name} ist jetzt {'deaktiviert' if active else 'aktiv'}.",
            )
    with st.form("user-password", clear_on_submit=True):
        st.write(f"Neues Passwort für **{name}** (beendet alle Sitzungen von {name})")
        first = st.text_input("Neues Passwort", type="password")
        second = st.text_input("Passwort wiederholen", type="password")
        if st.form_submit_button("Passwort setzen"):
            if first != second:
                st.error("Die Passwörter stimmen nicht überein.")
            else:
                attempt(
                    lambda: set_password(ctx.db, mid, name, first, actor=user.username),
                    f"Neues Passwort für {name} gesetzt.",
                )

st.header("Neuen Benutzer anlegen")
with st.form("user-add", clear_on_submit=True):
    new_name = st.text_input("Benutzername (Kleinbuchstaben)", key="new-user-name")
    new_role = st.selectbox(
        "Rolle", ROLES, index=1, format_func=auth.ROLE_LABELS.get, key="new-user-role"
    )
    pw1 = st.text_input(
        f"Passwort (mindestens {MIN_PASSWORD_LENGTH} Zeichen; gut: drei, vier zufällige Wörter)",
        type="password",
        key="new-user-pw",
    )
    pw2 = st.text_input("Passwort wiederholen", type="password", key="new-user-pw2")
    if st.form_submit_button("Anlegen"):
        if pw1 != pw2:
            st.error("Die Passwörter stimmen nicht überein.")
        else:
            attempt(
                lambda: add_user(ctx.db, mid, new_name.strip(), pw1, new_role, actor=user.username),
                f"{new_name.strip()} angelegt ({auth.ROLE_LABELS[new_role]}).",
            )
st.caption(
    "Passwörter werden nur als argon2-Hash gespeichert; jede Änderung steht im Audit-Protokoll."
)
