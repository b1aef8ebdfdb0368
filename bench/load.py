"""Load: concurrent respondents over HTTP while the guide's dashboard must stay responsive.

Usage::

    python bench/load.py [--clients 50] [--seconds 20] [--postgres URL]

For SQLite, and PostgreSQL when a URL is given or ``BEDARFSRADAR_TEST_POSTGRES_URL`` is
set, one run starts ``bedarfsradar serve`` on a free localhost port and measures, against
the same server:

1. Sequential service time (one request at a time, keep-alive, median of 200): the
   language page, a section page (the needs matrix, the largest), ``/healthz`` and
   Streamlit's ``/_stcore/health``. Goal: section page ≤ 3 ms.
2. The dashboard idle, then while the load runs, from a separate probe process (so the
   load generator's own event loop does not colour it): ``/_stcore/health`` every 50 ms,
   and over Streamlit's websocket a ping/pong (answered by the server's event loop) and
   an app round trip (a rerun of the dashboard script until ``script_finished``).
   Goal: health p95 < 100 ms while the load runs.
3. ``--clients`` respondents for ``--seconds``, each walking language → privacy → every
   section → review → submit like a phone without JavaScript, redirects followed by
   hand so every HTTP exchange is counted and timed. Goals (SQLite): ≥ 150 good requests
   per second (HTTP status < 400), p95 < 500 ms. Afterwards the database must hold every
   acknowledged submission (thank-you page with receipt code): lost = 0, or the run fails.
4. Where the CPU went during the load: the server process, this load generator, the
   probe and everything else on the machine (the load generator shares its 2 cores).

The anti-bot minimum fill time and rate limit are switched off for the run (they would
throttle a benchmark, not a town). Only localhost is contacted; loops are bounded in count
and time.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import temporary_database  # noqa: E402
from tests import live  # noqa: E402

PEAK_PER_DAY = 500
GOAL_REQUESTS_PER_S = 150
GOAL_SURVEY_P95_MS = 500
GOAL_HEALTH_P95_MS = 100
GOAL_SECTION_MS = 3
SEQUENTIAL_N = 200
PROBE_HEALTH_EVERY = 0.05
PROBE_WEBSOCKET_EVERY = 0.5
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
    """Seconds per HTTP exchange (a redirect is an exchange of its own)."""
    post_latencies: list[float] = field(default_factory=list)
    """The POSTs among them (each stores a page or the submission)."""
    good: int = 0
    """Exchanges answered with a status below 400."""
    acknowledged: list[str] = field(default_factory=list)
    retry_pages: int = 0
    server_errors: int = 0
    errors: list[str] = field(default_factory=list)


async def request(client: httpx.AsyncClient, results: Results, method: str, url: str,
                  **kw) -> httpx.Response:  # fmt: skip
    """One user action: the request and the redirects after it, each timed and counted."""
    for _ in range(5):  # bounded: the survey redirects once (POST → 303 → GET)
        start = time.perf_counter()
        response = await client.request(method, url, **kw)
        results.latencies.append(took := time.perf_counter() - start)
        if method == "POST":
            results.post_latencies.append(took)
        if response.status_code == 503:
            results.retry_pages += 1
        elif response.status_code >= 500:
            results.server_errors += 1
        if response.status_code < 400:
            results.good += 1
        if not response.is_redirect:
            return response
        method, url, kw = "GET", response.headers["location"], {}
    return response


async def respondent(
    base: str, slug: str, deadline: float, results: Results, stop: threading.Event | None = None
) -> None:
    """One phone after another: a fresh cookie jar per completed survey."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        while time.monotonic() < deadline and not (stop and stop.is_set()):
            c.cookies.clear()
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
           "BEDARFSRADAR_SURVEY_SECONDS_PER_QUESTION": "0"}  # fmt: skip
    proc, _ = live.start(env, log, port)
    return proc


def prepare_database(url: str) -> None:
    from tests.conftest import dispose, make_context, scoped

    ctx = make_context(url, "load")
    with scoped(ctx):  # the installation's town (row-level security on PostgreSQL)
        mid = ctx.municipality_id
        ctx.storage.create_campaign(
            mid, "last", "Lasttest", ctx.storage.latest_version(mid, "newcomer")
        )
    dispose(ctx)


def stored_uuids(url: str) -> set[str]:
    from bedarfsradar.db import rls
    from tests.conftest import dispose, make_context

    ctx = make_context(url, "load")
    with rls.town_scope(ctx.home_municipality_id):
        frame = ctx.storage.answers_frame(ctx.municipality_id, ["last"])
    dispose(ctx)
    return set(frame["response_id"])


