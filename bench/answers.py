"""Reading every answer for the analysis (``Storage.answers_frame``) at programme scale.

The dashboard reads all complete answers once per data version (a new response is a new
version), so at 100,000 respondents this read is what the guide waits for after every
response that came in. Builds a SQLite database with the demo plus n synthetic newcomers
(``bench/dashboard.py``'s builder, ``bench/analysis.py``'s generator) and measures, each
in a fresh process so that peak memory (RSS) is its own:

* **floor**: the least the read must do: the DB-API cursor fetching the answer rows of
  complete responses (the five answer columns and the response's id) as tuples,
* **answers_frame**: the storage call the dashboard makes, giving the tidy long frame.

Prints both times, their ratio and each process's peak RSS.
Run: ``.venv/bin/python bench/answers.py [n]`` (default 100000).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

FLOOR_SQL = (
    "SELECT a.response_id, a.question_id, a.item, a.value, a.text FROM answer a "
    "JOIN response r ON r.id = a.response_id WHERE r.status = 'complete'"
)


def _floor(path: str) -> tuple[float, int, float]:
    import sqlite3

    t0 = time.perf_counter()
    with sqlite3.connect(path) as conn:
        rows = len(conn.execute(FLOOR_SQL).fetchall())
    return time.perf_counter() - t0, rows, _peak_mb()


def _frame(url: str) -> tuple[float, int, float]:
    from bedarfsradar.context import AppContext
    from bedarfsradar.settings import Settings

    ctx = AppContext(Settings(database_url=url, secret_key="bench-answers"))
    t0 = time.perf_counter()
    rows = len(ctx.storage.answers_frame(ctx.municipality_id))
    return time.perf_counter() - t0, rows, _peak_mb()


def _peak_mb() -> float:
    """This process's peak RSS (VmHWM: its own address space, unlike ``ru_maxrss``,
    which a spawned child inherits from its parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_fresh_process(fn, arg: str) -> tuple[float, int, float]:  # type: ignore[no-untyped-def]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, (arg,))  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000,
                        help="synthetic newcomers (default: 100000)")  # fmt: skip
    n = parser.parse_args().n
    from bench.dashboard import build_database

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url = build_database(Path(tmp), n)["BEDARFSRADAR_DATABASE_URL"]
        print(f"== demo + {n:,} newcomers (database built in {time.perf_counter() - t0:.0f} s)")
        path = url.removeprefix("sqlite:///")
        floor, rows, floor_mb = _in_fresh_process(_floor, path)
        took, frame_rows, frame_mb = _in_fresh_process(_frame, url)
        print(f"floor, DB-API fetch of {rows:,} rows: {floor:6.2f} s, peak {floor_mb:,.0f} MB")
        print(f"answers_frame, {frame_rows:,} rows:   {took:6.2f} s, peak {frame_mb:,.0f} MB")
        print(f"ratio answers_frame / floor: {took / floor:.2f}x")


if __name__ == "__main__":
    main()
