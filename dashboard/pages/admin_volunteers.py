"""Verwaltung & Ehrenamt: importance-performance grid of administration services and the
volunteers' needs, intention to continue and hours (:mod:`analysis.admin`)."""

import streamlit as st

from analysis.display import results_table
from analysis.published import QUADRANT_NOTE, quadrant_label
from analysis.results import filter_results
from dashboard import auth, charts, data
from dashboard.labels import labels

user = auth.require("admin", "guide")
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
selection = charts.selection_text([("Welle", [f"Welle {w}" for w in chosen])])
charts.show_selection(selection)

st.header("Verwaltung: Wichtigkeit und Zufriedenheit")
results, grid = data.admin_view(chosen, version)
services = L.of("ip_importance")
if grid.empty:
    st.info("Keine Antworten der Verwaltung in dieser Auswahl.")
else:
    fig = charts.importance_performance(
        grid, services, title="Wichtigkeit und Zufriedenheit", selection=selection
    )
    number = {service: i for i, service in enumerate(grid["service"], start=1)}
    table = results_table(
        results, "Leistung", services, {"ip_importance": "Wichtigkeit"}, kind="mean"
    )
    table.insert(0, "Nr.", [str(number.get(s, "")) for s in results["level"]])
    table.insert(
        1,
        "Kennzahl",
        results["indicator"]
        .map({"ip_importance": "Wichtigkeit", "ip_performance": "Zufriedenheit"})
        .to_numpy(),
    )
    table["Einordnung"] = (
        results["level"]
        .map(dict(zip(grid["service"], grid["classification"].map(quadrant_label), strict=True)))
        .fillna("")
        .to_numpy()
    )
    # no exact n beside the staff's means, for any role: with it, a mean that moves when
    # one colleague answers gives that colleague's answer back (surveys.privacy.protected)
    table = table.drop(columns=["n"])
    charts.show(fig, table, "verwaltung-ip.csv", user, key="ip")
    st.caption(
        "Mittelwerte mit 95-%-Bootstrap-Intervall; Linien bei den Mittelwerten aller "
        f"Leistungen (Martilla & James). {QUADRANT_NOTE} Die Nummern im Diagramm stehen "
        "in der Legende und in der Tabelle."
    )

st.header("Ehrenamt")
vol = data.volunteer_view(chosen, version)
needs = filter_results(vol, indicator="vol_need_share")
if needs.empty:
    st.info("Keine Antworten von Ehrenamtlichen in dieser Auswahl.")
    st.stop()
needs = needs.sort_values("estimate", ascending=False)
options = L.of("vol_needs")
fig = charts.share_bars(needs, options, title="Was Ehrenamtliche brauchen", selection=selection)
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
