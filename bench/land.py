"""The KISI network on PostgreSQL (issue 30): the demo of 42 towns, the ministry's and a
town's first page in Chromium, and 200 respondents spread over the towns on one process.

Usage::

    python bench/land.py [--towns 42] [--clients 200] [--seconds 60] [--pause 0.5]
                         [--skip-browser] [--skip-load]

Needs ``BEDARFSRADAR_TEST_POSTGRES_URL`` (the owner, CREATEDB) and
``BEDARFSRADAR_TEST_POSTGRES_APP_URL`` (the application's role); a throw-away database is
created and dropped. One run measures:

1. ``bedarfsradar demo --towns N`` (N towns × 500 newcomers, volunteers and staff, wave 1
   released per town and pooled for the Land): wall time. Goal < 2 min.
2. ``bedarfsradar serve`` (one process), then in Chromium: the Land's first page (from
   pressing "Anmelden" until KISI-Netzwerk is drawn, the towns' caches cold) and a
   breakdown change there; a town guide's first page (Überblick) of the installation's own
   town and of another town, after the server warmed every town's first views (it does at
   start, then keeps the own town warm).
   Goals: Land < 3 s cold, < 0.5 s per change; a town's first page < 3 s.
3. ``--clients`` respondents, client i in town i mod N, each walking the open wave's survey
   like a phone without JavaScript and pausing ``--pause`` seconds before every page (a
   hundred times faster than people read), while a separate probe process times the
   dashboard's ``/_stcore/health`` every 50 ms. Goals: ≥ 250 good requests/s, survey p95 <
   500 ms, health p95 < 100 ms and no probe over 500 ms, 0 acknowledged submissions lost,
   0 rows of another town visible (every acknowledged submission is found in its own
   town's scope and in no other's).

On this machine the load generator, the probe, PostgreSQL and the server share 2 cores;
the figures are what they are here, printed with the CPU each took.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import httpx  # noqa: E402

from bench.dashboard import _wait_warm  # noqa: E402
from bench.load import (  # noqa: E402
    ACTION,
    ANSWERS,
    CSRF,
    RECEIPT,
    SHOWN,
    UUID,
    Probe,
    Results,
    cpu_seconds,
    dashboard_line,
    machine_busy_seconds,
    ms,
    request,
    verdict,
)
from bench.pg import temporary_database  # noqa: E402
from tests import live  # noqa: E402

GOAL_DEMO_S = 120
GOAL_LAND_FIRST_S, GOAL_LAND_CHANGE_S, GOAL_TOWN_FIRST_S = 3.0, 0.5, 3.0
GOAL_REQUESTS_PER_S, GOAL_SURVEY_P95_MS = 250, 500
GOAL_HEALTH_P95_MS, GOAL_STALL_MS = 100, 500
CAMPAIGN = "zugewanderte-w2"  # the demo's open wave, in every town
RUNNING = """() => document.querySelector('[data-testid="stApp"]')
  ?.getAttribute('data-test-script-state') === 'running'"""


def app_url(owner_url: str) -> str:
    from sqlalchemy.engine import make_url

    app = os.environ["BEDARFSRADAR_TEST_POSTGRES_APP_URL"]
    database = make_url(owner_url).database
    return make_url(app).set(database=database).render_as_string(hide_password=False)


def server_env(owner_url: str) -> dict[str, str]:
    return {"BEDARFSRADAR_DATABASE_URL": app_url(owner_url),
            "BEDARFSRADAR_MIGRATION_DATABASE_URL": owner_url,
            "BEDARFSRADAR_SECRET_KEY": "bench-land",
            "BEDARFSRADAR_SURVEY_SUBMISSIONS_PER_MINUTE": "0",
            "BEDARFSRADAR_SURVEY_MIN_FILL_SECONDS": "0"}  # fmt: skip


def build_demo(env: dict[str, str], towns: int) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bedarfsradar.cli", "demo", "--towns", str(towns)],
        env={**os.environ, **env}, capture_output=True, text=True, cwd=_ROOT, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"demo failed: {done.stderr[-2000:]}")
    print(done.stdout.splitlines()[0])
    return seconds


# -- the browser --------------------------------------------------------------------------------
def _login(page, base: str, user: str, password: str, town: str, heading: str) -> float:  # type: ignore[no-untyped-def]
    from tests.e2e.dashboard_pages import wait_settled

    page.goto(base + "/login")
    page.select_option("#kommune", town)
    page.fill("#username", user)
    page.fill("#password", password)
    t0 = time.perf_counter()
    page.click("button[type=submit]")
    page.get_by_role("heading", name=heading).wait_for()
    wait_settled(page)
    return time.perf_counter() - t0


def browser_seconds(base: str, towns: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from bedarfsradar.network_demo import LAND_LOGIN, TOWN_PASSWORD, TOWNS
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.dashboard_pages import wait_settled

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def fresh():  # type: ignore[no-untyped-def]
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            page.set_default_timeout(120_000)
            return page

        page = fresh()
        out["Land first page"] = _login(page, base, *LAND_LOGIN, "land",
                                        "KISI-Netzwerk – Sicht des Landes")  # fmt: skip
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Aufschlüsseln nach")
        box.first.click()
        option = page.get_by_role("option", name="Sprache")
        option.wait_for()
        t0 = time.perf_counter()
        option.click()
        with suppress(Exception):  # the rerun starting (a run too quick to be seen is fine)
            page.wait_for_function(RUNNING, timeout=3_000, polling=5)
        wait_settled(page)
        out["Land breakdown change"] = time.perf_counter() - t0
        out["own town first page"] = _login(fresh(), base, "guide", "demo-guide-2026",
                                            "oestrich-winkel", "Überblick")  # fmt: skip
        slug = TOWNS[towns - 2][0]  # the last town the demo added
        out["other town first page"] = _login(fresh(), base, f"{slug}-admin",
                                                     TOWN_PASSWORD, slug, "Überblick")  # fmt: skip
        browser.close()
    return out


# -- the load -------------------------------------------------------------------------------
async def one_survey(c: httpx.AsyncClient, slug: str, stadtteil: str, pause: float,
                     results: Results) -> str | None:  # fmt: skip
    """bench/load.py's phone, in one town, with a pause before every page."""
    base = f"/u/{slug}"
    await asyncio.sleep(pause)
    await request(c, results, "GET", f"{base}/")
    await asyncio.sleep(pause)
    page = await request(c, results, "GET", f"{base}/de/")
    await asyncio.sleep(pause)
    page = await request(c, results, "POST", f"{base}/de/start",
                         data={"csrf": CSRF.search(page.text).group(1)})  # fmt: skip
    for _ in range(30):  # bounded
        path = page.url.path
        if path.endswith("/pruefen"):
            break
        section = path.rsplit("/", 1)[-1]
        data = {"csrf": CSRF.search(page.text).group(1), "nav": "next",
                "shown": (SHOWN.search(page.text) or [None, ""])[1]}  # fmt: skip
        answers = dict(ANSWERS.get(section, {}))
        if "stadtteil" in answers:
            answers["stadtteil"] = stadtteil
        data |= {"consent": "no"} if "einwilligung" in path else answers
        action = ACTION.search(page.text).group(1).replace("&amp;", "&")
        await asyncio.sleep(pause)
        page = await request(c, results, "POST", action, data=data)
    client_uuid = UUID.search(page.text).group(1)
    await asyncio.sleep(pause)
    done = await request(c, results, "POST", f"{base}/de/pruefen",
                         data={"csrf": CSRF.search(page.text).group(1),
                               "client_uuid": client_uuid})  # fmt: skip
    if done.url.path.endswith("/danke") and RECEIPT.search(done.text):
        return client_uuid
    return None


