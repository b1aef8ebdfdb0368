"""The one chart theme: plotly, Okabe-Ito colours, German numbers and texts, CIs as error
bars, the selection and the data's date in every chart's title.

Plotly speaks German through its config: ``locale: "de"`` with the German dictionary and
formats passed along in ``locales`` (:data:`PLOTLY_DE`), so nothing is registered or
loaded from elsewhere; the toolbar keeps only "download as PNG" (and Streamlit's full
screen). Numbers on axes are formatted here, in Python, where a d3 format would print an
English one (month names, signed percentage points).

Every chart is shown by :func:`show` with its accessible table and a CSV download of that
table underneath; suppressed cells appear as "·" in the table and are left out of the
chart, with the explanation as caption. In the print view (sidebar: "Druckansicht")
charts get a fixed width that fits an A4 page in landscape and tables are plain tables,
so nothing is cut off on paper.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from babel.dates import get_day_names, get_month_names

from analysis.display import SUPPRESSION_NOTE, format_value
from analysis.published import quadrant_label
from analysis.results import TOTAL_GROUP_VAR
from bedarfsradar.session import SessionUser
from dashboard import data
from dashboard.exports import download

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
PRINT_WIDTH = 900
"""Chart width in the print view (px): A4 landscape holds about 1,000 px."""
MINUS = "−"


def _names(kind: str, width: str) -> list[str]:
    found = (get_month_names if kind == "months" else get_day_names)(width, locale="de_DE")
    order = range(1, 13) if kind == "months" else (6, 0, 1, 2, 3, 4, 5)  # d3: Sunday first
    return [found[i] for i in order]


PLOTLY_DE = {
    "dictionary": {
        "Download plot as a PNG": "Als PNG-Bild herunterladen",
        "Download plot as a png": "Als PNG-Bild herunterladen",
        "Download plot": "Grafik herunterladen",
        "Preparing image - this may take a few seconds": "Bild wird erstellt …",
        "Image download succeeded": "Bild heruntergeladen",
        "Sorry, there was a problem downloading your image!": (
            "Das Bild konnte nicht heruntergeladen werden."
        ),
        "Autoscale": "Automatisch skalieren",
        "Reset axes": "Achsen zurücksetzen",
        "Reset": "Zurücksetzen",
        "Reset view": "Ansicht zurücksetzen",
        "Zoom": "Vergrößern",
        "Zoom in": "Vergrößern",
        "Zoom out": "Verkleinern",
        "Pan": "Verschieben",
        "Box Select": "Rechteckauswahl",
        "Lasso Select": "Lassoauswahl",
        "Show closest data on hover": "Nächsten Wert anzeigen",
        "Compare data on hover": "Werte vergleichen",
        "Toggle show closest data on hover": "Nächsten Wert anzeigen",
        "Toggle Spike Lines": "Hilfslinien ein/aus",
        "Double-click to zoom back out": "Doppelklick: zurück zur ganzen Grafik",
        "Double-click on legend to isolate one trace": (
            "Doppelklick auf die Legende zeigt nur diese Reihe"
        ),
        "trace": "Reihe",
        "new text": "neuer Text",
    },
    "format": {
        "days": _names("days", "wide"),
        "shortDays": _names("days", "abbreviated"),
        "months": _names("months", "wide"),
        "shortMonths": _names("months", "abbreviated"),
        "periods": ["vorm.", "nachm."],
        "dateTime": "%A, %e. %B %Y, %X",
        "date": "%d.%m.%Y",
        "time": "%H:%M:%S",
        "decimal": ",",
        "thousands": ".",
        "grouping": [3],
        "currency": ["", " €"],
        "year": "%Y",
        "month": "%B %Y",
        "dayMonth": "%-d. %B",
        "dayMonthYear": "%-d. %B %Y",
    },
}
MODEBAR_REMOVED = [
    "zoom2d",
    "pan2d",
    "select2d",
    "lasso2d",
    "zoomIn2d",
    "zoomOut2d",
    "autoScale2d",
    "resetScale2d",
    "hoverClosestCartesian",
    "hoverCompareCartesian",
    "toggleSpikelines",
]


def slug(text: str) -> str:
    """A file name part: "Bedarfe – Stadtteil: Hallgarten" -> "bedarfe-stadtteil-hallgarten"."""
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = text.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:120].strip("-") or "grafik"


def plotly_config(filename: str) -> dict[str, object]:
    """German plotly config; the PNG download is named ``filename``.png."""
    return {
        "locale": "de",
        "locales": {"de": PLOTLY_DE},
        "displaylogo": False,
        "modeBarButtonsToRemove": MODEBAR_REMOVED,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def print_view() -> bool:
    """True while the guide has the print view on (sidebar toggle in ``dashboard/app.py``)."""
    return bool(st.session_state.get("print_view", False))


def selection_text(parts: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The chosen filters in words: "Stadtteil: Hallgarten; Welle: Welle 2", or "alle
    Antworten" when nothing is chosen. ``parts``: (filter label, chosen value labels)."""
    chosen = [f"{label}: {', '.join(values)}" for label, values in parts if values]
    return "; ".join(chosen) if chosen else "alle Antworten"


