"""Complete newcomer submissions per second through the storage API, against a raw
``executemany`` floor on the same engine, measured in the same run.

Usage: ``python bench/storage.py [--n 2000] [--rounds 10] [--postgres URL]``
(PostgreSQL also from ``BEDARFSRADAR_TEST_POSTGRES_URL``; it needs CREATEDB rights.)

Both sides commit one transaction per submission with the same durability settings
(SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE) and store the same columns, so the ratio
shows the overhead of the API (pool checkout, open-campaign check, idempotency, receipt
hashing), not of the disk. The disk of a shared machine changes speed by a factor of ten
within seconds, so the two sides alternate in rounds (floor, API, API, floor, …) and each
rate is the median over its rounds. Goals: API ≥ 0.8 of the floor on both databases;
≥ 1,000 complete submissions per second on SQLite.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
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
from bench.pg import temporary_database
from surveys import demo
from surveys.responses.answers import clean_answers, to_rows
from surveys.responses.storage import CampaignInfo


def submissions(ctx: AppContext, n: int) -> list[list]:
    q = ctx.bundles()["newcomer"].questionnaire
    rng = np.random.default_rng(1)
    out = []
    for _ in range(n):
        answers, _, consent = demo.newcomer_answers(rng, 1)
        cleaned, _ = clean_answers(q, answers, sensitive_consent=consent)
        out.append(to_rows(q, cleaned))
    return out


def new_campaign(ctx: AppContext, prefix: str) -> CampaignInfo:
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    return ctx.storage.create_campaign(mid, f"{prefix}-{uuid.uuid4().hex[:6]}", prefix, version)


def api_rate(ctx: AppContext, campaign: CampaignInfo, batch: list[list]) -> float:
    start = time.perf_counter()
    for rows in batch:
        ctx.storage.complete_response(campaign, str(uuid.uuid4()), rows, "de", month="2026-01")
    return len(batch) / (time.perf_counter() - start)


def floor_rate(ctx: AppContext, campaign: CampaignInfo, batch: list[list]) -> float:
    """Raw DB-API on one open connection: one INSERT of the response (the same columns
    the API stores) and one executemany of its answers per transaction."""
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
                "mode, status, month, sensitive_consent, receipt_hash, resume_hash, record_key) "
                f"VALUES ({ph}, {ph}, {ph}, 'de', 'online', 'complete', '2026-01', NULL, {ph}, "
                f"NULL, {ph}) RETURNING id",
                (campaign.municipality_id, campaign.id, str(uuid.uuid4()), "0" * 64,
                 secrets.randbelow(2**31)),
            )  # fmt: skip
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


def run(label: str, url: str, n: int, rounds: int) -> None:
    ctx = AppContext(Settings(database_url=url, data_dir=PROJECT_ROOT / "data", secret_key="b"))
    init_db(ctx)
    ctx.storage.ensure_municipality("oestrich-winkel", "Oestrich-Winkel")
    batch = submissions(ctx, n)
    answers = sum(len(b) for b in batch) / n
    floor_campaign, api_campaign = new_campaign(ctx, "floor"), new_campaign(ctx, "api")
    api_rate(ctx, api_campaign, batch[:50])  # warm: pool, statement caches, page cache
    floor_rate(ctx, floor_campaign, batch[:50])
    size = max(1, n // rounds)
    floors: list[float] = []
    apis: list[float] = []
    for i in range(rounds):
        chunk = batch[i * size : (i + 1) * size]
        sides = [("floor", floor_rate, floor_campaign), ("api", api_rate, api_campaign)]
        for side, rate, campaign in sides if i % 2 == 0 else sides[::-1]:
            (floors if side == "floor" else apis).append(rate(ctx, campaign, chunk))
    api, floor = statistics.median(apis), statistics.median(floors)
    ratios = sorted(a / f for a, f in zip(apis, floors, strict=True))
    print(
        f"{label:<10} {n} submissions × {answers:.0f} answers in {rounds} rounds: "
        f"API {api:,.0f}/s, raw executemany floor {floor:,.0f}/s, API/floor = {api / floor:.2f} "
        f"(per round {ratios[0]:.2f}–{ratios[-1]:.2f}; goal ≥ 0.80: "
        f"{'met' if api / floor >= 0.8 else 'NOT met'})"
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
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--postgres", default=os.environ.get("BEDARFSRADAR_TEST_POSTGRES_URL", ""))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.db", args.n, args.rounds)
    if args.postgres:
        with temporary_database(args.postgres, "br_bench") as url:
            run("postgresql", url, args.n, args.rounds)
    else:
        print("postgresql skipped: pass --postgres URL or set BEDARFSRADAR_TEST_POSTGRES_URL")


if __name__ == "__main__":
    main()
