"""Kampagnen: QR code (PNG, SVG) and A4 poster for the public link, from the base URL setting."""

import io
import subprocess
from pathlib import PurePosixPath

import pytest
import zxingcpp
from PIL import Image

from bedarfsradar.settings import Settings
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import RecordingStorage, media_store, payload  # noqa: F401

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
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert f"{BASE}/u/{slug}/" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "A4" in info
