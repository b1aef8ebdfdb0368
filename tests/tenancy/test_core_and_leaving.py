"""Shared core, local additions, per-town backups and a town leaving the network (issue
30, parts 4 and 5 of the README's "Betrieb für das Land"), on the two-town network."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select, text
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar import audit, land, tenancy
from bedarfsradar.db import rls
from bedarfsradar.db.schema import Base, Campaign, Municipality, QuestionnaireVersion
from bedarfsradar.server import routes
from bedarfsradar.town_data import town_rows
from bedarfsradar.users import authenticate
from surveys.responses.answers import AnswerRow
from surveys.web.state import COOKIE as STATE_COOKIE
from surveys.web.state import StateCodec, new_state
from tests.conftest import dispose, make_context
from tests.tenancy.conftest import MARK_A, MARK_B, PASSWORD, SECRET
from tests.tenancy.test_towns import _cli_env
from tests.test_cli import run_cli

ADDITIONS = """
sections:
  - id: lokal_idstein
    title: Fragen der Stadt Idstein
    questions:
      - id: lokal_treffpunkt
        type: single
        label: Kennen Sie das Stadtteilcafé Treffpunkt-Idstein-4711?
        options: yes_no
"""
TAKEN = """
sections:
  - id: lokal_idstein
    title: Fragen der Stadt Idstein
    questions:
      - id: stadtteil
        type: text
        label: Eine Frage mit der Id einer Frage des Kerns
