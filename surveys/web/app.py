"""The public survey: server-rendered HTML, one section per page, no JavaScript needed.

Routes (mounted at ``/u``)::

    GET  /{slug}/                      language choice (each language named in itself)
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
submission faster than :data:`MIN_FILL_SECONDS` does not refuse anything: the answers
are stored and the response is flagged for the guide's review (a person must never be
turned away by an anti-bot rule). A storage failure never loses what was typed: the
page is shown again with the answers in the form and a request to try again (HTTP 503).

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
import gzip
import re
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

from surveys import relevance
from surveys.answers import (
    AnswerError,
    clean_answers,
    compiled,
    from_rows,
    section_visible,
    to_rows,
)
from surveys.languages import SOURCE_LANGUAGE, language
from surveys.model import QuestionnaireBundle, Section
from surveys.recordings import RecordingRef, RecordingStore
from surveys.storage import (
    AlreadyComplete,
    CampaignClosed,
    CampaignInfo,
    CampaignNotFound,
    Storage,
    StorageError,
)
from surveys.ui_text import UiText
from surveys.web.paging import PageKeys, SectionPaging
from surveys.web.prepared import PreparedQuestionnaire, prepare
from surveys.web.security import RateLimiter, SecurityHeaders, code_limiter
from surveys.web.state import COOKIE, StateCodec, SurveyState, new_state
from surveys.web.static import CachedStaticFiles, static_url
from surveys.web.views import (
    answer_text,
    form_answers,
    html_id,
    page_keys,
    section_fields,
)

HERE = Path(__file__).resolve().parent
HONEYPOT = "website"
MIN_FILL_SECONDS = 20
"""Online responses submitted faster than this after the privacy notice are flagged
``too_fast`` for the guide's review (and stored: someone who skips the optional
questions may be that fast)."""
MAX_FORM_BYTES = 100_000
CAMPAIGN_TTL_SECONDS = 2.0
"""How long pages reuse a campaign read from the database: a campaign the guide closes
stops showing its pages within this time; a submission checks the status in its own
transaction (:meth:`Storage.complete_response`)."""
TEMPLATES = HERE / "templates"
AUDIO_MAX_AGE = 365 * 24 * 60 * 60
"""Recordings are content-addressed: a URL's bytes never change."""
HERE_PAGE = re.compile(r"(s/[a-z][a-z0-9_]*(/[1-9][0-9]?)?|pruefen|weiter|loeschen)")
"""The pages a language switch may return to (a path below ``/{slug}/{lang}/``)."""
Step = tuple[str, int]
"""A page of the questionnaire: (section id, part from 1)."""
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
        self.here = ""
        self._audio: dict[str, str] | None = None
        """This page below ``/{slug}/{lang}/``, for the language switch to come back to."""

    @property
    def q(self):  # type: ignore[no-untyped-def]
        return self.bundle.questionnaire

    def t(self, key: str, **params: Any) -> str:
        return self.app.config.ui.get(key, self.lang, **params)

    def url(self, *parts: str) -> str:
        return "/".join(["/u", self.campaign.slug, self.lang, *parts]) + ("/" if not parts else "")

    def step_url(self, step: Step) -> str:
        section_id, part = step
        return self.url("s", section_id) if part <= 1 else self.url("s", section_id, str(part))

    def audio(self) -> dict[str, str]:
        """Text key -> URL of its recording in this language (once per request)."""
        if self._audio is None:
            self._audio = self.app.audio_urls(self)
        return self._audio


