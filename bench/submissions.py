"""Importing 1,000 offline interviews (an ODK Central or KoboToolbox export), against the
storage's own insert of the same responses, measured in the same run.

Usage: ``python bench/submissions.py [--n 1000] [--rounds 3] [--format central|kobo]``

The import reads the export (ZIP/CSV or XLSX), maps and checks every column, applies
the skip logic and consent per interview (:func:`surveys.xlsform.submissions.read_submissions`),
classifies each against what is stored and writes all of them in one transaction
(:func:`~surveys.xlsform.submissions.store_import`). The baseline stores the very same
answer rows through ``Storage.complete_response`` (the assisted path's insert, one
transaction per response) into a fresh campaign. The two sides alternate in rounds and
each time is the median over its rounds (a shared machine's disk changes speed within
seconds). Goal: 1,000 interviews in < 5 s.

"The dashboard responsive meanwhile": a probe thread runs the dashboard's data-version
query (count and highest id of complete responses) every 20 ms, idle and during each
import; its p50 and maximum latency are printed. The dashboard runs each page script in
its own thread, as the probe does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import AppContext, init_db
from bedarfsradar.db.schema import Response
from bedarfsradar.settings import Settings
from surveys import demo
from surveys.responses.storage import CampaignInfo
from surveys.xlsform.submissions import preview_import, store_import
from tests.xlsform.submission_files import Form, Interview, central_zip, kobo_xlsx


class Probe:
    """Times the dashboard's data-version query every ``every`` seconds in a thread."""

    def __init__(self, ctx: AppContext, every: float = 0.02):
        self.ctx, self.every = ctx, every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        stmt = select(func.count(Response.id), func.max(Response.id)).where(
            Response.status == "complete"
        )
        while not self._stop.is_set():
            start = time.perf_counter()
            with self.ctx.db.read() as s:
                s.execute(stmt).one()
            self.samples.append(time.perf_counter() - start)
            self._stop.wait(self.every)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        ms = sorted(s * 1000 for s in self.samples) or [0.0]
        return f"p50 {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms ({len(ms)} probes)"


def interviews(n: int, export: int) -> list[Interview]:
    """The same answers in every export (seeded); new instance ids per ``export``, since a
    second import of the same interviews stores nothing."""
    rng = np.random.default_rng(1)
    out = []
    for k in range(n):
        answers, _, consent = demo.newcomer_answers(rng, 1)
        out.append(Interview(answers, consent, f"uuid:{uuid.UUID(int=export * 1_000_000 + k)}"))
    return out


def new_campaign(ctx: AppContext, prefix: str) -> CampaignInfo:
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    assert version is not None
    return ctx.storage.create_campaign(mid, f"{prefix}-{uuid.uuid4().hex[:6]}", prefix, version)


def import_once(ctx: AppContext, data: bytes, name: str) -> tuple[float, float, int]:
    """(seconds to read and classify, seconds to store, responses added)."""
    campaign = new_campaign(ctx, "tablet")
    start = time.perf_counter()
    preview = preview_import(ctx.storage, campaign.slug, data, name, language="de")
    read = time.perf_counter() - start
    outcome = store_import(ctx.storage, preview)
    return read, time.perf_counter() - start - read, outcome.added


def baseline_once(ctx: AppContext, rows: list) -> float:  # type: ignore[type-arg]
    campaign = new_campaign(ctx, "assisted")
    start = time.perf_counter()
    for r in rows:
        ctx.storage.complete_response(
            campaign, str(uuid.uuid4()), r, "de", "assisted", True, month="2026-02"
        )
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    p.add_argument("--n", type=int, default=1000, help="interviews in the export")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--format", choices=["central", "kobo"], default="central")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        ctx = AppContext(Settings(database_url=url, data_dir=PROJECT_ROOT / "data", secret_key="b"))
        init_db(ctx)
        version = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
        assert version is not None
        bundle = ctx.storage.questionnaire_bundle(version)
        form = Form(bundle, metadata=True)

        def export(number: int) -> tuple[bytes, str]:
            batch = interviews(args.n, number)
            if args.format == "central":
                return central_zip(form, batch, split=True), "newcomer.zip"
            return kobo_xlsx(form, batch), "newcomer.xlsx"

        exports = [export(i) for i in range(args.rounds + 1)]
        data, name = exports[0]
        # the baseline stores exactly what the import stores
        first = preview_import(ctx.storage, new_campaign(ctx, "x").slug, data, name, language="de")
        rows = [s.response.rows for s in first.plan.submissions]
        answers = sum(len(r) for r in rows) / max(1, len(rows))
        with Probe(ctx) as idle:
            time.sleep(1.0)
        reads: list[float] = []
        stores: list[float] = []
        bases: list[float] = []
        busy: list[Probe] = []
        for i in range(args.rounds):
            for side in ("import", "base") if i % 2 == 0 else ("base", "import"):
                if side == "base":
                    bases.append(baseline_once(ctx, rows))
                    continue
                with Probe(ctx) as probe:
                    read, store, added = import_once(ctx, *exports[i + 1])
                busy.append(probe)
                assert added == len(rows), (added, len(rows))
                reads.append(read)
                stores.append(store)
        ctx.db.dispose()
    total = statistics.median(r + s for r, s in zip(reads, stores, strict=True))
    read, store, base = (statistics.median(x) for x in (reads, stores, bases))
    size = len(data) / 1e6
    print(
        f"{args.n} interviews ({args.format}, file {size:.2f} MB, {answers:.0f} answers each), "
        f"median of {args.rounds} rounds on SQLite:"
    )
    print(
        f"  import {total:.2f} s (read, map, check {read:.2f} s + store in one transaction "
        f"{store:.2f} s); goal < 5 s: {'met' if total < 5 else 'NOT met'}"
    )
    print(
        f"  baseline: the same responses through Storage.complete_response {base:.2f} s; "
        f"import / baseline = {total / base:.2f}, store alone / baseline = {store / base:.2f}"
    )
    worst = max(busy, key=lambda pr: max(pr.samples or [0.0]))
    print(f"  dashboard data-version query idle: {idle.summary()}; during import: "
          f"{worst.summary()}")  # fmt: skip


if __name__ == "__main__":
    main()
