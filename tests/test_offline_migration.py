"""Migration 0008: campaigns that accept assisted entry accept offline interviews after the
upgrade, and no longer after the downgrade; other campaigns keep their modes."""

from __future__ import annotations

import json

from sqlalchemy import text

from bedarfsradar.db import Database, migrate


def _modes(db: Database) -> dict[str, list[str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT slug, modes FROM campaign ORDER BY slug")).all()
    return {slug: json.loads(m) if isinstance(m, str) else m for slug, m in rows}


def test_campaigns_with_assisted_entry_take_offline_interviews(database_url):
    db = Database.from_url(database_url)
    try:
        migrate.upgrade(db, "0007")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO municipality (id, slug, name) VALUES (1, 'ow', 'OW')"))
            conn.execute(text(
                "INSERT INTO questionnaire_version (id, municipality_id, questionnaire_id, "
                "audience, version_label, content_hash, content) VALUES (1, 1, 'n', 'newcomer', "
                "'1', 'h', '{}')"
            ))  # fmt: skip
            for slug, modes in (("a", ["online", "assisted", "paper"]), ("b", ["online"])):
                conn.execute(
                    text(
                        "INSERT INTO campaign (municipality_id, slug, title, wave, "
                        "questionnaire_version_id, status, modes, targets) VALUES (1, :slug, "
                        ":slug, 1, 1, 'open', :modes, '{}')"
                    ),
                    {"slug": slug, "modes": json.dumps(modes)},
                )
        migrate.upgrade(db, "0008")  # (at head, row-level security hides rows without a town)
        assert _modes(db) == {"a": ["online", "assisted", "paper", "offline"], "b": ["online"]}
        migrate.downgrade(db, "0007")
        assert _modes(db) == {"a": ["online", "assisted", "paper"], "b": ["online"]}
    finally:
        db.dispose()
