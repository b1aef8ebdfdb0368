"""Faults: the server killed with SIGKILL, PostgreSQL restarted and a full disk during
use. The promise: every acknowledged answer is stored, respondents see a retry page
(HTTP 503) instead of a trace, and the answers they typed stay in the form."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar.server import routes
from bench.load import (
    Results,
    prepare_database,
    respondent,
    start_server,
    stored_uuids,
)
from tests.live import free_port
from tests.survey_client import Browser

pytestmark = pytest.mark.slow


class Load:
    """Simulated respondents in a background thread, bounded by a deadline and a stop flag."""

    def __init__(self, base: str, clients: int = 10, seconds: float = 300):
        self.results = Results()
        self.stop = threading.Event()
        deadline = time.monotonic() + seconds

        async def main() -> None:
            await asyncio.gather(
                *(respondent(base, "last", deadline, self.results, self.stop)
                  for _ in range(clients))
            )  # fmt: skip

        self.thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
        self.thread.start()

    def wait_for(self, acknowledged: int, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while len(self.results.acknowledged) < acknowledged and time.monotonic() < deadline:
            time.sleep(0.2)
        return len(self.results.acknowledged)

    def finish(self) -> Results:
        self.stop.set()
        self.thread.join(timeout=90)
        return self.results


def test_sigkill_during_load_loses_no_acknowledged_submission(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    prepare_database(url)
    port = free_port()
    log = tmp_path / "serve.log"
    server = start_server(url, port, log)
    load = Load(f"http://127.0.0.1:{port}")
    acknowledged_before_kill = load.wait_for(3)
    os.kill(server.pid, signal.SIGKILL)  # no shutdown, no flush: like a power cut
    server.wait()
    server = start_server(url, port, log)
    after = load.wait_for(len(load.results.acknowledged) + 3)
    results = load.finish()
    server.terminate()
    server.wait(timeout=30)
    assert acknowledged_before_kill >= 3
    assert after > acknowledged_before_kill  # it went on after the restart
    assert set(results.acknowledged) - stored_uuids(url) == set()
    assert results.server_errors == 0


@pytest.mark.postgres
def test_postgres_restart_during_load_recovers_without_losing_answers(postgres_url, tmp_path):
    pg_ctl = shutil.which("pg_ctlcluster")
    if pg_ctl is None or os.geteuid() != 0:
        pytest.skip("needs pg_ctlcluster as root (CI)")
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    prepare_database(postgres_url)
    port = free_port()
    server = start_server(postgres_url, port, tmp_path / "serve.log")
    load = Load(f"http://127.0.0.1:{port}")
    before = load.wait_for(3)
    subprocess.run([pg_ctl, version, "main", "restart"], check=True, timeout=60)
    after = load.wait_for(len(load.results.acknowledged) + 3)
    results = load.finish()
    server.terminate()
    server.wait(timeout=30)
    assert before >= 3 and after > before  # the pool recovered
    assert set(results.acknowledged) - stored_uuids(postgres_url) == set()
    assert results.server_errors == 0  # retry pages (503) at most, never a 500


def test_full_disk_shows_retry_page_and_keeps_the_answers(sqlite_ctx):
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "voll", "Voll", ctx.storage.latest_version(mid, "newcomer"))
    app = Starlette(routes=routes(ctx))
    app.routes[1].app.state.survey.config.seconds_per_question = 0
    browser = Browser(app)
    browser.get("/u/voll/de/")
    page = browser.submit()  # the privacy notice accepted
    assert page.url.path.endswith("/s/household")

    ctx.db.engine.dispose()
    raw = sqlite3.connect(ctx.db.engine.url.database, isolation_level=None)
    raw.execute("VACUUM")
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for _ in range(1000):  # fill the free space left inside the answer table's pages
            raw.execute("INSERT INTO answer (municipality_id, response_id, question_id, item, "
                        "text) VALUES (0, 0, 'filler', '', ?)", ("x" * 200,))  # fmt: skip
    raw.close()

    @event.listens_for(ctx.db.engine, "connect")
    def tiny_disk(dbapi_connection, _record):  # every new connection sees a full disk
        cur = dbapi_connection.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
        cur.close()

    ctx.db.engine.dispose()
    long_text = "Wir brauchen eine Wohnung in Hallgarten. " * 45  # needs new pages
    browser.get("/u/voll/de/s/final")
    page = browser.submit({"helps_most": long_text, "volunteer_interest": "yes"}, button="next")
    assert page.status_code == 503
    assert "konnten gerade nicht gespeichert werden" in page.text
    kept = browser.form()  # the page comes back with what was typed in its form
    assert kept.controls["helps_most"].value.strip() == long_text.strip()
    assert kept.controls["volunteer_interest"].default() == ["yes"]
    assert page.url.path.endswith("/s/final")
    event.remove(ctx.db.engine, "connect", tiny_disk)
    ctx.db.engine.dispose()
    page = browser.submit(button="next")  # the respondent presses "next" again
    assert page.status_code == 200 and page.url.path.endswith("/pruefen")  # it went through
    assert long_text.strip() in page.text


def test_database_gone_while_reading_gives_a_retry_page_not_a_trace(tmp_path):
    from bedarfsradar.context import init_db
    from tests.conftest import make_context

    db_file = tmp_path / "gone.db"
    ctx = make_context(f"sqlite:///{db_file}")
    init_db(ctx)
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "weg", "Weg", ctx.storage.latest_version(mid, "newcomer"))
    app = Starlette(routes=routes(ctx))
    ctx.db.engine.dispose()
    Path(db_file).unlink()
    db_file.mkdir()  # the path now is a folder: SQLite cannot open it
    page = TestClient(app, raise_server_exceptions=False).get("/u/weg/ar/")
    assert page.status_code == 503
    assert 'dir="rtl"' in page.text and "Traceback" not in page.text
    assert page.headers["retry-after"] == "30"
