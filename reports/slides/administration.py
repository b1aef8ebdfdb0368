"""Administration services: importance and performance (Martilla & James grid)."""

from __future__ import annotations

from dataclasses import replace

from analysis import published
from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import (
    GREY_POINT,
    MEAN_FORMAT,
    OKABE_ITO,
    BarChart,
    BarSeries,
    ScatterChart,
    ScatterPoint,
    ScatterSeries,
    Slide,
    Text,
    place_labels,
)
from reports.slides.common import Deck

QUADRANT_STYLE: dict[str, tuple[str, str]] = {  # classification -> (colour, marker)
    published.CONCENTRATE: (OKABE_ITO["vermillion"], "diamond"),
    published.KEEP_UP: (OKABE_ITO["bluish_green"], "circle"),
    published.LOW_PRIORITY: (GREY_POINT, "square"),
    published.OVERKILL: (OKABE_ITO["orange"], "triangle"),
    published.UNCERTAIN: (OKABE_ITO["sky_blue"], "x"),
}


MAX_SERVICES = 4
"""Services on the main slide (need for action first); all of them are in the appendix."""


def admin_bars(deck: Deck) -> BarChart | None:
    """Main slide: importance and performance per service as bars (1-5), the services
    with need for action first, at most :data:`MAX_SERVICES`; the grid itself is in the
    appendix."""
    grid = an.ip_grid(deck.res)
    if grid is None:
        return None
    order = list(QUADRANT_STYLE)
    grid = grid.assign(_o=grid["classification"].map(order.index)).sort_values("_o", kind="stable")
    rows = [r for _, r in grid.iterrows()][:MAX_SERVICES]
    cats = [deck.labels.services.get(r["service"], r["service"]) for r in rows]

    def series(name: str, col: str, color: str) -> BarSeries:
        return BarSeries(
            name,
            [float(r[col]) for r in rows],
            color,
            [float(r[f"{col}_low"]) for r in rows],
            [float(r[f"{col}_high"]) for r in rows],
        )

    bars = [
        series("Wichtigkeit", "importance", OKABE_ITO["blue"]),
        series("Umsetzung heute", "performance", OKABE_ITO["orange"]),
    ]
    n = fmt.n_range([float(v) for v in grid[["n_importance", "n_performance"]].min(axis=1)])
    title = "Mittelwerte auf der Skala 1 (gering/sehr schlecht) bis 5 (hoch/sehr gut)"
    values = "; ".join(
        f"{c}: Wichtigkeit {fmt.scale(a)}, Umsetzung {fmt.scale(b)}"
        for c, a, b in zip(cats, bars[0].values, bars[1].values, strict=True)
    )
    return BarChart(
        title=title,
        categories=cats,
        series=bars,
        source=deck.source(["administration"], n),
        alt_text=f"Balkendiagramm Wichtigkeit und Umsetzung der Verwaltungsleistungen. {values}.",
        number_format=MEAN_FORMAT,
        axis_min=1.0,
        axis_max=5.0,
        major_unit=1.0,
    )


def admin_slide(deck: Deck) -> Slide:
    """Main slide: bars of importance and performance (see :func:`admin_bars`)."""
    chart = admin_bars(deck)
    grid = an.ip_grid(deck.res)
    if chart is None or grid is None:
        return Slide(
            title="Verwaltung: zu wenige Antworten für eine Bewertung der Leistungen",
            blocks=[
                Text([f"Mindestens {an.MIN_CELL} Antworten je Leistung sind nötig."], bullets=False)
            ],
        )
    conc = grid[grid["classification"] == published.CONCENTRATE]
    named = [deck.labels.services.get(s, s) for s in conc["service"]]
    headline = (
        f"Verwaltung: {wording.names(named)} – wichtig, aber schwach umgesetzt"
        if named
        else "Verwaltung: keine Leistung ist sicher wichtig und zugleich schwach umgesetzt"
    )
    return Slide(
        title=headline,
        blocks=[chart],
        footnotes=[wording.CI_NOTE, wording.QUADRANT_NOTE],
        notes="Importance-Performance-Analyse nach Martilla und James: Mittelwerte der "
        "Bewertungen der Verwaltungsbeschäftigten, „weiß nicht“ ausgeschlossen; "
        "Fehlerbalken: 95-%-Bootstrap-Intervalle. Einordnung im Vergleich zum Mittelwert "
        "aller Leistungen; Streudiagramm und Tabelle im Anhang. " + wording.ERROR_BAR_EDIT_NOTE,
    )


def admin_grid_slide(deck: Deck) -> Slide | None:
    """Appendix: the importance-performance grid as a scatter chart."""
    grid = an.ip_grid(deck.res)
    ip = deck.res.ip
    if grid is None or ip is None:
        return None
    # Points carry numbers, the key names them: the names of close points (three services
    # rated alike) would print over each other however they are placed.
    grid = grid.sort_values("importance", ascending=False, kind="stable")
    number = {svc: i for i, svc in enumerate(grid["service"], 1)}
    key = ", ".join(
        f"{number[svc]}{fmt.NBSP}{deck.labels.services.get(svc, svc)}" for svc in grid["service"]
    )
    series = []
    for cls, (color, marker) in QUADRANT_STYLE.items():
        part = grid[grid["classification"] == cls]
        if part.empty:
            continue
        pts = [
            ScatterPoint(
                label=str(number[r["service"]]),
                x=float(r["performance"]),
                y=float(r["importance"]),
                x_low=float(r["performance_low"]),
                x_high=float(r["performance_high"]),
                y_low=float(r["importance_low"]),
                y_high=float(r["importance_high"]),
            )
            for _, r in part.iterrows()
        ]
        series.append(ScatterSeries(wording.quadrant(cls), pts, color, marker))  # type: ignore[arg-type]
    # labels at 14 pt on a chart about 8 inches wide: wider characters than the default
    flat = place_labels(
        [p for s in series for p in s.points],
        (1.0, 5.0),
        (1.0, 5.0),
        char_width=0.019,
        line_height=0.085,
    )
    placed, k = [], 0
    for s in series:
        placed.append(replace(s, points=flat[k : k + len(s.points)]))
        k += len(s.points)
    n = fmt.n_range([float(v) for v in grid[["n_importance", "n_performance"]].min(axis=1)])
    names = "; ".join(
        f"{deck.labels.services.get(r['service'], r['service'])}: Wichtigkeit "
        f"{fmt.scale(r['importance'])}, Umsetzung {fmt.scale(r['performance'])}"
        for _, r in grid.iterrows()
    )
    chart = ScatterChart(
        title="Wichtigkeit und Umsetzung der Leistungen (1–5)",
        series=placed,
        x_title="Umsetzung heute (1 = sehr schlecht, 5 = sehr gut)",
        y_title="Wichtigkeit (1–5)",
        crosshair_x=float(ip.crosshair_performance),
        crosshair_y=float(ip.crosshair_importance),
        source=deck.source(["administration"], n),
        alt_text=f"Streudiagramm Wichtigkeit und Umsetzung der Verwaltungsleistungen. {names}.",
    )
    return Slide(
        title="Anhang: Verwaltungsleistungen im Vier-Felder-Schema",
        section="Anhang",
        blocks=[chart],
        footnotes=[
            f"Nummern: {key}.",
            "Linien: Mittelwerte aller Leistungen. " + wording.QUADRANT_NOTE,
        ],
        notes=wording.ERROR_BAR_EDIT_NOTE,
    )
