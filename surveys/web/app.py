"""The public survey: server-rendered HTML, one section per page, no JavaScript needed.

Routes (mounted at ``/u``)::

    GET  /{slug}/                      language choice (each language named in itself)
    GET  /{slug}/?t=<token>            a personal link of an invited person
                                       (:mod:`surveys.web.invited`)
    GET  /{slug}/{lang}/               introduction and privacy notice
    POST /{slug}/{lang}/start          privacy notice accepted
    GET  /{slug}/{lang}/einwilligung   separate consent before sensitive questions
    POST /{slug}/{lang}/einwilligung
    GET  /{slug}/{lang}/s/{section}[/{part}]   one section (long ones in parts)
    POST /{slug}/{lang}/s/{section}[/{part}]   validate, store as partial, go on (or back)
    GET  /{slug}/{lang}/pruefen        review all answers
    POST /{slug}/{lang}/pruefen        submit (idempotent on the client UUID)
    GET  /{slug}/{lang}/danke          receipt code
    GET/POST /{slug}/{lang}/weiter     resume with a code
    GET/POST /{slug}/{lang}/loeschen   delete answers with the receipt code
    GET  /{slug}/audio/{sha256}.{ext}  a recording of the campaign's questionnaire version

Every POST carries a CSRF token bound to the respondent's state and a honeypot field
(``hidden``: invisible even when the stylesheet never arrives). A filled honeypot or a
submission faster than the form allows (:mod:`surveys.web.fill_time`) does not refuse
anything: the answers are stored and the response is flagged for the guide's review (a
person must never be turned away by an anti-bot rule). A storage failure never loses
what was typed: the page is shown again with the answers in the form and a request to try
again (HTTP 503).

Long sections are shown in parts of about three phone screens (:mod:`surveys.web.paging`).
A follow-up question that appears because of an answer (children: yes → their ages) is
announced: the page comes back with a message at the top and the address pointing at the
new question, and the step counter already counted the sections that may still appear,
so it does not change under the respondent's finger.

Concurrency: the survey shares one asyncio event loop with the guide's Streamlit
dashboard (one process, one port), so no page does its work on that loop. Each route is a
thin ``async`` endpoint that reads the POSTed form (network I/O, the loop's job) and
hands everything else — database, validation, rendering — to a worker thread
(:func:`anyio.to_thread.run_sync`), as Starlette does for plain ``def`` endpoints. Chosen
over an async database driver because SQLite has none (aiosqlite is a thread per
connection), the storage API is shared with the dashboard, CLI and demo generator, which
are synchronous, and rendering is CPU work that must leave the loop anyway. The survey
has its own limiter of :attr:`SurveyConfig.worker_threads` (not Starlette's default of
40 shared threads): a school class filling in the survey cannot take the threads that
serve the dashboard's files and login, and a few threads suffice because the work holds
the GIL except while waiting for the database (SQLite has a single writer; PostgreSQL's
pool has 10 connections plus 20 overflow).
Per request the pages do only what the page needs: questionnaire versions are prepared
once (:mod:`surveys.web.prepared`), templates are compiled once, and a campaign read from
the database is reused for :data:`CAMPAIGN_TTL_SECONDS`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from anyio import CapacityLimiter, to_thread
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from surveys.questionnaire.languages import SOURCE_LANGUAGE
from surveys.responses.storage import StorageError
from surveys.web.context import HERE, SurveyConfig, safe_lang, survey_root
from surveys.web.pages import SurveyApp
from surveys.web.security import SecurityHeaders
from surveys.web.state import COOKIE
from surveys.web.static import CachedStaticFiles

Page = Callable[[Request, FormData | None], Response]
"""A survey page: runs in a worker thread with the request and its POSTed form (None for
a GET, or for a POST larger than :data:`surveys.web.context.MAX_FORM_BYTES`)."""

__all__ = ["SurveyApp", "SurveyConfig", "create_survey_app"]


class _Workers:
    """The survey's own thread limiter, made for the running event loop (a test client
    runs each app on a loop of its own)."""

    def __init__(self, total: int):
        self.total = total
        self._limiter: CapacityLimiter | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def limiter(self) -> CapacityLimiter:
        loop = asyncio.get_running_loop()
        if self._limiter is None or self._loop is not loop:
            self._limiter, self._loop = CapacityLimiter(self.total), loop
        return self._limiter


def create_survey_app(config: SurveyConfig) -> Starlette:
    survey = SurveyApp(config)
    workers = _Workers(config.worker_threads)

    def route(path: str, page: Page, methods: list[str]) -> Route:
        async def endpoint(request: Request) -> Response:
            form = await survey.read_form(request) if request.method == "POST" else None
            return await to_thread.run_sync(page, request, form, limiter=workers.limiter())

        return Route(path, endpoint, methods=methods)

    def audio(request: Request) -> Response:  # plain def: Starlette's thread pool
        return survey.audio(request)

    routes = [
        Mount("/_static", CachedStaticFiles(directory=HERE / "static"), name="static"),
        Route("/{slug}/audio/{name}", audio, methods=["GET"]),
        route("/{slug}/", survey.choose_language, ["GET"]),
        route("/{slug}/{lang}/", survey.intro, ["GET"]),
        route("/{slug}/{lang}/start", survey.start, ["POST"]),
        route("/{slug}/{lang}/einwilligung", survey.consent, ["GET", "POST"]),
        route("/{slug}/{lang}/s/{section}", survey.section, ["GET", "POST"]),
        route("/{slug}/{lang}/s/{section}/{part:int}", survey.section, ["GET", "POST"]),
        route("/{slug}/{lang}/pruefen", survey.review, ["GET", "POST"]),
        route("/{slug}/{lang}/danke", survey.thanks, ["GET"]),
        route("/{slug}/{lang}/weiter", survey.resume, ["GET", "POST"]),
        route("/{slug}/{lang}/loeschen", survey.delete, ["GET", "POST"]),
    ]

    async def database_unavailable(request: Request, exc: Exception) -> Response:
        # Database down or disk full while reading: a retry page in the respondent's
        # language, never a trace. (Pages that write catch this themselves and show the
        # form again with the answers kept.)
        lang = safe_lang(request.path_params.get("lang", SOURCE_LANGUAGE))
        response = survey.message(None, "error_try_again", 503, lang)
        response.headers["retry-after"] = "30"
        return response

    async def session_expired(request: Request, exc: Exception) -> Response:
        # A state cookie that does not fit this campaign (its response belongs to another
        # campaign): the "session expired" page and a fresh start, never a 500.
        lang = safe_lang(request.path_params.get("lang", SOURCE_LANGUAGE))
        response = survey.message(None, "error_session_expired", 403, lang)
        if slug := request.path_params.get("slug"):
            response.delete_cookie(COOKIE, path=f"{survey_root(request)}/{slug}")
        return response

    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={
            SQLAlchemyError: database_unavailable,
            StorageError: session_expired,
        },
    )
    app.state.survey = survey
    return app