class SurveyApp:
    def __init__(self, config: SurveyConfig):
        self.config = config
        self.codec = StateCodec(config.secret)
        self.limiter = RateLimiter(config.submissions_per_minute)
        self.code_limiter = code_limiter()
        self._bundles: dict[int, QuestionnaireBundle] = {}
        self._prepared: dict[int, PreparedQuestionnaire] = {}
        self._campaigns: dict[str, tuple[float, CampaignInfo]] = {}
        self._paging: dict[int, SectionPaging] = {}
        self.recordings = RecordingStore(config.storage.db)
        self._recordings: dict[int, tuple[float, dict[tuple[str, str], RecordingRef]]] = {}
        self.stylesheet = static_url(HERE / "static", "survey.css")
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

    def paging(self, version_id: int) -> SectionPaging:
        if version_id not in self._paging:
            self._paging[version_id] = SectionPaging(self.prepared(version_id))
        return self._paging[version_id]

    def recording_index(self, version_id: int) -> dict[tuple[str, str], RecordingRef]:
        """The recordings of a version (without bytes), read at most every
        :data:`CAMPAIGN_TTL_SECONDS`: an upload shows on the pages that soon."""
        now = time.monotonic()
        hit = self._recordings.get(version_id)
        if hit is not None and now - hit[0] < CAMPAIGN_TTL_SECONDS:
            return hit[1]
        index = self.recordings.index(version_id)
        self._recordings[version_id] = (now, index)
        return index

    def audio_urls(self, ctx: _Ctx) -> dict[str, str]:
        index = self.recording_index(ctx.campaign.questionnaire_version_id)
        base = f"/u/{ctx.campaign.slug}/audio/"
        return {key: base + ref.url_name for (lang, key), ref in index.items() if lang == ctx.lang}

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
            stylesheet=self.stylesheet,
            here=ctx.here if ctx else "",
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
            secure=self.config.secure_cookies or ctx.request.url.scheme == "https",
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
        """CSRF (a failing request changes nothing) and honeypot: a filled honeypot
        refuses nothing, it flags the response for review from now on."""
        if form is None:
            return self.message(ctx, "error_try_again", 413)
        token = form.get("csrf")
        if ctx.state is None or not self.codec.csrf_ok(
            ctx.state, ctx.campaign.slug, token if isinstance(token, str) else None
        ):
            return self.message(ctx, "error_session_expired", 403)
        if form.get(HONEYPOT) and ctx.state.flag is None:
            ctx.new_cookie = ctx.state.with_(flag="honeypot")
            ctx.state = ctx.new_cookie
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

    def parts(self, ctx: _Ctx, section: Section, answers: dict[str, Any]) -> list[PageKeys]:
        consent = ctx.state.consent if ctx.state else None
        paging = self.paging(ctx.campaign.questionnaire_version_id)
        return paging.parts(section, ctx.lang, answers, consent, ctx.audio())

    def steps(
        self, ctx: _Ctx, answers: dict[str, Any], sections: list[Section] | None = None
    ) -> list[tuple[Step, PageKeys]]:
        """The pages in order (each with its form keys): visible sections, or
        ``sections``."""
        out: list[tuple[Step, PageKeys]] = []
        for section in self.visible_sections(ctx, answers) if sections is None else sections:
            parts = self.parts(ctx, section, answers)
            out += [((section.id, i), keys) for i, keys in enumerate(parts, start=1)]
        return out

    def counted_sections(self, ctx: _Ctx, answers: dict[str, Any]) -> list[Section]:
        """What the step counter counts: the visible sections and those that may still
        appear (their condition refers to a question not answered yet), so that an
        answer that brings a section in does not change the total."""
        visible = {s.id for s in self.visible_sections(ctx, answers)}
        answered = {key.split(".", 1)[0] for key in answers}
        nodes = compiled(ctx.q).section
        out = []
        for section in ctx.q.sections:
            node = nodes[section.id]
            undecided = node is not None and bool(relevance.references(node) - answered)
            if section.id in visible or (undecided and not section.sensitive):
                out.append(section)
        return out

    def _order(self, ctx: _Ctx, step: Step) -> tuple[int, int]:
        ids = [s.id for s in ctx.q.sections]
        return (ids.index(step[0]) if step[0] in ids else len(ids), step[1])

    def next_url(self, ctx: _Ctx, answers: dict[str, Any], after: Step | None) -> str:
        """The page after ``after`` (None: the first), asking consent on the way."""
        here = self._order(ctx, after) if after is not None else (-1, 0)
        for step, _ in self.steps(ctx, answers):
            if self._order(ctx, step) <= here:
                continue
            section = ctx.bundle.sections[step[0]]
            if section.sensitive and ctx.state and ctx.state.consent is None:
                return ctx.url("einwilligung") + f"?weiter={section.id}"
            return ctx.step_url(step)
        return ctx.url("pruefen")

    def previous_url(self, ctx: _Ctx, answers: dict[str, Any], before: Step) -> str:
        here = self._order(ctx, before)
        earlier = [step for step, _ in self.steps(ctx, answers) if self._order(ctx, step) < here]
        return ctx.step_url(earlier[-1]) if earlier else ctx.url()

    def continue_url(self, ctx: _Ctx, answers: dict[str, Any]) -> str:
        """Where a returning respondent goes on: the first page without any stored
        answer (questions are optional, so "answered" means "has an answer")."""
        answered = set(answers) | {key.split(".", 1)[0] for key in answers}
        previous: Step | None = None
        for step, keys in self.steps(ctx, answers):
            if not answered.intersection(keys):
                return self.next_url(ctx, answers, previous)
            previous = step
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
        # Switching language mid-survey comes back to the same page in the new language.
        back = request.query_params.get("seite", "")
        back = back if ctx.state and ctx.state.privacy and HERE_PAGE.fullmatch(back) else ""
        langs = [language(code) for code in ctx.bundle.languages]
        return self.render(ctx, "languages.html", languages=langs, back=back)

    def intro(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request)
        if not isinstance(ctx, _Ctx):
            return ctx
        if ctx.state is None or ctx.state.done:
            ctx.new_cookie = new_state(ctx.state.mode if ctx.state else "online")
        elif ctx.state.privacy:
            return self.redirect(ctx, self.continue_url(ctx, self.stored_answers(ctx)))
        return self.render(ctx, "intro.html", csrf=self.csrf(ctx), audio=ctx.audio())

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
        then = then if then in ctx.bundle.sections else ""
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
                return self.redirect(ctx, self.next_url(ctx, answers, (then, 0) if then else None))
            error = ctx.t("error_required")
        return self.render(
            ctx,
            "consent.html",
            status=400 if error else 200,
            error=error,
            then=then,
            csrf=self.csrf(ctx),
            text_audio=ctx.audio().get("consent_sensitive"),
        )

    def section(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, _Ctx):
            return ctx
        assert ctx.state is not None
        if ctx.state.done:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        section = ctx.bundle.sections.get(request.path_params["section"])
        if section is None:
            return self.message(ctx, "survey_not_found", 404)
        part = max(1, int(request.path_params.get("part", 1)))
        ctx.here = f"s/{section.id}" + (f"/{part}" if part > 1 else "")
        stored = self.stored_answers(ctx)
        parts = self.parts(ctx, section, stored)
        if request.method == "GET":
            if not section_visible(ctx.q, section, stored, ctx.state.consent):
                after = (section.id, len(parts))
                return RedirectResponse(self.next_url(ctx, stored, after), status_code=303)
            if part > len(parts):
                return RedirectResponse(ctx.step_url((section.id, len(parts))), status_code=303)
            new = set(request.query_params.get("neu", "").split(",")) & set(parts[part - 1])
            return self.section_page(ctx, section, part, stored, [], stored, new=new)
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert form is not None
        # The keys the page showed (a part of the section), else those it would show now.
        valid = set(page_keys(section, ctx.q))
        shown = [k for k in str(form.get("shown") or "").split(",") if k in valid]
        keys = tuple(shown) or parts[min(part, len(parts)) - 1]
        page = form_answers(section, ctx.bundle, form, keys)
        merged = {k: v for k, v in stored.items() if k not in keys}
        merged.update(page)
        cleaned, errors = clean_answers(ctx.q, merged, ctx.state.consent, sections=[section])
        errors = [e for e in errors if e.key in keys]  # other parts are checked on theirs
        going_back = form.get("nav") == "back"
        if errors and not going_back:
            return self.section_page(ctx, section, part, merged, errors, stored, 400, keys=keys)
        try:
            self.config.storage.save_partial(
                ctx.campaign,
                ctx.state.uuid,
                to_rows(ctx.q, cleaned),
                {qq.id for qq in section.questions},
                ctx.lang,
                ctx.state.mode,
                ctx.state.consent,
                review_flag=ctx.state.flag,
            )
        except AlreadyComplete:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        except SQLAlchemyError:
            failure = ctx.t("error_try_again")
            return self.section_page(
                ctx, section, part, merged, [], stored, 503, failure=failure, keys=keys
            )
        answers = {**merged, **cleaned}
        if going_back:
            return self.redirect(ctx, self.previous_url(ctx, answers, (section.id, part)))
        # Without JavaScript a follow-up question (children's ages after "yes") appears
        # only after a round trip: back to the part that has it, announced, pointing at it.
        before = {k for keys_ in parts for k in keys_}
        for i, later in enumerate(self.parts(ctx, section, answers), start=1):
            appeared = [k for k in later if k not in before]
            if appeared and i <= part:
                url = ctx.step_url((section.id, i))
                url += f"?neu={','.join(appeared)}#{html_id(appeared[0])}"
                return self.redirect(ctx, url)
        return self.redirect(ctx, self.next_url(ctx, answers, (section.id, part)))

    def section_page(
        self,
        ctx: _Ctx,
        section: Section,
        part: int,
        answers: dict[str, Any],
        errors: list[AnswerError],
        stored: dict[str, Any],
        status: int = 200,
        failure: str | None = None,
        keys: PageKeys | None = None,
        new: set[str] | frozenset[str] = frozenset(),
    ) -> HTMLResponse:
        assert ctx.state is not None
        if keys is None:
            parts = self.parts(ctx, section, answers)
            keys = parts[min(part, len(parts)) - 1]
        audio = ctx.audio()
        fields = section_fields(
            ctx.bundle,
            section,
            ctx.lang,
            answers,
            errors,
            ctx.app.config.ui,
            ctx.state.consent,
            keys=keys,
            audio=audio,
            new=new,
        )
        summary = [(f.id, f.label, f.error) for f in fields if f.error]
        summary += [
            (html_id(r.name), f"{f.label} – {r.label}", r.error)
            for f in fields
            for r in f.rows
            if r.error
        ]
        announce = [(f.id, f.label) for f in fields if f.new]
        steps = [step for step, _ in self.steps(ctx, answers, self.counted_sections(ctx, answers))]
        here = (section.id, part)
        step = steps.index(here) + 1 if here in steps else 1
        resume = _ltr(self.config.storage.resume_code(ctx.state.uuid)) if stored else None
        title_key, intro_key = f"section.{section.id}.title", f"section.{section.id}.intro"
        return self.render(
            ctx,
            "section.html",
            status=status,
            section=section,
            fields=fields,
            title=ctx.bundle.text(title_key, ctx.lang),
            title_audio=audio.get(title_key),
            intro=ctx.bundle.text(intro_key, ctx.lang) if section.intro and part == 1 else "",
            intro_audio=audio.get(intro_key) if part == 1 else None,
            step=step,
            total=len(steps) + 1,
            summary=summary,
            announce=announce,
            failure=failure,
            csrf=self.csrf(ctx),
            resume=resume,
            action=ctx.step_url(here),
            shown=",".join(keys),
        )

    def review(self, request: Request, form: FormData | None) -> Response:
        ctx = self.context(request, need_state=True)
        if not isinstance(ctx, _Ctx):
            return ctx
        assert ctx.state is not None
        if ctx.state.done:
            return RedirectResponse(ctx.url("danke"), status_code=303)
        ctx.here = "pruefen"
        stored = self.stored_answers(ctx)
        answers, _ = clean_answers(ctx.q, stored, ctx.state.consent)
        if request.method == "GET":
            return self.review_page(ctx, answers)
        if (problem := self.check_post(ctx, form)) is not None:
            return problem
        assert form is not None
        if form.get("client_uuid") != ctx.state.uuid:
            return self.message(ctx, "error_session_expired", 403)
        flag = ctx.state.flag
        online = ctx.state.mode == "online"
        if online and time.time() - ctx.state.started < self.config.min_fill_seconds:
            flag = flag or "too_fast"  # stored and flagged for review, never refused
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
                review_flag=flag,
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
        ui = self.config.ui

        def rank(n: int) -> str:
            return ui.get("rank_label", ctx.lang, n=n)

        for section in self.visible_sections(ctx, answers):
            items = []
            for question in section.questions:
                lines = answer_text(ctx.bundle, question, answers, ctx.lang, rank)
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
            thank_you_audio=ctx.audio().get("thank_you"),
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
            if not self.code_limiter.allow_client(request.client and request.client.host):
                return self.message(ctx, "error_rate_limited", 429)
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
            if not self.code_limiter.allow_client(request.client and request.client.host):
                return self.message(ctx, "error_rate_limited", 429)
            assert form is not None
            if self.config.storage.delete_by_receipt(
                str(form.get("code") or ""), ctx.campaign.municipality_id
            ):
                done = ctx.t("delete_done")
            else:
                error = ctx.t("delete_not_found")
        return self.code_page(ctx, "delete", "loeschen", error=error, done=done)

    def audio(self, request: Request) -> Response:
        """A recording of the campaign's questionnaire version, by the SHA-256 of its
        bytes: cached by the browser for a year (the bytes of a URL never change), one
        byte range at a time for players that ask for it. Nothing is logged."""
        name = str(request.path_params["name"])
        digest = name.split(".", 1)[0]
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            return Response(status_code=404)
        try:
            campaign = self.campaign(request.path_params["slug"])
        except CampaignNotFound:
            return Response(status_code=404)
        found = self.recordings.audio(campaign.questionnaire_version_id, digest)
        if found is None:
            return Response(status_code=404)
        headers = {
            "cache-control": f"public, max-age={AUDIO_MAX_AGE}, immutable",
            "etag": f'"{digest}"',
            "accept-ranges": "bytes",
        }
        if request.headers.get("if-none-match") == f'"{digest}"':
            return Response(status_code=304, headers=headers)
        data, size = found.data, len(found.data)
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", request.headers.get("range", ""))
        if wanted and (wanted.group(1) or wanted.group(2)):
            first, last = wanted.group(1), wanted.group(2)
            start = int(first) if first else max(0, size - int(last))
            end = min(int(last), size - 1) if first and last else size - 1
            if start >= size or start > end:
                headers["content-range"] = f"bytes */{size}"
                return Response(status_code=416, headers=headers)
            headers["content-range"] = f"bytes {start}-{end}/{size}"
            return Response(data[start : end + 1], 206, headers, found.content_type)
        return Response(data, 200, headers, found.content_type)

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
        lang = _safe_lang(request.path_params.get("lang", SOURCE_LANGUAGE))
        response = survey.message(None, "error_try_again", 503, lang)
        response.headers["retry-after"] = "30"
        return response

    async def session_expired(request: Request, exc: Exception) -> Response:
        # A state cookie that does not fit this campaign (its response belongs to another
        # campaign): the "session expired" page and a fresh start, never a 500.
        lang = _safe_lang(request.path_params.get("lang", SOURCE_LANGUAGE))
        response = survey.message(None, "error_session_expired", 403, lang)
        if slug := request.path_params.get("slug"):
            response.delete_cookie(COOKIE, path=f"/u/{slug}")
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
