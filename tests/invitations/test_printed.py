"""Printed materials: letters (one page per person, the QR code opens their own link, EU
emblem and funding lines) and the one-page "Information für den Personalrat"."""

from __future__ import annotations

import io

from pypdf import PdfReader

from publicity.letters import LetterPage, information_sheet_pdf, letters_pdf
from surveys.privacy.protected import staff_council_text


def test_one_letter_page_per_person_with_a_qr_code_of_their_link(tmp_path):
    import zxingcpp

    from tests.tools import need

    pages = [
        LetterPage("Eva Fischer", "Kita", "https://umfrage.example/u/p/?t=abcdefghjkmnpqrstuvw",
                   "Guten Tag Eva Fischer,\n\nbitte nehmen Sie teil."),
        LetterPage("Jörg Weiß", None, "https://umfrage.example/u/p/?t=zyxwvutsrqpnmkjhgfed",
                   "Guten Tag Jörg Weiß,\n\nbitte nehmen Sie teil."),
    ]  # fmt: skip
    pdf = letters_pdf(pages, "Befragung der Mitarbeitenden", "Stadt Oestrich-Winkel")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for page, letter in zip(reader.pages, pages, strict=True):
        text = page.extract_text()
        assert letter.name in text and letter.link in text
        assert "Kofinanziert von der Europäischen Union" in text
        assert "Kofinanziert vom Land Hessen" in text
    need("pdftoppm")
    import subprocess

    from PIL import Image

    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "p")], check=True)
    for i, letter in enumerate(pages, start=1):
        image = Image.open(next(tmp_path.glob(f"p-{i}.png")))
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [letter.link]


def test_staff_council_information_fits_one_page_in_plain_german():
    sections = staff_council_text("Oestrich-Winkel", 24, volunteers_protected=True)
    pdf = information_sheet_pdf("Information für den Personalrat", sections, "Oestrich-Winkel")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for needed in ("Was gespeichert wird", "Wer was sieht", "mindestens 5 Personen",
                   "auch nicht der Integrationsguide", "24 Monate", "Kofinanziert"):  # fmt: skip
        assert needed in text
