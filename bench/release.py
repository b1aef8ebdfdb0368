"""Reading a release vs computing at view time (issue 23: viewer page <= 100 ms server
time, deck from a release <= 2 s).

On the demo database (built in a temporary file): the viewer's page runs as a Streamlit
script (``AppTest``, the server side of a page view, no browser) on a release and is
compared with the guide's explorer page (Bedarfe, computed from the live answers) in the
same run; an empty page measured the same way is subtracted from both (AppTest's own
start-up: scanning installed packages for components, polling for widgets); the deck and
the PDF are rendered from the release and, as the baseline, from the live answers
(:func:`reports.build_report`, analysis included). Caches are cleared before each timed
run except the release cache (a release never changes: reading it once per process is the
design). Prints medians and ratios.

Run: ``.venv/bin/python bench/release.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import dashboard.auth  # noqa: E402
import dashboard.data  # noqa: E402
from bedarfsradar import releases  # noqa: E402
from bedarfsradar.context import load_demo  # noqa: E402
from bedarfsradar.session import SessionUser  # noqa: E402
from reports import build_report  # noqa: E402
from tests.conftest import make_context  # noqa: E402

PAGES = Path(_ROOT) / "dashboard" / "pages"


def _median(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _page(name: str, role: str, ctx, clear_data: bool) -> float:  # type: ignore[no-untyped-def]
    user = SessionUser(1, f"bench-{role}", role, ctx.municipality_id, time.time())
    dashboard.auth.current_user = lambda: user  # type: ignore[assignment]
    if clear_data:
        st.cache_data.clear()
    t0 = time.perf_counter()
    path = name if Path(name).is_absolute() else str(PAGES / name)
    at = AppTest.from_file(path, default_timeout=120).run()
    assert not at.exception, at.exception
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = make_context(f"sqlite:///{tmp}/bench.db")
        load_demo(ctx)
        dashboard.data.context = lambda: ctx  # type: ignore[assignment]
        final = next(r for r in ctx.releases.releases(ctx.municipality_id) if r.kind == "final")
        empty_page = Path(tmp) / "empty.py"
        empty_page.write_text('import streamlit as st\nst.title("Leer")\n', encoding="utf-8")
        _page("results.py", "viewer", ctx, False)  # warm: imports, the release read once
        _page("needs.py", "guide", ctx, False)

        def median_page(name: str, role: str) -> float:
            return statistics.median(_page(name, role, ctx, True) for _ in range(args.repeat))

        empty = median_page(str(empty_page), "viewer")
        viewer = median_page("results.py", "viewer") - empty
        explorer = median_page("needs.py", "guide") - empty
        print(f"AppTest overhead {empty * 1000:5.0f} ms (subtracted)   viewer page from a "
              f"release {viewer * 1000:5.0f} ms   explorer page (live) {explorer * 1000:5.0f} "
              f"ms   ratio {viewer / explorer:.2f}")  # fmt: skip
        slug = releases.waves(ctx)[final.wave].slug
        for fmt in ("pptx", "pdf"):
            frozen = _median(lambda f=fmt: releases.release_report(ctx, final.id, f), args.repeat)
            live = _median(lambda f=fmt: build_report(ctx, slug, f), max(1, args.repeat // 2))
            print(f"{fmt}: from the release {frozen:5.2f} s   from live answers {live:5.2f} s"
                  f"   ratio {frozen / live:.2f}")  # fmt: skip
        ctx.db.dispose()


if __name__ == "__main__":
    main()
