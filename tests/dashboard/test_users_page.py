"""Benutzer: only admins manage users; every change is audited; one active admin remains."""

from __future__ import annotations

import time

import pytest
import streamlit as st
from sqlalchemy import select

from bedarfsradar.audit import entries
from bedarfsradar.context import init_db
from bedarfsradar.db.schema import AppUser
from bedarfsradar.session import SessionUser
from bedarfsradar.users import add_user, authenticate, list_users
from tests.conftest import make_context
from tests.dashboard.conftest import run_page
from tests.test_cli import run_cli

PASSWORD = "ein-langes-passwort"


@pytest.fixture
def users_ctx(tmp_path, monkeypatch):
    """A fresh database with one admin ``chefin``, logged in as her on the pages."""
    import dashboard.auth
    import dashboard.data

    ctx = make_context(f"sqlite:///{tmp_path / 'users.db'}")
    init_db(ctx)
    add_user(ctx.db, ctx.municipality_id, "chefin", PASSWORD, "admin")
    monkeypatch.setattr(dashboard.data, "context", lambda: ctx)
    st.cache_data.clear()

    def login(role: str | None, name: str = "chefin") -> None:
        user = role and SessionUser(1, name, role, ctx.municipality_id, time.time())
        monkeypatch.setattr(dashboard.auth, "current_user", lambda: user or None)

    ctx.login = login
    login("admin")
    yield ctx
    ctx.db.dispose()


def _users(ctx) -> dict[str, tuple[str, bool]]:
    frame = list_users(ctx.db, ctx.municipality_id)
    return {r.username: (r.role, bool(r.active)) for r in frame.itertuples()}


def _actions(ctx) -> list[tuple[str, str, str]]:
    log = entries(ctx.db, ctx.municipality_id)
    return [(r.actor, r.action, r.detail.get("username", "")) for r in log.itertuples()]


@pytest.mark.parametrize("role", [None, "viewer", "guide"])
def test_only_admins_reach_the_user_page(users_ctx, role):
    users_ctx.login(role, "someone")
    at = run_page("users.py")
    assert len(at.dataframe) == 0 and len(at.get("form")) == 0 and len(at.button) == 0
    if role is None:
        assert "Bitte melden Sie sich an" in at.warning[0].value
    else:
        assert "Berechtigung" in at.error[0].value