def show_selection(text: str) -> None:
    """The selection as a caption (on screen and on paper)."""
    st.caption(f"Auswahl: {text}")


def stand_text() -> str:
    return f"Stand {data.stand().loaded_at:%d.%m.%Y}"


def themed(fig: go.Figure, height: int = 480, title: str = "", selection: str = "") -> go.Figure:
    """The theme; ``title`` with the selection and the data's date as its subtitle (they
    travel with the PNG download)."""
    fig.update_layout(
        template="plotly_white",
        colorway=OKABE_ITO,
        separators=",.",
        height=height,
        font={"family": "sans-serif", "size": 14},
        margin={"l": 10, "r": 30, "t": 80 if title else 40, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        hoverlabel={"namelength": -1},
    )
    if title:
        sub = f"Auswahl: {selection} · {stand_text()}" if selection else stand_text()
        fig.update_layout(title={"text": title, "subtitle": {"text": sub}})
    if print_view():
        fig.update_layout(width=PRINT_WIDTH, autosize=False)
    return fig


def _error_bar(estimate, low, high, colour: str = "#333") -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Plotly error bars from an estimate and its interval (scalars or Series)."""
    if isinstance(estimate, pd.Series):
        above, below = (high - estimate).to_numpy(), (estimate - low).to_numpy()
    else:
        above, below = [high - estimate], [estimate - low]
    return {
        "type": "data",
        "symmetric": False,
        "array": above,
        "arrayminus": below,
        "color": colour,
    }


def _signed_points(value: float) -> str:
    return "0" if value == 0 else f"{'+' if value > 0 else MINUS}{abs(value):g}"


def share_bars(
    results: pd.DataFrame,
    level_labels: Mapping[str, str],
    group_labels: Mapping[str, str] | None = None,
    title: str = "",
    x_title: str = "Anteil",
    selection: str = "",
    points: bool = False,
) -> go.Figure:
    """Horizontal bars with CI error bars, one trace per group; suppressed rows are not
    drawn. Levels in the order of their first appearance. Shares on a 0–100 % axis, or
    with ``points`` differences in percentage points on a −100…+100 axis."""
    group_labels = group_labels or {}
    shown = results[~results["suppressed"].astype(bool)]
    order = list(dict.fromkeys(results["level"]))
    scale = 100 if points else 1
    unit = " Pp." if points else ""
    fig = go.Figure()
    for group, rows in shown.groupby("group", sort=False, observed=True):
        rows = rows.set_index("level").reindex([lv for lv in order if lv in set(rows["level"])])
        name = (
            "Alle"
            if rows["group_var"].iloc[0] == TOTAL_GROUP_VAR
            else group_labels.get(str(group), str(group))
        )
        kind = "points" if points else "share"
        text = [
            f"{format_value(e, kind)}{unit} (95-%-KI {format_value(lo, kind)}{unit} bis "
            f"{format_value(hi, kind)}{unit}, n = {int(n)})"
            for e, lo, hi, n in zip(
                rows["estimate"], rows["ci_low"], rows["ci_high"], rows["n"], strict=True
            )
        ]
        fig.add_trace(
            go.Bar(
                y=[level_labels.get(lv, lv) for lv in rows.index],
                x=rows["estimate"] * scale,
                name=name,
                orientation="h",
                error_x=_error_bar(
                    rows["estimate"] * scale, rows["ci_low"] * scale, rows["ci_high"] * scale
                ),
                customdata=text,
                hovertemplate="%{y}: %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    if points:
        ticks = list(range(-100, 101, 25))
        xaxis = {
            "range": [-100, 100],
            "tickvals": ticks,
            "ticktext": [_signed_points(t) for t in ticks],
            "title": x_title,
        }
    else:
        ticks = list(range(0, 101, 20))
        xaxis = {
            "range": [0, 1],
            "tickvals": [t / 100 for t in ticks],
            "ticktext": [f"{t} %" for t in ticks],
            "title": x_title,
        }
    fig.update_layout(barmode="group", xaxis=xaxis, yaxis={"autorange": "reversed"})
    height = max(360, 34 * len(order) * max(1, len(fig.data)) // 2 + 140)
    return themed(fig, height=height, title=title, selection=selection)


def gap_bars(
    results: pd.DataFrame,
    level_labels: Mapping[str, str],
    group_labels: Mapping[str, str],
    title: str = "",
    selection: str = "",
) -> go.Figure:
    """Differences of shares in percentage points around zero, CI error bars, by group."""
    fig = share_bars(
        results,
        level_labels,
        group_labels,
        title,
        x_title="Differenz in Prozentpunkten",
        selection=selection,
        points=True,
    )
    fig.add_vline(x=0, line_color="#000", line_width=1)
    return fig


def count_bars(
    table: pd.DataFrame,
    x: str,
    series: list[str],
    title: str = "",
    x_labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Stacked bars of counts from a display table (e.g. responses per month and audience);
    hidden cells ("·") are not drawn. ``x_labels`` names the categories (German months)."""
    fig = go.Figure()
    categories = [(x_labels or {}).get(v, v) for v in table[x]]
    for name in series:
        values = pd.to_numeric(table[name], errors="coerce")
        fig.add_trace(go.Bar(x=categories, y=values, name=name))
    fig.update_layout(
        barmode="stack",
        yaxis={"title": "Antworten", "tickformat": ",d"},
        xaxis={"type": "category"},
    )
    return themed(fig, height=380, title=title)


LABEL_POSITIONS = ("top right", "bottom right", "top left", "bottom left")


def label_positions(x: Sequence[float], y: Sequence[float], span: float) -> list[str]:
    """A text position per point so that the numbers of close points do not overlap: the
    first of :data:`LABEL_POSITIONS` whose label box (about 6 % of ``span`` wide and high,
    beside the point) meets no box placed before."""
    size = 0.06 * span
    placed: list[tuple[float, float]] = []
    out = []
    for px, py in zip(x, y, strict=True):
        for position in LABEL_POSITIONS:
            dx = size if "right" in position else -size
            dy = size if "top" in position else -size
            box = (px + dx / 2, py + dy / 2)
            if all(abs(box[0] - bx) > size or abs(box[1] - by) > size for bx, by in placed):
                break
        placed.append(box)
        out.append(position)
    return out


def importance_performance(
    grid: pd.DataFrame, services: Mapping[str, str], title: str = "", selection: str = ""
) -> go.Figure:
    """The importance–performance grid: one numbered point per service (its name in the
    legend and on hover, so labels never overlap or run off the chart), coloured by its
    classification, CIs as error bars, crosshair at the means."""
    fig = go.Figure()
    classes = {c: i for i, c in enumerate(sorted(grid["classification"].unique()))}
    low = min(grid["performance_low"].min(), grid["importance_low"].min(), 3.0) - 0.2
    high = max(grid["performance_high"].max(), grid["importance_high"].max(), 4.0) + 0.2
    positions = label_positions(grid["performance"], grid["importance"], high - low)
    for number, row in enumerate(grid.itertuples(index=False), start=1):
        name = services.get(row.service, row.service)
        colour = OKABE_ITO[classes[row.classification] % len(OKABE_ITO)]
        fig.add_trace(
            go.Scatter(
                x=[row.performance],
                y=[row.importance],
                mode="markers+text",
                name=f"{number} {name} ({quadrant_label(row.classification)})",
                text=[str(number)],
                textposition=positions[number - 1],
                textfont={"size": 15},
                cliponaxis=False,
                marker={"size": 13, "color": colour, "symbol": classes[row.classification]},
                error_x=_error_bar(
                    row.performance, row.performance_low, row.performance_high, colour
                ),
                error_y=_error_bar(row.importance, row.importance_low, row.importance_high, colour),
                hovertemplate=f"{name}<br>Zufriedenheit %{{x:.1f}} · Wichtigkeit %{{y:.1f}}"
                "<extra></extra>",
            )
        )
    fig.add_vline(x=grid["crosshair_performance"].iloc[0], line_dash="dash")
    fig.add_hline(y=grid["crosshair_importance"].iloc[0], line_dash="dash")
    fig.update_layout(
        xaxis={"title": "Zufriedenheit (1–5)", "range": [max(1, low), min(5, high)]},
        yaxis={"title": "Wichtigkeit (1–5)", "range": [max(1, low), min(5, high)]},
        legend={"orientation": "h", "y": -0.2, "font": {"size": 13}},
    )
    return themed(fig, 640, title=title, selection=selection)


def show(
    fig: go.Figure | None,
    table: pd.DataFrame,
    filename: str,
    user: SessionUser,
    key: str,
    suppressed: bool = True,
) -> None:
    """Chart, its table view and a CSV download of the table (audited)."""
    if fig is not None:
        title = fig.layout.title.text or filename.rsplit(".", 1)[0]
        subtitle = fig.layout.title.subtitle.text or ""
        selection = subtitle.split(" · Stand")[0].removeprefix("Auswahl: ")
        png = slug(f"{filename.rsplit('.', 1)[0]} {selection}")  # "bedarfe-…-stadtteil-hallgarten"
        st.plotly_chart(
            fig,
            config=plotly_config(png),
            key=f"chart-{key}",
            width="content" if print_view() else "stretch",
            alt=f"{title}. {subtitle}. Die Werte stehen in der Tabelle darunter.",
        )
    if print_view():
        st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True, key=f"table-{key}")
    if suppressed:
        st.caption(SUPPRESSION_NOTE)
    download(
        "Tabelle als CSV herunterladen", table, filename, user, kind="aggregate", key=f"dl-{key}"
    )
