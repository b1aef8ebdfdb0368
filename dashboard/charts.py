"""The one chart theme: plotly, Okabe-Ito colours, German numbers, CIs as error bars.

Every chart is shown by :func:`show` with its accessible table (``st.dataframe``) and a
CSV download of that table underneath; suppressed cells appear as "·" in the table and
are left out of the chart, with the explanation as caption.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.display import SUPPRESSION_NOTE
from analysis.results import TOTAL_GROUP_VAR
from bedarfsradar.session import SessionUser
from dashboard.exports import download

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
PLOTLY_CONFIG = {
    "locale": "de",
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def themed(fig: go.Figure, height: int = 480) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        colorway=OKABE_ITO,
        separators=",.",
        height=height,
        font={"family": "sans-serif", "size": 14},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        hoverlabel={"namelength": -1},
    )
    return fig


def share_bars(
    results: pd.DataFrame,
    level_labels: Mapping[str, str],
    group_labels: Mapping[str, str] | None = None,
    title: str = "",
    x_title: str = "Anteil",
) -> go.Figure:
    """Horizontal bars of shares with CI error bars, one trace per group; suppressed rows
    are not drawn. Levels in the order of their first appearance."""
    group_labels = group_labels or {}
    shown = results[~results["suppressed"].astype(bool)]
    order = list(dict.fromkeys(results["level"]))
    fig = go.Figure()
    for group, rows in shown.groupby("group", sort=False, observed=True):
        rows = rows.set_index("level").reindex([lv for lv in order if lv in set(rows["level"])])
        name = (
            "Alle"
            if rows["group_var"].iloc[0] == TOTAL_GROUP_VAR
            else group_labels.get(str(group), str(group))
        )
        fig.add_trace(
            go.Bar(
                y=[level_labels.get(lv, lv) for lv in rows.index],
                x=rows["estimate"],
                name=name,
                orientation="h",
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": rows["ci_high"] - rows["estimate"],
                    "arrayminus": rows["estimate"] - rows["ci_low"],
                    "color": "#333",
                },
                customdata=rows[["ci_low", "ci_high", "n"]].to_numpy(),
                hovertemplate="%{y}: %{x:.0%} (95-%-KI %{customdata[0]:.0%}–%{customdata[1]:.0%},"
                " n = %{customdata[2]})<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        title=title,
        barmode="group",
        xaxis={"tickformat": ".0%", "range": [0, 1], "title": x_title},
        yaxis={"autorange": "reversed"},
    )
    return themed(fig, height=max(360, 34 * len(order) * max(1, len(fig.data)) // 2 + 120))


def gap_bars(
    results: pd.DataFrame,
    level_labels: Mapping[str, str],
    group_labels: Mapping[str, str],
    title: str = "",
) -> go.Figure:
    """Differences in proportion points (−1..1) around zero, CI error bars, by group."""
    fig = share_bars(results, level_labels, group_labels, title)
    fig.update_layout(
        xaxis={"range": [-1, 1], "tickformat": "+.0%", "title": "Differenz (Prozentpunkte)"}
    )
    fig.add_vline(x=0, line_color="#000", line_width=1)
    return fig


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
        st.plotly_chart(fig, config=PLOTLY_CONFIG, key=f"chart-{key}")
    st.dataframe(table, hide_index=True, key=f"table-{key}")
    if suppressed:
        st.caption(SUPPRESSION_NOTE)
    download(
        "Tabelle als CSV herunterladen", table, filename, user, kind="aggregate", key=f"dl-{key}"
    )


def count_bars(table: pd.DataFrame, x: str, series: list[str], title: str = "") -> go.Figure:
    """Stacked bars of counts from a display table (e.g. responses per month and audience);
    hidden cells ("·") are not drawn."""
    fig = go.Figure()
    for name in series:
        values = pd.to_numeric(table[name], errors="coerce")
        fig.add_trace(go.Bar(x=table[x], y=values, name=name))
    fig.update_layout(title=title, barmode="stack", yaxis={"title": "Antworten"})
    return themed(fig, height=360)
