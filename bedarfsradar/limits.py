"""Request bodies bounded however they arrive.

A limit that reads ``Content-Length`` only is no limit: a chunked request has no such
header, and the form parser would read all of it (a 300 MB chunked POST was accepted and
held in memory). :class:`BodyLimit` counts the bytes of the body as they arrive and stops
reading at the limit: the request is answered 413 with a German page and the connection
closed, the rest is never read. A body within the limit is read here (it is small: at
most :data:`SURVEY_MAX_BODY` bytes) and handed to the application as it came.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SURVEY_MAX_BODY = 100_000
"""The survey's forms (the largest page with every free text filled is about 20 KB)."""
LOGIN_MAX_BODY = 4_000
"""The login and logout forms."""
TOO_LARGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zu viele Daten – Bedarfsradar</title></head>
<body><main><h1>Zu viele Daten</h1>
<p>Das Formular hat mehr Daten geschickt, als diese Seite annimmt. Bitte gehen Sie
zurück und versuchen Sie es noch einmal; Ihre bisherigen Antworten sind gespeichert.</p>
</main></body></html>"""
READS_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyLimit:
    """ASGI middleware: bodies of at most ``max_bytes``, counted as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = HTMLResponse(
            TOO_LARGE,
            status_code=413,
            headers={"connection": "close", "cache-control": "no-store"},
        )
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in READS_BODY:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.too_large(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client has gone: nothing to answer
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self.too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        whole: list[Message] = [{"type": "http.request", "body": bytes(body), "more_body": False}]

        async def replay() -> Message:
            return whole.pop() if whole else await receive()

        await self.app(scope, replay, send)