# -- measuring ---------------------------------------------------------------------------
def ms(seconds: list[float], q: float) -> float:
    """The ``q`` quantile in milliseconds (nearest rank; NaN for no samples)."""
    if not seconds:
        return float("nan")
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), children excluded."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent on anything but idling."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def sequential(port: int, path: str, cookie: str = "", n: int = SEQUENTIAL_N) -> list[float]:
    """Service time: one request at a time on a keep-alive connection, body read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    try:
        for _ in range(n):
            start = time.perf_counter()
            conn.request("GET", path, headers={"cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            times.append(time.perf_counter() - start)
            if response.status >= 400:
                raise SystemExit(f"{path} answered {response.status}")
    finally:
        conn.close()
    return times


def section_page(port: int) -> tuple[str, str]:
    """The needs page (a 13-row matrix) of a respondent in progress: path and cookie."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=True) as c:
        page = c.get("/u/last/de/")
        page = c.post("/u/last/de/start", data={"csrf": CSRF.search(page.text).group(1)})
        page = c.post(page.url.path, data={"csrf": CSRF.search(page.text).group(1),
                                           "nav": "next", "shown": "stadtteil,children",
                                           **ANSWERS["household"]})  # fmt: skip
        if not page.url.path.endswith("/s/needs"):
            raise SystemExit(f"expected the needs page, got {page.url.path}")
        return page.url.path, "; ".join(f"{k}={v}" for k, v in c.cookies.items())


