"""``/login`` and ``/logout`` for the guide's dashboard (Starlette routes beside ``st.App``),
and :class:`LoginRequired`, the session check in front of everything that is not public.

- ``GET /login`` shows the form (with a choice of the town, or the Land, where the
  installation has more than one tenant: user names are unique within a town only);
  ``POST /login`` checks a CSRF token (double submit: a random token in an HttpOnly
  cookie scoped to ``/login`` and in the form), waits as :mod:`bedarfsradar.throttle`
  says for the client address and the user name in that town (an ``await``: no thread is
  held), then checks the password in the town's tenant
  (:func:`bedarfsradar.users.authenticate`: argon2). Every failure shows the same German
  message, so nobody learns whether a user or a town exists. Success starts a server-side
  session (:mod:`bedarfsradar.session`), sets its cookie (HttpOnly, SameSite=Strict,
  Path=/, Secure when the public address or the request is https) and redirects to the
  dashboard (or a local ``next`` path).
- ``GET /logout`` shows a confirmation with a POST form (state changes only on POST);
  ``POST /logout`` checks its CSRF token (an HMAC of the session cookie), ends every
  session of the user on the server and clears the cookie.
- :class:`LoginRequired` checks the session on the server (:meth:`SessionStore.check`,
  in a worker thread) for every request that needs one: a dashboard page without a live
  session is redirected to ``/login``; Streamlit's media files (downloads) go only to
  the session that made them (:mod:`bedarfsradar.media`); file uploads need a live
  session; ``/_stcore/metrics`` only answers an admin. The pages check the session again
  on every run through :func:`dashboard.auth.current_user` (the websocket carries the
  cookie of the page that opened it, so a session ended meanwhile shows the login link
  at the next click).

Request bodies of ``/login`` and ``/logout`` are bounded however they arrive
(:class:`bedarfsradar.limits.BodyLimit`). Database work and password hashing run in a
worker thread: these routes share the event loop with the survey and the dashboard.

SameSite=Strict works with the dashboard: the websocket is opened by a same-site page, so
the browser sends the cookie with it (checked in Chromium by ``tests/e2e``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bedarfsradar import audit, tenancy
from bedarfsradar.db import rls
from bedarfsradar.limits import LOGIN_MAX_BODY, BodyLimit
from bedarfsradar.media import MEDIA_PREFIX, REFUSED_HTML, SessionMediaStorage
from bedarfsradar.session import COOKIE, SessionUser
from bedarfsradar.users import authenticate

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = "br_login_csrf"
PAGE_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}
MESSAGES = {
    "failed": (
        "Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie Benutzername und Passwort. "
        "Nach mehreren Fehlversuchen dauert jede weitere Anmeldung etwas länger."
    ),
    "expired": "Das Formular ist abgelaufen. Bitte versuchen Sie es noch einmal.",
    "logged_out": "Sie sind abgemeldet.",
}
PUBLIC_PREFIXES = (
    "/u/",
    "/ergebnisse",
    "/login",
    "/logout",
    "/healthz",
    "/_stcore/",
    "/static/",
    "/component/",
    "/app/static/",
    "/favicon",
)
METRICS = "/_stcore/metrics"
UPLOADS = "/_stcore/upload_file/"

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def safe_next(target: str | None) -> str:
    """A local dashboard path to return to; anything else (other hosts, ``//x``,
    backslashes, the login pages themselves) becomes ``/``."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or target.startswith(("/login", "/logout"))
        or any(ord(ch) < 32 for ch in target)
    ):
        return "/"
    return target


def logout_token(secret: str, session_token: str) -> str:
    """CSRF token of the logout form, bound to the session cookie's value."""
    msg = f"logout:{session_token}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()[:32]


