"""``bedarfsradar demo --towns N``: the KISI network's demo on PostgreSQL (small here; the
42 towns of the goal are timed by ``bench/land.py``), refused on SQLite."""

from __future__ import annotations

from bedarfsradar import land, tenancy
from tests.conftest import app_url, dispose, make_context
from tests.test_cli import run_cli


def test_the_network_demo_builds_towns_releases_and_the_lands_pooled_tables(postgres_url):
    env = {"BEDARFSRADAR_DATABASE_URL": app_url(postgres_url),
           "BEDARFSRADAR_MIGRATION_DATABASE_URL": postgres_url,
           "BEDARFSRADAR_SECRET_KEY": "network-demo"}  # fmt: skip
    done = run_cli("demo", "--towns", "3", "--newcomers", "40", env=env)
    assert done.returncode == 0, done.stderr
    assert "network demo: 3 towns" in done.stdout and "hmsi / demo-land-2026" in done.stdout
    ctx = make_context(postgres_url)
    assert [t.slug for t in tenancy.towns(ctx)] == ["eltville", "idstein", "oestrich-winkel"]
    assert {r.town.slug for r in land.town_releases(ctx)} == {"eltville", "idstein",
                                                               "oestrich-winkel"}  # fmt: skip
    (pooled,) = land.pooled_releases(ctx)
    assert pooled.wave == 1 and land.pooled_towns(ctx, pooled.id) == [
        "eltville", "idstein", "oestrich-winkel"
    ]  # fmt: skip
    again = run_cli("demo", "--towns", "3", "--newcomers", "40", env=env)  # keeps the data
    assert again.returncode == 0 and len(land.pooled_releases(ctx)) == 1
    dispose(ctx)


def test_the_network_demo_is_refused_on_sqlite(tmp_path):
    env = {"BEDARFSRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'one.db'}",
           "BEDARFSRADAR_SECRET_KEY": "network-demo"}  # fmt: skip
    done = run_cli("demo", "--towns", "3", "--newcomers", "40", env=env)
    assert done.returncode == 5 and "Auf SQLite hat eine Installation genau eine" in done.stderr
