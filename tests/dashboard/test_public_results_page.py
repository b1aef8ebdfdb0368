"""Bericht → Öffentliche Ergebnisseite: the guide previews exactly what will be public,
turns the page off (it is gone from the public route at once) and on again; every switch
is audit-logged; the link card and the poster lead to the public page."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar.audit import entries
from bedarfsradar.server import routes
from dashboard import materials
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import download_button, media_store, payload  # noqa: F401


def preview(at) -> str:
    (frame,) = at.get("iframe")
    return frame.proto.srcdoc


def test_the_guide_previews_switches_off_and_on_and_the_public_route_follows(as_role):
    ctx = as_role("guide")
    public = TestClient(Starlette(routes=routes(ctx)))  # the visitors' server
    (info,) = [r for r in ctx.releases.releases(ctx.municipality_id) if r.wave == 1]
    at = run_page("report.py")
    assert at.toggle(key=f"public-on-{info.id}").value is True  # the demo's page is on
    shown = public.get("/ergebnisse/welle-1/")
    assert shown.status_code == 200
    assert preview(at) == shown.text  # the preview is the page, byte for byte
    assert "/ergebnisse/welle-1/" in at.success[0].value

    at.toggle(key=f"public-on-{info.id}").set_value(False).run()
    assert not at.exception
    assert public.get("/ergebnisse/welle-1/").status_code == 404  # gone at once
    assert any("keine öffentliche Seite" in i.value for i in at.info)
    off = preview(at)  # still previewable, with the date it would be published on
    assert "Ergebnisse der Befragung, Welle 1" in off and "Veröffentlicht am" in off

    at.toggle(key=f"public-on-{info.id}").set_value(True).run()
    assert public.get("/ergebnisse/welle-1/").status_code == 200
    log = entries(ctx.db, ctx.municipality_id)
    switches = log[log["action"] == "release.public"]
    assert [d["public"] for d in switches["detail"]][:2] == [True, False]  # newest first
    assert set(switches["actor"].iloc[:2]) == {"test-guide"}


@pytest.mark.usefixtures("media_store")
def test_link_card_and_poster_lead_to_the_public_page(as_role, monkeypatch):
    as_role("guide")
    monkeypatch.setattr(materials, "public_base_url", lambda: "https://umfrage.example.org")
    at = run_page("report.py")
    (card,) = at.code
    assert card.value.startswith('<a href="https://umfrage.example.org/ergebnisse/welle-1/"')
    assert "Ergebnisse der Befragung, Welle 1" in card.value
    poster = payload(at, "Plakat")
    assert poster.startswith(b"%PDF")
    download_button(at, "Plakat").click().run()
    assert not at.exception


def test_a_viewer_cannot_switch_the_public_page(as_role):
    as_role("viewer")
    at = run_page("report.py")
    assert len(at.toggle) == 0 and not at.get("iframe")
