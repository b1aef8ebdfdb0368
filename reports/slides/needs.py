"""The newcomers' needs by area, and the change since the comparison wave."""

from __future__ import annotations

from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import OKABE_ITO, BarChart, Slide, Text
from reports.slides.common import Deck, alt_bars, bar_series, bases, chart_notes, share_chart

MAX_CHANGE_AREAS = 6


def needs_slide(deck: Deck) -> Slide:
    order = an.area_order(deck.res)
    prev = an.by_level(an.totals(deck.res.needs, "need_prevalence"))
    rows = [prev.get(a) for a in order]
    cats = [deck.labels.area(a) for a in order]
    title = "Anteil der Zugewanderten mit Bedarf (mittleres bis sehr großes Problem)"
    chart = share_chart(deck, title, cats, rows, "Anteil mit Bedarf", OKABE_ITO["blue"])
    series = chart.series
    top = cats[:2]
    headline = (
        f"{top[0]} und {top[1]} sind die größten Bedarfe"
        if len(top) == 2
        else "Bedarfe der Zugewanderten nach Bereichen"
    )
    lead = ""
    if order and order[0] in prev and bool(prev[order[0]]["rank_tied"]):
        lead = "Die Reihenfolge der ersten Plätze ist statistisch nicht sicher."
    return Slide(
        title=headline,
        lead=lead,
        blocks=[chart],
        footnotes=chart_notes(series),
        notes="Bedarf = Problem als mittel, groß oder sehr groß eingestuft (3–5 auf der "
        "Skala 1–5). Fehlerbalken: 95-%-Konfidenzintervall (Wilson). Tabelle mit Rängen "
        "und großem Bedarf im Anhang. " + wording.ERROR_BAR_EDIT_NOTE,
    )


def change_slide(deck: Deck) -> Slide | None:
    if deck.inp.compare_wave is None:
        return None
    from reports.inputs import wave_label

    w_from, w_to = deck.inp.compare_wave, deck.inp.wave
    label_from = wave_label(deck.inp.compare_campaigns)
    moved = an.clear_changes(deck.res)
    moved_codes = [str(a) for a in moved["level"]] if len(moved) else []
    order = an.area_order(deck.res)
    show = [a for a in order if a in moved_codes] or order[:MAX_CHANGE_AREAS]
    by_wave = deck.res.wave_prevalence
    series, all_rows = [], []
    for w, color, name in (
        (w_from, OKABE_ITO["sky_blue"], label_from),
        (w_to, OKABE_ITO["blue"], deck.wave),
    ):
        rows = an.by_level(by_wave[(by_wave["group_var"] == "wave") & (by_wave["group"] == str(w))])
        picked = [rows.get(a) for a in show]
        all_rows += picked
        series.append(bar_series(name, picked, color))
    cats = [deck.labels.area(a) for a in show]
    title = "Anteil der Zugewanderten mit Bedarf je Welle"
    chart = BarChart(
        title=title,
        categories=cats,
        series=series,
        source=deck.source(["newcomer"], fmt.n_range(bases(all_rows))),
        alt_text=alt_bars(title, cats, series),
    )
    if moved_codes:
        ch = an.by_level(moved)
        parts = [
            f"{deck.labels.area(a)} deutlich {'gestiegen' if ch[a]['estimate'] > 0 else 'gesunken'}"
            for a in show
        ]
        headline = f"Seit Welle {w_from}: Bedarf bei {wording.and_list(parts)}"
    else:
        headline = f"Seit Welle {w_from} hat sich kein Bedarf deutlich verändert"
    return Slide(
        title=headline,
        blocks=[chart] if len(show) else [Text(["Keine Vergleichswerte."], bullets=False)],
        footnotes=chart_notes(series),
        notes=f"Vergleich Welle {w_from} → Welle {w_to}: Veränderung in Prozentpunkten mit "
        "95-%-Konfidenzintervall (Newcombe), Tabelle im Anhang; die Wellen gelten als "
        "unabhängige Stichproben (anonyme Befragung). Gezeigt sind die Bereiche mit "
        "deutlicher Veränderung, sonst die häufigsten Bedarfe. "
        + an.method_note.MULTIPLE
        + " "
        + wording.ERROR_BAR_EDIT_NOTE,
    )
