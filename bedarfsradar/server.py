"""One process, one port: the Streamlit dashboard and the Starlette routes in ``st.App``.

``/`` Streamlit dashboard · ``/healthz`` readiness (database reachable, migrations
current) · ``/healthz/dashboard`` whether the dashboard's caches are warm ·
``/u/<town>/<campaign>/…`` public survey (``/u/<campaign>/…`` where the installation has
one town; :class:`bedarfsradar.tenancy.SurveyTowns`) · ``/ergebnisse/[<town>/]…`` public
results pages (:mod:`bedarfsradar.results_site`). Streamlit only reads
``.streamlit/config.toml``; the project's ``streamlit_config.toml`` is the source of truth,
loaded here into Streamlit's configuration (and exported as ``STREAMLIT_*`` variables).
Everything but the survey, the login and Streamlit's public files passes the server-side
session check (:class:`bedarfsradar.login.LoginRequired`): dashboard pages, downloads
(Streamlit's media files, bound to the session that made them: :mod:`bedarfsradar.media`),
uploads, metrics (admin only). Request bodies of the survey and the login are counted as
they arrive (:mod:`bedarfsradar.limits`).
Every response gets the security headers of :mod:`bedarfsradar.headers`; Streamlit's own
frontend texts are German and its scripts are compressed once
(:mod:`bedarfsradar.frontend_de`). When the server starts, a thread warms the dashboard's
caches (:mod:`dashboard.warmup`).

The survey, the dashboard and /healthz share one process, so a pause of the process is a
pause for both audiences. Python's full garbage collection walks every object: with
Streamlit, the survey and the dashboard's statistics loaded that is about 230,000 objects
and 140 ms with the GIL held, and Streamlit forced one after every script run
(``runner.postScriptGC``, now off in ``streamlit_config.toml``).
:func:`freeze_startup_objects` moves everything loaded at startup out of the collector's
reach (:func:`gc.freeze`), so Python's own collections walk only what requests create.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import re
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from bedarfsradar import PROJECT_ROOT

CONFIG_FILE = PROJECT_ROOT / "streamlit_config.toml"
PRELOADED = ("analysis.stats", "analysis.results", "plotly.graph_objects")
"""Loaded by the dashboard's first page anyway: loaded before :func:`gc.freeze` instead."""
DASHBOARD_SCRIPT = PROJECT_ROOT / "dashboard" / "app.py"


def _env_name(section: str, key: str) -> str:
    # Streamlit's own rule (ConfigOption.env_var): camelCase -> SNAKE_CASE
    snake = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", f"{section}_{key}")
    return "STREAMLIT_" + re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", snake).upper()


