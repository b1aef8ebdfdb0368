"""The decision part: the proposed measures (two per slide, each with cost and funding,
lead, timeline and success indicator), the proposed resolution, and the contact slide."""

from __future__ import annotations

from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import MeasureCard, Slide, Text
from reports.measures import MAX_ON_DECK, MeasureSpec
from reports.slides.common import Deck

PER_SLIDE = 2
NO_MEASURES = (
    "Noch keine Maßnahme erfasst. Die Integrationsguide trägt Vorschläge im Dashboard "
    "auf der Seite „Maßnahmen“ ein."
)


def cost_text(m: MeasureSpec) -> str:
    cost = f"ca. {fmt.euro(m.cost_eur)}" if m.cost_eur is not None else "noch offen"
    return f"{cost} {m.cost_note}".strip()


def indicator_text(deck: Deck, m: MeasureSpec) -> str:
    """The indicator with today's value from the results table and the target."""
    row = an.indicator_row(deck.res, m.indicator_ref)
    text = m.indicator
    if row is not None:
        text += f" – heute {fmt.share(row['estimate'])} ({fmt.n_eq(row['n'])})"
    if m.target:
        text += f"; Ziel: {m.target}"
    return text


def card(deck: Deck, number: int, m: MeasureSpec) -> MeasureCard:
    lines = [("Warum", m.rationale)] if m.rationale else []
    lines += [
        ("Kosten", f"{cost_text(m)}; {m.funding}"),
        ("Federführung", m.lead),
        ("Zeitplan", m.timeline),
        ("Erfolg messen", indicator_text(deck, m)),
    ]
    return MeasureCard(number=number, title=m.title, lines=lines)


def measures(deck: Deck) -> list[MeasureSpec]:
    return deck.inp.measures[:MAX_ON_DECK]


def measure_slides(deck: Deck) -> list[Slide]:
    chosen = measures(deck)
    if not chosen:
        return [
            Slide(title="Vorgeschlagene Maßnahmen", blocks=[Text([NO_MEASURES], bullets=False)])
        ]
    slides = []
    for start in range(0, len(chosen), PER_SLIDE):
        part = chosen[start : start + PER_SLIDE]
        cards = [card(deck, start + i + 1, m) for i, m in enumerate(part)]
        first, last = start + 1, start + len(part)
        span = (
            f"{first}"
            if first == last
            else f"{first} und {last}"
            if last == first + 1
            else f"{first}–{last}"
        )
        slides.append(
            Slide(
                title=f"Vorgeschlagene Maßnahmen {span} von {len(chosen)}",
                blocks=list(cards),
                layout="even",
                notes="Die Maßnahmen pflegt die Integrationsguide im Dashboard (Seite "
                "„Maßnahmen“); jede Änderung steht im Prüfprotokoll. Kosten sind Schätzungen. "
                "Der Erfolgsindikator wird in der nächsten Befragungswelle erneut gemessen.",
            )
        )
    return slides


def resolution_slide(deck: Deck) -> Slide:
    chosen = measures(deck)
    numbers = wording.and_list([str(i) for i in range(1, len(chosen) + 1)])
    next_wave = f"Welle {deck.inp.wave + 1}"
    if chosen:
        paragraphs = [
            f"1. Der Stadtrat nimmt den Bericht „Bedarfsanalyse Integration {deck.inp.town}“ "
            f"({deck.wave}) zur Kenntnis.",
            f"2. Der Stadtrat beauftragt die Verwaltung, die Maßnahmen {numbers} wie "
            "vorgeschlagen umzusetzen, im Rahmen der genannten Finanzierung.",
            f"3. Die Verwaltung berichtet nach der nächsten Befragung ({next_wave}) über die "
            "Erfolgsindikatoren der Maßnahmen.",
        ]
    else:
        paragraphs = [
            f"1. Der Stadtrat nimmt den Bericht „Bedarfsanalyse Integration {deck.inp.town}“ "
            f"({deck.wave}) zur Kenntnis.",
            "2. Die Verwaltung legt Vorschläge für Maßnahmen mit Kosten, Finanzierung und "
            "Zeitplan vor.",
        ]
    return Slide(
        title="Beschlussvorschlag",
        blocks=[Text(paragraphs, bullets=False, font_size=20)],
        notes="Der Beschlussvorschlag nennt die Maßnahmen der vorigen Folien; Kosten und "
        "Finanzierung stehen dort je Maßnahme.",
    )


def contact_slide(deck: Deck) -> Slide:
    c = deck.inp.contact
    lines = ["Vielen Dank für Ihre Aufmerksamkeit."]
    if c is not None:
        lines += [x for x in (c.name, c.role, c.unit, c.phone, c.email) if x]
    else:
        lines.append(f"Stadt {deck.inp.town}")
    return Slide(
        title="Fragen und Kontakt",
        blocks=[Text(lines, bullets=False, font_size=22)],
        closing=True,
    )
