"""Perspektiven: perception gap - newcomers' own need vs volunteers' and administration's
belief, per area (:func:`analysis.perception.perception_gap`, Newcombe CIs)."""

import streamlit as st

from analysis.display import results_table
from dashboard import auth, charts, data
from dashboard.labels import AUDIENCES, labels

user = auth.require("admin", "guide")
L = labels()
st.title("Perspektiven")
st.write(
    "Wie gut kennen Ehrenamtliche und Verwaltung den Bedarf? Positiv: sie schätzen den "
    "Bedarf höher ein, als die Zugewanderten selbst ihn nennen; negativ: niedriger."
)
respondents = data.survey_data().respondents
waves = sorted(str(w) for w in respondents["wave"].dropna().unique())
cols = st.columns(2)
chosen = cols[0].multiselect(
    "Welle", waves, key="waves", placeholder="alle", format_func=lambda w: f"Welle {w}"
)
severe = cols[1].toggle("Nur großer Bedarf (Stufe 4–5)", key="severe")
selection = charts.selection_text([("Welle", [f"Welle {w}" for w in chosen])])
charts.show_selection(selection)
gap = data.perception_view(tuple(chosen), severe, data.data_version())
if gap.empty:
    st.info("Für diese Auswahl gibt es keine vergleichbaren Antworten.")
    st.stop()

flagged = gap[(gap["flag"] != "") & ~gap["suppressed"].astype(bool)]
for audience, rows in flagged.groupby("group", sort=False):
    under = rows.loc[rows["flag"] == "unterschätzt", "level"].map(L.areas)
    if len(under):
        who = {"administration": "Die Verwaltung unterschätzt"}.get(
            audience, f"{AUDIENCES.get(audience, audience)} unterschätzen"
        )
        st.warning(f"{who} den Bedarf bei: " + ", ".join(under))

table = results_table(
    gap,
    "Bedarfsfeld",
    L.areas,
    AUDIENCES,
    kind="points",
    extra=[
        ("estimate_newcomer", "Zugewanderte selbst", "share"),
        ("estimate_belief", "Einschätzung", "share"),
        ("flag", "Bewertung"),
    ],
)
table = table.rename(columns={"Schätzung": "Differenz (Pp.)", "n": "n (Einschätzung)"})
measure = "großer Bedarf (Stufe 4–5)" if severe else "Bedarf (Stufe 3–5)"
fig = charts.gap_bars(
    gap,
    L.areas,
    AUDIENCES,
    title=f"Einschätzung minus eigene Angabe: {measure}",
    selection=selection,
)
charts.show(fig, table, "perspektiven.csv", user, key="gap")
st.caption(
    "Differenz der Anteile in Prozentpunkten mit 95-%-Konfidenzintervall (Newcombe); "
    "„unterschätzt“/„überschätzt“ nur, wenn das Intervall die Null nicht enthält. "
    "Für die Verwaltung mit Endlichkeitskorrektur, wenn die Zahl der Beschäftigten "
    "bekannt ist."
)
