"""One survey request: its context (campaign, questionnaire, language, state) and what
every page shares (:class:`SurveyCore`): questionnaire versions prepared once, campaigns
read at most every :data:`CAMPAIGN_TTL_SECONDS`, templates compiled once, rendering
(gzipped in the worker thread), the state cookie, CSRF and the honeypot.

Pages: :mod:`surveys.web.pages`; the order of pages: :mod:`surveys.web.navigation`;
routes: :mod:`surveys.web.app`.
"""

from __future__ import annotations

import gzip
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from surveys.invitations.store import InvitationStore
from surveys.questionnaire.languages import SOURCE_LANGUAGE, language
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses.answers import (
    from_rows,
)
from surveys.responses.storage import (
    CampaignInfo,
    CampaignNotFound,
    Storage,
    current_town,
)
from surveys.translations.recordings import RecordingRef, RecordingStore
from surveys.translations.ui_text import UiText
from surveys.web.fill_time import SECONDS_PER_QUESTION
from surveys.web.paging import SectionPaging
from surveys.web.prepared import PreparedQuestionnaire, prepare
from surveys.web.security import RateLimiter, code_limiter
from surveys.web.state import COOKIE, StateCodec, SurveyState
from surveys.web.static import static_url

HERE = Path(__file__).resolve().parent
HONEYPOT = "website"
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
    seconds_per_question: float = SECONDS_PER_QUESTION
    """The "too fast" rule (:mod:`surveys.web.fill_time`): 0 switches it off."""
    town_name: str = "Oestrich-Winkel"
    """Shown above every page; where the address names a town, that town's name (the
    request's ``town_name``, set by :class:`bedarfsradar.tenancy.SurveyTowns`)."""
    worker_threads: int = 8
    """Survey pages in progress at once (each in a worker thread); more requests wait
    for a turn without holding a thread."""
    results_path: str | None = None
    """Where the public results pages are served (``/ergebnisse/``): the thank-you page
    names that address. None: no results pages, no hint."""


