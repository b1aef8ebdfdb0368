"""What the protection layer adds to a dashboard view (goal: at most 20 %).

A view of the Bedarfe page - the newcomers' need prevalence, severe need, "weiß nicht"
and top three, broken down by Stadtteil, ranked (:func:`analysis.needs.needs_results`) - is
timed twice in the same run: as published (cell keys summed in the same bincount pass,
noise looked up, shares and widened intervals recomputed, small cells hidden) and as the
same code with the protection step replaced by a no-op. Prints both and the ratio, at the
demo's size (the dashboard's case) and at 100,000 newcomers.

Run: ``.venv/bin/python bench/disclosure.py [n ...]`` (default: 420 100000).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

from analysis import needs, tidy  # noqa: E402
from bench.analysis import synthetic_answers  # noqa: E402

BREAKDOWN = "stadtteil"


def view(data: tidy.SurveyData) -> object:
    return needs.needs_results(data, group_vars=[BREAKDOWN])


def without_protection(results, **_):  # type: ignore[no-untyped-def]
    """The no-op stand-in for :func:`analysis.disclosure.apply_suppression`."""
    return results.drop(columns=[c for c in ("key_n", "key_count") if c in results.columns])


def _best(fn, data, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        data.cache.clear()  # need status is cached per data set: time the whole view
        t0 = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - t0)
    return min(times)


def run(n: int) -> None:
    data = tidy.prepare(synthetic_answers(n))
    repeat = 30 if n < 10_000 else 3
    safe = _best(view, data, repeat)
    real = needs.apply_suppression
    needs.apply_suppression = without_protection  # type: ignore[assignment]
    try:
        plain = _best(view, data, repeat)
    finally:
        needs.apply_suppression = real  # type: ignore[assignment]
    print(
        f"{n:>7,} newcomers: view without protection {plain * 1000:7.1f} ms, "
        f"published view {safe * 1000:7.1f} ms, ratio {safe / plain:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[420, 100_000],
                        help="numbers of newcomers (default: 420 100000)")  # fmt: skip
    for n in parser.parse_args().sizes:
        run(n)


if __name__ == "__main__":
    main()