def test_admin_adds_a_user_with_an_argon2_hash_and_it_is_audited(users_ctx):
    at = run_page("users.py")
    assert at.dataframe[0].value["Benutzer"].tolist() == ["chefin"]
    at.text_input(key="new-user-name").set_value("lena")
    at.selectbox(key="new-user-role").set_value("viewer")
    at.text_input(key="new-user-pw").set_value(PASSWORD)
    at.text_input(key="new-user-pw2").set_value(PASSWORD)
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert not at.exception and not at.error
    assert "lena angelegt" in at.success[0].value
    assert "lena" in at.dataframe[0].value["Benutzer"].tolist()
    with users_ctx.db.read() as s:
        stored = s.scalar(select(AppUser.password_hash).where(AppUser.username == "lena"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(users_ctx.db, users_ctx.municipality_id, "lena", PASSWORD).role == "viewer"
    assert ("chefin", "user.add", "lena") in _actions(users_ctx)


def test_bad_input_is_refused_in_german_and_nothing_is_stored(users_ctx):
    at = run_page("users.py")
    at.text_input(key="new-user-name").set_value("Lena Groß")
    at.text_input(key="new-user-pw").set_value(PASSWORD)
    at.text_input(key="new-user-pw2").set_value(PASSWORD)
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert "Benutzername" in at.error[0].value
    at.text_input(key="new-user-name").set_value("lena")
    at.text_input(key="new-user-pw").set_value("kurz")
    at.text_input(key="new-user-pw2").set_value("kurz")
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert "mindestens 12 Zeichen" in at.error[0].value
    for weak in ("password1234", "oestrich-winkel-2026", "lena-lena-lena"):  # common, town, name
        at.text_input(key="new-user-name").set_value("lena")  # the form clears on submit
        at.text_input(key="new-user-pw").set_value(weak)
        at.text_input(key="new-user-pw2").set_value(weak)
        next(b for b in at.button if b.label == "Anlegen").click().run()
        assert "Das Passwort ist zu" in at.error[0].value, weak
    assert set(_users(users_ctx)) == {"chefin"}


def test_role_change_disable_enable_and_password_reset_are_audited(users_ctx):
    add_user(users_ctx.db, users_ctx.municipality_id, "tom", PASSWORD, "guide")
    at = run_page("users.py")
    at.selectbox(key="user-edit").set_value("tom").run()
    at.selectbox(key="user-role").set_value("viewer").run()
    at.button(key="user-set-role").click().run()
    assert "Rolle ist jetzt Lesend" in at.success[0].value
    assert _users(users_ctx)["tom"] == ("viewer", True)
    at.button(key="user-toggle").click().run()
    assert _users(users_ctx)["tom"] == ("viewer", False)
    assert at.button(key="user-toggle").label == "Aktivieren"
    at.button(key="user-toggle").click().run()
    assert _users(users_ctx)["tom"] == ("viewer", True)
    at.text_input[0].set_value("ganz-neues-passwort")
    at.text_input[1].set_value("ganz-neues-passwort")
    next(b for b in at.button if b.label == "Passwort setzen").click().run()
    assert "Neues Passwort für tom" in at.success[0].value
    mid = users_ctx.municipality_id
    assert authenticate(users_ctx.db, mid, "tom", "ganz-neues-passwort") is not None
    actions = _actions(users_ctx)
    for action in ("user.role", "user.disable", "user.enable", "user.passwd"):
        assert ("chefin", action, "tom") in actions


def test_the_last_active_admin_cannot_demote_or_disable_herself(users_ctx):
    at = run_page("users.py")
    at.selectbox(key="user-edit").set_value("chefin").run()
    assert "eigenes Konto" in at.warning[0].value
    at.button(key="user-toggle").click().run()
    assert "mindestens ein aktiver Admin" in at.error[0].value
    at.selectbox(key="user-role").set_value("guide").run()
    at.button(key="user-set-role").click().run()
    assert "mindestens ein aktiver Admin" in at.error[0].value
    assert _users(users_ctx)["chefin"] == ("admin", True)
    # with a second active admin she may step down
    add_user(users_ctx.db, users_ctx.municipality_id, "vertretung", PASSWORD, "admin")
    at.run()
    at.button(key="user-set-role").click().run()
    assert _users(users_ctx)["chefin"] == ("guide", True)


def test_cli_user_role_changes_the_role_and_guards_the_last_admin(tmp_path):
    env = {"BEDARFSRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "BEDARFSRADAR_SECRET_KEY": "cli-test-secret"}  # fmt: skip
    assert run_cli("init-db", env=env).returncode == 0
    for name, role in (("anna", "admin"), ("ben", "guide")):
        added = run_cli("user", "add", name, "--role", role, "--password-stdin", env=env,
                        stdin=PASSWORD + "\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
    done = run_cli("user", "role", "ben", "--role", "viewer", env=env)
    assert (done.returncode, done.stdout.strip()) == (0, "role of ben: viewer")
    last = run_cli("user", "role", "anna", "--role", "guide", env=env)
    assert last.returncode == 5
    assert last.stderr.strip() == (
        "bedarfsradar: anna is the last active admin; add another admin first"
    )
    missing = run_cli("user", "role", "ben", env=env)
    assert missing.returncode == 5 and "--role" in missing.stderr
    ctx = make_context(env["BEDARFSRADAR_DATABASE_URL"], env["BEDARFSRADAR_SECRET_KEY"])
    assert _users(ctx) == {"anna": ("admin", True), "ben": ("viewer", True)}
    ctx.db.dispose()
