"""German texts in Streamlit's own frontend, which has no translation mechanism.

Streamlit 1.67 writes a few English texts into its JavaScript that page code cannot set:
the "Select all" entry of a multiselect, "No results", the file uploader's "Upload" and
"200MB per file", the table toolbar's "Download as CSV"/"Search", "Fullscreen", the
"Running..." status, the "Page not found" dialog and ``<html lang="en">``.
:class:`GermanFrontend` serves Streamlit's files with exactly these literals replaced:

- a JavaScript chunk (``/static/js/<Name>.<hash>.js``) to which a rule of :data:`RULES`
  applies is served from memory, patched once per process, with a strong ``ETag`` of the
  patched bytes and ``Cache-Control: no-cache`` (the browser revalidates: 304, no body).
  It cannot keep Streamlit's ``immutable`` header, because the hash in the file name no
  longer names the content once a translation changes. Every other static file goes to
  Streamlit unchanged (``public, immutable, max-age=31536000``).
- Streamlit's ``index.html`` (served for ``/`` and every page path) gets ``lang="de"``.

Each rule is an exact string with enough minified context that it can only match the
display text; :func:`unmatched_rules` lists rules that no longer match the installed
Streamlit (a test fails then, rather than the guide seeing English again).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# (chunk name, English literal in context, German)
RULES: tuple[tuple[str, str, str], ...] = (
    ("Multiselect", "label:`Select all`", "label:`Alle auswählen`"),
    ("Multiselect", "label:`Select ${p.length} matches`", "label:`${p.length} Treffer auswählen`"),
    ("Multiselect", "`No results`", "`Keine Treffer`"),
    ("Multiselect", '"aria-label":`Clear all`', '"aria-label":`Alle entfernen`'),
    ("Selectbox", "`No results`", "`Keine Treffer`"),
    ("Selectbox", '"aria-label":`Clear value`', '"aria-label":`Auswahl löschen`'),
    ("utils", "?`Choose options`:`Choose an option`", "?`Bitte auswählen`:`Bitte auswählen`"),
    ("utils", "`No options to select`", "`Keine Auswahl möglich`"),
    ("FileUploader", ":`Upload`}", ":`Datei auswählen`}"),
    ("FileUploader", "`Drag and drop files here`", "`Dateien hierher ziehen`"),
    ("FileUploader", "`Drag and drop a file here`", "`Datei hierher ziehen`"),
    ("FileUploader", "} per file`", "} pro Datei`"),
    ("FileUploader", '"aria-label":`Add files`', '"aria-label":`Dateien hinzufügen`'),
    (
        "FileUploader",
        "message:`${e.type} files are not allowed.`",
        "message:`Dateien vom Typ ${e.type} sind hier nicht erlaubt.`",
    ),
    (
        "utils",
        "return`File must be ${$(n,`b`)} or smaller.`",
        "return`Die Datei darf höchstens ${$(n,`b`)} groß sein.`",
    ),
    (
        "utils",
        "return`${t.type} files are not allowed.`",
        "return`Dateien vom Typ ${t.type} sind hier nicht erlaubt.`",
    ),
    ("utils", "return`File size is too small.`", "return`Die Datei ist zu klein.`"),
    ("utils", "return`Only one file is allowed.`", "return`Nur eine Datei ist erlaubt.`"),
    (
        "utils",
        "return`Unexpected error. Please try again.`",
        "return`Unerwarteter Fehler. Bitte noch einmal versuchen.`",
    ),
    ("DataFrame", "label:`Download as CSV`", "label:`Als CSV herunterladen`"),
    ("DataFrame", "label:`Search`", "label:`Suchen`"),
    ("DataFrame", "label:`Show/hide columns`", "label:`Spalten ein-/ausblenden`"),
    ("DataFrame", "label:`Select all`", "label:`Alle auswählen`"),
    ("Toolbar", "label:`Fullscreen`", "label:`Vollbild`"),
    ("Toolbar", "label:`Close fullscreen`", "label:`Vollbild beenden`"),
    ("PlotlyChart", "`Close fullscreen`:`Fullscreen`", "`Vollbild beenden`:`Vollbild`"),
    ("index", "children:`Skip to main content`", "children:`Zum Inhalt springen`"),
    ("index", '"aria-label":`Running...`', '"aria-label":`Läuft …`'),
    ("index", "title:e?`Stopping...`:`Stop`", "title:e?`Wird angehalten …`:`Anhalten`"),
    ("index", "label:`Rerun`", "label:`Neu laden`"),
    ("index", '"aria-label":`Collapse sidebar`', '"aria-label":`Seitenleiste einklappen`'),
    ("index", '"aria-label":`Expand sidebar`', '"aria-label":`Seitenleiste ausklappen`'),
    ("index", "showError(`Page not found`", "showError(`Seite nicht verfügbar`"),
    (
        "index",
        "`You have requested page /${e}, but no corresponding file was found in the app's"
        " pages/ directory`",
        "`Die Seite /${e} gibt es nicht, oder sie ist für Ihre Rolle nicht freigegeben`",
    ),
    (
        "index",
        "`The page that you have requested does not seem to exist`",
        "`Diese Seite gibt es nicht`",
    ),
    (
        "index",
        "message:`${t}. Running the app's main page.`",
        "message:`${t}. Sie sehen den Überblick.`",
    ),
    ("index", "showError(`Connection error`", "showError(`Verbindung unterbrochen`"),
    ("index", '"aria-label":`Sidebar`', '"aria-label":`Seitenleiste`'),
    (
        "StreamlitMarkdown",
        "m(t)?`Help`:`Help for ${t.replaceAll(/\\s+/g,` `)}`",
        "m(t)?`Hilfe`:`Hilfe zu ${t.replaceAll(/\\s+/g,` `)}`",
    ),
    (
        "StreamlitMarkdown",
        '"aria-label":`Link to heading`',
        '"aria-label":`Link zu dieser Überschrift`',
    ),
)
_CHUNK = re.compile(r"/static/js/([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.js")


def static_dir() -> Path:
    from streamlit import file_util

    return Path(file_util.get_static_dir())


def patch(name: str, text: str) -> str:
    """``text`` of the chunk ``name`` with every rule for that chunk applied."""
    for chunk, english, german in RULES:
        if chunk == name:
            text = text.replace(english, german)
    return text


def unmatched_rules(folder: Path | None = None) -> list[tuple[str, str]]:
    """(chunk, English) of every rule that matches in no chunk of that name."""
    js = (folder or static_dir()) / "static" / "js"
    texts: dict[str, str] = {}
    for path in js.glob("*.js"):
        base = path.name.split(".", 1)[0]
        if any(base == chunk for chunk, _, _ in RULES):
            texts[base] = texts.get(base, "") + path.read_text(encoding="utf-8")
    return [(c, e) for c, e, _ in RULES if e not in texts.get(c, "")]


@cache
def patched(relative: str) -> tuple[bytes, str] | None:
    """(patched bytes, ETag) of a chunk under Streamlit's static folder, or None when no
    rule changes it (then Streamlit serves it as it is)."""
    match = _CHUNK.fullmatch(relative)
    if not match or not any(match.group(1) == c for c, _, _ in RULES):
        return None
    path = static_dir() / relative.lstrip("/")
    if not path.is_file():
        return None
    original = path.read_text(encoding="utf-8")
    text = patch(match.group(1), original)
    if text == original:
        return None
    body = text.encode("utf-8")
    return body, '"de-' + hashlib.sha256(body).hexdigest()[:32] + '"'


class GermanFrontend:
    """ASGI middleware: patched JavaScript chunks (see module docstring), and
    ``lang="de"`` on Streamlit's HTML page."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith("/static/js/") and path.endswith(".js"):
            found = await anyio.to_thread.run_sync(patched, path)
            if found is not None:
                await _send_patched(scope, send, *found)
                return
        if path.startswith(("/u/", "/login", "/logout", "/healthz", "/_stcore/", "/media/")):
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _html_lang_de(send))


