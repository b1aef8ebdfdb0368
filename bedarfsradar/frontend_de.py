"""Streamlit's own frontend files, German and compressed once.

German: Streamlit 1.67 writes a few English texts into its JavaScript that page code
cannot set: the "Select all" entry of a multiselect, "No results", the file uploader's
"Upload" and "200MB per file", the table toolbar's "Download as CSV"/"Search",
"Fullscreen", the "Running..." status, the "Page not found" dialog and
``<html lang="en">``. :class:`GermanFrontend` serves Streamlit's files with exactly these
literals replaced (:data:`RULES`); ``index.html`` (served for ``/`` and every page path)
gets ``lang="de"``. Each rule is an exact string with enough minified context that it can
only match the display text; :func:`unmatched_rules` lists rules that no longer match the
installed Streamlit (a test fails then, rather than the guide seeing English again).

Compressed once: Starlette's GZip middleware compresses every response anew, on the
event loop - Plotly's 4.7 MB script costs about 0.3 s of CPU per first visit, during
which no survey page and no other dashboard user is served. Here every JavaScript and
CSS file of ``/static/`` is read and gzip-compressed once per process (:func:`asset`;
the warm-up thread does it for all files after start, :func:`compress_all`) and served
from memory, gzip when the browser accepts it.

Caching: a file no rule changes keeps Streamlit's ``Cache-Control: public,
max-age=31536000, immutable`` (its name carries a hash of its content). A patched file
gets ``no-cache`` and a strong ``ETag`` of the patched bytes (the browser revalidates:
304, no body), because the hash in its name no longer names its content once a
translation changes.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
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
_ASSET = re.compile(r"/static/(js|css)/([A-Za-z0-9_-]+)(\.[A-Za-z0-9_-]+)*\.(js|css)")
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {"js": "application/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}


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


@dataclass(frozen=True)
class Asset:
    """One static file as served: gzip-compressed body, its validator and caching."""

    gzipped: bytes
    etag: str
    cache_control: str
    content_type: str
    patched: bool


@cache
def asset(relative: str) -> Asset | None:
    """The JavaScript or CSS file ``/static/(js|css)/<name>`` of Streamlit, German where a
    rule applies, compressed; None for any other path (Streamlit answers those)."""
    match = _ASSET.fullmatch(relative)
    if not match:
        return None
    path = static_dir() / relative.lstrip("/")
    if not path.is_file():
        return None
    raw = path.read_bytes()
    body = raw
    if match.group(1) == "js" and any(match.group(2) == c for c, _, _ in RULES):
        body = patch(match.group(2), raw.decode("utf-8")).encode("utf-8")
    changed = body != raw
    digest = hashlib.sha256(body).hexdigest()[:32]
    return Asset(
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        etag=f'"de-{digest}"' if changed else f'"{digest}"',
        cache_control="no-cache" if changed else IMMUTABLE,
        content_type=TYPES[match.group(1)],
        patched=changed,
    )


def compress_all() -> int:
    """Prepare every JavaScript and CSS file (the warm-up thread calls this); the count."""
    folder = static_dir() / "static"
    done = 0
    for kind in ("js", "css"):
        for path in sorted((folder / kind).glob(f"*.{kind}")):
            done += asset(f"/static/{kind}/{path.name}") is not None
    return done


class GermanFrontend:
    """ASGI middleware: Streamlit's JavaScript and CSS from memory (German, compressed
    once; see module docstring), and ``lang="de"`` on Streamlit's HTML page."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(("/static/js/", "/static/css/")):
            found = await anyio.to_thread.run_sync(asset, path)
            if found is not None:
                await _send_asset(scope, send, found)
                return
        if path.startswith(("/u/", "/login", "/logout", "/healthz", "/_stcore/", "/media/")):
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _html_lang_de(send))


async def _send_asset(scope: Scope, send: Send, found: Asset) -> None:
    request = dict(scope.get("headers", []))
    headers = [
        (b"content-type", found.content_type.encode()),
        (b"cache-control", found.cache_control.encode()),
        (b"etag", found.etag.encode()),
        (b"vary", b"Accept-Encoding"),
    ]
    if request.get(b"if-none-match", b"").decode("latin-1") == found.etag:
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body = found.gzipped
    if b"gzip" in request.get(b"accept-encoding", b""):
        headers.append((b"content-encoding", b"gzip"))
    else:  # rare: a client without gzip gets the plain bytes
        body = await anyio.to_thread.run_sync(gzip.decompress, body)
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
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
