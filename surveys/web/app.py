"""The public survey: server-rendered HTML, one section per page, no JavaScript needed.

Routes (mounted at ``/u``)::

    GET  /{slug}/                      language choice (each language named in itself)
    GET  /{slug}/{lang}/               introduction and privacy notice
    POST /{slug}/{lang}/start          privacy notice accepted
    GET  /{slug}/{lang}/einwilligung   separate consent before sensitive questions
    POST /{slug}/{lang}/einwilligung
    GET  /{slug}/{lang}/s/{section}    one section
    POST /{slug}/{lang}/s/{section}    validate, store as partial, go on (or back)
    GET  /{slug}/{lang}/pruefen        review all answers
    POST /{slug}/{lang}/pruefen        submit (idempotent on the client UUID)
    GET  /{slug}/{lang}/danke          receipt code
    GET/POST /{slug}/{lang}/weiter     resume with a code
    GET/POST /{slug}/{lang}/loeschen   delete answers with the receipt code

Every POST carries a CSRF token bound to the respondent's state and a honeypot field.
A storage failure never loses what was typed: the page is shown again with the answers
in the form and a request to try again (HTTP 503).

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
import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyio import CapacityLimiter, to_thread
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from surveys.answers import (
    AnswerError,
    clean_answers,
    from_rows,
    question_visible,
    section_visible,
    to_rows,
)
from surveys.languages import SOURCE_LANGUAGE, language
from surveys.model import QuestionnaireBundle, Section
from surveys.storage import (
    AlreadyComplete,
    CampaignClosed,
    CampaignInfo,
    CampaignNotFound,
    Storage,
)
from surveys.ui_text import UiText
from surveys.web.prepared import PreparedQuestionnaire, prepare
from surveys.web.security import RateLimiter, SecurityHeaders
from surveys.web.state import COOKIE, StateCodec, SurveyState, new_state
from surveys.web.views import answer_text, form_answers, html_id, section_fields

HERE = Path(__file__).resolve().parent
HONEYPOT = "website"
MIN_FILL_SECONDS = 20
"""Online respondents faster than this from privacy notice to submit are treated as bots
(the shortest plausible human run through the newcomer survey takes over a minute)."""
MAX_FORM_BYTES = 100_000
CAMPAIGN_TTL_SECONDS = 2.0
"""How long pages reuse a campaign read from the database: a campaign the guide closes
stops showing its pages within this time; a submission checks the status in its own
transaction (:meth:`Storage.complete_response`)."""
TEMPLATES = HERE / "templates"
GZIP_MIN_BYTES = 500  # as the server's GZipMiddleware (bedarfsradar.server)
GZIP_LEVEL = 9


@dataclass
class SurveyConfig:
    storage: Storage
    secret: str
    ui: UiText
    submissions_per_minute: int = 120
    secure_cookies: bool = False
    min_fill_seconds: float = MIN_FILL_SECONDS
    worker_threads: int = 8
    """Survey pages in progress at once (each in a worker thread); more requests wait
    for a turn without holding a thread."""


class _Ctx:
    """Everything one request needs: campaign, questionnaire, language, state."""

    def __init__(
        self,
        app: SurveyApp,
        request: Request,
        campaign: CampaignInfo,
        bundle: PreparedQuestionnaire,
        lang: str,
        state: SurveyState | None,
    ):
        self.app = app
        self.request = request
        self.campaign = campaign
        self.bundle = bundle
        self.lang = lang
        self.state = state
        self.new_cookie: SurveyState | None = None

    @property
    def q(self):  # type: ignore[no-untyped-def]
        return self.bundle.questionnaire

    def t(self, key: str, **params: Any) -> str:
        return self.app.config.ui.get(key, self.lang, **params)

    def url(self, *parts: str) -> str:
        return "/".join(["/u", self.campaign.slug, self.lang, *parts]) + ("/" if not parts else "")


class SurveyApp:
    def __init__(self, config: SurveyConfig):
        self.config = config
        self.codec = StateCodec(config.secret)
        self.limiter = RateLimiter(config.submissions_per_minute)
        self._bundles: dict[int, QuestionnaireBundle] = {}
        self._prepared: dict[int, PreparedQuestionnaire] = {}
        self._campaigns: dict[str, tuple[float, CampaignInfo]] = {}
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates are part of the release: no stat() per page
        )
        for template in TEMPLATES.glob("*.html"):
            self.env.get_template(template.name)  # compiled once, here

    # -- helpers -------------------------------------------------------------------------
    def bundle(self, version_id: int) -> QuestionnaireBundle:
        if version_id not in self._bundles:
            self._bundles[version_id] = self.config.storage.questionnaire_bundle(version_id)
        return self._bundles[version_id]

    def prepared(self, version_id: int) -> PreparedQuestionnaire:
        """The version ready for the pages: texts per language, offered languages
        (complete questionnaire and UI translations, the rule shared with the guide's
        coverage report) and sections by id."""
        if version_id not in self._prepared:
            self._prepared[version_id] = prepare(self.bundle(version_id), self.config.ui)
        return self._prepared[version_id]

    def campaign(self, slug: str) -> CampaignInfo:
        """The campaign, read from the database at most every :data:`CAMPAIGN_TTL_SECONDS`
        (raises :class:`CampaignNotFound`; unknown slugs are not remembered)."""
        now = time.monotonic()
        hit = self._campaigns.get(slug)
        if hit is not None and now - hit[0] < CAMPAIGN_TTL_SECONDS:
            return hit[1]
        campaign = self.config.storage.campaign(slug)
        self._campaigns[slug] = (now, campaign)
        return campaign

    def render(
        self, ctx: _Ctx | None, template: str, status: int = 200, lang: str = "de", **values: Any
    ) -> HTMLResponse:
        lang = ctx.lang if ctx else lang
        meta = language(lang)
        ui = self.config.ui
        html = self.env.get_template(template).render(
            lang=meta.html_lang,
            dir=meta.direction,
            t=lambda key, **p: ui.get(key, lang, **p),
            ctx=ctx,
            honeypot=HONEYPOT,
            **values,
        )
        response = self._html(ctx, html, status)
        response.headers["cache-control"] = "no-store"
        if ctx is not None and ctx.new_cookie is not None:
            self.set_cookie(response, ctx)
        return response

    def _html(self, ctx: _Ctx | None, html: str, status: int) -> HTMLResponse:
        """The page, gzipped here in the worker thread when the browser accepts it; the
        server's GZipMiddleware would compress it on the event loop (it passes a body
        that is encoded already)."""
        body = html.encode()
        if len(body) < GZIP_MIN_BYTES:
            return HTMLResponse(body, status_code=status)
        headers = {"vary": "Accept-Encoding"}
        if ctx is not None and "gzip" in ctx.request.headers.get("accept-encoding", ""):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            headers["content-encoding"] = "gzip"
        return HTMLResponse(body, status_code=status, headers=headers)

    def set_cookie(self, response: Response, ctx: _Ctx) -> None:
        state = ctx.new_cookie or ctx.state
        assert state is not None
        response.set_cookie(
            COOKIE,
            self.codec.dumps(state),
            max_age=60 * 60 * 24 * 60,
            path=f"/u/{ctx.campaign.slug}",
            httponly=True,
            samesite="lax",
            secure=self.config.secure_cookies,
        )

    def redirect(self, ctx: _Ctx, url: str) -> Response:
        response = RedirectResponse(url, status_code=303)
        if ctx.new_cookie is not None:
            self.set_cookie(response, ctx)
        return response

    def message(self, ctx: _Ctx | None, key: str, status: int, lang: str = "de") -> HTMLResponse:
        return self.render(ctx, "message.html", status=status, lang=lang, message_key=key)

    def context(
        self, request: Request, need_state: bool = False, allow_closed: bool = False
    ) -> _Ctx | Response:
        slug = request.path_params["slug"]
        lang = request.path_params.get("lang", SOURCE_LANGUAGE)
        try:
            campaign = self.campaign(slug)
        except CampaignNotFound:
            return self.message(None, "survey_not_found", 404, _safe_lang(lang))
        bundle = self.prepared(campaign.questionnaire_version_id)
        if "lang" in request.path_params and lang not in bundle.languages:
            return RedirectResponse(f"/u/{slug}/", status_code=303)
        state = self.codec.loads(request.cookies.get(COOKIE))
        ctx = _Ctx(self, request, campaign, bundle, lang, state)
        if campaign.status != "open" and not allow_closed:
            return self.message(ctx, "survey_closed", 410)
        if need_state and (state is None or not state.privacy):
            return RedirectResponse(ctx.url(), status_code=303)
        return ctx

    async def read_form(self, request: Request) -> FormData | None:
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            return None
        return await request.form(max_files=0, max_fields=500)

    def check_post(self, ctx: _Ctx, form: FormData | None) -> Response | None:
        """CSRF and honeypot; a failing request changes nothing."""
        if form is None:
            return self.message(ctx, "error_try_again", 413)
        token = form.get("csrf")
        if ctx.state is None or not self.codec.csrf_ok(
            ctx.state, ctx.campaign.slug, token if isinstance(token, str) else None
        ):
            return self.message(ctx, "error_session_expired", 403)
        if form.get(HONEYPOT):
            return self.message(ctx, "error_try_again", 400)
        return None

    def stored_answers(self, ctx: _Ctx) -> dict[str, Any]:
        assert ctx.state is not None
        rows = self.config.storage.partial_rows(ctx.campaign, ctx.state.uuid)
        return from_rows(ctx.q, rows) if rows else {}

    def visible_sections(self, ctx: _Ctx, answers: dict[str, Any]) -> list[Section]:
        consent = ctx.state.consent if ctx.state else None
        out = []
        for section in ctx.q.sections:
            if section.sensitive and consent is None:
                out.append(section)  # asked for consent first; shown if given
            elif section_visible(ctx.q, section, answers, consent):
                out.append(section)
        return out

    def next_url(self, ctx: _Ctx, answers: dict[str, Any], after: str | None) -> str:
        """The page after section ``after`` (None: the first), asking consent on the way."""
        sections = self.visible_sections(ctx, answers)
        ids = [s.id for s in sections]
        start = ids.index(after) + 1 if after in ids else 0
        for section in sections[start:]:
            if section.sensitive and ctx.state and ctx.state.consent is None:
                return ctx.url("einwilligung") + f"?weiter={section.id}"
            return ctx.url("s", section.id)
        return ctx.url("pruefen")

    def continue_url(self, ctx: _Ctx, answers: dict[str, Any]) -> str:
        """Where a returning respondent goes on: the first visible section without any
        stored answer (sections are optional, so "answered" means "has an answer")."""
        answered = {key.split(".", 1)[0] for key in answers}
        previous: str | None = None
        for section in self.visible_sections(ctx, answers):
            if not answered & {qq.id for qq in section.questions}:
                return self.next_url(ctx, answers, previous)
            previous = section.id
        return ctx.url("pruefen")

    def csrf(self, ctx: _Ctx) -> str:
        state = ctx.new_cookie or ctx.state
        assert state is not None
        return self.codec.csrf_token(state, ctx.campaign.slug)

    # -- pages ---------------------------------------------------------------------------
    def choose_language(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, _Ctx):
            return ctx
        mode = request.query_params.get("modus")
        if mode in ("assisted", "paper") and self.codec.mode_ok(
            ctx.campaign.slug, mode, request.query_params.get("sig")
        ):
            ctx.new_cookie = new_state(mode)  # a new interview in the guide's mode
        langs = [language(code) for code in ctx.bundle.languages]
        return self.render(ctx, "languages.html", languages=langs)

    def intro(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, _Ctx):
            return ctx
        if ctx.state is None or ctx.state.done:
            ctx.new_cookie = new_state(ctx.state.mode if ctx.state else "online")
        elif ctx.state.privacy:
            return self.redirect(ctx, self.continue_url(ctx, self.stored_answers(ctx)))
        return self.render(ctx, "intro.html", csrf=self.csrf(ctx))

    def start(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, _Ctx):
            return ctx
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert ctx.state is not None
        ctx.new_cookie = ctx.state.with_(privacy=True, started=time.time())
        ctx.state = ctx.new_cookie
        return self.redirect(ctx, self.next_url(ctx, {}, None))

    def consent(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, _Ctx):
            return ctx
        then = request.query_params.get("weiter", "")
        error = None
        if request.method == "POST":
            if (problem := self.check_post(ctx, form)) is not None:
                return problem
            assert form is not None and ctx.state is not None
            choice = form.get("consent")
            if choice in ("yes", "no"):
                ctx.new_cookie = ctx.state.with_(consent=choice == "yes")
                ctx.state = ctx.new_cookie
                answers = self.stored_answers(ctx)
                previous = self._section_before(ctx, answers, then)
                return self.redirect(ctx, self.next_url(ctx, answers, previous))
            error = ctx.t("error_required")
        return self.render(
            ctx,
            "consent.html",
            status=400 if error else 200,
            error=error,
            then=then,
            csrf=self.csrf(ctx),
        )

    def _section_before(self, ctx: _Ctx, answers: dict[str, Any], section_id: str) -> str | None:
        ids = [s.id for s in ctx.q.sections]
        if section_id not in ids:
            return None
        i = ids.index(section_id)
        return ids[i - 1] if i > 0 else None

    def _section(self, ctx: _Ctx, section_id: str) -> Section | None:
        return ctx.bundle.sections.get(section_id)

    def section(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, _Ctx):
            return ctx
        assert ctx.state is not None
        if ctx.state.done:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        section = self._section(ctx, request.path_params["section"])
        if section is None:
            return self.message(ctx, "survey_not_found", 404)
        stored = self.stored_answers(ctx)
        if request.method == "GET":
            if not section_visible(ctx.q, section, stored, ctx.state.consent):
                return RedirectResponse(self.next_url(ctx, stored, section.id), status_code=303)
            return self.section_page(ctx, section, stored, [], stored)
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert form is not None
        page = form_answers(section, ctx.bundle, form)
        own = {qq.id for qq in section.questions}
        merged = {k: v for k, v in stored.items() if k.split(".", 1)[0] not in own}
        merged.update(page)
        cleaned, errors = clean_answers(ctx.q, merged, ctx.state.consent, sections=[section])
        going_back = form.get("nav") == "back"
        if errors and not going_back:
            return self.section_page(ctx, section, merged, errors, stored, status=400)
        try:
            self.config.storage.save_partial(
                ctx.campaign,
                ctx.state.uuid,
                to_rows(ctx.q, cleaned),
                own,
                ctx.lang,
                ctx.state.mode,
                ctx.state.consent,
            )
        except AlreadyComplete:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        except SQLAlchemyError:
            return self.section_page(
                ctx, section, merged, [], stored, status=503, failure=ctx.t("error_try_again")
            )
        answers = {**merged, **cleaned}
        shown = set(str(form.get("shown") or "").split(","))
        now_visible = {
            qq.id
            for qq in section.questions
            if question_visible(ctx.q, qq, answers, ctx.state.consent)
        }
        if not going_back and now_visible - shown:
            # Without JavaScript a follow-up question (e.g. children's ages after "yes")
            # can only appear after a round trip: show the page again with it.
            return self.section_page(ctx, section, answers, [], answers)
        if going_back:
            return RedirectResponse(self.previous_url(ctx, answers, section.id), status_code=303)
        return RedirectResponse(self.next_url(ctx, answers, section.id), status_code=303)

    def previous_url(self, ctx: _Ctx, answers: dict[str, Any], section_id: str) -> str:
        ids = [s.id for s in self.visible_sections(ctx, answers)]
        i = ids.index(section_id) if section_id in ids else len(ids)
        return ctx.url("s", ids[i - 1]) if i > 0 else ctx.url()

    def section_page(
        self,
        ctx: _Ctx,
        section: Section,
        answers: dict[str, Any],
        errors: list[AnswerError],
        stored: dict[str, Any],
        status: int = 200,
        failure: str | None = None,
    ) -> HTMLResponse:
        assert ctx.state is not None
        sections = self.visible_sections(ctx, answers)
        ids = [s.id for s in sections]
        step = ids.index(section.id) + 1 if section.id in ids else 1
        fields = section_fields(
            ctx.bundle, section, ctx.lang, answers, errors, ctx.app.config.ui, ctx.state.consent
        )
        summary = [(f.id, f.label, f.error) for f in fields if f.error]
        summary += [
            (html_id(r.name), f"{f.label} – {r.label}", r.error)
            for f in fields
            for r in f.rows
            if r.error
        ]
        resume = _ltr(self.config.storage.resume_code(ctx.state.uuid)) if stored else None
        return self.render(
            ctx,
            "section.html",
            status=status,
            section=section,
            fields=fields,
            title=ctx.bundle.text(f"section.{section.id}.title", ctx.lang),
            intro=ctx.bundle.text(f"section.{section.id}.intro", ctx.lang) if section.intro else "",
            step=step,
            total=len(ids) + 1,
            summary=summary,
            failure=failure,
            csrf=self.csrf(ctx),
            resume=resume,
            first=step == 1,
            shown=",".join(f.name for f in fields),
        )

    def review(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, _Ctx):
            return ctx
        assert ctx.state is not None
        if ctx.state.done:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        stored = self.stored_answers(ctx)
        answers, _ = clean_answers(ctx.q, stored, ctx.state.consent)
        if request.method == "GET":
            return self.review_page(ctx, answers)
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert form is not None
        if form.get("client_uuid") != ctx.state.uuid:
            return self.message(ctx, "error_session_expired", 403)
        online = ctx.state.mode == "online"
        if online and time.time() - ctx.state.started < self.config.min_fill_seconds:
            return self.review_page(ctx, answers, status=429, failure=ctx.t("error_too_fast"))
        already = self.config.storage.response_status(ctx.state.uuid) == "complete"
        if not already and not self.limiter.allow(ctx.campaign.slug):
            return self.review_page(ctx, answers, status=429, failure=ctx.t("error_rate_limited"))
        try:
            self.config.storage.complete_response(
                ctx.campaign,
                ctx.state.uuid,
                to_rows(ctx.q, answers),
                ctx.lang,
                ctx.state.mode,
                ctx.state.consent,
            )
        except CampaignClosed:
            return self.message(ctx, "survey_closed", 410)
        except SQLAlchemyError:
            return self.review_page(ctx, answers, status=503, failure=ctx.t("error_try_again"))
        ctx.new_cookie = ctx.state.with_(done=True)
        return self.redirect(ctx, ctx.url("danke"))

    def review_page(
        self, ctx: _Ctx, answers: dict[str, Any], status: int = 200, failure: str | None = None
    ) -> HTMLResponse:
        assert ctx.state is not None
        blocks = []
        for section in self.visible_sections(ctx, answers):
            items = []
            for question in section.questions:
                lines = answer_text(ctx.bundle, question, answers, ctx.lang)
                if lines:
                    items.append((ctx.bundle.text(f"q.{question.id}.label", ctx.lang), lines))
            blocks.append(
                (section.id, ctx.bundle.text(f"section.{section.id}.title", ctx.lang), items)
            )
        return self.render(
            ctx,
            "review.html",
            status=status,
            blocks=blocks,
            failure=failure,
            csrf=self.csrf(ctx),
            client_uuid=ctx.state.uuid,
        )

    def thanks(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, allow_closed=True)
        if not isinstance(ctx, _Ctx):
            return ctx
        if ctx.state is None or not ctx.state.done:
            return RedirectResponse(ctx.url(), status_code=303)
        code = _ltr(self.config.storage.receipt_code(ctx.state.uuid))
        return self.render(
            ctx,
            "thanks.html",
            code=code,
            thank_you=ctx.bundle.text("thank_you", ctx.lang),
            assisted=ctx.state.mode != "online",
        )

    def resume(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, _Ctx):
            return ctx
        self.ensure_state(ctx)
        error = None
        if request.method == "POST":
            if (problem := self.check_post(ctx, form)) is not None:
                return problem
            assert form is not None
            found = self.config.storage.resume(ctx.campaign, str(form.get("code") or ""))
            if found is not None:
                client_uuid, consent = found
                ctx.new_cookie = SurveyState(
                    uuid=client_uuid,
                    consent=consent,
                    privacy=True,
                    started=time.time() - self.config.min_fill_seconds,
                )
                ctx.state = ctx.new_cookie
                return self.redirect(ctx, self.continue_url(ctx, self.stored_answers(ctx)))
            error = ctx.t("delete_not_found")
        return self.code_page(ctx, "resume", "weiter", error=error)

    def delete(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, allow_closed=True)  # deletion works after the survey
        if not isinstance(ctx, _Ctx):
            return ctx
        self.ensure_state(ctx)
        error = done = None
        if request.method == "POST":
            if (problem := self.check_post(ctx, form)) is not None:
                return problem
            assert form is not None
            if self.config.storage.delete_by_receipt(
                str(form.get("code") or ""), ctx.campaign.municipality_id
            ):
                done = ctx.t("delete_done")
            else:
                error = ctx.t("delete_not_found")
        return self.code_page(ctx, "delete", "loeschen", error=error, done=done)

    def ensure_state(self, ctx: _Ctx) -> None:
        """Resume and delete pages are reachable without starting the survey; their form
        still needs a state for its CSRF token."""
        if ctx.state is None:
            ctx.new_cookie = new_state()
            ctx.state = ctx.new_cookie

    def code_page(
        self, ctx: _Ctx, kind: str, action: str, error: str | None = None, done: str | None = None
    ) -> HTMLResponse:
        """The one-field code form of the resume (``kind`` "resume") and delete pages."""
        return self.render(
            ctx,
            "code_form.html",
            status=400 if error else 200,
            error=error,
            title_key=f"{kind}_title",
            hint_key=f"{kind}_hint",
            button_key=f"{kind}_button",
            action=ctx.url(action),
            csrf=self.csrf(ctx),
            done=done,
        )


def _ltr(code: str) -> str:
    """A Latin code inside right-to-left text: isolated (LRI … PDI) so it reads in order."""
    return f"\u2066{code}\u2069"


def _safe_lang(lang: str) -> str:
    try:
        language(lang)
    except ValueError:
        return SOURCE_LANGUAGE
    return lang


Page = Callable[[Request, FormData | None], Response]
"""A survey page: runs in a worker thread with the request and its POSTed form (None for
a GET, or for a POST larger than :data:`MAX_FORM_BYTES`)."""


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

    routes = [
        Mount("/_static", StaticFiles(directory=HERE / "static"), name="static"),
        route("/{slug}/", survey.choose_language, ["GET"]),
        route("/{slug}/{lang}/", survey.intro, ["GET"]),
        route("/{slug}/{lang}/start", survey.start, ["POST"]),
        route("/{slug}/{lang}/einwilligung", survey.consent, ["GET", "POST"]),
        route("/{slug}/{lang}/s/{section}", survey.section, ["GET", "POST"]),
        route("/{slug}/{lang}/pruefen", survey.review, ["GET", "POST"]),
        route("/{slug}/{lang}/danke", survey.thanks, ["GET"]),
        route("/{slug}/{lang}/weiter", survey.resume, ["GET", "POST"]),
        route("/{slug}/{lang}/loeschen", survey.delete, ["GET", "POST"]),
    ]

    async def database_unavailable(request: Request, exc: Exception) -> Response:
        # Database down or disk full while reading: a retry page in the respondent's
        # language, never a trace. (Pages that write catch this themselves and show the
        # form again with the answers kept.)
        lang = _safe_lang(request.path_params.get("lang", SOURCE_LANGUAGE))
        response = survey.message(None, "error_try_again", 503, lang)
        response.headers["retry-after"] = "30"
        return response

    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={SQLAlchemyError: database_unavailable},
    )
    app.state.survey = survey
    return app
