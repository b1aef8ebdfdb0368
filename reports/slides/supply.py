"""Needs that no accessible offer covers (by Stadtteil), and the barriers to offers."""

from __future__ import annotations

from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import OKABE_ITO, BarChart, Slide, Text
from reports.slides.common import Deck, alt_bars, bar_series, bases, chart_notes, share_chart

MAX_GAPS = 6


def barrier_text(codes: object, deck: Deck) -> str:
    if not isinstance(codes, str) or not codes:
        return "keine Angabe"
    return ", ".join(deck.labels.barriers.get(c.strip(), c.strip()) for c in codes.split(";"))


def offers_note(deck: Deck) -> list[str]:
    offers = deck.inp.offers
    n_offers = int(offers["active"].astype(bool).sum()) if len(offers) else 0
    out = [
        f"Angebote: aktueller Katalog ({fmt.count(n_offers)} aktive Angebote); erreichbar "
        "= im Stadtteil, für die ganze Stadt oder online."
    ]
    if deck.inp.offers_are_examples:
        out.append("Hinweis: Der Angebotskatalog enthält noch Beispieldaten.")
    return out


def supply_slide(deck: Deck) -> Slide:
    unc = an.uncovered(deck.res).head(MAX_GAPS)
    if unc.empty:
        return Slide(
            title="Für jeden gezeigten Bedarf gibt es ein erreichbares Angebot",
            blocks=[Text(["Die Übersicht je Stadtteil steht im Anhang."], bullets=False)],
            footnotes=offers_note(deck),
        )
    rows = [r for _, r in unc.iterrows()]
    cats = [
        f"{deck.labels.area(r['level'])} in {deck.labels.stadtteil(r['stadtteil'])}" for r in rows
    ]
    title = "Bedarf ohne erreichbares Angebot (Anteil der Befragten im Stadtteil)"
    chart = share_chart(deck, title, cats, rows, "Anteil mit Bedarf", OKABE_ITO["vermillion"])
    series = chart.series
    r0 = rows[0]
    headline = (
        f"{deck.labels.area(r0['level'])} in {deck.labels.stadtteil(r0['stadtteil'])}: "
        f"{fmt.share(r0['estimate'])} mit Bedarf – und kein erreichbares Angebot"
    )
    return Slide(
        title=headline,
        blocks=[chart],
        footnotes=[*chart_notes(series), *offers_note(deck)],
        notes="Versorgungslücke: Bedarf (Anteil ≥ 3 auf der Skala) in einem Stadtteil, für "
        "den kein aktives Angebot im Stadtteil, stadtweit oder online den Bereich abdeckt. "
        "Häufigste Hürden je Lücke und die vollständige Übersicht im Anhang. "
        + wording.ERROR_BAR_EDIT_NOTE,
    )


def barriers_chart(deck: Deck) -> tuple[BarChart, list[str], str]:
    """The barriers chart (appendix), its footnotes and the most named barrier."""
    bar = an.largest_first(an.totals(deck.res.barriers, "barrier_share"))
    rows = [r for _, r in bar.iterrows()]
    cats = [deck.labels.barriers.get(r["level"], r["level"]) for r in rows]
    series = [bar_series("Anteil der Zugewanderten", rows, OKABE_ITO["blue"])]
    wide = bool(len(bar)) and bar["ci_high"].max(skipna=True) > 0.6
    title = "Was hindert an der Nutzung von Angeboten? (Mehrfachnennung)"
    chart = BarChart(
        title=title,
        categories=cats,
        series=series,
        source=deck.source(["newcomer"], fmt.n_range(bases(rows))),
        alt_text=alt_bars(title, cats, series),
        axis_max=1.0 if wide else 0.6,
        major_unit=0.2 if wide else 0.1,
    )
    top = cats[0] if rows and series[0].values[0] is not None else ""
    return chart, [*chart_notes(series), "Basis: alle befragten Zugewanderten."], top


def barriers_slide(deck: Deck) -> Slide:
    chart, notes, top = barriers_chart(deck)
    return Slide(
        title=f"Anhang: Häufigste Hürde – „{top}“" if top else "Anhang: Hürden",
        section="Anhang",
        blocks=[chart],
        footnotes=notes,
        notes=wording.ERROR_BAR_EDIT_NOTE,
    )
