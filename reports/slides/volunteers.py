"""Volunteers: the support they ask for."""

from __future__ import annotations

from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import OKABE_ITO, BarChart, Slide, Text
from reports.slides.common import Deck, alt_bars, bar_series, bases, chart_notes


def volunteers_slide(deck: Deck) -> Slide:
    vol = deck.res.volunteers
    if vol.empty:
        return Slide(
            title="Ehrenamt: keine Antworten in dieser Welle",
            blocks=[
                Text(
                    ["In dieser Welle liegen keine Antworten von Ehrenamtlichen vor."],
                    bullets=False,
                )
            ],
        )
    need = an.largest_first(an.totals(vol, "vol_need_share"))
    rows = [r for _, r in need.iterrows()]
    cats = [deck.labels.volunteer_needs.get(r["level"], r["level"]) for r in rows]
    series = [bar_series("Anteil der Ehrenamtlichen", rows, OKABE_ITO["orange"])]
    title = "Gewünschte Unterstützung (Mehrfachnennung)"
    chart = BarChart(
        title=title,
        categories=cats,
        series=series,
        source=deck.source(["volunteer"], fmt.n_range(bases(rows))),
        alt_text=alt_bars(title, cats, series),
    )
    known = [c for c, v in zip(cats, series[0].values, strict=True) if v is not None]
    headline = (
        f"Ehrenamtliche wünschen sich vor allem {wording.names(known[:2])}"
        if len(known) >= 2
        else "Ehrenamt: Was brauchen die Helfenden?"
    )
    return Slide(
        title=headline,
        blocks=[chart],
        footnotes=chart_notes(series),
        notes="Mehrfachnennung; Basis: alle befragten Ehrenamtlichen. Engagement in zwölf "
        "Monaten und Stunden pro Monat im Anhang. " + wording.ERROR_BAR_EDIT_NOTE,
    )