def client_address(scope: Scope) -> str:
    """The client's address as the server sees it (behind a trusted reverse proxy:
    from ``X-Forwarded-For``, see :attr:`Settings.forwarded_allow_ips`)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def secure_cookies(ctx: Any, request: Request) -> bool:
    """Secure cookies when the settings say so (an https public address) or the request
    itself came over https."""
    return bool(ctx.settings.effective_secure_cookies) or request.url.scheme == "https"


class LoginRoutes:
    def __init__(self, ctx: Any):  # an AppContext (typed loosely: no import cycle)
        self.ctx = ctx
        self.secret: str = ctx.settings.effective_secret_key
        self.sessions = ctx.sessions
        self.throttle = ctx.login_throttle

    # -- helpers -------------------------------------------------------------------------
    async def user(self, request: Request) -> SessionUser | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        return await to_thread.run_sync(self._check, token)

    def _check(self, token: str) -> SessionUser | None:
        return self.sessions.check(token)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = _env.get_template(template).render(**values)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def logout_token(self, session_token: str) -> str:
        return logout_token(self.secret, session_token)

    async def form(self, request: Request) -> dict[str, str]:
        data = await request.form(max_files=0, max_fields=10)
        return {k: str(v) for k, v in data.items()}

    def login_form(
        self,
        request: Request,
        status: int = 200,
        message: str = "",
        username: str = "",
        next_path: str = "/",
        town: str = "",
    ) -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        tenants = tenancy.cached_tenants(self.ctx)
        choices = [(t.slug, t.name) for t in tenants] if len(tenants) > 1 else []
        response = self.render(
            "login.html", status, message=message, username=username, csrf=token,
            next=next_path, towns=choices, town=town,
        )  # fmt: skip
        response.set_cookie(
            CSRF_COOKIE,
            token,
            max_age=3600,
            path="/login",
            httponly=True,
            samesite="strict",
            secure=secure_cookies(self.ctx, request),
        )
        return response

    async def form_page(self, request: Request, *args: Any, **kwargs: Any) -> HTMLResponse:
        """:meth:`login_form` in a worker thread (it may read the list of towns)."""
        return await to_thread.run_sync(partial(self.login_form, request, *args, **kwargs))

    def attempt(self, town: str, username: str, password: str) -> str | None:
        """In a worker thread: the password check in the town the form names (an unknown
        town: none, no user) and, if right, a new session's cookie."""
        mid = tenancy.login_tenant(self.ctx, town)
        if mid is None:
            return None
        with rls.town_scope(mid):
            info = authenticate(self.ctx.db, mid, username, password)
        if info is None:
            return None
        return self.sessions.start(info.id, info.municipality_id)

    def audit_failures(self, town: str, username: str, failures: int) -> None:
        mid = tenancy.login_tenant(self.ctx, town)
        if mid is None:  # a town that does not exist has no log to write to
            return
        with rls.town_scope(mid):
            audit.record(self.ctx.db, mid, username or "?", "login.failed", failures=failures)

    # -- endpoints -----------------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            next_path = safe_next(request.query_params.get("next"))
            if await self.user(request) is not None:
                return RedirectResponse(next_path, status_code=303)
            notice = MESSAGES["logged_out"] if "abgemeldet" in request.query_params else ""
            town = str(request.query_params.get("kommune", ""))[:64]
            return await self.form_page(request, message=notice, next_path=next_path, town=town)
        form = await self.form(request)
        next_path = safe_next(form.get("next"))
        username = form.get("username", "").strip().lower()[:64]
        town = form.get("kommune", "")[:64]
        cookie_token = request.cookies.get(CSRF_COOKIE, "")
        if not cookie_token or not hmac.compare_digest(cookie_token, form.get("csrf", "")):
            return await self.form_page(
                request, 403, MESSAGES["expired"], username, next_path, town
            )
        password = form.get("password", "")
        address = client_address(request.scope)
        account = f"{town}/{username}" if town else username  # names are unique per town
        wait = self.throttle.admit(address, account)
        session = None
        if wait is not None:
            await self.throttle.sleep(wait)  # before the check: a success is no faster
            # argon2 (tens of ms of CPU) and the database run in a worker thread: the
            # event loop is shared with the survey and the dashboard
            session = await to_thread.run_sync(self.attempt, town, username, password)
        if session is None:
            if (failures := self.throttle.failed(account)) is not None:
                await to_thread.run_sync(self.audit_failures, town, username, failures)
            return await self.form_page(request, 401, MESSAGES["failed"], username, next_path, town)
        if failures := self.throttle.succeeded(address, account):
            await to_thread.run_sync(self.audit_failures, town, username, failures)
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(
            COOKIE,
            session,
            max_age=self.sessions.cookie_max_age,
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure_cookies(self.ctx, request),
        )
        response.delete_cookie(CSRF_COOKIE, path="/login")
        return response

    async def logout(self, request: Request) -> Response:
        session_token = request.cookies.get(COOKIE, "")
        user = await self.user(request)
        if request.method == "GET":
            if user is None:
                return RedirectResponse("/login", status_code=303)
            return self.render("logout.html", user=user, csrf=self.logout_token(session_token))
        form = await self.form(request)
        if user is not None:
            token = form.get("csrf", "")
            if not hmac.compare_digest(self.logout_token(session_token), token):
                return self.render(
                    "logout.html",
                    403,
                    user=user,
                    csrf=self.logout_token(session_token),
                    message=MESSAGES["expired"],
                )
            await to_thread.run_sync(self.end_sessions, user)
        response = RedirectResponse("/login?abgemeldet=1", status_code=303)
        response.delete_cookie(
            COOKIE,
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure_cookies(self.ctx, request),
        )
        return response

    def end_sessions(self, user: SessionUser) -> None:
        self.sessions.end_all(user, "logout")
        with rls.town_scope(user.municipality_id):
            audit.record(self.ctx.db, user.municipality_id, user.username, "logout")

    async def stylesheet(self, request: Request) -> Response:
        return FileResponse(
            HERE / "templates" / "login.css",
            media_type="text/css",
            headers={"cache-control": "max-age=3600"},
        )


