"""Load: concurrent simulated respondents completing the newcomer survey over HTTP.

Usage::

    python bench/load.py [--clients 50] [--seconds 20] [--postgres URL]

Starts ``bedarfsradar serve`` on a free localhost port (SQLite, and PostgreSQL when a
URL is given or ``BEDARFSRADAR_TEST_POSTGRES_URL`` is set), runs ``--clients`` respondents
concurrently for ``--seconds`` (each walks language → privacy → every section → review →
submit, like a phone without JavaScript), then checks in the database that every
acknowledged submission (thank-you page with receipt code) is stored. Prints completed
submissions, lost acknowledged submissions (must be 0), p50/p95 request latency and the
ratio to the town's peak of 500 submissions per day. The anti-bot minimum fill time and
rate limit are switched off for the run (they would throttle a benchmark, not a town).
Only localhost is contacted; loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import live  # noqa: E402

PEAK_PER_DAY = 500
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SHOWN = re.compile(r'name="shown" value="([^"]*)"')
ACTION = re.compile(r'<form method="post" action="([^"]+)"')
UUID = re.compile(r'name="client_uuid" value="([^"]+)"')
RECEIPT = re.compile(r"[A-Z2-9]{5}-[A-Z2-9]{5}")
ANSWERS = {  # what a respondent ticks on each page (unknown fields are ignored)
    "household": {"stadtteil": "winkel", "children": "no"},
    "needs": {"need.housing": "5", "need.language": "4", "need.mobility": "2", "need.work": "3"},
    "priorities": {"top3.1": "housing", "top3.2": "language"},
    "offers": {"offer.housing": "unknown", "offer.language": "known", "barriers": "time"},
    "administration": {"admin_exp.letters": "2"},
    "about": {"german_level": "a1_a2", "gender": "female"},
    "final": {"helps_most": "Eine Wohnung"},
}


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    retry_pages: int = 0
    server_errors: int = 0
    errors: list[str] = field(default_factory=list)


async def request(client: httpx.AsyncClient, results: Results, method: str, url: str,
                  **kw) -> httpx.Response:  # fmt: skip
    start = time.perf_counter()
    response = await client.request(method, url, **kw)
    results.latencies.append(time.perf_counter() - start)
    if response.status_code == 503:
        results.retry_pages += 1
    elif response.status_code >= 500:
        results.server_errors += 1
    return response


async def respondent(
    base: str, slug: str, deadline: float, results: Results, stop: threading.Event | None = None
) -> None:
    """One phone after another: a fresh cookie jar per completed survey."""
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        async with httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=30) as c:
            try:
                await one_survey(c, slug, results)
            except (httpx.HTTPError, AttributeError) as exc:  # server gone, or retry page
                results.errors.append(type(exc).__name__)
                await asyncio.sleep(0.2)


async def one_survey(c: httpx.AsyncClient, slug: str, results: Results) -> None:
    await request(c, results, "GET", f"/u/{slug}/")
    page = await request(c, results, "GET", f"/u/{slug}/de/")
    page = await request(c, results, "POST", f"/u/{slug}/de/start",
                         data={"csrf": CSRF.search(page.text).group(1)})  # fmt: skip
    for _ in range(30):  # bounded: the questionnaire has fewer pages
        path = page.url.path
        if path.endswith("/pruefen"):
            break
        section = path.rsplit("/", 1)[-1]
        data = {"csrf": CSRF.search(page.text).group(1), "nav": "next",
                "shown": (SHOWN.search(page.text) or [None, ""])[1]}  # fmt: skip
        data |= {"consent": "no"} if "einwilligung" in path else ANSWERS.get(section, {})
        action = ACTION.search(page.text).group(1).replace("&amp;", "&")
        page = await request(c, results, "POST", action, data=data)
    client_uuid = UUID.search(page.text).group(1)
    done = await request(c, results, "POST", f"/u/{slug}/de/pruefen",
                         data={"csrf": CSRF.search(page.text).group(1),
                               "client_uuid": client_uuid})  # fmt: skip
    if done.url.path.endswith("/danke") and RECEIPT.search(done.text):
        results.acknowledged.append(client_uuid)


def start_server(url: str, port: int, log: Path) -> subprocess.Popen:
    """The server on ``url`` with the anti-bot throttles off (a benchmark is no bot)."""
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": "load",
           "BEDARFSRADAR_SURVEY_SUBMISSIONS_PER_MINUTE": "0",
           "BEDARFSRADAR_SURVEY_MIN_FILL_SECONDS": "0"}  # fmt: skip
    proc, _ = live.start(env, log, port)
    return proc


def prepare_database(url: str) -> None:
    from bedarfsradar.context import init_db
    from tests.conftest import make_context

    ctx = make_context(url, "load")
    init_db(ctx)
    mid = ctx.municipality_id
    ctx.storage.create_campaign(
        mid, "last", "Lasttest", ctx.storage.latest_version(mid, "newcomer")
    )
    ctx.db.dispose()


def stored_uuids(url: str) -> set[str]:
    from tests.conftest import make_context

    ctx = make_context(url, "load")
    frame = ctx.storage.answers_frame(ctx.municipality_id, ["last"])
    ctx.db.dispose()
    return set(frame["response_id"])


def run(label: str, url: str, clients: int, seconds: float) -> Results:
    prepare_database(url)
    port = live.free_port()
    log = Path(tempfile.mkdtemp()) / "serve.log"
    server = start_server(url, port, log)
    results = Results()
    try:
        deadline = time.monotonic() + seconds

        async def main() -> None:
            base = f"http://127.0.0.1:{port}"
            await asyncio.gather(*(respondent(base, "last", deadline, results)
                                   for _ in range(clients)))  # fmt: skip

        started = time.monotonic()
        asyncio.run(main())
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    lost = set(results.acknowledged) - stored_uuids(url)
    lat = sorted(results.latencies)
    p50 = statistics.median(lat) * 1000 if lat else float("nan")
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else float("nan")
    per_day = len(results.acknowledged) / elapsed * 86400
    print(f"{label:<10} {clients} clients × {elapsed:.0f} s: {len(results.acknowledged)} "
          f"submissions completed, lost acknowledged = {len(lost)}, {len(lat)} requests, "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, retry pages {results.retry_pages}, "
          f"server errors {results.server_errors}, "
          f"client errors {len(results.errors)}; {per_day / PEAK_PER_DAY:,.0f}× the peak of "
          f"{PEAK_PER_DAY}/day")  # fmt: skip
    if lost:
        raise SystemExit(f"LOST {len(lost)} acknowledged submissions")
    return results


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--postgres", default=os.environ.get("BEDARFSRADAR_TEST_POSTGRES_URL", ""))
    args = p.parse_args()
    if args.clients > 200 or args.seconds > 600:
        raise SystemExit("bounded: at most 200 clients and 600 seconds")
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/load.db", args.clients, args.seconds)
    if args.postgres:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"br_load_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            run("postgresql", url, args.clients, args.seconds)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        print("postgresql skipped: pass --postgres URL or set BEDARFSRADAR_TEST_POSTGRES_URL")


if __name__ == "__main__":
    main()