async def _send_patched(scope: Scope, send: Send, body: bytes, etag: str) -> None:
    headers = {k: v for k, v in scope.get("headers", [])}
    fresh = headers.get(b"if-none-match", b"").decode("latin-1") == etag
    response_headers = [
        (b"content-type", b"application/javascript; charset=utf-8"),
        (b"cache-control", b"no-cache"),
        (b"etag", etag.encode()),
    ]
    if fresh:
        await send({"type": "http.response.start", "status": 304, "headers": response_headers})
        await send({"type": "http.response.body", "body": b""})
        return
    response_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": response_headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def _html_lang_de(send: Send) -> Send:
    """``send`` that changes ``<html lang="en">`` to ``lang="de"`` in a 200 HTML response
    (Streamlit's index.html, about 2 KB)."""
    return _HtmlLangDe(send).send


class _HtmlLangDe:
    def __init__(self, send: Send):
        self._send = send
        self._start: Message | None = None
        self._body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            if message["status"] == 200 and headers.get(b"content-type", b"").startswith(
                b"text/html"
            ):
                self._start = message
                return
        elif message["type"] == "http.response.body" and self._start is not None:
            self._body += message.get("body", b"")
            if message.get("more_body"):
                return
            body = self._body.replace(b'<html lang="en">', b'<html lang="de">', 1)
            headers = [(k, v) for k, v in self._start["headers"] if k != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await self._send({**self._start, "headers": headers})
            await self._send({"type": "http.response.body", "body": body})
            return
        await self._send(message)