def login_routes(ctx: Any) -> list[BaseRoute]:
    r = LoginRoutes(ctx)
    limit = [Middleware(BodyLimit, max_bytes=LOGIN_MAX_BODY)]
    return [
        Route("/login", r.login, methods=["GET", "POST"], middleware=limit),
        Route("/logout", r.logout, methods=["GET", "POST"], middleware=limit),
        Route("/login.css", r.stylesheet),
    ]


class LoginRequired:
    """ASGI middleware: the server-side session check in front of everything that needs
    a login (see the module docstring). Public paths and files (a dot in the last path
    segment, e.g. Streamlit's JavaScript) pass through; so does Streamlit's websocket,
    whose pages check the session on every run."""

    def __init__(self, app: ASGIApp, ctx: Any, media: SessionMediaStorage | None = None):
        self.app = app
        self.ctx = ctx
        self.media = media

    def check(self, token: str) -> SessionUser | None:
        """In a worker thread (database)."""
        return self.ctx.sessions.check(token)

    async def user(self, scope: Scope) -> SessionUser | None:
        token = Request(scope).cookies.get(COOKIE)
        return await to_thread.run_sync(self.check, token) if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        refusal: Response | None = None
        if path.startswith(MEDIA_PREFIX):
            refusal = await self.media_refusal(scope)
        elif path == METRICS or path.startswith(METRICS + "/"):
            user = await self.user(scope)
            if user is None or user.role != "admin":
                refusal = PlainTextResponse("Nicht gefunden", status_code=404)
        elif path.startswith(UPLOADS):
            if await self.user(scope) is None:
                refusal = PlainTextResponse("Bitte melden Sie sich an.", status_code=403)
        elif scope["method"] in ("GET", "HEAD"):
            last = path.rsplit("/", 1)[-1]
            page = not path.startswith(PUBLIC_PREFIXES) and "." not in last
            if page and await self.user(scope) is None:
                target = "/login" + ("" if path == "/" else f"?next={quote(path)}")
                refusal = RedirectResponse(target, status_code=303)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def media_refusal(self, scope: Scope) -> Response | None:
        """None if the request's session made this file and may still fetch it."""
        token = Request(scope).cookies.get(COOKIE)
        owner = self.ctx.sessions.key_hash_of(token)
        name = scope["path"][len(MEDIA_PREFIX) :]
        granted = self.media is not None and self.media.granted(name, owner)
        if granted and await self.user(scope) is not None:
            return None
        return HTMLResponse(REFUSED_HTML, status_code=403, headers={"cache-control": "no-store"})
