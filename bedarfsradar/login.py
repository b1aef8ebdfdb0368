"""``/login`` and ``/logout`` for the guide's dashboard (Starlette routes beside ``st.App``).

- ``GET /login`` shows the form (with a choice of the town, or the Land, where the
  installation has more than one tenant: user names are unique within a town only);
  ``POST /login`` checks a CSRF token (double submit: a
  random token in an HttpOnly cookie scoped to ``/login`` and in the form), then the
  password (:func:`bedarfsradar.users.authenticate`: argon2, lockout after five failures
  for 15 minutes). Every failure shows the same German message, so nobody learns whether
  a user exists or is locked. Success sets the signed session cookie
  (:mod:`bedarfsradar.session`: HttpOnly, SameSite=Strict, Path=/, 8 h) and redirects to
  the dashboard (or a local ``next`` path).
- ``GET /logout`` shows a confirmation with a POST form (state changes only on POST);
  ``POST /logout`` checks its CSRF token (an HMAC of the session cookie) and clears the
  cookie.
- :class:`LoginRequired` sends a visitor without a valid session who asks for a dashboard
  page to ``/login`` with a 303, before Streamlit serves its page. The pages check the
  session again through :func:`dashboard.auth.current_user` (the websocket is not covered
  by this middleware).

Database work and password hashing run in a worker thread: these routes share the event
loop with the survey and the dashboard.

SameSite=Strict works with the dashboard: the websocket is opened by a same-site page, so
the browser sends the cookie with it (checked in Chromium by ``tests/e2e``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bedarfsradar import audit, tenancy
from bedarfsradar.db import rls
from bedarfsradar.session import COOKIE, MAX_AGE_SECONDS, SessionCodec, SessionUser
from bedarfsradar.users import authenticate

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = "br_login_csrf"
MAX_FORM_BYTES = 4_000
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
        "Nach fünf Fehlversuchen ist die Anmeldung 15 Minuten gesperrt."
    ),
    "expired": "Das Formular ist abgelaufen. Bitte versuchen Sie es noch einmal.",
    "logged_out": "Sie sind abgemeldet.",
}
PUBLIC_PREFIXES = (
    "/u/",
    "/login",
    "/logout",
    "/healthz",
    "/_stcore/",
    "/static/",
    "/component/",
    "/media/",
    "/app/static/",
    "/favicon",
)

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


class LoginRoutes:
    def __init__(self, ctx: Any):  # an AppContext (typed loosely: no import cycle)
        self.ctx = ctx
        self.secret: str = ctx.settings.effective_secret_key
        self.codec = SessionCodec(self.secret)
        self.secure = bool(ctx.settings.secure_cookies)

    # -- helpers -------------------------------------------------------------------------
    def user(self, request: Request) -> SessionUser | None:
        return self.codec.loads(request.cookies.get(COOKIE))

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = _env.get_template(template).render(**values)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def logout_token(self, session_token: str) -> str:
        return logout_token(self.secret, session_token)

    async def form(self, request: Request) -> dict[str, str] | None:
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            return None
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
            secure=self.secure,
        )
        return response

    async def form_page(self, request: Request, *args: Any, **kwargs: Any) -> HTMLResponse:
        """:meth:`login_form` in a worker thread (it may read the list of towns)."""
        return await to_thread.run_sync(partial(self.login_form, request, *args, **kwargs))

    # -- endpoints -----------------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            next_path = safe_next(request.query_params.get("next"))
            if self.user(request) is not None:
                return RedirectResponse(next_path, status_code=303)
            notice = MESSAGES["logged_out"] if "abgemeldet" in request.query_params else ""
            town = str(request.query_params.get("kommune", ""))[:64]
            return await self.form_page(request, message=notice, next_path=next_path, town=town)
        form = await self.form(request)
        if form is None:
            return await self.form_page(request, 413, MESSAGES["expired"])
        next_path = safe_next(form.get("next"))
        username = form.get("username", "").strip().lower()[:64]
        town = form.get("kommune", "")[:64]
        cookie_token = request.cookies.get(CSRF_COOKIE, "")
        if not cookie_token or not hmac.compare_digest(cookie_token, form.get("csrf", "")):
            return await self.form_page(
                request, 403, MESSAGES["expired"], username, next_path, town
            )
        password = form.get("password", "")
        # argon2 (tens of ms of CPU) and the lockout bookkeeping in the database run in a
        # worker thread: the event loop is shared with the survey and the dashboard. The
        # town named in the form is the transaction's (an unknown one: none, no user).
        mid = await to_thread.run_sync(tenancy.login_tenant, self.ctx, town)
        with rls.town_scope(mid):
            info = await to_thread.run_sync(authenticate, self.ctx.db, mid or 0, username,
                                            password)  # fmt: skip
        if info is None:
            return await self.form_page(request, 401, MESSAGES["failed"], username, next_path, town)
        user = SessionUser(info.id, info.username, info.role, info.municipality_id, time.time())
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(
            COOKIE,
            self.codec.dumps(user),
            max_age=MAX_AGE_SECONDS,
            path="/",
            httponly=True,
            samesite="strict",
            secure=self.secure,
        )
        response.delete_cookie(CSRF_COOKIE, path="/login")
        return response

    async def logout(self, request: Request) -> Response:
        session_token = request.cookies.get(COOKIE, "")
        user = self.user(request)
        if request.method == "GET":
            if user is None:
                return RedirectResponse("/login", status_code=303)
            return self.render("logout.html", user=user, csrf=self.logout_token(session_token))
        form = await self.form(request)
        if user is not None:
            token = (form or {}).get("csrf", "")
            if not hmac.compare_digest(self.logout_token(session_token), token):
                return self.render(
                    "logout.html",
                    403,
                    user=user,
                    csrf=self.logout_token(session_token),
                    message=MESSAGES["expired"],
                )
            with rls.town_scope(user.municipality_id):
                await to_thread.run_sync(
                    audit.record, self.ctx.db, user.municipality_id, user.username, "logout"
                )
        response = RedirectResponse("/login?abgemeldet=1", status_code=303)
        response.delete_cookie(
            COOKIE, path="/", httponly=True, samesite="strict", secure=self.secure
        )
        return response

    async def stylesheet(self, request: Request) -> Response:
        return FileResponse(
            HERE / "templates" / "login.css",
            media_type="text/css",
            headers={"cache-control": "max-age=3600"},
        )


def login_routes(ctx: Any) -> list[BaseRoute]:
    r = LoginRoutes(ctx)
    return [
        Route("/login", r.login, methods=["GET", "POST"]),
        Route("/logout", r.logout, methods=["GET", "POST"]),
        Route("/login.css", r.stylesheet),
    ]


class LoginRequired:
    """ASGI middleware: a GET for a dashboard page without a valid session cookie is
    redirected to ``/login?next=<path>``. Public paths and files (a dot in the last path
    segment, e.g. Streamlit's JavaScript) pass through."""

    def __init__(self, app: ASGIApp, secret: str):
        self.app = app
        self.codec = SessionCodec(secret)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path: str = scope["path"]
            last = path.rsplit("/", 1)[-1]
            if not path.startswith(PUBLIC_PREFIXES) and "." not in last:
                request = Request(scope)
                if self.codec.loads(request.cookies.get(COOKIE)) is None:
                    target = "/login" + ("" if path == "/" else f"?next={quote(path)}")
                    await RedirectResponse(target, status_code=303)(scope, receive, send)
                    return
        await self.app(scope, receive, send)
