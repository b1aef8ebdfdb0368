"""Towns as tenants in one process: ``town add`` with its first admin, survey links that
carry the town, login into a town, the dashboard's caches and the CLI per town, and bad
input refused in German with nothing stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar import tenancy
from bedarfsradar.db import rls
from bedarfsradar.db.schema import AppUser, Municipality, QuestionnaireVersion, Response
from bedarfsradar.server import routes
from bedarfsradar.session import COOKIE, SessionCodec
from bedarfsradar.users import authenticate
from tests.tenancy.conftest import PASSWORD, SECRET, Network
from tests.test_cli import run_cli
from tests.test_survey import Respondent, run_to_review, submit

NOT_FOUND = "Diese Befragung gibt es nicht"


def _app(network: Network) -> Starlette:
    app = Starlette(routes=routes(network.ctx))
    app.routes[1].app.state.survey.config.min_fill_seconds = 0  # type: ignore[attr-defined]
    return app


def _owner_count(network: Network, table: str) -> int:
    """Rows of a table over every town (as the owner with row-level security lifted for
    this one read: what the database really holds)."""
    with network.ctx.owner_db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        n = int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
        conn.rollback()
    return n


def _cli_env(network: Network) -> dict[str, str]:
    from tests.conftest import app_url

    return {
        "BEDARFSRADAR_DATABASE_URL": app_url(network.owner_url),
        "BEDARFSRADAR_MIGRATION_DATABASE_URL": network.owner_url,
        "BEDARFSRADAR_SECRET_KEY": SECRET,
    }


# -- town add --------------------------------------------------------------------------------
def test_a_new_town_has_the_core_questionnaires_with_its_name_and_stadtteile(network):
    ctx = network.ctx
    with rls.town_scope(network.b):
        with ctx.db.read() as s:
            versions = s.scalars(
                select(QuestionnaireVersion).where(
                    QuestionnaireVersion.municipality_id == network.b
                )
            ).all()
        newcomer = ctx.storage.questionnaire_bundle(
            next(v.id for v in versions if v.audience == "newcomer")
        )
    assert sorted(v.audience for v in versions) == ["administration", "newcomer", "volunteer"]
    q = newcomer.questionnaire
    assert "Idstein" in q.title and "Oestrich-Winkel" not in newcomer.content_json()
    assert [(o.code, o.label) for o in q.option_sets["stadtteil"]] == [
        ("nord", "Nord"),
        ("sued", "Süd"),
    ]
    assert newcomer.translations["ar"].strings["options.stadtteil.sued"] == "Süd"
    with rls.town_scope(network.b):
        volunteer = ctx.storage.questionnaire_bundle(
            next(v.id for v in versions if v.audience == "volunteer")
        )
    outside = volunteer.questionnaire.option_sets["stadtteil"][-1]
    assert (outside.code, outside.label) == ("outside", "außerhalb von Idstein")
    assert "Idstein" in newcomer.translations["ar"].strings["title"]
    core_ids = tenancy.core_question_ids(ctx.bundles())["newcomer"]
    assert {question.id for _, question in q.questions()} == core_ids


def test_the_first_admin_logs_into_the_new_town_only(network):
    db = network.ctx.db
    with rls.town_scope(network.b):
        admin = authenticate(db, network.b, "b-admin", PASSWORD)
    assert admin is not None and admin.role == "admin" and admin.municipality_id == network.b
    with rls.town_scope(network.a):
        assert authenticate(db, network.a, "b-admin", PASSWORD) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["idstein", "--name", "Idstein", "--stadtteile", "Nord"], "gibt es bereits"),
        (["land", "--name", "Land", "--stadtteile", "Nord"], "ist reserviert"),
        (["Bad Slug", "--name", "X", "--stadtteile", "Nord"], "als Kürzel nicht möglich"),
        (["taunusstein", "--name", "Taunusstein", "--stadtteile", "Nord, Nord"], "nur einmal"),
        (["taunusstein", "--name", "Taunusstein", "--stadtteile", " , "], "mindestens einen"),
    ],
)
def test_town_add_refuses_bad_input_in_german_and_stores_nothing(network, args, message):
    before = {t: _owner_count(network, t) for t in ("municipality", "app_user", "audit_log")}
    done = run_cli("town", "add", *args, "--admin", "erste", "--password-stdin",
                   env=_cli_env(network), stdin=PASSWORD + "\n")  # fmt: skip
    assert done.returncode == 5, done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert {t: _owner_count(network, t) for t in before} == before


def test_town_add_refuses_a_weak_admin_password_before_storing_anything(network):
    before = _owner_count(network, "municipality")
    with pytest.raises(tenancy.TownError, match="mindestens 12 Zeichen"):
        tenancy.add_town(network.ctx, "taunusstein", "Taunusstein", "Nord", "erste", "kurz")
    # strong elsewhere, but built from the new town's own name
    with pytest.raises(tenancy.TownError, match="Namen der Stadt"):
        tenancy.add_town(network.ctx, "taunusstein", "Taunusstein", "Nord", "erste",
                         "Taunusstein-2026!")  # fmt: skip
    assert _owner_count(network, "municipality") == before


def test_an_admin_for_an_unknown_town_is_refused_in_german(network):
    before = _owner_count(network, "app_user")
    done = run_cli("--town", "nirgendwo", "user", "add", "x-admin", "--role", "admin",
                   "--password-stdin", env=_cli_env(network), stdin=PASSWORD + "\n")  # fmt: skip
    assert done.returncode == 5
    assert "Die Kommune „nirgendwo“ gibt es in dieser Installation nicht." in done.stderr
    assert _owner_count(network, "app_user") == before


def test_cli_commands_work_on_the_named_town(network):
    env = _cli_env(network)
    added = run_cli("--town", "idstein", "user", "add", "b-guide2", "--role", "guide",
                    "--password-stdin", env=env, stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    with rls.town_scope(network.b), network.ctx.db.read() as s:
        owner = s.scalar(select(AppUser.municipality_id).where(AppUser.username == "b-guide2"))
    assert owner == network.b
    listed = run_cli("town", "list", env=env)
    assert "idstein\tIdstein\ttown\tNord, Süd" in listed.stdout
    assert "oestrich-winkel\tOestrich-Winkel\ttown" in listed.stdout


def test_sqlite_keeps_one_town(sqlite_ctx):
    with pytest.raises(tenancy.TownError, match="Auf SQLite hat eine Installation genau eine"):
        tenancy.add_town(sqlite_ctx, "idstein", "Idstein", "Nord", "b-admin", PASSWORD)
    with sqlite_ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Municipality)) == 1


# -- survey links ----------------------------------------------------------------------------
def test_survey_links_carry_the_town(network):
    c = TestClient(_app(network))
    a = c.get("/u/oestrich-winkel/zugewanderte/")
    b = c.get("/u/idstein/zugewanderte/")
    assert a.status_code == b.status_code == 200
    assert "Oestrich-Winkel" in c.get("/u/oestrich-winkel/zugewanderte/de/").text
    intro = c.get("/u/idstein/zugewanderte/de/").text
    assert "Idstein" in intro and "Oestrich-Winkel" not in intro
    assert 'href="/u/idstein/zugewanderte/de/' in b.text  # the pages' own links keep the town


def test_a_link_to_another_towns_campaign_shows_nothing_and_stores_nothing(network):
    c = TestClient(_app(network))
    before = _owner_count(network, "response")
    for path in ("/u/idstein/nur-a/", "/u/oestrich-winkel/nur-b/", "/u/idstein/nur-a/de/"):
        page = c.get(path)
        assert page.status_code == 404 and NOT_FOUND in page.text, path
        assert "Nur hier" not in page.text
    posted = c.post("/u/idstein/nur-a/de/start", data={"csrf": "x"})
    assert posted.status_code == 404
    assert _owner_count(network, "response") == before


def test_the_old_link_without_town_works_only_where_there_is_one_town(network, sqlite_ctx):
    assert TestClient(_app(network)).get("/u/zugewanderte/").status_code == 404
    mid = sqlite_ctx.municipality_id
    version = sqlite_ctx.storage.latest_version(mid, "newcomer")
    sqlite_ctx.storage.create_campaign(mid, "alt", "Alter Link", version)
    c = TestClient(Starlette(routes=routes(sqlite_ctx)))
    assert c.get("/u/alt/").status_code == 200
    assert c.get("/u/oestrich-winkel/alt/").status_code == 200


def test_a_response_through_the_towns_link_is_stored_in_that_town(network):
    app = _app(network)
    r = Respondent(app, slug="idstein/zugewanderte")
    run_to_review(r, stadtteil="nord")
    client_uuid = submit(r)
    assert r.path == "/u/idstein/zugewanderte/de/danke"
    # the thank-you page points to this town's results pages
    assert 'href="/ergebnisse/idstein/"' in r.page.text
    ctx = network.ctx
    with rls.town_scope(network.b):
        frame = ctx.storage.answers_frame(network.b)
    assert client_uuid in set(frame["response_id"])
    with rls.town_scope(network.a):
        assert client_uuid not in set(ctx.storage.answers_frame(network.a)["response_id"])
    with rls.town_scope(network.b), ctx.db.read() as s:
        town = s.scalar(select(Response.municipality_id).where(Response.client_uuid == client_uuid))
    assert town == network.b


# -- login and dashboard -----------------------------------------------------------------------
def _login(client: TestClient, username: str, town: str) -> object:
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client.post("/login", data={"csrf": csrf, "username": username,
                                       "password": PASSWORD, "kommune": town})  # fmt: skip


def test_login_names_the_town_and_the_session_carries_it(network):
    c = TestClient(Starlette(routes=routes(network.ctx)), follow_redirects=False)
    form = c.get("/login").text
    assert '<select id="kommune" name="kommune"' in form and ">Idstein</option>" in form
    assert _login(c, "nur-b-guide", "oestrich-winkel").status_code == 401  # type: ignore[attr-defined]
    ok = _login(c, "nur-b-guide", "idstein")
    assert ok.status_code == 303  # type: ignore[attr-defined]
    cookie = ok.cookies[COOKIE]  # type: ignore[attr-defined]
    assert SessionCodec(SECRET).payload(cookie)[0] == network.b  # type: ignore[index]
    user = network.ctx.sessions.check(cookie)
    assert user is not None and (user.username, user.municipality_id) == ("nur-b-guide", network.b)


def test_the_dashboards_caches_are_per_town(network, monkeypatch):
    import streamlit as st

    import dashboard.data as data

    monkeypatch.setattr(data, "context", lambda: network.ctx)
    st.cache_data.clear()
    st.cache_resource.clear()
    seen = {}
    for town in (network.a, network.b):
        with rls.town_scope(town):
            version = data.data_version()
            seen[town] = (version, {c.slug for c in data.campaign_list()}, data.survey_data())
    assert seen[network.a][0].town == network.a and seen[network.b][0].town == network.b
    assert {"zugewanderte", "nur-a", "zugewanderte-w1"} <= seen[network.a][1]
    assert {"zugewanderte", "nur-b", "zugewanderte-w1"} <= seen[network.b][1]
    assert "nur-b" not in seen[network.a][1] and "nur-a" not in seen[network.b][1]
    ids_a = set(seen[network.a][2].respondents.index)
    ids_b = set(seen[network.b][2].respondents.index)
    assert network.b_uuid in ids_b and network.b_uuid not in ids_a and not ids_a & ids_b
