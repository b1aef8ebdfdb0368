"""What the guide waits for in the dashboard, in Chromium against the real server, as a
ratio to the analysis work alone (measured in the same run).

Three interactions, each on a server started fresh for the size (demo: the 505 demo
responses; 100k: the demo plus 100,000 synthetic newcomers of ``bench/analysis.py``,
bulk-inserted into the same SQLite database):

* **first page**: a cold browser (empty cache) logs in; from pressing "Anmelden" until the
  Überblick page has finished its script run and drawn its charts,
* **page switch**: a click on "Bedarfe" in the sidebar until that page is drawn,
* **filter change**: Stadtteil "Hallgarten" chosen in Bedarfe until the rerun is drawn.

The baseline is the uncached analysis behind each interaction, timed in this process
with the functions the pages call (``dashboard.data``'s views, ``__wrapped__``): loading
and preparing the answers plus the Überblick views; the default Bedarfe view; the filtered
Bedarfe view. The server warms its caches when it starts (``/healthz/dashboard``); the
benchmark waits for that before the browser logs in, as the guide's first visit would
come after the server has been up for a while.

Goals at the demo size: first page < 3 s, filter change < 0.5 s.
Usage: ``.venv/bin/python bench/dashboard.py [demo|100k|all]`` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this folder is sys.path[0] and bench/analysis.py would shadow the
# ``analysis`` package: put the repository root first.
_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import httpx  # noqa: E402

from bench.analysis import _best_of  # noqa: E402
from tests import live  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.dashboard_pages import (  # noqa: E402
    fill_login,
    open_page,
    submit_login,
    wait_settled,
)

ROOT = Path(_ROOT)
LOGIN = ("guide", "demo-guide-2026")
SIZES = {"demo": 0, "100k": 100_000}
GOALS = {"first page": 3.0, "filter change": 0.5}


@dataclass
class Timings:
    first_page: float
    page_switch: float
    filter_change: float


def add_synthetic_newcomers(db_url: str, n: int) -> None:
    """``n`` synthetic newcomers (``bench/analysis.py``'s generator) as complete responses
    of the demo's newcomer wave 2, inserted in bulk (driver-level ``executemany``)."""
    from sqlalchemy import create_engine, text

    from bench.analysis import synthetic_answers

    answers = synthetic_answers(n)
    answers = answers[answers["audience"] == "newcomer"]
    engine = create_engine(db_url)
    with engine.begin() as conn:
        campaign_id, mid = conn.execute(
            text("SELECT id, municipality_id FROM campaign WHERE slug = 'zugewanderte-w2'")
        ).one()
        first = conn.execute(text("SELECT coalesce(max(id), 0) FROM response")).scalar_one() + 1
        ids = answers["response_id"].unique()
        number = {rid: first + i for i, rid in enumerate(ids)}
        langs = answers.groupby("response_id", sort=False)["language"].first()
        conn.exec_driver_sql(
            "INSERT INTO response (id, municipality_id, campaign_id, client_uuid, language,"
            " mode, status, month, record_key) VALUES (?, ?, ?, ?, ?, 'online', 'complete',"
            " '2026-10', ?)",
            [
                (number[rid], mid, campaign_id, str(uuid.uuid4()), langs[rid], i % 256)
                for i, rid in enumerate(ids)
            ],
        )
        conn.exec_driver_sql(
            "INSERT INTO answer (response_id, question_id, item, value) VALUES (?, ?, ?, ?)",
            list(
                zip(
                    answers["response_id"].map(number),
                    answers["question_id"],
                    answers["item"],
                    answers["value"],
                    strict=True,
                )
            ),
        )
    engine.dispose()


def build_database(folder: Path, extra: int) -> dict[str, str]:
    """A demo database (plus ``extra`` synthetic newcomers); the server's environment."""
    url = f"sqlite:///{folder / 'bench.db'}"
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": "bench-dashboard"}
    subprocess.run(
        [sys.executable, "-m", "bedarfsradar.cli", "demo"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    if extra:
        add_synthetic_newcomers(url, extra)
    return env


def analysis_seconds(env: dict[str, str]) -> Timings:
    """The uncached analysis behind each interaction (see module docstring)."""
    import dashboard.data as data
    from bedarfsradar.context import AppContext
    from bedarfsradar.settings import Settings

    ctx = AppContext(
        Settings(database_url=env["BEDARFSRADAR_DATABASE_URL"], secret_key="bench-dashboard")
    )
    data.context = lambda: ctx  # type: ignore[assignment]
    version = data.data_version()
    load = _best_of(lambda: data.prepare_survey_data(version), repeat=2)
    data._survey_data(version)  # cached for the views below
    first = load + _best_of(lambda: data.overview_view.__wrapped__(version))
    switch = _best_of(lambda: data._needs_view.__wrapped__((), None, "newcomer", version))
    hallgarten = (("stadtteil", ("hallgarten",)),)
    change = _best_of(lambda: data._needs_view.__wrapped__(hallgarten, None, "newcomer", version))
    ctx.db.dispose()
    return Timings(first, switch, change)


def _wait_warm(base: str, timeout: float = 600) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        answer = httpx.get(f"{base}/healthz/dashboard", timeout=10)
        if answer.status_code == 200 and answer.json().get("caches") == "warm":
            return time.monotonic() - t0
        time.sleep(0.2)
    raise TimeoutError("dashboard caches not warm")


def browser_seconds(base: str) -> Timings:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(120_000)
        fill_login(page, base, *LOGIN)
        t0 = time.perf_counter()
        submit_login(page)  # from pressing "Anmelden" until Überblick is drawn
        first = time.perf_counter() - t0

        t0 = time.perf_counter()
        open_page(page, "Bedarfe")
        switch = time.perf_counter() - t0

        stadtteil = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Stadtteil")
        stadtteil.locator("input").click()
        option = page.get_by_role("option", name="Hallgarten")
        option.wait_for()
        t0 = time.perf_counter()
        option.click()
        # what the rerun shows, then its end (a run cannot be told apart from no run)
        page.get_by_text("Auswahl: Stadtteil: Hallgarten", exact=True).wait_for()
        wait_settled(page)
        change = time.perf_counter() - t0
        browser.close()
    return Timings(first, switch, change)


def measure(size: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        env = build_database(Path(tmp), SIZES[size])
        print(f"[{size}] database built in {time.perf_counter() - t0:.1f} s")
        base_t = analysis_seconds(env)
        with live.serving(env, Path(tmp) / "serve.log") as base:
            warm = _wait_warm(base)
            print(f"[{size}] caches warm {warm:.1f} s after the server answered /healthz")
            seen = browser_seconds(base)
    for name, field in (
        ("first page", "first_page"),
        ("page switch", "page_switch"),
        ("filter change", "filter_change"),
    ):
        b, s = getattr(base_t, field), getattr(seen, field)
        goal = GOALS.get(name) if size == "demo" else None
        verdict = "" if goal is None else f"  goal < {goal} s: {'met' if s < goal else 'NOT met'}"
        print(
            f"[{size}] {name:13s} browser {s:6.2f} s  analysis alone {b:6.3f} s  "
            f"ratio {s / b:6.1f}x{verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", choices=[*SIZES, "all"], default="all",
                        help="demo, 100k or all (default)")  # fmt: skip
    which = parser.parse_args().size
    for size in SIZES if which == "all" else [which]:
        measure(size)


if __name__ == "__main__":
    main()