"""


def _versions(network, town: int) -> int:
    with rls.town_scope(town), network.ctx.db.read() as s:
        stmt = select(func.count()).select_from(QuestionnaireVersion)
        return int(s.scalar(stmt.where(QuestionnaireVersion.municipality_id == town)))


def test_a_town_adds_its_own_questions_beside_the_core_and_they_never_reach_the_land(
    network, tmp_path
):
    ctx, env = network.ctx, _cli_env(network)
    bad = tmp_path / "belegt.yaml"
    bad.write_text(TAKEN, encoding="utf-8")
    before = _versions(network, network.b)
    refused = run_cli("--town", "idstein", "additions", str(bad), "--yes", env=env)
    assert refused.returncode == 4 and "gibt es im Kernfragebogen" in refused.stderr
    assert _versions(network, network.b) == before  # nothing stored

    good = tmp_path / "zusatz.yaml"
    good.write_text(ADDITIONS, encoding="utf-8")
    stored = run_cli("--town", "idstein", "additions", str(good), "--yes", env=env)
    assert stored.returncode == 0, stored.stderr
    with rls.town_scope(network.b):
        vid = ctx.storage.latest_version(network.b, "newcomer")
        own = ctx.storage.questionnaire_bundle(vid).questionnaire
        core = tenancy.core_of(ctx, tenancy.town_by_id(ctx, network.b))["newcomer"].questionnaire
        for _, question in core.questions():  # every core question as it was
            assert own.question(question.id) == question
        assert [s.id for s in own.sections][-2:] == ["lokal_idstein", "final"]
        campaign = ctx.storage.create_campaign(network.b, "lokal-w5", "Welle 5", vid, wave=5)
        ctx.storage.complete_response(
            campaign, "lokal-1",
            [AnswerRow("lokal_treffpunkt", value="yes"), AnswerRow("need", "housing", "4")], "de",
        )  # fmt: skip
        assert "lokal_treffpunkt" in set(ctx.storage.answers_frame(network.b)["question_id"])
    # the survey shows it to respondents of the town
    state = new_state().with_(privacy=True, started=time.time() - 60)
    c = TestClient(Starlette(routes=routes(ctx)))
    c.cookies.set(STATE_COOKIE, StateCodec(SECRET).dumps(state), path="/u/idstein/lokal-w5")
    page = c.get("/u/idstein/lokal-w5/de/s/lokal_idstein")
    assert page.status_code == 200 and "Treffpunkt-Idstein-4711" in page.text
    # the Land's pooled microdata take the core's questions only
    town = tenancy.town_by_id(ctx, network.b)
    answers = land.pooled_answers(ctx, land.PooledWave(5, (town,), ()))
    assert len(answers) and "lokal_treffpunkt" not in set(answers["question_id"])
    assert "lokal_treffpunkt" not in set().union(*land.core_questions(ctx).values())


def _owner_rows(network, town: int) -> dict[str, int]:
    """What the database holds of one town (as the owner, row-level security lifted for
    this read only)."""
    out = {}
    with network.ctx.owner_db.engine.begin() as conn:
        for table in rls.tenant_tables(Base.metadata):
            conn.exec_driver_sql(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
            out[table] = int(conn.execute(
                text(f'SELECT count(*) FROM "{table}" WHERE municipality_id = :m'), {"m": town}
            ).scalar_one())  # fmt: skip
        conn.rollback()
    return out


def test_a_per_town_backup_holds_that_towns_rows_only(network, tmp_path):
    done = run_cli("--town", "oestrich-winkel", "backup", "--dir", str(tmp_path),
                   env=_cli_env(network))  # fmt: skip
    assert done.returncode == 0, done.stderr
    (path,) = tmp_path.glob("oestrich-winkel-*.sqlite")
    copy = make_context(f"sqlite:///{path}")
    with rls.town_scope(network.a):
        texts = set(copy.storage.answers_frame(network.a)["text"].dropna())
        with copy.db.read() as s:
            assert s.scalar(select(func.count()).select_from(Municipality)) == 1
    assert MARK_A in texts and MARK_B not in texts
    assert town_rows(copy, network.a) == town_rows(network.ctx, network.a)
    dispose(copy)


def test_a_town_leaving_takes_its_data_along_and_nothing_of_it_stays(network, tmp_path):
    ctx, env = network.ctx, _cli_env(network)
    land_id = tenancy.ensure_land(ctx)
    a_before = _owner_rows(network, network.a)
    b_before = town_rows(ctx, network.b)
    assert sum(b_before.values()) > 1000
    asked = run_cli("town", "remove", "idstein", "--export", str(tmp_path), env=env)
    assert asked.returncode == 2 and _owner_rows(network, network.b) == b_before  # only asked
    gone = run_cli("town", "remove", "idstein", "--export", str(tmp_path), "--yes", env=env)
    assert gone.returncode == 0, gone.stderr

    # the network's database: nothing of Idstein, Oestrich-Winkel untouched
    assert set(_owner_rows(network, network.b).values()) == {0}
    assert _owner_rows(network, network.a) == a_before
    assert tenancy.town_by_slug(ctx, "idstein") is None
    tenancy.forget_towns()
    c = TestClient(Starlette(routes=routes(ctx)))
    assert c.get("/u/idstein/zugewanderte/").status_code == 404
    assert c.get("/u/oestrich-winkel/zugewanderte/").status_code == 200
    with rls.town_scope(land_id):
        log = audit.entries(ctx.db, land_id)
    assert "town.remove" in set(log["action"])

    # the export: a single-town installation of Idstein with all its rows
    export = make_context(f"sqlite:///{tmp_path / 'idstein.sqlite'}")
    assert town_rows(export, network.b) == b_before
    with rls.town_scope(network.b):
        frame = export.storage.answers_frame(network.b)
        assert network.b_uuid in set(frame["response_id"]) and MARK_B in set(frame["text"])
        assert MARK_A not in set(frame["text"].dropna())
        assert authenticate(export.db, network.b, "b-admin", PASSWORD) is not None
        with export.db.read() as s:
            slugs = set(s.scalars(select(Campaign.slug)))
        assert "nur-b" in slugs and "nur-a" not in slugs
    dispose(export)


def test_the_home_town_and_the_land_cannot_leave(network, tmp_path):
    env = _cli_env(network)
    home = run_cli("town", "remove", "oestrich-winkel", "--export", str(tmp_path), "--yes",
                   env=env)  # fmt: skip
    assert home.returncode == 5 and "eigene Kommune dieser Installation" in home.stderr
    with pytest.raises(tenancy.TownError, match="Das Land ist keine Kommune"):
        from bedarfsradar.town_data import remove_town

        tenancy.ensure_land(network.ctx)
        remove_town(network.ctx, "land", tmp_path)
