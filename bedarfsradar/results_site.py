"""The public results pages, served under ``/ergebnisse`` beside the survey: no login, no
answer read — a page is made from a stored release only.

Routes (mounted at ``/ergebnisse``)::

    GET /                                   the town's published releases (German)
    GET /{lang}/ , /leichte-sprache/        the same in a language; Leichte Sprache's entry page
    GET /barrierefreiheit/[{lang}/]         accessibility statement with the feedback channel
    GET /{slug}/[{lang}/]                   a release's page: welle-1 (the wave's newest
                                            public release) or welle-1-freigabe-2 (exactly that one)
    GET /{slug}/methode/                    the full method note (German)
    GET /{slug}/{lang}/{chart}.csv          the numbers of one chart, as its table shows them
    GET /_static/{name}                     stylesheet and EU emblem (content-hashed addresses)

A release is public while the guide has turned its page on (``release.public_since``,
dashboard page "Bericht"); every request asks the database (one small query), so turning
it off or withdrawing the release removes the page with the next request. An unknown,
withdrawn or switched-off release, and any other unknown address, gets a 404 page in German
and in every offered language. A language the pages do not offer (unknown, or its result
texts not reviewed) shows the German page with a notice.

What is computed once: the page of a release (a release never changes; its frozen tables
are read once, :mod:`reports.public_page`) and, per (release, language, texts, measures),
the finished page, gzipped and with its ETag: a repeat visit is a 304, a new visitor costs
a cache lookup. Result texts and the questionnaire's translations are re-read when their
files change (checked every :data:`TEXTS_TTL_SECONDS`), the measures and the contact every
:data:`TOWN_TTL_SECONDS`. Endpoints are plain ``def``: Starlette runs them in its thread
pool, off the event loop the survey and the dashboard share.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bedarfsradar import measures as measure_store
from bedarfsradar.context import AppContext
from bedarfsradar.tenancy import RESULTS_BASE as BASE
from publicity.results_page.model import (
    Contact,
    Listed,
    PublicMeasure,
    ReleasePage,
    Site,
    Town,
)
from publicity.results_page.render import (
    EASY,
    EASY_SLUG,
    METHOD_SLUG,
    STATEMENT_SLUG,
    ResultsRenderer,
    Texts,
    Words,
    chart_csv,
)
from reports.measures import ADOPTED
from surveys.questionnaire.languages import SOURCE_LANGUAGE, is_known
from surveys.questionnaire.loader import load_bundle
from surveys.releases.store import ReleaseInfo
from surveys.translations.result_texts import (
    borrowed_texts,
    load_result_texts,
    result_languages,
)

SLUG = re.compile(r"welle-([1-9][0-9]{0,2})(?:-freigabe-([1-9][0-9]{0,2}))?")
TEXTS_TTL_SECONDS = 2.0
TOWN_TTL_SECONDS = 2.0
CACHED_PAGES = 256
GZIP_MIN_BYTES = 500
HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
REVALIDATE = "no-cache"
"""Pages: the browser keeps them but asks every time (a 304 when unchanged), so a page the
guide switched off is gone on the next visit."""
LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"


@dataclass(frozen=True)
class Rendered:
    body: bytes
    gzipped: bytes | None
    etag: str
    media_type: str


def _rendered(text: str | bytes, media_type: str) -> Rendered:
    body = text.encode() if isinstance(text, str) else text
    digest = hashlib.sha256(body).hexdigest()[:20]
    packed = gzip.compress(body, 9, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
    return Rendered(body, packed, f'"{digest}"', media_type)


class ResultsSite:
    """The results pages of one town (see the module docstring)."""

    def __init__(self, ctx: AppContext, base: str = BASE):
        self.ctx = ctx
        self.renderer = ResultsRenderer(base)
        self._lock = threading.Lock()
        self._pages: dict[int, ReleasePage] = {}
        self._cache: OrderedDict[tuple[Any, ...], Rendered] = OrderedDict()
        self._texts: tuple[float, tuple[Any, ...], Texts] | None = None
        self._town: tuple[float, Town] | None = None
        self._labels: Any = None

    # -- what the pages show ------------------------------------------------------------
    def _text_files(self) -> list[Path]:
        data = self.ctx.settings.data_dir
        qdir = self.ctx.settings.questionnaire_dir
        return [
            *sorted((data / "results").glob("*.yaml")),
            qdir / "newcomer.yaml",
            *sorted((qdir / "translations").glob("newcomer.*.yaml")),
        ]

    def texts(self) -> tuple[tuple[Any, ...], Texts]:
        """(stamp, texts): the result texts and the questionnaire's names, re-read when a
        file changed (checked at most every :data:`TEXTS_TTL_SECONDS`)."""
        now = time.monotonic()
        hit = self._texts
        if hit is not None and now - hit[0] < TEXTS_TTL_SECONDS:
            return hit[1], hit[2]
        files = self._text_files()
        stamp = tuple((p.name, p.stat().st_mtime_ns) for p in files if p.exists())
        if hit is not None and hit[1] == stamp:
            self._texts = (now, stamp, hit[2])
            return stamp, hit[2]
        qdir = self.ctx.settings.questionnaire_dir
        bundle = load_bundle(qdir / "newcomer.yaml", qdir / "translations", self.ctx.taxonomy)
        results = load_result_texts(self.ctx.settings.data_dir / "results")
        languages = tuple(result_languages(results, bundle))
        borrowed = {code: borrowed_texts(bundle, code) for code in languages}
        texts = Texts(results, borrowed, languages)
        self._texts = (now, stamp, texts)
        return stamp, texts

    def town(self) -> Town:
        """The town's name, the measures the Stadtrat adopted and the feedback contact
        (read at most every :data:`TOWN_TTL_SECONDS`)."""
        now = time.monotonic()
        hit = self._town
        if hit is not None and now - hit[0] < TOWN_TTL_SECONDS:
            return hit[1]
        db, mid = self.ctx.db, self.ctx.municipality_id
        measures = tuple(
            PublicMeasure(m.spec.title, m.spec.status, m.spec.lead, m.spec.timeline)
            for m in measure_store.list_measures(db, mid)
            if m.spec.status in ADOPTED
        )
        found = measure_store.contact(db, mid)
        contact = Contact(found.name, found.email, found.phone) if found else None
        town = Town(self.ctx.geography.name, measures, contact)
        self._town = (now, town)
        return town

    def public(self) -> list[ReleaseInfo]:
        """The releases whose page is on now, newest first (one query, every request)."""
        return self.ctx.releases.public_releases(self.ctx.municipality_id)

    @staticmethod
    def find(slug: str, public: list[ReleaseInfo]) -> ReleaseInfo | None:
        """The public release ``slug`` names (see the module docstring), or None."""
        m = SLUG.fullmatch(slug)
        if m is None:
            return None
        wave, number = int(m.group(1)), m.group(2)
        for info in public:  # newest first
            if info.wave == wave and (number is None or info.number == int(number)):
                return info
        return None

    def page(self, info: ReleaseInfo) -> ReleasePage:
        """The page of a release (built once per process: a release never changes)."""
        with self._lock:
            hit = self._pages.get(info.id)
        if hit is not None:
            return hit
        from reports.inputs import Labels
        from reports.public_page import release_page
        from reports.release import results_of

        payload = self.ctx.releases.payload(self.ctx.municipality_id, info.id)
        if payload is None:
            raise LookupError(f"release {info.id} not found")
        if self._labels is None:
            self._labels = Labels.from_context(self.ctx)
        page = release_page(
            results_of(payload),
            release_id=info.id,
            wave=info.wave,
            number=info.number,
            kind=info.kind,
            data_as_of=date.fromisoformat(info.data_as_of),
            labels=self._labels,
            taxonomy=self.ctx.taxonomy,
        )
        with self._lock:
            self._pages[info.id] = page
        return page

    @staticmethod
    def site(public: list[ReleaseInfo], languages: tuple[str, ...]) -> Site:
        listed = []
        seen: set[int] = set()
        for info in public:
            newest = info.wave not in seen
            seen.add(info.wave)
            slug = f"welle-{info.wave}" if newest else f"welle-{info.wave}-freigabe-{info.number}"
            assert info.public_since is not None
            listed.append(
                Listed(slug, info.wave, info.number, info.kind,
                       date.fromisoformat(info.data_as_of), info.public_since.date(), newest)
            )  # fmt: skip
        return Site(tuple(listed), languages)

    # -- pages (the routes and the dashboard's preview) ---------------------------------
    def release_html(
        self,
        info: ReleaseInfo,
        lang: str = SOURCE_LANGUAGE,
        *,
        slug: str | None = None,
        published_on: date | None = None,
        fallback: bool = False,
    ) -> str:
        """The page of ``info`` in ``lang``, as the public route serves it (the dashboard's
        preview shows this before the page is turned on)."""
        _, texts = self.texts()
        when = published_on or (info.public_since.date() if info.public_since else None)
        return self.renderer.release(
            self.page(info),
            slug or f"welle-{info.wave}",
            self.town(),
            texts,
            lang if lang in texts.languages else SOURCE_LANGUAGE,
            published_on=when,
            fallback=fallback,
        )

    def _cached(self, key: tuple[Any, ...], make: Callable[[], Rendered]) -> Rendered:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        made = make()
        with self._lock:
            self._cache[key] = made
            while len(self._cache) > CACHED_PAGES:
                self._cache.popitem(last=False)
        return made

    @staticmethod
    def _send(
        request: Request, page: Rendered, status: int = 200, cache: str = REVALIDATE
    ) -> Response:
        headers = {**HEADERS, "cache-control": cache, "etag": page.etag, "vary": "Accept-Encoding"}
        if status == 200 and page.etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        body = page.body
        if page.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            body = page.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, status_code=status, headers=headers, media_type=page.media_type)

    def _language(self, code: str, texts: Texts) -> tuple[str, bool]:
        """(language to show, whether that is a fallback to German)."""
        code = EASY if code == EASY_SLUG else code
        if code in texts.languages:
            return code, False
        return SOURCE_LANGUAGE, True

    def not_found(self, request: Request) -> Response:
        stamp, texts = self.texts()
        town = self.town()
        html = self._cached(
            ("404", stamp, town),
            lambda: _rendered(self.renderer.not_found(town, texts, texts.languages), "text/html"),
        )
        return self._send(request, html, status=404, cache=REVALIDATE)

    # -- endpoints ----------------------------------------------------------------------
    def index(self, request: Request) -> Response:
        code = request.path_params.get("code", SOURCE_LANGUAGE)
        if code != SOURCE_LANGUAGE and SLUG.fullmatch(code):
            return self.release(request)
        if code not in (SOURCE_LANGUAGE, EASY_SLUG) and not is_known(code):
            return self.not_found(request)
        if code == EASY:
            return RedirectResponse(self.renderer.index_url(EASY), status_code=308)
        stamp, texts = self.texts()
        lang, fallback = self._language(code, texts)
        public = self.public()
        site = self.site(public, texts.languages)
        town = self.town()
        key = ("index", lang, fallback, stamp, town, site)
        html = self._cached(
            key,
            lambda: _rendered(self.renderer.index(site, town, texts, lang, fallback), "text/html"),
        )
        return self._send(request, html)

    def release(self, request: Request) -> Response:
        slug = request.path_params.get("code") or request.path_params["slug"]
        code = request.path_params.get("lang", SOURCE_LANGUAGE)
        info = self.find(slug, self.public())
        if info is None:
            return self.not_found(request)
        if code == SOURCE_LANGUAGE and "lang" in request.path_params:
            return RedirectResponse(self.renderer.page_url(slug), status_code=308)
        stamp, texts = self.texts()
        lang, fallback = self._language(code, texts)
        town = self.town()
        key = ("release", info.id, info.public_since, slug, lang, fallback, stamp, town)
        html = self._cached(
            key,
            lambda: _rendered(
                self.release_html(info, lang, slug=slug, fallback=fallback), "text/html"
            ),
        )
        return self._send(request, html)

    def method(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        info = self.find(slug, self.public())
        if info is None:
            return self.not_found(request)
        stamp, texts = self.texts()
        town = self.town()
        html = self._cached(
            ("method", info.id, info.public_since, slug, stamp, town),
            lambda: _rendered(
                self.renderer.method(self.page(info), slug, town, texts), "text/html"
            ),
        )
        return self._send(request, html)

    def csv(self, request: Request) -> Response:
        slug, chart_id = request.path_params["slug"], request.path_params["chart"]
        info = self.find(slug, self.public())
        if info is None:
            return self.not_found(request)
        chart = next((c for c in self.page(info).charts if c.id == chart_id), None)
        if chart is None:
            return self.not_found(request)
        stamp, texts = self.texts()
        lang, _ = self._language(request.path_params["lang"], texts)
        data = self._cached(
            ("csv", info.id, info.public_since, chart_id, lang, stamp),
            lambda: _rendered(chart_csv(chart, Words(texts, lang)), "text/csv; charset=utf-8"),
        )
        response = self._send(request, data)
        name = f"ergebnisse-welle-{info.wave}-{chart_id}-{lang}.csv"
        response.headers["content-disposition"] = f'attachment; filename="{name}"'
        return response

    def statement(self, request: Request) -> Response:
        stamp, texts = self.texts()
        code = request.path_params.get("lang", SOURCE_LANGUAGE)
        if code != SOURCE_LANGUAGE and not is_known(code):
            return self.not_found(request)
        lang, _ = self._language(code, texts)
        town = self.town()
        address = f"{request.url.scheme}://{request.url.netloc}{self.renderer.index_url()}"
        html = self._cached(
            ("statement", lang, stamp, town, address),
            lambda: _rendered(self.renderer.statement(town, texts, lang, address), "text/html"),
        )
        return self._send(request, html)

    def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        files = {"results.css": (self.renderer.css, "text/css; charset=utf-8"),
                 "eu-emblem.svg": (self.renderer.emblem, "image/svg+xml")}  # fmt: skip
        if name not in files:
            return self.not_found(request)
        body, media_type = files[name]
        data = self._cached(("static", name), lambda: _rendered(body, media_type))
        versioned = "v" in request.query_params  # the page links name the content hash
        return self._send(request, data, cache=LONG if versioned else SHORT)

    def app(self) -> Starlette:
        def missing(request: Request, exc: Exception) -> Response:
            # plain def: Starlette runs it in its thread pool (the page reads the database)
            return self.not_found(request)

        routes = [
            Route("/", self.index),
            Route("/_static/{name}", self.static),
            Route(f"/{STATEMENT_SLUG}/", self.statement),
            Route(f"/{STATEMENT_SLUG}/{{lang}}/", self.statement),
            Route(f"/{{slug}}/{METHOD_SLUG}/", self.method),
            Route("/{slug}/{lang}/{chart}.csv", self.csv),
            Route("/{code}/", self.index),
            Route("/{slug}/{lang}/", self.release),
        ]
        return Starlette(routes=routes, exception_handlers={404: missing})


def results_app(ctx: AppContext, base: str = BASE) -> Starlette:
    """The results pages of the current town, served at ``base``."""
    return ResultsSite(ctx, base).app()


class ResultsTowns:
    """ASGI app mounted at :data:`BASE`: ``/ergebnisse/<town>/…`` are that town's pages
    (the town is the current town of the request, :mod:`bedarfsradar.db.rls`);
    ``/ergebnisse/…`` are the town's pages where the installation has exactly one town.
    Any other address is served without a town: it finds no release (the German 404)."""

    def __init__(self, ctx: AppContext):
        self.ctx = ctx
        self._apps: dict[str, Starlette] = {}
        self._lock = threading.Lock()

    def _app(self, slug: str) -> Starlette:
        with self._lock:
            if slug not in self._apps:
                self._apps[slug] = results_app(self.ctx, f"{BASE}/{slug}" if slug else BASE)
            return self._apps[slug]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from bedarfsradar import tenancy
        from bedarfsradar.db import rls

        if scope["type"] != "http":
            return
        root = str(scope.get("root_path", ""))
        path = str(scope["path"])
        rest = path[len(root) :] if path.startswith(root) else path
        first = rest.lstrip("/").split("/", 1)[0]
        tenants = await tenancy.tenants_of_request(self.ctx)
        towns = {t.slug: t for t in tenants if t.kind == "town"}
        town = towns.get(first) if len(towns) > 1 else None
        if town is not None:
            app, scope = self._app(first), {**scope, "root_path": f"{root}/{first}"}
        else:
            app = self._app("")
            if len(towns) == 1:
                town = next(iter(towns.values()))
        with rls.town_scope(town.id if town is not None else rls.NO_TOWN):
            await app(scope, receive, send)
