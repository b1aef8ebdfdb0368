"""Dashboard downloads only for the session that made them, and only for a short time.

Streamlit serves the bytes of every ``st.download_button`` and ``st.image`` at
``/media/<id>.<ext>`` to anyone who has the URL, with no login: the raw answers, the
results workbook, the deck — still minutes after the guide logged out. The ids are hashes
of the content, unguessable for the answers but computable for a file whose content is
public (a codebook of a published questionnaire). A URL leaks through browser history,
a shared town-hall PC or a proxy log.

:class:`SessionMediaStorage` is Streamlit's in-memory media storage that also notes, for
each file, which dashboard sessions' pages showed it and when (the session is read from
the login cookie of the script run that creates the file: the SHA-256 name of the
session, :meth:`bedarfsradar.session.SessionStore.key_hash_of`). :meth:`granted` says
whether a session may fetch a file: it must be among the file's sessions and the page
must have shown it within ``lifetime`` seconds (each rerun of the page renews it).
:class:`bedarfsradar.login.LoginRequired` asks it, after checking that the session is
still live in the database, for every request under ``/media/``; everything else is
refused (403, a German page). So a download URL opens nothing without the cookie of the
session that made it, nothing for another user or role, nothing after logout, a
password or role change, or ``lifetime`` after the page last showed it.

A file is bound when a page run adds it (``st.download_button`` with bytes, ``st.image``).
Streamlit's deferred downloads (data given as a callable, computed on the click outside
any page run) have no session to bind to and are refused: the dashboard passes bytes.

Streamlit 1.67's ``st.App`` has no parameter for the media storage;
:class:`DashboardApp` puts ours into the runtime it creates (one private attribute,
``MediaFileManager._storage``, checked by ``tests/security/test_session_and_limits.py``
through the real server).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.starlette import App

from bedarfsradar.session import COOKIE, SessionStore

MEDIA_PREFIX = "/media/"
REFUSED_HTML = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Download nicht verfügbar – Bedarfsradar</title></head>
<body><main><h1>Download nicht verfügbar</h1>
<p>Diese Datei ist nur für die Anmeldung abrufbar, in der sie erstellt wurde, und nur
kurze Zeit. Bitte melden Sie sich an, öffnen Sie die Seite im Dashboard neu und laden Sie
die Datei dort herunter.</p>
<p><a href="/login">Zur Anmeldung</a></p></main></body></html>"""


class SessionMediaStorage(MemoryMediaFileStorage):
    """Streamlit's media files, each bound to the sessions whose pages showed it."""

    def __init__(
        self,
        owner: Callable[[], str | None],
        lifetime: float,
        endpoint: str = MEDIA_PREFIX.rstrip("/"),
        clock: Callable[[], float] = time.monotonic,
    ):
        super().__init__(endpoint)
        self._owner = owner
        self.lifetime = lifetime
        self._clock = clock
        self._grants: dict[str, dict[str, float]] = {}
        self._grants_lock = threading.Lock()

    def load_and_get_id(
        self,
        path_or_data: str | bytes,
        mimetype: str,
        kind: MediaFileKind,
        filename: str | None = None,
    ) -> str:
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        owner = self._owner()
        if owner is not None:
            now = self._clock()
            with self._grants_lock:
                self._grants.setdefault(file_id, {})[owner] = now
                self._drop_expired(now)
        return file_id

    def _drop_expired(self, now: float) -> None:
        for file_id in list(self._grants):
            owners = self._grants[file_id]
            for owner in [o for o, at in owners.items() if now - at > self.lifetime]:
                del owners[owner]
            if not owners:
                del self._grants[file_id]

    def granted(self, filename: str, owner: str | None) -> bool:
        """Whether the session named ``owner`` may fetch ``filename`` (``<id>.<ext>``)."""
        if owner is None:
            return False
        file_id = PurePosixPath(filename).stem
        with self._grants_lock:
            at = self._grants.get(file_id, {}).get(owner)
        return at is not None and self._clock() - at <= self.lifetime

    def delete_file(self, file_id: str) -> None:
        super().delete_file(file_id)
        with self._grants_lock:
            self._grants.pop(file_id, None)


def cookie_owner(sessions: SessionStore) -> Callable[[], str | None]:
    """The session of the script run that is adding a file, from its login cookie."""

    def owner() -> str | None:
        import streamlit as st

        try:
            token = st.context.cookies.get(COOKIE)
        except Exception:  # no script run (nothing to bind the file to)
            return None
        return sessions.key_hash_of(token)

    return owner


class DashboardApp(App):
    """``st.App`` whose runtime keeps media files in a :class:`SessionMediaStorage`."""

    def __init__(self, *args: Any, media_storage: SessionMediaStorage, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.media_storage = media_storage

    def _create_runtime(self) -> Any:
        runtime = super()._create_runtime()
        # Streamlit 1.67 builds the /media route from this attribute right after
        runtime.media_file_mgr._storage = self.media_storage
        return runtime