class RequestContext:
    """Everything one request needs: campaign, questionnaire, language, state."""

    def __init__(
        self,
        app: SurveyCore,
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

    @property
    def town_name(self) -> str:
        return str(self.request.scope.get("town_name") or self.app.config.town_name)

    @property
    def base(self) -> str:
        """The campaign's address: ``/u/<town>/<campaign>`` (or ``/u/<campaign>`` where
        the installation has one town), from where the survey is mounted."""
        return survey_root(self.request) + "/" + self.campaign.slug

    def url(self, *parts: str) -> str:
        return "/".join([self.base, self.lang, *parts]) + ("/" if not parts else "")

    def step_url(self, step: Step) -> str:
        section_id, part = step
        return self.url("s", section_id) if part <= 1 else self.url("s", section_id, str(part))

    def audio(self) -> dict[str, str]:
        """Text key -> URL of its recording in this language (once per request)."""
        if self._audio is None:
            self._audio = self.app.audio_urls(self)
        return self._audio


class SurveyCore:
    """What every page needs: the prepared questionnaire versions and campaigns (cached),
    templates, cookies, CSRF and honeypot checks. The pages are
    :class:`surveys.web.pages.SurveyApp`."""

    def __init__(self, config: SurveyConfig):
        self.config = config
        self.codec = StateCodec(config.secret)
        self.limiter = RateLimiter(config.submissions_per_minute)
        self.code_limiter = code_limiter()
        self._bundles: dict[int, QuestionnaireBundle] = {}
        self._prepared: dict[int, PreparedQuestionnaire] = {}
        self._campaigns: dict[tuple[int | None, str], tuple[float, CampaignInfo]] = {}
        self._paging: dict[int, SectionPaging] = {}
        self.recordings = RecordingStore(config.storage.db)
        self.invitations = InvitationStore(config.storage.db, config.secret)
        self._invited: dict[int, tuple[float, bool, str | None]] = {}
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

    def audio_urls(self, ctx: RequestContext) -> dict[str, str]:
        index = self.recording_index(ctx.campaign.questionnaire_version_id)
        base = f"{ctx.base}/audio/"
        return {key: base + ref.url_name for (lang, key), ref in index.items() if lang == ctx.lang}

    def campaign(self, slug: str) -> CampaignInfo:
        """The current town's campaign, read from the database at most every
        :data:`CAMPAIGN_TTL_SECONDS` (raises :class:`CampaignNotFound`; unknown slugs are
        not remembered). Remembered per (town, slug): two towns may use one slug."""
        now = time.monotonic()
        key = (current_town(), slug)
        hit = self._campaigns.get(key)
        if hit is not None and now - hit[0] < CAMPAIGN_TTL_SECONDS:
            return hit[1]
        campaign = self.config.storage.campaign(slug)
        if key[0] is not None and campaign.municipality_id != key[0]:
            raise CampaignNotFound(slug)  # never another town's, whatever the database says
        self._campaigns[key] = (now, campaign)
        return campaign

    def invited_only(self, campaign_id: int) -> tuple[bool, str | None]:
        """Whether a campaign is answered only through personal links (it has a list of
        invited people) and the month its responses carry (:mod:`surveys.invitations`),
        read at most every :data:`CAMPAIGN_TTL_SECONDS`."""
        now = time.monotonic()
        hit = self._invited.get(campaign_id)
        if hit is not None and now - hit[0] < CAMPAIGN_TTL_SECONDS:
            return hit[1], hit[2]
        required = self.invitations.requires_invitation(campaign_id)
        month = self.invitations.campaign_month(campaign_id) if required else None
        self._invited[campaign_id] = (now, required, month)
        return required, month

    def response_month(self, ctx: RequestContext) -> str | None:
        """An invited person's response carries the campaign's month, not its own (see
        :mod:`surveys.invitations`); None = the current month, as for everyone."""
        if ctx.state is None or ctx.state.invitation is None:
            return None
        return self.invited_only(ctx.campaign.id)[1]

    def render(
        self,
        ctx: RequestContext | None,
        template: str,
        status: int = 200,
        lang: str = "de",
        brand: str | None = None,
        **values: Any,
    ) -> HTMLResponse:
        lang = ctx.lang if ctx else lang
        brand = brand or (ctx.town_name if ctx else self.config.town_name)
        meta = language(lang)
        ui = self.config.ui
        html = self.env.get_template(template).render(
            lang=meta.html_lang,
            dir=meta.direction,
            t=lambda key, **p: ui.get(key, lang, **p),
            ctx=ctx,
            brand=brand,
            honeypot_name=HONEYPOT,
            stylesheet=self.stylesheet,
            here=ctx.here if ctx else "",
            **values,
        )
        response = self._html(ctx, html, status)
        response.headers["cache-control"] = "no-store"
        if ctx is not None and ctx.new_cookie is not None:
            self.set_cookie(response, ctx)
        return response

    def _html(self, ctx: RequestContext | None, html: str, status: int) -> HTMLResponse:
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

    def set_cookie(self, response: Response, ctx: RequestContext) -> None:
        state = ctx.new_cookie or ctx.state
        assert state is not None
        response.set_cookie(
            COOKIE,
            self.codec.dumps(state),
            max_age=60 * 60 * 24 * 60,
            path=ctx.base,
            httponly=True,
            samesite="lax",
            secure=self.config.secure_cookies or ctx.request.url.scheme == "https",
        )

    def redirect(self, ctx: RequestContext, url: str) -> Response:
        response = RedirectResponse(url, status_code=303)
        if ctx.new_cookie is not None:
            self.set_cookie(response, ctx)
        return response

    def message(
        self, ctx: RequestContext | None, key: str, status: int, lang: str = "de"
    ) -> HTMLResponse:
        return self.render(ctx, "message.html", status=status, lang=lang, message_key=key)

    def context(
        self,
        request: Request,
        need_state: bool = False,
        allow_closed: bool = False,
        public: bool = False,
    ) -> RequestContext | Response:
        """The request's context, or the page to show instead (unknown campaign, closed,
        no state yet). A campaign of invited people is open only to a state that came
        through a personal link (or the guide's assisted/paper entry) unless ``public``
        (deleting answers, the thank-you page)."""
        slug = request.path_params["slug"]
        lang = request.path_params.get("lang", SOURCE_LANGUAGE)
        try:
            campaign = self.campaign(slug)
        except CampaignNotFound:
            brand = str(request.scope.get("town_name") or "Bedarfsradar")
            return self.render(None, "message.html", 404, safe_lang(lang), brand=brand,
                               message_key="survey_not_found")  # fmt: skip
        bundle = self.prepared(campaign.questionnaire_version_id)
        if "lang" in request.path_params and lang not in bundle.languages:
            return RedirectResponse(f"{survey_root(request)}/{slug}/", status_code=303)
        state = self.codec.loads(request.cookies.get(COOKIE))
        ctx = RequestContext(self, request, campaign, bundle, lang, state)
        if campaign.status != "open" and not allow_closed:
            return self.message(ctx, "survey_closed", 410)
        uninvited = state is None or (state.invitation is None and state.mode == "online")
        if not public and uninvited and self.invited_only(campaign.id)[0]:
            return self.message(None, "invitation_required", 403, safe_lang(lang))
        if need_state and (state is None or not state.privacy):
            return RedirectResponse(ctx.url(), status_code=303)
        return ctx

    async def read_form(self, request: Request) -> FormData | None:
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            return None
        return await request.form(max_files=0, max_fields=500)

    def check_post(self, ctx: RequestContext, form: FormData | None) -> Response | None:
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

    def stored_answers(self, ctx: RequestContext) -> dict[str, Any]:
        assert ctx.state is not None
        rows = self.config.storage.partial_rows(ctx.campaign, ctx.state.uuid)
        return from_rows(ctx.q, rows) if rows else {}

    def csrf(self, ctx: RequestContext) -> str:
        state = ctx.new_cookie or ctx.state
        assert state is not None
        return self.codec.csrf_token(state, ctx.campaign.slug)


def survey_root(request: Request) -> str:
    """Where the survey is mounted for this request: ``/u``, or ``/u/<town>`` when the
    address names the town (:mod:`bedarfsradar.tenancy`)."""
    return str(request.scope.get("root_path") or "/u").rstrip("/")


def ltr(code: str) -> str:
    """A Latin code inside right-to-left text: isolated (LRI … PDI) so it reads in order."""
    return f"\u2066{code}\u2069"


def safe_lang(lang: str) -> str:
    try:
        language(lang)
    except ValueError:
        return SOURCE_LANGUAGE
    return lang