def apply_streamlit_config(path: Path = CONFIG_FILE) -> dict[str, str]:
    """Export every option of ``streamlit_config.toml`` as Streamlit's environment
    variable (``server.enableCORS`` → ``STREAMLIT_SERVER_ENABLE_CORS``)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    applied: dict[str, str] = {}
    for section, options in data.items():
        for key, value in options.items():
            name = _env_name(section, key)
            text = str(value).lower() if isinstance(value, bool) else str(value)
            os.environ[name] = text
            applied[name] = text
    return applied


def load_streamlit_config(path: Path = CONFIG_FILE) -> dict[str, object]:
    """Load ``streamlit_config.toml`` into Streamlit's configuration, as ``streamlit run``
    does with its command-line flags. Needed because the server runs ``st.App`` under
    uvicorn directly: Streamlit then reads ``STREAMLIT_*`` variables only for its few
    sensitive options, so without this ``gatherUsageStats = false`` and
    ``showErrorDetails = "none"`` would be silently ignored (the browser fetched
    ``https://data.streamlit.io/metrics.json``)."""
    from streamlit import config

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    options = {f"{s}.{k}": v for s, section in data.items() for k, v in section.items()}
    config.get_config_options(force_reparse=True, options_from_flags=options)
    return options


def healthz_endpoint(ctx=None):  # type: ignore[no-untyped-def]
    """Readiness of the given context's database (default: the process-wide context).

    A plain ``def`` endpoint: Starlette runs it in its thread pool, so the database round
    trip never holds the event loop the dashboard shares. The migration head comes from
    the scripts shipped with this release and is read once."""
    from bedarfsradar.db import migrate

    head: list[str | None] = []

    def healthz(request: Request) -> JSONResponse:
        db = (ctx or _ctx()).db
        try:
            if not head:
                head.append(migrate.head_revision())
            current = migrate.current_revision(db) == head[0]
        except Exception as exc:
            body = {"status": "error", "database": type(exc).__name__}
            return JSONResponse(body, status_code=503)
        if not current:
            body = {"status": "error", "database": "migrations pending"}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ok"})

    return healthz


_CONTEXT = None
_WARMER: Any = None  # dashboard.warmup.Warmer while the server runs


async def dashboard_caches(request: Request) -> JSONResponse:
    """``{"caches": "warming" | "warm" | "failed" | "off"}`` (no data, no timing detail)."""
    return JSONResponse({"caches": _WARMER.state if _WARMER is not None else "off"})


@asynccontextmanager
async def warm_dashboard(app: Any) -> AsyncIterator[None]:
    """Lifespan hook of :func:`create_app`: the warm-up thread runs while the server runs."""
    from dashboard.warmup import Warmer

    global _WARMER
    _WARMER = Warmer()
    _WARMER.start()
    try:
        yield
    finally:
        _WARMER.stop()
        _WARMER = None


def _ctx():  # type: ignore[no-untyped-def]
    global _CONTEXT
    if _CONTEXT is None:
        from bedarfsradar.context import AppContext

        _CONTEXT = AppContext()
    return _CONTEXT


def survey_app(ctx=None):  # type: ignore[no-untyped-def]
    from surveys.web import SurveyConfig, create_survey_app

    ctx = ctx or _ctx()
    return create_survey_app(
        SurveyConfig(
            storage=ctx.storage,
            secret=ctx.settings.effective_secret_key,
            ui=ctx.ui_text,
            submissions_per_minute=ctx.settings.survey_submissions_per_minute,
            secure_cookies=ctx.settings.effective_secure_cookies,
            seconds_per_question=ctx.settings.survey_seconds_per_question,
            results_path="/ergebnisse/",  # bedarfsradar.results_site.BASE
            town_name=ctx.home_geography.name,
        )
    )


def routes(ctx=None) -> list[BaseRoute]:  # type: ignore[no-untyped-def]
    """The Starlette routes beside the dashboard (public survey under /u, public results
    under /ergebnisse, login)."""
    from bedarfsradar.limits import SURVEY_MAX_BODY, BodyLimit
    from bedarfsradar.login import login_routes
    from bedarfsradar.results_site import BASE, ResultsTowns
    from bedarfsradar.tenancy import SurveyTowns

    survey = survey_app(ctx)
    # bodies counted as they arrive (chunked too), before the survey's form parser
    survey.add_middleware(BodyLimit, max_bytes=SURVEY_MAX_BODY)
    return [
        Route("/healthz", healthz_endpoint(ctx)),
        Mount("/u", app=SurveyTowns(survey, ctx or _ctx())),
        Mount(BASE, app=ResultsTowns(ctx or _ctx())),
        *login_routes(ctx or _ctx()),
        Route("/healthz/dashboard", dashboard_caches),
    ]


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def silence_access_log() -> None:
    """Access logs would store respondents' IP addresses: never write them."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _DropAll) for f in access.filters):
        access.addFilter(_DropAll())


def use_navigation_only() -> None:
    """Tell Streamlit the dashboard has no v1 ``pages/`` folder. It has one
    (``dashboard/pages``, one file per page), so Streamlit's first script run after a
    start would list its raw file names ("admin volunteers", "login required", …) in the
    sidebar until ``dashboard/app.py`` reached ``st.navigation`` — which sets this same
    flag. Setting it before the first session skips that."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def freeze_startup_objects() -> int:
    """Load the dashboard's heavy modules, collect once and freeze what is left: later
    collections skip these objects (a full one took 140 ms, now well under 1 ms). Returns
    the number of objects frozen."""
    for name in PRELOADED:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def middleware(ctx=None, media=None) -> list[Middleware]:  # type: ignore[no-untyped-def]
    """The middleware of the server, outermost first (tests build apps with it)."""
    from bedarfsradar.frontend_de import GermanFrontend
    from bedarfsradar.headers import SecurityHeaders
    from bedarfsradar.login import LoginRequired

    return [
        # outermost: every response (login redirects, Streamlit's files, /healthz)
        Middleware(SecurityHeaders),
        Middleware(GZipMiddleware, minimum_size=500),
        Middleware(GermanFrontend),
        Middleware(LoginRequired, ctx=ctx or _ctx(), media=media),
    ]


def create_app():  # type: ignore[no-untyped-def]
    apply_streamlit_config()
    load_streamlit_config()
    silence_access_log()
    from bedarfsradar.media import DashboardApp, SessionMediaStorage, cookie_owner

    ctx = _ctx()
    media = SessionMediaStorage(
        cookie_owner(ctx.sessions), lifetime=ctx.settings.download_minutes * 60
    )
    use_navigation_only()
    app = DashboardApp(
        str(DASHBOARD_SCRIPT),
        routes=routes(),
        middleware=middleware(ctx, media),
        lifespan=warm_dashboard,
        media_storage=media,
    )
    freeze_startup_objects()
    return app


def run(host: str, port: int) -> None:
    import uvicorn

    from bedarfsradar.settings import get_settings

    # Behind a TLS reverse proxy, its X-Forwarded-For/-Proto are trusted from the listed
    # addresses only: login slow-down and survey rate limits count the real client, and
    # cookies get the Secure flag (README, "Operating")
    proxies = get_settings().forwarded_allow_ips.strip()
    uvicorn.run(
        "bedarfsradar.server:app",
        host=host,
        port=port,
        loop="auto",  # uvloop and httptools (dependencies) where the platform has them
        http="auto",
        factory=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        server_header=False,
        access_log=False,
    )


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # ``bedarfsradar.server:app`` is built on first access so that importing this module
    # (tests, CLI) does not start Streamlit's configuration machinery.
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(name)
