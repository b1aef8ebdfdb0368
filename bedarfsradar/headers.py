"""Security headers on every response of the one-port server (dashboard, login, survey,
health check, Streamlit's files and API).

:class:`SecurityHeaders` is the outermost middleware of :func:`bedarfsradar.server.create_app`.
It adds :func:`default_headers` to every HTTP response that does not set the header
itself: the survey (``/u/``) and ``/login`` keep their stricter policies (``default-src
'none'``, no scripts at all); everything else gets :func:`dashboard_csp`.

The dashboard policy is the smallest one Streamlit 1.67 renders under in Chromium without
a single CSP violation (``tests/e2e/test_no_external_requests.py`` visits every page and
fails on any violation or non-local request). Measured by dropping one source at a time:

- ``script-src``: only this server plus the hash of the one inline script of Streamlit's
  ``index.html`` (``window.prerenderReady = false``), computed from the installed file.
  No ``'unsafe-inline'``, no ``'unsafe-eval'``. Without the hash: one violation.
- ``style-src 'unsafe-inline'``: Streamlit (emotion) and Plotly write ``<style>`` elements
  at run time, with no nonce hook; without it ~70 violations per page walk.
- ``font-src data:``: Streamlit embeds an icon font as a ``data:`` URL (one violation
  without it).
- ``img-src data: blob:``: Plotly's "download as PNG" draws the chart through a ``data:``
  SVG image; images cannot run code.
- ``connect-src 'self'`` plus the websocket URL of the requested host: Chromium lets
  ``'self'`` match ``ws:`` on the same host (CSP Level 3); the explicit ``ws://host`` keeps
  older browsers working. No other origin anywhere; frames, plugins, foreign form targets
  and framing by other sites are refused.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for the inline scripts of a page."""
    hashes = []
    for body in _INLINE_SCRIPT.findall(index_html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return hashes


def _streamlit_index() -> str:
    from streamlit import file_util

    path = Path(file_util.get_static_dir()) / "index.html"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@cache
def dashboard_csp() -> str:
    """The dashboard's policy without the websocket sources of :func:`with_websocket`."""
    scripts = " ".join(["'self'", *inline_script_hashes(_streamlit_index())])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)


def default_headers() -> dict[str, str]:
    """Headers every response gets unless it sets them itself."""
    return {
        "content-security-policy": dashboard_csp(),
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "permissions-policy": PERMISSIONS_POLICY,
        "cross-origin-opener-policy": "same-origin",
    }


_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def with_websocket(csp: str, host: str | None) -> str:
    """``csp`` with the same-host websocket (``ws://host wss://host``) added to
    ``connect-src``; unchanged for a missing or malformed ``Host`` header."""
    if not host or not _HOST.fullmatch(host) or "connect-src 'self'" not in csp:
        return csp
    return csp.replace("connect-src 'self'", f"connect-src 'self' ws://{host} wss://{host}", 1)


class SecurityHeaders:
    """Pure ASGI middleware: every HTTP response gets each header of
    :func:`default_headers` it does not set itself (the websocket is not HTTP)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None):
        self.app = app
        self.headers = headers if headers is not None else default_headers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = None
        for key, value in scope.get("headers", []):
            if key == b"host":
                host = value.decode("latin-1")
        extra = dict(self.headers)
        if "content-security-policy" in extra:
            extra["content-security-policy"] = with_websocket(
                extra["content-security-policy"], host
            )
        encoded = [(k.encode(), v.encode()) for k, v in extra.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                message["headers"] = headers + [(k, v) for k, v in encoded if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
