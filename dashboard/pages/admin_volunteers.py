"""Verwaltung & Ehrenamt: importance-performance grid of administration services and the
volunteers' needs, intention to continue and hours (:mod:`analysis.admin`)."""

import plotly.graph_objects as go
import streamlit as st

from analysis.display import results_table
from analysis.results import filter_results
from dashboard import auth, charts, data
from dashboard.labels import labels

user = auth.require()
L = labels()
st.title("Verwaltung & Ehrenamt")
respondents = data.survey_data().respondents
waves = sorted(str(w) for w in respondents["wave"].dropna().unique())
chosen = tuple(
    st.multiselect(
        "Welle", waves, key="waves", placeholder="alle", format_func=lambda w: f"Welle {w}"
    )
)
version = data.data_version()

st.header("Verwaltung: Wichtigkeit und Zufriedenheit")
results, grid = data.admin_view(chosen, version)
services = L.of("ip_importance")
if grid.empty:
    st.info("Keine Antworten der Verwaltung in dieser Auswahl.")
else:
    fig = go.Figure()
    for i, (cls, rows) in enumerate(grid.groupby("classification", sort=True)):
        fig.add_trace(
            go.Scatter(
                x=rows["performance"],
                y=rows["importance"],
                mode="markers+text",
                name=cls,
                text=[services.get(s, s) for s in rows["service"]],
                textposition="top center",
                marker={"size": 12, "color": charts.OKABE_ITO[i % 8], "symbol": i},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": rows["performance_high"] - rows["performance"],
                    "arrayminus": rows["performance"] - rows["performance_low"],
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": rows["importance_high"] - rows["importance"],
                    "arrayminus": rows["importance"] - rows["importance_low"],
                },
            )
        )
    fig.add_vline(x=grid["crosshair_performance"].iloc[0], line_dash="dash")
    fig.add_hline(y=grid["crosshair_importance"].iloc[0], line_dash="dash")
    fig.update_layout(xaxis_title="Zufriedenheit (1–5)", yaxis_title="Wichtigkeit (1–5)")
    table = results_table(
        results, "Leistung", services, {"ip_importance": "Wichtigkeit"}, kind="mean"
    )
    table.insert(
        1,
        "Kennzahl",
        results["indicator"]
        .map({"ip_importance": "Wichtigkeit", "ip_performance": "Zufriedenheit"})
        .to_numpy(),
    )
    table["Einordnung"] = (
        results["level"]
        .map(dict(zip(grid["service"], grid["classification"], strict=True)))
        .fillna("")
        .to_numpy()
    )
    charts.show(charts.themed(fig, 560), table, "verwaltung-ip.csv", user, key="ip")
    st.caption(
        "Mittelwerte mit 95-%-Bootstrap-Intervall; Fadenkreuz bei den Mittelwerten "
        "aller Leistungen (Martilla & James). „unsicher“: ein Intervall schneidet "
        "das Fadenkreuz."
    )

st.header("Ehrenamt")
vol = data.volunteer_view(chosen, version)
needs = filter_results(vol, indicator="vol_need_share")
if needs.empty:
    st.info("Keine Antworten von Ehrenamtlichen in dieser Auswahl.")
    st.stop()
needs = needs.sort_values("estimate", ascending=False)
options = L.of("vol_needs")
fig = charts.share_bars(needs, options, title="Was Ehrenamtliche brauchen")
charts.show(
    fig, results_table(needs, "Unterstützung", options), "ehrenamt-bedarfe.csv", user, key="vol"
)
other = filter_results(vol, indicator=["vol_continue_12m", "vol_hours_month"])
table = results_table(
    other.assign(level=other["indicator"]),
    "Kennzahl",
    {
        "vol_continue_12m": "Wollen 12 Monate weitermachen (4–5 von 5)",
        "vol_hours_month": "Stunden pro Monat (Median)",
    },
)
hours = other["indicator"].to_numpy() == "vol_hours_month"
table.loc[hours, ["Schätzung", "95-%-KI"]] = results_table(other[hours], kind="mean")[
    ["Schätzung", "95-%-KI"]
].to_numpy()
charts.show(None, table, "ehrenamt-kennzahlen.csv", user, key="vol2")
