"""Record keys for the cell-key method: random, set once, assigned to old responses by the
migration without losing any (both engines)."""

from __future__ import annotations

import itertools

from sqlalchemy import select, text

from bedarfsradar.db import Database, migrate, rls
from bedarfsradar.db.schema import Response
from surveys.responses.answers import AnswerRow
from surveys.responses.storage import RECORD_KEY_RANGE
from tests.conftest import make_context


def _keys(db: Database) -> dict[str, int]:
    with db.read() as s:
        return dict(s.execute(select(Response.client_uuid, Response.record_key)).all())


def test_new_responses_get_a_random_key_that_a_later_save_keeps(sqlite_ctx):
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    version = ctx.storage.store_questionnaire_version(mid, ctx.bundles()["newcomer"])
    info = ctx.storage.create_campaign(mid, "keys-w1", "Test", version)
    rows = [AnswerRow("need", "housing", "4", None)]
    for i in range(200):
        ctx.storage.complete_response(info, f"u-{i}", rows, "de")
    ctx.storage.save_partial(info, "p-1", rows, ["need"], "de")
    before = _keys(ctx.db)["p-1"]
    ctx.storage.save_partial(info, "p-1", rows, ["need"], "de")
    ctx.storage.complete_response(info, "p-1", None, "de")
    keys = _keys(ctx.db)
    assert keys["p-1"] == before  # set once, at the first save
    values = [keys[f"u-{i}"] for i in range(200)]
    assert all(0 <= v < RECORD_KEY_RANGE for v in values)
    assert len(set(values)) == 200  # 31 random bits: no collisions among 200
    # not derived from the order of insertion: keys do not increase with it
    ups = sum(b > a for a, b in itertools.pairwise(values))
    assert 60 < ups < 140


def test_migration_assigns_random_keys_to_existing_responses(database_url):
    ctx = make_context(database_url)
    db = ctx.owner_db  # migrations run as the owner of the tables
    try:
        migrate.upgrade(db, "0002")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO municipality (id, slug, name) VALUES (1, 'x', 'X')"))
            conn.execute(
                text(
                    "INSERT INTO questionnaire_version (id, municipality_id, questionnaire_id,"
                    " audience, version_label, content_hash, content) VALUES"
                    " (1, 1, 'newcomer', 'newcomer', '1', 'h', '{}')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO campaign (id, municipality_id, slug, title, wave,"
                    " questionnaire_version_id, status, modes, targets) VALUES"
                    " (1, 1, 'c', 'C', 1, 1, 'open', '[]', '{}')"
                )
            )
            for i in range(1, 301):
                conn.execute(
                    text(
                        "INSERT INTO response (id, municipality_id, campaign_id, client_uuid,"
                        " language, mode, status, month) VALUES"
                        " (:i, 1, 1, :u, 'de', 'online', 'complete', '2026-03')"
                    ),
                    {"i": i, "u": f"old-{i}"},
                )
                conn.execute(
                    text(
                        "INSERT INTO answer (response_id, question_id, item, value)"
                        " VALUES (:i, 'need', 'housing', '4')"
                    ),
                    {"i": i},
                )
        migrate.upgrade(db)
        with rls.town_scope(1):  # row-level security (PostgreSQL): the town's rows
            keys = _keys(db)
            assert len(keys) == 300  # nothing lost
            values = list(keys.values())
            assert all(v is not None and 0 <= v < RECORD_KEY_RANGE for v in values)
            assert len(set(values)) >= 299
            with db.engine.connect() as conn:
                answers = conn.execute(text("SELECT count(*) FROM answer")).scalar()
            assert answers == 300
            # a downgrade and upgrade again works and draws new keys
            migrate.downgrade(db, "0002")
            migrate.upgrade(db)
            assert len(_keys(db)) == 300
    finally:
        db.dispose()
