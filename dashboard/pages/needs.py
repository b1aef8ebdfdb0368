"""Bedarfe: prevalence and severity of need by area, with CIs, filters and breakdowns.

Numbers: :func:`analysis.needs.needs_results` (newcomers) or
:func:`analysis.needs.prevalence` + suppression (volunteers' and administration's beliefs)
for the selected respondents (:func:`analysis.subset.select_respondents`); significant
differences between groups: :func:`analysis.compare.group_differences`.
"""

import streamlit as st

from analysis.display import results_table
from analysis.published import MIN_SELECTION, indicator_prefix
from analysis.results import filter_results
from dashboard import auth, charts, data
from dashboard.labels import ATTRIBUTES, AUDIENCES, labels

user = auth.require("admin", "guide")
L = labels()
st.title("Bedarfe")
respondents = data.survey_data().respondents
if respondents.empty:
    st.info("Noch keine Antworten.")
    st.stop()

top = st.columns(3)
audience = top[0].selectbox(
    "Wessen Sicht?",
    list(AUDIENCES),
    format_func=AUDIENCES.get,
    key="audience",
    help="Ehrenamtliche und Verwaltung schätzen den Bedarf der Zugewanderten ein, die sie kennen.",
)
measures = {
    "prevalence": "Bedarf (mittel bis sehr groß, Stufe 3–5)",
    "severe": "Großer Bedarf (Stufe 4–5)",
}
if audience == "newcomer":
    measures["top3"] = "Unter den drei dringendsten"
measure = top[1].selectbox("Kennzahl", list(measures), format_func=measures.get, key="measure")
attributes = ["wave"] if audience != "newcomer" else list(ATTRIBUTES)
breakdown = top[2].selectbox(
    "Aufschlüsseln nach",
    [None, *attributes],
    key="breakdown",
    format_func=lambda a: "nicht aufschlüsseln" if a is None else ATTRIBUTES[a],
)

mine = respondents[respondents["audience"] == audience]
filters = []
chosen_names = []
with st.expander("Filter", expanded=True):
    cols = st.columns(3)
    for i, attr in enumerate(attributes):
        values = mine[attr].dropna().unique().tolist()
        options = sorted(str(v) for v in values)
        names = L.groups(attr)
        chosen = cols[i % 3].multiselect(
            ATTRIBUTES[attr],
            options,
            key=f"filter_{attr}",
            format_func=lambda v, n=names: n.get(v, v),
            placeholder="alle",
        )
        filters.append((attr, tuple(sorted(chosen))))
        chosen_names.append((ATTRIBUTES[attr], [names.get(v, v) for v in chosen]))
selection = charts.selection_text(chosen_names)
charts.show_selection(selection)

view = data.needs_view(tuple(filters), breakdown, audience, data.data_version())
shown, differences = view.results, view.differences
if breakdown and not view.breakdown_allowed:
    st.info(
        f"Diese Auswahl umfasst weniger als {MIN_SELECTION} Antworten. Damit sich niemand "
        "wiedererkennen lässt, wird sie nur insgesamt gezeigt, ohne Aufschlüsselung."
    )
    breakdown = None
indicator = "top3_share" if measure == "top3" else f"{indicator_prefix(audience)}_{measure}"
rows = filter_results(shown, indicator=indicator, group_var=breakdown or "all")
if rows.empty:
    st.info("Für diese Auswahl gibt es keine Antworten.")
    st.stop()

significant: set[str] = set()
if breakdown:
    shown_groups = rows.loc[~rows["suppressed"].astype(bool), "group"].nunique()
    if shown_groups < 2:
        st.info(
            f"Diese Auswahl lässt nur eine Gruppe nach „{ATTRIBUTES[breakdown]}“ übrig – "
            "ein Vergleich zwischen Gruppen ist hier nicht möglich."
        )
    elif not differences.empty:
        found = differences[(differences["indicator"] == indicator) & differences["significant"]]
        significant = set(found["level"])
        if significant:
            st.success(
                "Deutliche Unterschiede zwischen den Gruppen (Chi-Quadrat/Fisher, "
                "Benjamini-Hochberg 5 %) bei: "
                + ", ".join(
                    L.areas.get(a, a) for a in dict.fromkeys(rows["level"]) if a in significant
                )
            )
        else:
            st.info("Keine deutlichen Unterschiede zwischen den Gruppen (Benjamini-Hochberg 5 %).")

group_names = L.groups(breakdown)
rows = rows.assign(different=rows["level"].map(lambda a: "ja" if a in significant else ""))
extra = [("rank_label", "Rang")] if "rank_label" in rows and not breakdown else []
if breakdown:
    extra.append(("different", "Unterschied signifikant"))
table = results_table(rows, "Bedarfsfeld", L.areas, group_names, extra=extra)
views = {
    "newcomer": "eigene Angabe der Zugewanderten",
    "volunteer": "Einschätzung der Ehrenamtlichen",
    "administration": "Einschätzung der Verwaltung",
}
title = f"{measures[measure]} – {views[audience]}"
fig = charts.share_bars(rows, L.areas, group_names, title=title, selection=selection)
charts.show(fig, table, f"bedarfe-{charts.slug(AUDIENCES[audience])}.csv", user, key="needs")
st.caption(
    "Anteile mit 95-%-Konfidenzintervall (Wilson). Basis: alle, die den Bereich "
    "bewertet oder „betrifft mich nicht“ gewählt haben; „weiß nicht“ zählt nicht mit. "
    "Rang „2–4“: die Intervalle überlappen, die Reihenfolge ist nicht gesichert."
)
