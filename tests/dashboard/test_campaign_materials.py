"""Kampagnen: QR code (PNG, SVG) and A4 poster for the public link, from the base URL setting."""

import io
from pathlib import PurePosixPath

import pytest
import zxingcpp
from PIL import Image

from bedarfsradar.settings import Settings
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import RecordingStorage, media_store, payload  # noqa: F401
from tests.tools import poppler

BASE = "https://umfrage.oestrich-winkel.de"


def test_public_base_url_defaults_to_the_local_server(monkeypatch):
    monkeypatch.delenv("BEDARFSRADAR_PUBLIC_BASE_URL", raising=False)
    assert Settings(_env_file=None).public_base_url == "http://localhost:8501"
    monkeypatch.setenv("BEDARFSRADAR_PUBLIC_BASE_URL", BASE)
    assert Settings(_env_file=None).public_base_url == BASE


@pytest.mark.usefixtures("media_store")
def test_qr_codes_scan_to_the_configured_public_link(as_role, monkeypatch):
    ctx = as_role("guide")
    monkeypatch.setattr(ctx.settings, "public_base_url", BASE)
    at = run_page("campaigns.py")
    assert BASE in at.caption[0].value
    slug = ctx.storage.campaigns(ctx.municipality_id)[0].slug
    pngs = [b for b in at.get("download_button") if b.proto.label == "QR-Code als PNG"]
    assert len(pngs) == len(ctx.storage.campaigns(ctx.municipality_id))
    png = RecordingStorage.files[PurePosixPath(pngs[0].proto.url).stem]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [d.text for d in decoded] == [f"{BASE}/u/{slug}/"]
    svgs = [b for b in at.get("download_button") if b.proto.label == "QR-Code als SVG"]
    svg = RecordingStorage.files[PurePosixPath(svgs[0].proto.url).stem]
    assert svg.startswith(b"<?xml") and b"<svg" in svg


@pytest.mark.usefixtures("media_store")
def test_poster_pdf_carries_the_link_after_the_button(as_role, monkeypatch, tmp_path):
    ctx = as_role("admin")
    monkeypatch.setattr(ctx.settings, "public_base_url", BASE)
    slug = ctx.storage.campaigns(ctx.municipality_id)[-1].slug
    at = run_page("campaigns.py")
    assert not [b for b in at.get("download_button") if "Plakat" in b.proto.label]
    at.button(key=f"poster-{slug}").click().run()
    assert not at.exception and not at.error
    pdf = payload(at, "Plakat herunterladen")
    path = tmp_path / "plakat.pdf"
    path.write_bytes(pdf)
    text = poppler("pdftotext", str(path), "-")
    assert f"{BASE}/u/{slug}/" in text
    info = poppler("pdfinfo", str(path))
    assert "Pages:           1" in info and "A4" in info


def _forget_address(ctx) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    from bedarfsradar.db.schema import Setting
    from dashboard.materials import PUBLIC_URL_KEY

    with ctx.db.write() as s:
        s.execute(delete(Setting).where(Setting.key == PUBLIC_URL_KEY))


@pytest.mark.usefixtures("media_store")
def test_a_local_address_makes_no_qr_code_or_poster_and_says_why(as_role, monkeypatch):
    ctx = as_role("guide")
    monkeypatch.setattr(ctx.settings, "public_base_url", "http://localhost:8501")
    at = run_page("campaigns.py")
    assert "localhost:8501" in at.warning[0].value
    assert "keine QR-Codes und keine Plakate" in at.warning[0].value
    assert not [b for b in at.get("download_button") if "QR" in b.proto.label]
    assert not [b for b in at.button if str(b.key).startswith("poster-")]
    assert len(at.get("image")) == 0
    assert not [t for t in at.text_input if t.key == "public-address"]  # only the admin sets it


@pytest.mark.usefixtures("media_store")
def test_the_admin_sets_the_public_address_and_then_qr_codes_appear(as_role, monkeypatch):
    from dashboard.materials import is_local, public_base_url

    ctx = as_role("admin")
    monkeypatch.setattr(ctx.settings, "public_base_url", "http://127.0.0.1:8501")
    try:
        at = run_page("campaigns.py")
        assert at.warning and not [b for b in at.get("download_button") if "QR" in b.proto.label]
        at.text_input(key="public-address").set_value("umfrage ohne schema").run()
        at.button(key="save-public-address").click().run()
        assert "vollständige Adresse mit https://" in at.error[0].value
        at.text_input(key="public-address").set_value(BASE + "/").run()
        at.button(key="save-public-address").click().run()
        assert not at.exception and not at.warning
        assert public_base_url() == BASE  # stored, trailing slash dropped
        assert BASE in at.caption[0].value
        pngs = [b for b in at.get("download_button") if b.proto.label == "QR-Code als PNG"]
        assert len(pngs) == len(ctx.storage.campaigns(ctx.municipality_id))
        from bedarfsradar.audit import entries

        assert "setting.public_address" in set(entries(ctx.db, ctx.municipality_id)["action"])
    finally:
        _forget_address(ctx)
    assert is_local("http://localhost:8501") and is_local("http://192.168.2.10:8501")
    assert not is_local(BASE) and not is_local("https://93.184.216.34/")


def test_campaign_targets_and_titles_are_words_not_codes(as_role):
    ctx = as_role("guide")
    at = run_page("campaigns.py")
    shown = "\n".join(str(m.value) for m in [*at.markdown, *at.caption])
    assert "total" not in shown and "population" not in shown
    targets = [m.value for m in at.markdown if m.value.startswith("Ziel")]
    assert any("Antworten" in t for t in targets)
    table = at.dataframe[0].value
    titles = {c.title for c in ctx.storage.campaigns(ctx.municipality_id)}
    assert set(table["Kampagne"][:-1]) <= titles and table["Kampagne"].iloc[-1] == "Gesamt"
