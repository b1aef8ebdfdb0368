"""Title page, agenda and the summary of key findings."""

from __future__ import annotations

from publicity import emblem
from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import Slide, Text, TitlePage
from reports.slides.common import Deck

PROGRAMME = "KISI – Kommunale Integrationsguides Hessen"
AGENDA = [
    "Das Wichtigste in Kürze",
    "Bedarfe der Zugewanderten und wie Ehrenamt und Verwaltung sie sehen",
    "Lücken im Angebot, Verwaltung und Ehrenamt",
    "Vorgeschlagene Maßnahmen und Beschlussvorschlag",
    "Anhang: Methode, Tabellen mit Konfidenzintervallen",
]


def title_page(deck: Deck) -> TitlePage:
    return TitlePage(
        title=f"Bedarfsanalyse Integration {deck.inp.town}",
        subtitle="Ergebnisse der Befragung – Bericht für den Stadtrat",
        town=deck.inp.town,
        programme=PROGRAMME,
        wave=deck.wave,
        date=fmt.long_date(deck.inp.report_date),
        eu_statement=emblem.EU_STATEMENT,
        hessen_statement=emblem.HESSEN_STATEMENT,
        project_sentence=emblem.PROJECT_SENTENCE,
        preliminary=wording.PRELIMINARY if deck.inp.preliminary else "",
    )


def agenda(deck: Deck) -> Slide:
    return Slide(
        title="Worum es heute geht",
        blocks=[
            Text([f"{i}. {item}" for i, item in enumerate(AGENDA, 1)], bullets=False, font_size=22)
        ],
        notes="Die Hauptfolien zeigen je eine Aussage; Zahlen mit Konfidenzintervallen "
        "und alle Aufschlüsselungen stehen im Anhang.",
    )


def participation(deck: Deck) -> str:
    """ "Es antworteten 181 Zugewanderte, 40 Ehrenamtliche und 25 Verwaltungsbeschäftigte."
    (the wave is in the footer of every slide)."""
    names = {
        "newcomer": "Zugewanderte",
        "volunteer": "Ehrenamtliche",
        "administration": "Verwaltungsbeschäftigte",
    }
    parts = []
    for aud, label in names.items():
        n = deck.n_by.get(aud, 0)
        if n >= an.MIN_CELL:
            parts.append(f"{fmt.count(n)} {label}")
        elif n:
            parts.append(f"weniger als {an.MIN_CELL} {label}")
    return f"Es antworteten {wording.and_list(parts)}."


def summary(deck: Deck) -> Slide:
    sentences = an.key_findings(deck.res, deck.labels)
    if not sentences:
        sentences = ["Für belastbare Kernaussagen liegen zu wenige Antworten vor."]
    return Slide(
        title="Das Wichtigste in Kürze",
        lead=participation(deck),
        blocks=[Text(sentences, font_size=18)],
        footnotes=[an.RULE_NOTE],
        notes="Zahlen in Klammern: 95-%-Konfidenzintervall. " + an.method_note.INTERVALS,
    )