async def respondent(base: str, town: tuple[str, str], deadline: float, pause: float,
                     results: Results, sent: dict[str, str]) -> None:  # fmt: skip
    slug, stadtteil = town
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        while time.monotonic() < deadline:
            c.cookies.clear()
            try:
                done = await one_survey(c, f"{slug}/{CAMPAIGN}", stadtteil, pause, results)
            except (httpx.HTTPError, AttributeError) as exc:
                results.errors.append(type(exc).__name__)
                await asyncio.sleep(0.2)
                continue
            if done:
                results.acknowledged.append(done)
                sent[done] = slug


def check_towns(owner_url: str, sent: dict[str, str]) -> tuple[int, int]:
    """(lost, seen elsewhere): every acknowledged submission in its town's scope, and in
    no other town's."""
    from sqlalchemy import select

    from bedarfsradar import tenancy
    from bedarfsradar.context import AppContext
    from bedarfsradar.db import rls
    from bedarfsradar.db.schema import Response
    from bedarfsradar.settings import Settings

    ctx = AppContext(Settings(database_url=app_url(owner_url), migration_database_url=owner_url))
    lost = elsewhere = 0
    for town in tenancy.towns(ctx):
        with rls.town_scope(town.id), ctx.db.read() as s:
            here = set(s.scalars(select(Response.client_uuid)))
        mine = {u for u, t in sent.items() if t == town.slug}
        lost += len(mine - here)
        elsewhere += len({u for u in here & set(sent) if sent[u] != town.slug})
    ctx.db.dispose()
    return lost, elsewhere


