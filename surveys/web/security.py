"""Security headers and rate limits for the public survey.

- :class:`RateLimiter` per campaign: completed submissions (anti-bot, no client
  attribute used).
- :func:`code_limiter` per client address: tries of a resume code (``/weiter``) or a
  receipt code (``/loeschen``). The codes carry 50 bits, so guessing is hopeless anyway,
  but 300 tries in a second should not even be possible. The address is kept only as a
  keyed hash (a key drawn per process), in memory, for a minute.

A receipt code deletes its response through the ``/loeschen`` page of any campaign of
the same town (a respondent who kept the code but not the link can use any poster's
address); it never reaches another town's responses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SURVEY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware adding :data:`SURVEY_HEADERS` to every response (pure ASGI, so it
    works under the Streamlit server's own middleware stack)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None):
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in (headers or SURVEY_HEADERS).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


MAX_KEYS = 10_000
"""Keys a limiter remembers at most; idle ones are forgotten first."""
CODE_TRIES_PER_MINUTE = 20
"""Resume and receipt codes tried per client address and minute (a school class behind
one address entering its codes still fits)."""


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (a campaign), in memory.

    Protects a campaign from scripted mass submissions without identifying anyone: no
    IP address or other client attribute is used or stored."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            if key not in self._events and len(self._events) >= MAX_KEYS:
                self._forget(now)
            events = self._events.setdefault(key, deque())
            while events and now - events[0] > self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _forget(self, now: float) -> None:
        for key in [k for k, e in self._events.items() if not e or now - e[-1] > self.window]:
            del self._events[key]
        if len(self._events) >= MAX_KEYS:
            self._events.clear()


class ClientRateLimiter(RateLimiter):
    """:class:`RateLimiter` keyed by client address, kept as a keyed hash."""

    def __init__(self, limit: int, window: float = 60.0):
        super().__init__(limit, window)
        self._key = secrets.token_bytes(16)

    def allow_client(self, address: str | None) -> bool:
        digest = hmac.new(self._key, (address or "").encode(), hashlib.sha256).hexdigest()
        return self.allow(digest[:32])


def code_limiter() -> ClientRateLimiter:
    return ClientRateLimiter(CODE_TRIES_PER_MINUTE)
