"""Printed invitations for people without e-mail: one A4 page per person with their
personal link as a QR code and in plain text, and the EU emblem with the funding lines.

The text is the caller's (German, one per person, with the person's name and link filled
in); this module only sets it: title, the text, the QR code (error correction M, so a
creased letter still scans), the link in large letters for typing, and the funding foot
of every public material (:mod:`publicity.emblem`). Fonts from PyPI packages
(:mod:`publicity.fonts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from publicity.fonts import FontError, add_fonts
from publicity.poster import MaterialsError, _funding_foot, qr_code

QR_MM = 48


@dataclass(frozen=True)
class LetterPage:
    name: str
    department: str | None
    link: str
    text: str
    """The letter's text with name and link filled in (paragraphs separated by blank lines)."""


def _qr(pdf: object, url: str, x: float, y: float, size: float) -> None:
    rows = list(qr_code(url).matrix_iter(scale=1, border=4))
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)  # type: ignore[attr-defined]
    for r, line in enumerate(rows):
        for c, dark in enumerate(line):
            if dark:
                pdf.rect(x + c * module, y + r * module, module + 0.01, module + 0.01, style="F")  # type: ignore[attr-defined]


def letters_pdf(pages: Sequence[LetterPage], title: str, sender: str = "") -> bytes:
    """The letters as one PDF (one page each); raises :class:`MaterialsError` without
    fonts or when a text does not fit its page."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(22, 20, 20)
    pdf.set_title(f"Einladungen – {title}")
    pdf.set_creator("Bedarfsradar")
    try:
        add_fonts(pdf)
    except FontError as exc:
        raise MaterialsError(str(exc)) from exc
    width = 210 - 22 - 20
    for page in pages:
        pdf.add_page()
        pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
        pdf.set_text_color(90, 90, 90)
        pdf.set_font("sans", "", 9)
        if sender:
            pdf.cell(width, 5, sender, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("sans", "", 11)
        pdf.multi_cell(width, 5.5, page.name + (f"\n{page.department}" if page.department else ""),
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.ln(10)
        pdf.set_font("sans", "B", 16)
        pdf.set_text_color(11, 79, 138)
        pdf.multi_cell(width, 8, f"Persönliche Einladung: {title}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("sans", "", 11)
        for paragraph in page.text.split("\n\n"):
            pdf.multi_cell(width, 5.5, " ".join(paragraph.split()) if page.link not in paragraph
                           else paragraph.strip(), new_x="LMARGIN", new_y="NEXT")  # fmt: skip
            pdf.ln(2.5)
        y = pdf.get_y() + 2
        _qr(pdf, page.link, pdf.l_margin, y, QR_MM)
        pdf.set_xy(pdf.l_margin + QR_MM + 6, y + 8)
        pdf.set_font("sans", "", 10)
        hint = "Mit dem Handy scannen oder die Adresse unter dem Code eingeben."
        pdf.multi_cell(width - QR_MM - 6, 5, hint, new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(pdf.l_margin, y + QR_MM + 2)
        pdf.set_font("sans", "B", 12)
        pdf.multi_cell(width, 6, page.link, new_x="LMARGIN", new_y="NEXT")  # one line, to type
        if pdf.get_y() > pdf.h - 10 - 24:
            raise MaterialsError("Der Brieftext ist zu lang für eine Seite.")
        _funding_foot(pdf)
    return bytes(pdf.output())


def information_sheet_pdf(title: str, sections: Sequence[tuple[str, str]], town: str) -> bytes:
    """A one-page A4 information sheet (e.g. "Information für den Personalrat"): title,
    sections with headings, the funding foot."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 16, 20)
    pdf.set_title(title)
    pdf.set_creator("Bedarfsradar")
    try:
        add_fonts(pdf)
    except FontError as exc:
        raise MaterialsError(str(exc)) from exc
    pdf.add_page()
    width = 210 - 40
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    pdf.set_font("sans", "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(width, 5, f"Stadt {town} · Bedarfsradar", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("sans", "B", 17)
    pdf.set_text_color(11, 79, 138)
    pdf.multi_cell(width, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for heading, text in sections:
        pdf.set_font("sans", "B", 11)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(width, 5.5, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("sans", "", 9.5)
        pdf.multi_cell(width, 4.6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if pdf.get_y() > pdf.h - 10 - 24:
        raise MaterialsError("Der Text passt nicht auf eine Seite.")
    _funding_foot(pdf)
    return bytes(pdf.output())