def load(base: str, port: int, server_pid: int, owner_url: str, clients: int, seconds: float,
         pause: float, count: int) -> None:  # fmt: skip
    from bedarfsradar.network_demo import STADTTEILE, TOWNS

    first = STADTTEILE.split(",")[0].strip().lower()  # "kernstadt"
    towns = [("oestrich-winkel", "winkel")] + [(slug, first) for slug, _ in TOWNS[: count - 1]]
    results, sent = Results(), {}
    probe = Probe(port, seconds)
    server_cpu, machine_cpu, own = cpu_seconds(server_pid), machine_busy_seconds(), os.times()
    started = time.monotonic()

    async def main() -> None:
        deadline = started + seconds
        await asyncio.gather(*(respondent(base, towns[i % len(towns)], deadline, pause,
                                          results, sent) for i in range(clients)))  # fmt: skip

    asyncio.run(main())
    elapsed = time.monotonic() - started
    server_cpu = cpu_seconds(server_pid) - server_cpu
    machine_cpu = machine_busy_seconds() - machine_cpu
    after = os.times()
    loaded = probe.result()
    lost, elsewhere = check_towns(owner_url, sent)
    lat, rate = results.latencies, results.good / elapsed
    p95, health = ms(lat, 0.95), loaded["health"]
    print(f"load: {clients} respondents over {len(set(sent.values()))} towns × {elapsed:.0f} s, "
          f"pause {pause} s: {rate:,.0f} good requests/s ({results.good} of {len(lat)}), "
          f"survey p50 {ms(lat, .5):.0f} ms, p95 {p95:.0f} ms, max {ms(lat, 1):.0f} ms; "
          f"{len(results.acknowledged)} submissions, lost {lost}, seen in another town "
          f"{elsewhere}; retry pages {results.retry_pages}, server errors "
          f"{results.server_errors}, client errors {len(results.errors)}")  # fmt: skip
    print(dashboard_line("load", "under load", loaded))
    own_cpu = after.user + after.system - own.user - own.system
    rest = max(0.0, machine_cpu - server_cpu - own_cpu - loaded["cpu"])
    print(f"load: CPU (cores busy on average, of {os.cpu_count()}): server "
          f"{server_cpu / elapsed:.2f}, load generator {own_cpu / elapsed:.2f}, probe "
          f"{loaded['cpu'] / elapsed:.2f}, everything else (PostgreSQL …) "
          f"{rest / elapsed:.2f}")  # fmt: skip
    print("load goals: " + "; ".join([
        f"≥ {GOAL_REQUESTS_PER_S} good requests/s: {verdict(rate >= GOAL_REQUESTS_PER_S)}",
        f"survey p95 < {GOAL_SURVEY_P95_MS} ms: {verdict(p95 < GOAL_SURVEY_P95_MS)}",
        f"health p95 < {GOAL_HEALTH_P95_MS} ms: {verdict(ms(health, .95) < GOAL_HEALTH_P95_MS)}",
        f"no stall > {GOAL_STALL_MS} ms: {verdict(ms(health, 1) <= GOAL_STALL_MS)}",
        f"lost = 0: {verdict(lost == 0)}", f"other town's rows = 0: {verdict(elsewhere == 0)}",
    ]))  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--towns", type=int, default=42)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--pause", type=float, default=0.5)
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--skip-load", action="store_true")
    args = p.parse_args()
    if args.clients > 400 or args.seconds > 600 or args.towns > 45:
        raise SystemExit("bounded: at most 400 clients, 600 seconds, 45 towns")
    owner = os.environ.get("BEDARFSRADAR_TEST_POSTGRES_URL", "")
    if not owner or not os.environ.get("BEDARFSRADAR_TEST_POSTGRES_APP_URL"):
        raise SystemExit("needs BEDARFSRADAR_TEST_POSTGRES_URL and ..._APP_URL")
    with temporary_database(owner, "br_land") as url, tempfile.TemporaryDirectory() as tmp:
        env = server_env(url)
        demo = build_demo(env, args.towns)
        print(f"demo --towns {args.towns}: {demo:.1f} s wall clock; goal < {GOAL_DEMO_S} s: "
              f"{verdict(demo < GOAL_DEMO_S)}")  # fmt: skip
        port = live.free_port()
        server, base = live.start(env, Path(tmp) / "serve.log", port, timeout=180)
        try:
            warm = _wait_warm(base)
            print(f"server: every town's first views warm {warm:.1f} s after /healthz")
            if not args.skip_browser:
                goals = {"Land first page": GOAL_LAND_FIRST_S,
                         "Land breakdown change": GOAL_LAND_CHANGE_S,
                         "own town first page": GOAL_TOWN_FIRST_S,
                         "other town first page": GOAL_TOWN_FIRST_S}  # fmt: skip
                for name, s in browser_seconds(base, args.towns).items():
                    print(f"browser: {name:30s} {s:6.2f} s; goal < {goals[name]} s: "
                          f"{verdict(s < goals[name])}")  # fmt: skip
            if not args.skip_load:
                load(base, port, server.pid, url, args.clients, args.seconds, args.pause,
                     args.towns)  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
