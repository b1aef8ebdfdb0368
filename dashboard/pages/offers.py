"""Angebote & Lücken: need prevalence per Stadtteil x area against the offers a newcomer
can reach, the needs no accessible offer covers, and the barriers respondents name
(:mod:`analysis.supply`). The catalogue itself is edited on the page "Angebotskatalog"."""

import plotly.graph_objects as go
import streamlit as st

from analysis.display import results_table
from analysis.published import uncovered_needs
from analysis.results import SUPPRESSED_MARK, filter_results
from dashboard import auth, charts, data
from dashboard.labels import COSTS, TIMES, labels
from dashboard.links import AREA_PARAM, page_link

user = auth.require("admin", "guide")
L = labels()
st.title("Angebote & Lücken")
respondents = data.survey_data().respondents
catalogue = data.offers()
waves = sorted(str(w) for w in respondents["wave"].dropna().unique())
languages = sorted({code for langs in catalogue["languages"] for code in langs})
cols = st.columns(5)
chosen_waves = cols[0].multiselect(
    "Welle", waves, key="waves", placeholder="alle", format_func=lambda w: f"Welle {w}"
)
chosen_langs = cols[1].multiselect(
    "Angebot in Sprache", languages, key="langs", placeholder="egal", format_func=L.language
)
chosen_times = cols[2].multiselect(
    "Uhrzeit", list(TIMES), key="times", placeholder="egal", format_func=TIMES.get
)
max_cost = cols[3].selectbox(
    "Höchstens",
    [None, *COSTS],
    key="cost",
    format_func=lambda c: "alle Kosten" if c is None else COSTS[c],
)
childcare = cols[4].toggle("mit Kinderbetreuung", key="childcare")
selection = charts.selection_text(
    [
        ("Welle", [f"Welle {w}" for w in chosen_waves]),
        ("Angebote in", [L.language(c) for c in chosen_langs]),
        ("Uhrzeit", [TIMES[t] for t in chosen_times]),
        ("höchstens", [COSTS[max_cost]] if max_cost else []),
        ("Kinderbetreuung", ["ja"] if childcare else []),
    ]
)
charts.show_selection(selection)

gap, barriers = data.supply_view(
    tuple(chosen_waves),
    tuple(chosen_langs),
    tuple(chosen_times),
    max_cost,
    childcare,
    data.offers_key(catalogue),
    data.data_version(),
)

barrier_names = L.of("barriers")
gap = gap.assign(
    top_barriers=gap["top_barriers"].map(
        lambda t: (
            "; ".join(barrier_names.get(c, c) for c in t.split("; ") if c)
            if isinstance(t, str)
            else t
        )
    )
)

st.header("Bedarfe, die kein erreichbares Angebot abdeckt")
open_needs = uncovered_needs(gap, min_prevalence=0.3)
if open_needs.empty:
    st.success("Für jeden Bedarf ab 30 % gibt es ein erreichbares Angebot.")
else:
    table = results_table(
        open_needs,
        "Bedarfsfeld",
        L.areas,
        L.stadtteile,
        extra=[("top_barriers", "Häufigste Hürden")],
    )
    charts.show(None, table, "ungedeckte-bedarfe.csv", user, key="uncovered")
    st.write("Vorhandene Angebote zu diesen Bedarfen (auch außerhalb des Stadtteils):")
    link_cols = st.columns(3)
    for i, area in enumerate(dict.fromkeys(open_needs["level"].head(6))):
        with link_cols[i % 3]:
            page_link(
                "offer_catalogue.py", f"Angebote: {L.areas.get(area, area)}", {AREA_PARAM: area}
            )

st.header("Bedarf und Angebote nach Stadtteil")
areas = list(dict.fromkeys(gap["level"]))
places = list(dict.fromkeys(gap["stadtteil"]))
cell = gap.set_index(["stadtteil", "level"])
z = [
    [None if cell.loc[(p, a), "suppressed"] else cell.loc[(p, a), "estimate"] for a in areas]
    for p in places
]
text = [
    [
        SUPPRESSED_MARK
        if cell.loc[(p, a), "suppressed"]
        else f"{cell.loc[(p, a), 'estimate']:.0%}".replace("%", " %")
        + ("" if cell.loc[(p, a), "covered"] else " ✕")
        for a in areas
    ]
    for p in places
]
fig = go.Figure(
    go.Heatmap(
        z=z,
        x=[L.areas.get(a, a) for a in areas],
        y=[L.stadtteile.get(p, p) for p in places],
        text=text,
        texttemplate="%{text}",
        colorscale="Cividis",
        zmin=0,
        zmax=1,
        colorbar={
            "title": "Bedarf",
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
            "ticktext": ["0 %", "25 %", "50 %", "75 %", "100 %"],
        },
        hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
    )
)
table = results_table(
    gap,
    "Bedarfsfeld",
    L.areas,
    L.stadtteile,
    extra=[("n_offers_accessible", "Erreichbare Angebote"), ("top_barriers", "Häufigste Hürden")],
)
fig = charts.themed(fig, 460, title="Bedarf (Stufe 3–5) nach Stadtteil", selection=selection)
charts.show(fig, table, "angebotsluecken.csv", user, key="gap")
st.caption(
    "Anteil mit Bedarf (Stufe 3–5) je Stadtteil; ✕ = kein erreichbares Angebot "
    "(aktiv, im Stadtteil, für die ganze Stadt oder online, passend zu den Filtern)."
)

st.header("Hürden")
rows = filter_results(barriers, indicator="barrier_share", group_var="all")
rows = rows.sort_values("estimate", ascending=False)
fig = charts.share_bars(
    rows, barrier_names, title="Warum Angebote nicht genutzt werden", selection=selection
)
charts.show(fig, results_table(rows, "Hürde", barrier_names), "huerden.csv", user, key="barriers")
