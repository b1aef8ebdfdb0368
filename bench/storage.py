"""Complete newcomer submissions per second through the storage API, against a raw
``executemany`` floor on the same engine, measured in the same run.

Usage: ``python bench/storage.py [--n 2000] [--postgres URL]``
(PostgreSQL also from ``BEDARFSRADAR_TEST_POSTGRES_URL``; it needs CREATEDB rights.)

Both sides commit one transaction per submission with the same durability settings
(SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE), so the ratio shows the overhead of the
API (ORM statements, idempotency check, receipt hashing), not of the disk. Goal:
≥ 1,000 complete submissions per second on SQLite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import AppContext, init_db
from bedarfsradar.settings import Settings
from surveys import demo
from surveys.answers import clean_answers, to_rows


def submissions(ctx: AppContext, n: int) -> list[list]:
    q = ctx.bundles()["newcomer"].questionnaire
    rng = np.random.default_rng(1)
    out = []
    for _ in range(n):
        answers, _, consent = demo.newcomer_answers(rng, 1)
        cleaned, _ = clean_answers(q, answers, sensitive_consent=consent)
        out.append(to_rows(q, cleaned))
    return out


def api_rate(ctx: AppContext, batch: list[list]) -> float:
    mid = ctx.municipality_id
    campaign = ctx.storage.create_campaign(
        mid, f"bench-{uuid.uuid4().hex[:6]}", "Bench", ctx.storage.latest_version(mid, "newcomer")
    )
    start = time.perf_counter()
    for rows in batch:
        ctx.storage.complete_response(campaign, str(uuid.uuid4()), rows, "de", month="2026-01")
    return len(batch) / (time.perf_counter() - start)


def floor_rate(ctx: AppContext, batch: list[list]) -> float:
    """Raw DB-API: one INSERT of the response and one executemany of its answers."""
    mid = ctx.municipality_id
    campaign = ctx.storage.create_campaign(
        mid, f"floor-{uuid.uuid4().hex[:6]}", "Floor", ctx.storage.latest_version(mid, "newcomer")
    )
    sqlite = ctx.db.is_sqlite
    ph = "?" if sqlite else "%s"
    raw = ctx.db.engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        cur = dbapi.cursor()
        start = time.perf_counter()
        for rows in batch:
            if sqlite:
                cur.execute("BEGIN IMMEDIATE")
            cur.execute(
                "INSERT INTO response (municipality_id, campaign_id, client_uuid, language, "
                f"mode, status, month) VALUES ({ph}, {ph}, {ph}, 'de', 'online', 'complete', "
                f"'2026-01') RETURNING id",
                (mid, campaign.id, str(uuid.uuid4())),
            )
            rid = cur.fetchone()[0]
            cur.executemany(
                "INSERT INTO answer (response_id, question_id, item, value, text) "
                f"VALUES ({ph}, {ph}, {ph}, {ph}, {ph})",
                [(rid, r.question_id, r.item, r.value, r.text) for r in rows],
            )
            dbapi.commit() if not sqlite else cur.execute("COMMIT")
        return len(batch) / (time.perf_counter() - start)
    finally:
        raw.close()


def run(label: str, url: str, n: int) -> None:
    ctx = AppContext(Settings(database_url=url, data_dir=PROJECT_ROOT / "data", secret_key="b"))
    init_db(ctx)
    ctx.storage.ensure_municipality("oestrich-winkel", "Oestrich-Winkel")
    batch = submissions(ctx, n)
    rows = sum(len(b) for b in batch) / n
    floor = floor_rate(ctx, batch)
    api = api_rate(ctx, batch)
    print(
        f"{label:<10} {n} submissions × {rows:.0f} answers: API {api:,.0f}/s, "
        f"raw executemany floor {floor:,.0f}/s, API/floor = {api / floor:.2f}"
    )
    if label == "sqlite":
        print(
            f"{'':<10} goal ≥ 1,000/s on SQLite: {'met' if api >= 1000 else 'NOT met'} "
            f"({api / 1000:.2f}× the goal)"
        )
    ctx.db.dispose()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--postgres", default=os.environ.get("BEDARFSRADAR_TEST_POSTGRES_URL", ""))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.db", args.n)
    if args.postgres:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"br_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            run("postgresql", url, args.n)
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        print("postgresql skipped: pass --postgres URL or set BEDARFSRADAR_TEST_POSTGRES_URL")


if __name__ == "__main__":
    main()
