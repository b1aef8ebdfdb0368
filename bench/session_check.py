"""Survey page time with and without the session check of issue 29.

Usage::

    python bench/session_check.py [--n 1000]

Two servers (uvicorn, localhost, one process each, each on its own SQLite file prepared
alike) serve the same survey:

- *without*: the survey app under the server's header, gzip and frontend middleware, as
  before issue 29;
- *with*: the server's real routes and middleware (:func:`bedarfsradar.server.routes`,
  :func:`bedarfsradar.server.middleware`): the server-side session check in front of
  everything (:class:`bedarfsradar.login.LoginRequired`: it lets the survey through
  after a path check) and the body counting of :class:`bedarfsradar.limits.BodyLimit`
  on the survey.

Measured one request at a time on a keep-alive connection per server, in pairs: each
request to one server is followed by the same request to the other, the first of the
pair alternating, so load from elsewhere on the shared machine falls on both alike
(taking turns per block of 100 requests instead, the ratio swung by ±15 % on a busy
machine). ``--n`` pairs; timed: the needs page of
a respondent in progress (GET, a 13-row matrix) and storing a page (POST, the household
section, then the redirect answered). Printed: medians and the ratio with/without per
kind, the median of the pairs' ratios, and the server processes' CPU time per request
(Linux ``/proc``) with its ratio — the verdict, the figure least disturbed by other load
(measured with a load average of 7 on 2 cores from other work: the wall-time ratio of a
server against an identical one ranged from 0.98 to 1.5, the CPU ratios of this bench
from 0.96 to 1.02 over four runs). The promise is 1.00 ± 0.10.
Only localhost is contacted; loops are bounded.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import ANSWERS, CSRF, cpu_seconds, section_page  # noqa: E402
from tests import live  # noqa: E402

SECRET = "bench-session"
GOAL = 0.10


def _context():  # type: ignore[no-untyped-def]
    from bedarfsradar.context import AppContext
    from bedarfsradar.settings import Settings

    settings = Settings(
        _env_file=None,
        database_url=os.environ["BENCH_DATABASE_URL"],
        secret_key=SECRET,
        survey_seconds_per_question=0,
        survey_submissions_per_minute=0,
    )
    return AppContext(settings)


def with_check():  # type: ignore[no-untyped-def]
    """uvicorn factory: the server's routes and middleware (no Streamlit runtime)."""
    from starlette.applications import Starlette

    from bedarfsradar import server
    from bedarfsradar.media import SessionMediaStorage, cookie_owner

    ctx = _context()
    media = SessionMediaStorage(cookie_owner(ctx.sessions), lifetime=600)
    return Starlette(routes=server.routes(ctx), middleware=server.middleware(ctx, media))


def without_check():  # type: ignore[no-untyped-def]
    """uvicorn factory: the same survey without the session check and body counting."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from bedarfsradar import server

    ctx = _context()
    before = server.middleware(ctx)[:3]  # headers, gzip, German frontend
    return Starlette(routes=[Mount("/u", app=server.survey_app(ctx))], middleware=before)


def start(factory: str, url: str, log: Path) -> tuple[subprocess.Popen, int]:
    port = live.free_port()
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    with log.open("a") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", f"bench.session_check:{factory}", "--factory",
             "--port", str(port), "--no-access-log", "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/u/last/", timeout=2).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{factory} did not start: {log.read_text()[-2000:]}")


class Respondent:
    """A respondent in progress on one server, on a keep-alive connection."""

    def __init__(self, port: int):
        self.path, self.cookie = section_page(port)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.household = "/u/last/de/s/household"
        self.conn.request("GET", self.household, headers={"cookie": self.cookie})
        page = self.conn.getresponse().read().decode()
        self.form = urlencode({"csrf": CSRF.search(page).group(1), "nav": "next",
                               "shown": "stadtteil,children", **ANSWERS["household"]})  # fmt: skip

    def get(self) -> float:
        """The needs page (GET, gzip as a phone asks for it)."""
        start = time.perf_counter()
        self.conn.request("GET", self.path, headers={"cookie": self.cookie,
                                                     "accept-encoding": "gzip"})  # fmt: skip
        response = self.conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"GET {self.path}: {response.status}")
        return time.perf_counter() - start

    def store(self) -> float:
        """Store the household page: the POST and the GET it redirects to."""
        headers = {"cookie": self.cookie, "content-type": "application/x-www-form-urlencoded"}
        start = time.perf_counter()
        self.conn.request("POST", self.household, body=self.form, headers=headers)
        response = self.conn.getresponse()
        response.read()
        if response.status != 303:
            raise SystemExit(f"POST {self.household}: {response.status}")
        self.conn.request("GET", response.headers["location"], headers={"cookie": self.cookie})
        self.conn.getresponse().read()
        return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=1000)
    args = p.parse_args()
    if args.n > 10_000:
        raise SystemExit("bounded: at most 10,000 pairs")
    from bench.load import prepare_database

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "serve.log"
        names = ("without_check", "with_check")
        urls = {name: f"sqlite:///{tmp}/{name}.db" for name in names}
        for url in urls.values():  # one file each: no shared lock or WAL checkpoint
            prepare_database(url)
        servers = {name: start(name, urls[name], log) for name in names}
        samples: dict[str, dict[str, list[float]]] = {n: {"GET": [], "POST": []} for n in names}
        cpu: dict[str, dict[str, float]] = {n: {} for n in names}
        try:
            people = {name: Respondent(port) for name, (_, port) in servers.items()}
            for kind, pairs in (("GET", args.n), ("POST", max(1, args.n // 2))):
                before = {n: cpu_seconds(servers[n][0].pid) for n in names}
                for i in range(pairs):
                    for name in names if i % 2 else names[::-1]:  # first of a pair alternates
                        person = people[name]
                        took = person.get() if kind == "GET" else person.store()
                        samples[name][kind].append(took)
                for n in names:
                    cpu[n][kind] = (cpu_seconds(servers[n][0].pid) - before[n]) / pairs
        finally:
            for proc, _ in servers.values():
                live.stop(proc)
    for kind in ("GET", "POST"):
        before, after = samples["without_check"][kind], samples["with_check"][kind]
        ratio = statistics.median(after) / statistics.median(before)
        paired = statistics.median(a / b for a, b in zip(after, before, strict=True))
        cpu_ratio = cpu["with_check"][kind] / cpu["without_check"][kind]
        label = "needs page (GET)" if kind == "GET" else "store a page (POST + redirect)"
        print(f"survey {label:<31} without {statistics.median(before) * 1000:.2f} ms, with "
              f"session check {statistics.median(after) * 1000:.2f} ms: ratio {ratio:.3f}, "
              f"median of paired ratios {paired:.3f}; server CPU per request "
              f"{cpu['without_check'][kind] * 1000:.2f} → {cpu['with_check'][kind] * 1000:.2f} "
              f"ms, ratio {cpu_ratio:.3f} (goal 1.00 ± {GOAL:.2f}: "
              f"{'met' if abs(cpu_ratio - 1) <= GOAL else 'NOT met'}; "
              f"{len(after)} pairs)")  # fmt: skip


if __name__ == "__main__":
    main()
