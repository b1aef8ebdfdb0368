"""How the server serves the dashboard: Streamlit's own texts German (every rule still
matches the installed Streamlit), patched files revalidated by ETag, ``lang="de"``,
warm caches after start, the readiness of the caches, no v1 page discovery."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import analysis.published
import dashboard.data
from bedarfsradar import frontend_de
from bedarfsradar.frontend_de import (
    IMMUTABLE,
    RULES,
    GermanFrontend,
    asset,
    static_dir,
    unmatched_rules,
)
from dashboard.warmup import Warmer, page_imports


def test_every_german_rule_matches_the_installed_streamlit():
    assert unmatched_rules() == []  # a Streamlit upgrade that moves a text fails here


def _chunk(name: str) -> str:
    found = sorted((static_dir() / "static" / "js").glob(f"{name}.*.js"))
    assert found, name
    return f"/static/js/{found[0].name}"


def _client() -> TestClient:
    async def index(request):  # type: ignore[no-untyped-def]
        return HTMLResponse('<!DOCTYPE html><html lang="en"><head></head><body></body></html>')

    async def other(request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("unchanged", headers={"cache-control": "public, immutable"})

    app = Starlette(routes=[Route("/", index), Route("/bedarfe", index),
                            Route("/static/js/{name}", other)])  # fmt: skip
    return TestClient(GermanFrontend(app))


def test_patched_chunks_are_german_and_revalidated_by_etag():
    client = _client()
    multiselect = _chunk("Multiselect")
    first = client.get(multiselect)  # TestClient asks for gzip and decodes it
    assert first.status_code == 200 and "`Alle auswählen`" in first.text
    assert "`Select all`" not in first.text
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(multiselect, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_other_static_files_are_compressed_once_and_cached_for_a_year():
    client = _client()
    metric = _chunk("Metric")
    original = (static_dir() / metric.lstrip("/")).read_bytes()
    served = client.get(metric)
    assert served.content == original and served.headers["cache-control"] == IMMUTABLE
    assert served.headers["content-encoding"] == "gzip"
    assert int(served.headers["content-length"]) < len(original)  # the compressed size
    plain = client.get(metric, headers={"accept-encoding": "identity"})
    assert plain.content == original and "content-encoding" not in plain.headers
    assert asset(metric) is asset(metric)  # read and compressed once
    assert client.get("/static/js/Metric.abc.js").text == "unchanged"  # not a file: Streamlit
    assert asset("/static/js/../../index.html") is None


def test_streamlit_html_page_is_marked_german():
    client = _client()
    for path in ("/", "/bedarfe"):
        page = client.get(path)
        assert '<html lang="de">' in page.text
        assert int(page.headers["content-length"]) == len(page.content)


def test_rules_replace_only_their_literal():
    chunk, english, german = next(r for r in RULES if r[0] == "FileUploader" and "per" in r[1])
    text = "x=`${T(t,D.Byte,0)} per file`;y=`per file`"
    assert frontend_de.patch(chunk, text) == "x=`${T(t,D.Byte,0)} pro Datei`;y=`per file`"


def test_the_warm_up_fills_the_caches_the_first_pages_read(as_role, monkeypatch):
    as_role("guide")
    Warmer()._round()

    def not_again(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("computed again although warm")

    for name in ("needs_view", "perception_view", "supply_view", "key_findings", "response_table"):
        monkeypatch.setattr(analysis.published, name, not_again)
    version = dashboard.data.data_version()
    empty = tuple((a, ()) for a in ("wave", "language", "stadtteil"))
    view = dashboard.data.needs_view(empty, None, "newcomer", version)
    assert len(view.results) > 10
    assert len(dashboard.data.perception_view((), False, version)) > 10
    offers = dashboard.data.offers_key(dashboard.data.offers())
    gap, _ = dashboard.data.supply_view((), (), (), None, False, offers, version)
    assert len(gap) > 10
    assert dashboard.data.overview_view(version).wave == 2
    assert {"plotly.graph_objects", "dashboard.charts", "analysis.display"} <= set(page_imports())


def test_cache_readiness_and_no_v1_page_discovery(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    from bedarfsradar import server

    app = Starlette(routes=[Route("/healthz/dashboard", server.dashboard_caches)])
    client = TestClient(app)
    assert client.get("/healthz/dashboard").json() == {"caches": "off"}
    monkeypatch.setattr(server, "_WARMER", type("W", (), {"state": "warming"})())
    assert client.get("/healthz/dashboard").json() == {"caches": "warming"}
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    server.use_navigation_only()
    assert PagesManager.uses_pages_directory is False
