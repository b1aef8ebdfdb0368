"""The deck and the PDF as a reader sees them: every page rendered (LibreOffice for the
deck, poppler for both), every word inside the box it belongs to, no word broken
mid-word, and the EU emblem where it must be."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape

import pytest

from reports.content import BarChart, MeasureCard, ScatterChart, Table, Text
from reports.render.pdf import render_pdf
from tests.publicity.helpers import emblem_box
from tests.reports.helpers import all_xml_text, open_deck
from tests.reports.test_deck import demo  # noqa: F401 (module fixture)
from tests.tools import need

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
EMU_PER_PT = 12700


def words_on_pages(pdf) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page: (x_min, y_min, x_max, y_max, word) in points, from pdftotext -bbox."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        )
        pages.append(
            [(float(a), float(b), float(c), float(d), unescape(w)) for a, b, c, d, w in words]
        )
    return pages


def broken_words(rendered: list[str], source: str) -> set[str]:
    """Words on the page that are no word of the source text: a word broken mid-word
    ("Einschätzun" + "g", "Ehrenamtlich-" + "e") shows up as fragments."""
    known = set(WORD.findall(source))
    return {w for text in rendered for w in WORD.findall(text) if w not in known}


@pytest.fixture(scope="module")
def deck_pdf(demo, tmp_path_factory):  # noqa: F811
    need("soffice", "pdftoppm", "pdftotext")
    tmp = tmp_path_factory.mktemp("lo")
    deck = tmp / "deck.pptx"
    deck.write_bytes(demo["deck"])
    done = subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(deck),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    return tmp / "deck.pdf"


def test_every_deck_page_renders_and_every_word_stays_inside_its_shape(demo, deck_pdf):  # noqa: F811
    deck = open_deck(demo["deck"])
    pages = words_on_pages(deck_pdf)
    assert len(pages) == len(deck.slides) == len(demo["content"].slides) + 1
    for number, (slide, words) in enumerate(zip(deck.slides, pages, strict=True), 1):
        boxes = [
            (
                s.left / EMU_PER_PT,
                s.top / EMU_PER_PT,
                (s.left + s.width) / EMU_PER_PT,
                (s.top + s.height) / EMU_PER_PT,
            )
            for s in slide.shapes
            if s.has_text_frame or s.has_table or s.has_chart
        ]
        tol = 3.0
        outside = [
            w[4]
            for w in words
            if not any(
                b[0] - tol <= w[0]
                and w[2] <= b[2] + tol
                and b[1] - tol <= w[1]
                and w[3] <= b[3] + tol
                for b in boxes
            )
        ]
        assert not outside, f"slide {number}: text outside its box: {outside[:8]}"


def test_no_word_of_the_deck_is_broken_mid_word(demo, deck_pdf):  # noqa: F811
    source = all_xml_text(demo["deck"])
    for number, words in enumerate(words_on_pages(deck_pdf), 1):
        broken = broken_words([w[4] for w in words], source)
        assert not broken, f"slide {number}: {sorted(broken)}"


def test_title_slide_shows_the_eu_emblem_when_rendered(deck_pdf, tmp_path):
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(deck_pdf),
            str(tmp_path / "t"),
        ],
        check=True,
        timeout=60,
    )
    box = emblem_box(tmp_path / "t.png")
    assert box is not None
    assert (box[2] - box[0] + 1) / (box[3] - box[1] + 1) == pytest.approx(1.5, abs=0.15)


# -- PDF -------------------------------------------------------------------------------------


def content_text(content) -> str:
    parts = [content.footer, "Seite von"]
    page = content.title_page
    parts += [
        page.title,
        page.subtitle,
        page.programme,
        page.wave,
        page.date,
        page.eu_statement,
        page.hessen_statement,
        page.project_sentence,
        page.preliminary,
        "Stand",
    ]
    for s in content.slides:
        parts += [s.title, s.lead, *s.footnotes, s.section]
        for b in s.blocks:
            if isinstance(b, Text):
                parts += b.paragraphs
            elif isinstance(b, Table):
                parts += b.columns + [c for r in b.rows for c in r]
            elif isinstance(b, MeasureCard):
                parts += [b.title] + [f"{k} {v}" for k, v in b.lines]
            elif isinstance(b, BarChart):
                parts += [b.title, b.source, *b.categories, *[x.name for x in b.series]]
            elif isinstance(b, ScatterChart):
                parts += [b.title, b.source, b.x_title, b.y_title, b.crosshair_name]
                parts += [x.name for x in b.series] + [p.label for x in b.series for p in x.points]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def report_pdf(demo, tmp_path_factory):  # noqa: F811
    need("pdftoppm", "pdftotext")
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_pdf(demo["content"]))
    return path


def test_pdf_words_stay_on_the_page_inside_the_margins_and_are_not_broken(demo, report_pdf):  # noqa: F811
    width, height = 841.89, 595.28  # A4 landscape in points
    margin = 14.0 / 25.4 * 72 - 2
    source = content_text(demo["content"])
    for number, words in enumerate(words_on_pages(report_pdf), 1):
        off = [
            w[4]
            for w in words
            if (w[0] < margin - 30 and number > 1) or w[2] > width - margin + 2 or w[3] > height
        ]
        assert not off, f"page {number}: outside the page or margins: {off[:8]}"
        broken = broken_words([w[4] for w in words], source)
        assert not broken, f"page {number}: {sorted(broken)}"


def test_pdf_title_and_contact_pages_carry_the_emblem(demo, report_pdf, tmp_path):  # noqa: F811
    last = next(i for i, s in enumerate(demo["content"].slides, 2) if s.closing)
    for page in (1, last):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(report_pdf),
                str(tmp_path / f"p{page}"),
            ],
            check=True,
            timeout=60,
        )
        assert emblem_box(tmp_path / f"p{page}.png") is not None, page
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(report_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert "Kofinanziert von der Europäischen Union" in flat and "Vorläufige Ergebnisse" in flat


def overlapping_words(words, share: float = 0.35) -> list[tuple[str, str]]:
    """Pairs of words printed over each other: their boxes overlap horizontally and by more
    than ``share`` of the lower box's height vertically - e.g. a list running into the
    footnote below it. (Consecutive lines of one paragraph touch only with their ascenders
    and descenders: their boxes overlap by well under a third of a line.)"""
    hits = []
    for i, (a0, b0, c0, d0, w0) in enumerate(words):
        for a1, b1, c1, d1, w1 in words[i + 1 :]:
            if not (a0 < c1 - 0.5 and a1 < c0 - 0.5):
                continue
            vertical = min(d0, d1) - max(b0, b1)
            if vertical > share * min(d0 - b0, d1 - b1):
                hits.append((w0, w1))
    return hits


def test_no_text_is_printed_over_other_text(demo, deck_pdf):  # noqa: F811
    for number, words in enumerate(words_on_pages(deck_pdf), 1):
        hits = overlapping_words(words)
        assert not hits, f"slide {number}: text over text: {hits[:5]}"
