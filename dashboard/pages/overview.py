"""Überblick: responses per audience, campaign and language (counts below 5 hidden)."""

import streamlit as st

from analysis.counts import MIN_CELL, response_overview
from dashboard import auth
from dashboard.data import response_counts

auth.require()
st.title("Überblick")
counts = response_counts()
if counts.empty:
    st.info(
        "Noch keine Antworten. Legen Sie eine Kampagne an oder laden Sie die Demodaten "
        "(`bedarfsradar demo`)."
    )
    st.stop()

complete = counts[counts["status"] == "complete"]
cols = st.columns(3)
for col, (audience, label) in zip(
    cols,
    [
        ("newcomer", "Zugewanderte"),
        ("volunteer", "Ehrenamtliche"),
        ("administration", "Verwaltung"),
    ],
    strict=True,
):
    col.metric(label, int(complete.loc[complete["audience"] == audience, "n"].sum()))

for by, heading in (("campaign", "Nach Kampagne"), ("language", "Nach Sprache")):
    st.subheader(heading)
    st.dataframe(response_overview(complete, by), hide_index=True)
st.caption(f"Zellen mit weniger als {MIN_CELL} Antworten werden als „·“ angezeigt.")
