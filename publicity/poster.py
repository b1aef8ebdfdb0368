"""Campaign materials: the survey link as a QR code and a printable A4 poster (PDF), and
its "Ergebnisse" variant leading to the public results pages (:func:`write_results_poster`).

The poster carries the questionnaire's German title, the QR code (vector, error correction
level M, so a creased or partly covered print still scans), the link in plain text for
people who type it, and the one-line invitation (``poster_invitation`` in
``data/ui/<code>.yaml``) in every language the survey offers, each line set in its own
direction (from the language code, :mod:`surveys.questionnaire.languages`) and shaped with HarfBuzz
(fpdf2 ``set_text_shaping``, needs ``uharfbuzz``), so Arabic and Farsi letters join
correctly.

At the foot: the EU emblem with "Kofinanziert von der Europäischen Union" beside it and
the Land Hessen line (:mod:`publicity.emblem`), as on every public material.

Fonts come from PyPI packages (:mod:`publicity.fonts`: Noto Sans for Latin and
Cyrillic, Noto Sans Arabic for Arabic and Farsi), never from the operating system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno

from publicity import emblem
from publicity.fonts import FontError, add_fonts
from surveys.questionnaire.languages import SOURCE_LANGUAGE, language, ordered
from surveys.translations.ui_text import UiText

SCRIPT_FONT = {"Arab": "arabic"}
INVITATION_KEY = "poster_invitation"
QR_SIZE_MM = 72
EMBLEM_MM = 16  # height of the EU emblem; the poster carries no other logo
FOOT_MM = 24  # space kept free at the foot for the emblem and the statements


class MaterialsError(RuntimeError):
    """Materials cannot be made here (e.g. fonts missing): the message says what to install."""


def campaign_url(base_url: str, slug: str) -> str:
    """The public survey address of a campaign: ``<base>/u/<slug>/``."""
    return f"{base_url.rstrip('/')}/u/{slug}/"


def qr_code(url: str) -> segno.QRCode:
    """A QR code for ``url`` (error correction M, never a Micro QR that phones can't read)."""
    return segno.make_qr(url, error="m", boost_error=False)


@dataclass(frozen=True)
class PosterLine:
    language: str
    native_name: str
    direction: str
    text: str


def poster_lines(
    ui: UiText, languages: Sequence[str], key: str = INVITATION_KEY
) -> list[PosterLine]:
    """The invitation (text ``key``) in each language that has one (German first, then
    survey order)."""
    out = []
    for code in ordered(list(dict.fromkeys([SOURCE_LANGUAGE, *languages]))):
        text = ui.strings.get(code, {}).get(key)
        if not text:
            continue
        meta = language(code)
        out.append(PosterLine(code, meta.native_name, meta.direction, text))
    return out


def _script(code: str) -> str | None:
    from surveys.translations.checks import expected_script

    return expected_script(code)


def _funding_foot(pdf: Any) -> None:
    """The EU emblem with the statement beside it and the Land Hessen line, at the foot."""
    top = pdf.h - 10 - EMBLEM_MM
    x = pdf.l_margin
    width = emblem.draw_fpdf(pdf, x, top, EMBLEM_MM)
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("sans", "B", 14)
    pdf.set_xy(x + width + 4, top + 1.5)
    pdf.cell(0, 7, emblem.EU_STATEMENT)
    pdf.set_font("sans", "", 12)
    pdf.set_xy(x + width + 4, top + 8.5)
    pdf.cell(0, 6, emblem.HESSEN_STATEMENT)


def write_poster(
    path: Path,
    url: str,
    ui: UiText,
    languages: Sequence[str],
    title: str | None = None,
    *,
    invitation_key: str = INVITATION_KEY,
    document_title: str = "Bedarfsradar – Einladung zur Befragung",
) -> Path:
    """Write a one-page A4 poster PDF; raises :class:`MaterialsError` without fonts. The
    lines under the QR code are the texts ``invitation_key`` of ``ui`` (the results
    variant: :func:`write_results_poster`)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(18, 16, 18)
    pdf.set_title(document_title)
    pdf.set_creator("Bedarfsradar")
    try:
        add_fonts(pdf, arabic=True)
    except FontError as exc:
        raise MaterialsError(str(exc)) from exc
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # heading
    pdf.set_fallback_fonts(["arabic"])
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    pdf.set_font("sans", "B", 24)
    pdf.set_text_color(11, 79, 138)
    pdf.multi_cell(
        width, 11, title or "Ihre Meinung zählt!", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)

    # QR code, drawn as vector squares
    qr = qr_code(url)
    rows = list(qr.matrix_iter(scale=1, border=4))
    module = QR_SIZE_MM / len(rows)
    x0, y0 = (pdf.w - QR_SIZE_MM) / 2, pdf.get_y()
    pdf.set_fill_color(0, 0, 0)
    for r, line in enumerate(rows):
        for c, dark in enumerate(line):
            if dark:
                pdf.rect(x0 + c * module, y0 + r * module, module + 0.01, module + 0.01, style="F")
    pdf.set_y(y0 + QR_SIZE_MM + 2)

    # the link, for typing
    pdf.set_font("sans", "B", 15)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(width, 8, url, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.set_draw_color(11, 79, 138)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)

    # the invitation in every language, each in its own direction
    lines = poster_lines(ui, languages, invitation_key)
    text_size = 13 if len(lines) <= 8 else 11
    for poster_line in lines:
        family = SCRIPT_FONT.get(_script(poster_line.language) or "", "sans")
        align = "R" if poster_line.direction == "rtl" else "L"
        pdf.set_text_shaping(use_shaping_engine=True, direction=poster_line.direction)
        pdf.set_fallback_fonts([f for f in ("sans", "arabic") if f != family])
        pdf.set_font(family, "", 9)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(
            width, 4.5, poster_line.native_name, align=align, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font(family, "B", text_size)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(
            width, text_size * 0.5, poster_line.text, align=align, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(2.2)
    if pdf.get_y() > pdf.h - 10 - FOOT_MM:
        raise MaterialsError("poster text does not fit one A4 page")
    _funding_foot(pdf)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


RESULTS_KEY = "poster_results"


def results_url(base_url: str) -> str:
    """The public results pages of a town: ``<base>/ergebnisse/``."""
    return f"{base_url.rstrip('/')}/ergebnisse/"


def write_results_poster(path: Path, url: str, texts: UiText, languages: Sequence[str]) -> Path:
    """The poster "Ergebnisse": the same design, the QR code leading to the results
    pages, the heading and one line per offered language from the results pages' texts
    (``poster_title``, ``poster_results``)."""
    lines = {
        code: {RESULTS_KEY: texts.get(RESULTS_KEY, code)}
        for code in languages
        if texts.strings.get(code, {}).get(RESULTS_KEY)
    }
    return write_poster(
        path,
        url,
        UiText({SOURCE_LANGUAGE: {}, **lines}),
        languages,
        title=texts.get("poster_title", SOURCE_LANGUAGE),
        invitation_key=RESULTS_KEY,
        document_title="Bedarfsradar – Ergebnisse der Befragung",
    )
