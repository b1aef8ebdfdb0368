"""Campaign poster: one A4 page with the link, a QR code that scans, every invitation."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.cli import main
from bedarfsradar.settings import get_settings
from publicity.poster import campaign_url, poster_lines, qr_code, write_poster
from surveys.translations.ui_text import load_ui_text
from tests.tools import poppler

UI = load_ui_text(PROJECT_ROOT / "data" / "ui")
LANGS = ["de", "de-x-ls", "ar", "fa", "uk", "ru", "tr", "en"]
URL = "https://umfrage.oestrich-winkel.de/u/welle-1/"


@pytest.fixture(scope="module")
def poster(tmp_path_factory):
    path = tmp_path_factory.mktemp("poster") / "poster.pdf"
    return write_poster(path, URL, UI, LANGS, title="Was brauchen Sie in Oestrich-Winkel?")


def test_campaign_url_is_the_public_survey_address():
    assert (
        campaign_url("https://umfrage.example/", "welle-1") == "https://umfrage.example/u/welle-1/"
    )


def test_poster_is_one_a4_page_with_the_link_and_the_invitations(poster):
    info = poppler("pdfinfo", str(poster))
    assert "Pages:           1" in info
    assert "595.28 x 841.89 pts (A4)" in info
    text = poppler("pdftotext", "-layout", str(poster), "-")
    assert URL in text
    flat = " ".join(text.split())
    for code in ("de", "uk", "ru", "tr", "en"):
        assert " ".join(UI.strings[code]["poster_invitation"].split()) in flat, code
    fonts = poppler("pdffonts", str(poster))
    assert "NotoSansArabic" in fonts  # Arabic and Farsi set in an Arabic font


def test_every_survey_language_has_its_invitation_in_its_direction():
    lines = {line.language: line for line in poster_lines(UI, LANGS)}
    assert list(lines) == LANGS
    assert lines["ar"].direction == "rtl" and lines["fa"].direction == "rtl"
    assert lines["ar"].text == UI.strings["ar"]["poster_invitation"]
    assert lines["uk"].native_name == "Українська"


def test_qr_code_on_the_printed_poster_decodes_to_the_link(poster, tmp_path):
    poppler("pdftoppm", "-r", "100", "-png", "-singlefile", str(poster), str(tmp_path / "p"))
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "p.png"))
    assert [(b.format.name, b.text) for b in found] == [("QRCode", URL)]


def test_qr_code_alone_decodes_and_is_a_full_qr_code(tmp_path):
    qr = qr_code(URL)
    assert not qr.is_micro and qr.error == "M"
    qr.save(tmp_path / "qr.png", scale=6, border=4)
    assert [b.text for b in zxingcpp.read_barcodes(Image.open(tmp_path / "qr.png"))] == [URL]


def test_poster_command_uses_the_campaign_and_its_languages(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BEDARFSRADAR_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("BEDARFSRADAR_SECRET_KEY", "poster-secret")
    get_settings.cache_clear()
    try:
        assert main(["init-db"]) == 0
        from bedarfsradar.context import AppContext

        ctx = AppContext()
        mid = ctx.municipality_id
        ctx.storage.create_campaign(mid, "welle-1", "Welle 1",
                                    ctx.storage.latest_version(mid, "newcomer"))  # fmt: skip
        out = tmp_path / "poster.pdf"
        capsys.readouterr()
        code = main(["poster", "--campaign", "welle-1", "--base-url",
                     "https://umfrage.oestrich-winkel.de", "--output", str(out)])  # fmt: skip
        assert code == 0
        assert capsys.readouterr().out.startswith(f"poster written: {out} ({URL}; de, de-x-ls, ar")
        assert out.read_bytes().startswith(b"%PDF")
        assert main(["poster", "--campaign", "nope", "--base-url", "https://x", "--output",
                     str(out)]) == 5  # fmt: skip
    finally:
        get_settings.cache_clear()


def test_poster_shows_the_eu_emblem_with_the_funding_statements(poster, tmp_path):
    from tests.publicity.helpers import emblem_box

    flat = " ".join(poppler("pdftotext", str(poster), "-").split())
    assert "Kofinanziert von der Europäischen Union" in flat
    assert "Kofinanziert vom Land Hessen" in flat
    poppler("pdftoppm", "-png", "-r", "40", "-singlefile", str(poster), str(tmp_path / "p"))
    box = emblem_box(tmp_path / "p.png")
    assert box is not None
    left, top, right, bottom = box
    assert (right - left + 1) / (bottom - top + 1) == pytest.approx(1.5, abs=0.12)  # 3:2
    assert bottom > 0.85 * 468  # at the foot of the page (A4 at 40 dpi: 331 x 468 px)
