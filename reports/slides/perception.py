"""How volunteers and the administration see the newcomers' needs (perception gap).

The main slide shows only the areas where a gap is secured (its interval excludes 0), at
most :data:`MAX_AREAS`, three bars each; all areas are in the appendix table."""

from __future__ import annotations

from analysis import published
from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import OKABE_ITO, BarChart, Slide, Text
from reports.slides.common import Deck, alt_bars, bar_series, bases, chart_notes

MAX_AREAS = 4
AUDIENCE_COLORS = {
    "newcomer": OKABE_ITO["blue"],
    "volunteer": OKABE_ITO["orange"],
    "administration": OKABE_ITO["bluish_green"],
}


def perception_slide(deck: Deck) -> Slide:
    if deck.res.perception.empty:
        return Slide(
            title="Ehrenamt und Verwaltung: kein Vergleich möglich",
            blocks=[
                Text(
                    ["In dieser Welle gibt es keine Antworten von Ehrenamt oder Verwaltung."],
                    bullets=False,
                )
            ],
        )
    gaps = an.flagged_gaps(deck.res)
    areas = list(dict.fromkeys(str(a) for a in gaps["level"]))[:MAX_AREAS]
    secured = bool(areas)
    if not areas:
        areas = an.area_order(deck.res)[:MAX_AREAS]
    own = an.by_level(an.totals(deck.res.needs, "need_prevalence"))
    rows = [own.get(a) for a in areas]
    series = [bar_series("Zugewanderte selbst", rows, AUDIENCE_COLORS["newcomer"])]
    every = list(rows)
    audiences = ["newcomer"]
    for aud in ("volunteer", "administration"):
        if not deck.n_by[aud]:
            continue
        belief = an.by_level(an.totals(deck.res.beliefs, f"need_belief_{aud}_prevalence"))
        picked = [belief.get(a) for a in areas]
        every += picked
        audiences.append(aud)
        name = f"Einschätzung {wording.audience_genitive(aud)}"
        series.append(bar_series(name, picked, AUDIENCE_COLORS[aud]))
    cats = [deck.labels.area(a) for a in areas]
    title = "Anteil mit Bedarf: Selbstauskunft und Einschätzung"
    chart = BarChart(
        title=title,
        categories=cats,
        series=series,
        source=deck.source(audiences, fmt.n_range(bases(every))),
        alt_text=alt_bars(title, cats, series),
    )
    under = gaps[gaps["flag"] == published.UNDERESTIMATED]
    if len(under):
        r = under.iloc[0]
        same = under[under["group"] == r["group"]]
        named = [deck.labels.area(str(a)) for a in same["level"]][:2]
        who = wording.capitalised(wording.audience_nominative(str(r["group"])))
        verb = wording.UNDERESTIMATE.get(str(r["group"]), "unterschätzen")
        headline = f"{who} {verb} den Bedarf bei {wording.names(named)}"
    elif secured:
        headline = "Ehrenamt und Verwaltung sehen manche Bedarfe anders als die Zugewanderten"
    else:
        headline = "Ehrenamt und Verwaltung sehen die Bedarfe wie die Zugewanderten"
    return Slide(
        title=headline,
        blocks=[chart],
        footnotes=[
            *chart_notes(series),
            "Gezeigt: Bereiche mit deutlichem Unterschied; alle Bereiche im Anhang."
            if secured
            else "Kein Unterschied ist nach Korrektur für viele Vergleiche deutlich.",
        ],
        notes=an.method_note.PERCEPTION
        + " "
        + an.method_note.MULTIPLE
        + " Verwaltung mit Endlichkeitskorrektur. "
        + wording.ERROR_BAR_EDIT_NOTE,
    )