def dashboard_probe(port: int, seconds: float, out: mp.Queue) -> None:
    """Runs in its own process: the guide's view of the server for ``seconds``."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    health: list[float] = []
    pings: list[float] = []
    reruns: list[float] = []
    failures: list[str] = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    ws = connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                 open_timeout=30)  # type: ignore[list-item]  # fmt: skip
    rerun = BackMsg()
    rerun.rerun_script.query_string = ""

    def timed(samples: list[float], action: Callable[[], None]) -> None:
        start = time.perf_counter()
        try:
            action()
        except Exception as exc:  # reported, never hidden
            failures.append(type(exc).__name__)
            return
        samples.append(time.perf_counter() - start)

    def get_health() -> None:
        conn.request("GET", "/_stcore/health")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"health {response.status}")

    def ping() -> None:
        ws.ping().wait(timeout=30)

    def round_trip() -> None:
        ws.send(rerun.SerializeToString())
        for _ in range(1000):  # bounded: a rerun sends a few dozen messages
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=30))
            if msg.WhichOneof("type") == "script_finished":
                return
        raise RuntimeError("no script_finished")

    round_trip()  # the first run compiles the script: not what a guide's click costs
    start = time.monotonic()
    next_ws = start
    while (now := time.monotonic()) < start + seconds:
        timed(health, get_health)
        if now >= next_ws:
            timed(pings, ping)
            timed(reruns, round_trip)
            next_ws = now + PROBE_WEBSOCKET_EVERY
        time.sleep(max(0.0, PROBE_HEALTH_EVERY - (time.monotonic() - now)))
    ws.close()
    conn.close()
    usage = os.times()
    out.put({"health": health, "pings": pings, "reruns": reruns, "failures": failures,
             "cpu": usage.user + usage.system})  # fmt: skip


class Probe:
    """:func:`dashboard_probe` in a separate process."""

    def __init__(self, port: int, seconds: float):
        ctx = mp.get_context("spawn")
        self.queue: mp.Queue = ctx.Queue()
        self.process = ctx.Process(target=dashboard_probe, args=(port, seconds, self.queue))
        self.process.start()

    def result(self) -> dict:
        found = self.queue.get(timeout=120)
        self.process.join(timeout=30)
        return found


def dashboard_line(label: str, when: str, probe: dict) -> str:
    h, p, r = probe["health"], probe["pings"], probe["reruns"]
    return (f"{label:<10} dashboard {when}: /_stcore/health p50 {ms(h, .5):.1f} ms, "
            f"p95 {ms(h, .95):.1f} ms, max {ms(h, 1):.0f} ms ({len(h)}); websocket ping "
            f"p50 {ms(p, .5):.1f} ms, p95 {ms(p, .95):.1f} ms; rerun round trip p50 "
            f"{ms(r, .5):.0f} ms, p95 {ms(r, .95):.0f} ms ({len(r)}); "
            f"probe failures {len(probe['failures'])}")  # fmt: skip


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def run(label: str, url: str, clients: int, seconds: float) -> Results:
    prepare_database(url)
    port = live.free_port()
    log = Path(tempfile.mkdtemp()) / "serve.log"
    server = start_server(url, port, log)
    results = Results()
    try:
        path, cookie = section_page(port)
        seq = {name: sequential(port, target, cookie) for name, target in (
            ("language page", "/u/last/"), ("section page", path), ("/healthz", "/healthz"),
            ("/_stcore/health", "/_stcore/health"))}  # fmt: skip
        section_ms = statistics.median(seq["section page"]) * 1000
        print(f"{label:<10} sequential service time (median of {SEQUENTIAL_N}): "
              + ", ".join(f"{k} {statistics.median(v) * 1000:.2f} ms" for k, v in seq.items())
              + f"; section page goal ≤ {GOAL_SECTION_MS} ms: "
              f"{verdict(section_ms <= GOAL_SECTION_MS)}")  # fmt: skip
        idle = Probe(port, 5)
        print(dashboard_line(label, "idle", idle.result()))

        probe = Probe(port, seconds)
        server_cpu, machine_cpu, own = cpu_seconds(server.pid), machine_busy_seconds(), os.times()
        started = time.monotonic()
        deadline = started + seconds

        async def main() -> None:
            base = f"http://127.0.0.1:{port}"
            await asyncio.gather(*(respondent(base, "last", deadline, results)
                                   for _ in range(clients)))  # fmt: skip

        asyncio.run(main())
        elapsed = time.monotonic() - started
        server_cpu = cpu_seconds(server.pid) - server_cpu
        machine_cpu = machine_busy_seconds() - machine_cpu
        after = os.times()
        loaded = probe.result()
    finally:
        server.terminate()
        server.wait(timeout=30)
    lost = set(results.acknowledged) - stored_uuids(url)
    lat = results.latencies
    rate = results.good / elapsed
    p95 = ms(lat, 0.95)
    health_p95 = ms(loaded["health"], 0.95)
    print(f"{label:<10} {clients} respondents × {elapsed:.0f} s: {rate:,.0f} good requests/s "
          f"({results.good} of {len(lat)}), latency p50 {ms(lat, .5):.0f} ms, p95 {p95:.0f} ms, "
          f"max {ms(lat, 1):.0f} ms (POSTs p95 {ms(results.post_latencies, .95):.0f} ms); "
          f"{len(results.acknowledged)} submissions, lost "
          f"acknowledged = {len(lost)}; retry pages {results.retry_pages}, server errors "
          f"{results.server_errors}, client errors {len(results.errors)}; "
          f"{len(results.acknowledged) / elapsed * 86400 / PEAK_PER_DAY:,.0f}× the peak of "
          f"{PEAK_PER_DAY}/day")  # fmt: skip
    print(dashboard_line(label, "under load", loaded))
    own_cpu = after.user + after.system - own.user - own.system
    others = machine_cpu - server_cpu - own_cpu - loaded["cpu"]
    print(f"{label:<10} CPU during the load (cores busy on average, of {os.cpu_count()}): "
          f"server {server_cpu / elapsed:.2f}, load generator {own_cpu / elapsed:.2f}, probe "
          f"{loaded['cpu'] / elapsed:.2f}, everything else {max(0.0, others) / elapsed:.2f}; "
          f"server CPU per good request "
          f"{server_cpu / max(1, results.good) * 1000:.2f} ms")  # fmt: skip
    goals = [f"≥ {GOAL_REQUESTS_PER_S} good requests/s: {verdict(rate >= GOAL_REQUESTS_PER_S)}",
             f"survey p95 < {GOAL_SURVEY_P95_MS} ms: {verdict(p95 < GOAL_SURVEY_P95_MS)}",
             f"health p95 < {GOAL_HEALTH_P95_MS} ms under load: "
             f"{verdict(health_p95 < GOAL_HEALTH_P95_MS)}",
             f"lost acknowledged = 0: {verdict(not lost)}"]  # fmt: skip
    print(f"{label:<10} goals: " + "; ".join(goals))
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
        with temporary_database(args.postgres, "br_load") as url:
            run("postgresql", url, args.clients, args.seconds)
    else:
        print("postgresql skipped: pass --postgres URL or set BEDARFSRADAR_TEST_POSTGRES_URL")


if __name__ == "__main__":
    main()
