"""Warm the dashboard's caches in the server process, so the guide's first login after a
restart does not pay for loading and analysing the answers.

:class:`Warmer` runs in one daemon thread started by the server's lifespan
(:func:`bedarfsradar.server.create_app`): it imports what the pages import (pandas,
plotly, the analysis modules: about two seconds that the first page run would otherwise
spend) and calls :func:`dashboard.data.warm_up`, which computes every page's first view;
after the first round it compresses Streamlit's scripts (:func:`bedarfsradar.frontend_de.
compress_all`), so no first visit waits for that.
It repeats every ``interval`` seconds; when no answer arrived meanwhile that is only cache
look-ups, and when one did, the next visit finds the new version computed. The thread
never blocks the event loop (it is a thread) and never stops the server: a failure is
logged and retried.
"""

from __future__ import annotations

import ast
import importlib
import logging
import threading
import time
from pathlib import Path

_LOG = logging.getLogger(__name__)
THREAD_NAME = "dashboard-warmup"
PAGES = Path(__file__).parent / "pages"


def page_imports(pages: Path = PAGES) -> list[str]:
    """The modules the page files import at their top level, in first-seen order
    (``from dashboard import charts`` names ``dashboard`` and ``dashboard.charts``)."""
    found: dict[str, None] = {}
    for path in sorted(pages.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                found.update(dict.fromkeys(a.name for a in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
                found.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names))
    return list(found)


def _import(name: str) -> None:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # "package.attribute" is not a module: fine; anything else not
            _LOG.warning("warm-up could not import %s: %s", name, exc)


class _QuietOutsideScripts(logging.Filter):
    """Streamlit warns "missing ScriptRunContext" for cache calls outside a page run; in
    the warm-up thread that is expected."""

    def filter(self, record: logging.LogRecord) -> bool:
        return threading.current_thread().name != THREAD_NAME


class Warmer:
    """The warm-up thread and its state: ``warming`` until the first round finished,
    then ``warm`` (or ``failed`` while rounds fail)."""

    def __init__(self, interval: float = 60.0):
        self.interval = interval
        self.state = "warming"
        self.first_seconds: float | None = None
        self._rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)

    def start(self) -> None:
        for name in (
            "streamlit.runtime.scriptrunner_utils.script_run_context",
            "streamlit.runtime.caching.cache_data_api",
        ):
            logging.getLogger(name).addFilter(_QuietOutsideScripts())
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _round(self) -> None:
        """The first views, each town in its scope (a background job works on one town at
        a time, like a request: :mod:`bedarfsradar.db.rls`): every town in the first
        round, then the installation's own town only - warming 42 towns every minute
        while their surveys run would recompute all of them all the time; a town whose
        answers changed computes its views on its guide's next visit."""
        from bedarfsradar import tenancy
        from bedarfsradar.db import rls
        from dashboard import data

        ctx = data.context()
        home = ctx.home_municipality_id
        towns = [home] if self._rounds else [home, *(t.id for t in tenancy.towns(ctx))]
        for town in dict.fromkeys(towns):
            if self._stop.is_set():
                return
            with rls.town_scope(town):
                self._warm_town()
        self._rounds += 1

    def _warm_town(self) -> None:
        from dashboard import data, exports, labels

        labels.labels()
        version = data.warm_up()
        exports.results_workbook(version)
        exports.technical_workbook(version)
        exports.codebook_workbook()

    def _run(self) -> None:
        from bedarfsradar.frontend_de import compress_all

        started = time.perf_counter()
        for module in page_imports():
            _import(module)
        first = True
        while not self._stop.is_set():
            try:
                self._round()
            except Exception:
                _LOG.exception("dashboard warm-up failed; retrying in %s s", self.interval)
                self.state = "failed" if self.state != "warm" else self.state
            else:
                if first:  # Streamlit's scripts, compressed once for every first visit
                    compress_all()
                    first = False
                if self.first_seconds is None:
                    self.first_seconds = time.perf_counter() - started
                self.state = "warm"
            self._stop.wait(self.interval)
