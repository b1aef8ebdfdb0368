"""The survey's static files with cache headers that suit a weak connection.

Pages link the stylesheet as ``survey.css?v=<content hash>`` (:func:`static_url`): such
a URL is cached for a year (``immutable``), and a new release changes the hash, so a
phone fetches the stylesheet once and never asks again. A URL without the version (an old
page in a browser's history, the emblem image) is cached for an hour and revalidated with
its ETag (Starlette answers 304 Not Modified).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"


def static_url(directory: Path, name: str) -> str:
    """``/u/_static/<name>?v=<first 12 hex digits of its SHA-256>``."""
    digest = hashlib.sha256((directory / name).read_bytes()).hexdigest()[:12]
    return f"/u/_static/{name}?v={digest}"


class CachedStaticFiles(StaticFiles):
    """:class:`StaticFiles` plus ``Cache-Control``: long for versioned URLs."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["cache-control"] = LONG if versioned else SHORT
        return response
