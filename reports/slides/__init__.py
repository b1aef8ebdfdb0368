"""The deck as slides: one module per slide family, each a function ``(deck) -> Slide``.

Order of the main part (about ten slides, one message each, the finding as headline):
agenda, summary, needs, perception, supply gaps, administration, volunteers, change since
the comparison wave, the proposed measures, the proposed resolution, contact. The
appendix holds method and every table with intervals and bases.
"""

from __future__ import annotations

from datetime import datetime

from reports.analyse import ReportResults, analyse
from reports.content import Properties, ReportContent, Slide
from reports.inputs import ReportInput
from reports.slides import appendix, decision, opening
from reports.slides.administration import admin_grid_slide, admin_slide
from reports.slides.common import Deck
from reports.slides.needs import change_slide, needs_slide
from reports.slides.perception import perception_slide
from reports.slides.supply import barriers_slide, supply_slide
from reports.slides.volunteers import volunteers_slide


def main_slides(deck: Deck) -> list[Slide]:
    out = [
        opening.agenda(deck),
        opening.summary(deck),
        needs_slide(deck),
        perception_slide(deck),
        supply_slide(deck),
        admin_slide(deck),
        volunteers_slide(deck),
    ]
    change = change_slide(deck)
    if change is not None:
        out.append(change)
    out += decision.measure_slides(deck)
    out.append(decision.resolution_slide(deck))
    out.append(decision.contact_slide(deck))
    return out


def appendix_slides(deck: Deck) -> list[Slide]:
    optional = [
        appendix.perception_table(deck),
        admin_grid_slide(deck),
        appendix.admin_table(deck),
        appendix.volunteers_table(deck),
        appendix.change_table(deck),
    ]
    return [
        Slide(
            title="Anhang",
            section="Anhang",
            lead="Methode und Tabellen mit Konfidenzintervallen und Fallzahlen.",
        ),
        appendix.method(deck),
        *appendix.method_notes(deck),
        appendix.needs_table(deck),
        *[s for s in optional[:1] if s is not None],
        *appendix.supply_tables(deck),
        barriers_slide(deck),
        *[s for s in optional[1:] if s is not None],
        *appendix.breakdowns(deck),
        appendix.responses(deck),
    ]


def build_content(inp: ReportInput, res: ReportResults | None = None) -> ReportContent:
    """The report as slides; ``res`` defaults to :func:`reports.analyse.analyse`."""
    deck = Deck(inp, res if res is not None else analyse(inp))
    page = opening.title_page(deck)
    return ReportContent(
        title_page=page,
        slides=main_slides(deck) + appendix_slides(deck),
        footer=f"{inp.town} · {deck.wave}" + (" · vorläufig" if inp.preliminary else ""),
        properties=Properties(
            title=f"{page.title} – {deck.wave}",
            author=f"Stadt {inp.town}",
            subject=page.subtitle,
            keywords="Bedarfsanalyse; Integration; KISI; AMIF; Stadtrat",
            created=datetime(inp.report_date.year, inp.report_date.month, inp.report_date.day),
        ),
    )


__all__ = ["Deck", "build_content"]
