"""Export: aggregates for every role (suppressed, redacted), raw answers and the codebook
for guide and admin. CSV for German Excel or XLSX; formulas neutralised
(:mod:`analysis.export`); every download is written to the audit log."""

import streamlit as st

from analysis.display import SUPPRESSION_NOTE
from bedarfsradar import audit
from dashboard import auth, data
from dashboard.exports import download
from surveys.codebook import codebook

user = auth.require()
ctx = data.context()
st.title("Export")

st.header("Ergebnisse (aggregiert)")
st.write(
    "Alle Ergebnistabellen mit 95-%-Konfidenzintervallen. Kleine Zellen sind "
    "unterdrückt: ihre Werte sind leer und `suppressed` ist wahr."
)
st.caption(SUPPRESSION_NOTE)
sheets = data.aggregate_sheets(data.data_version())
download(
    "Alle Ergebnisse als XLSX",
    sheets,
    "bedarfsradar-ergebnisse.xlsx",
    user,
    kind="aggregate",
    key="agg-xlsx",
)
name = st.selectbox("Einzelne Tabelle als CSV", list(sheets), key="agg-sheet")
download(
    f"{name} als CSV",
    sheets[name],
    f"bedarfsradar-{name.lower()}.csv",
    user,
    kind="aggregate",
    key="agg-csv",
)

if not user.sees_raw_data:
    st.info("Einzelantworten und Freitexte können nur Integrationsguide und Admin exportieren.")
    st.stop()

st.header("Einzelantworten")
st.warning(
    "Einzelantworten enthalten Freitexte und können Personen erkennbar machen. Nur "
    "für die Auswertung im Team verwenden, nicht weitergeben; jeder Export wird "
    "protokolliert."
)
if st.toggle("Einzelantworten vorbereiten", key="raw"):
    if not st.session_state.get("raw_logged"):
        audit.record(ctx.db, user.municipality_id, user.username, "raw.view", page="Export")
        st.session_state["raw_logged"] = True
    raw = data.raw_answers()
    st.write(f"{raw['response_id'].nunique()} Antworten, {len(raw)} Zeilen (Langformat).")
    cols = st.columns(2)
    with cols[0]:
        download(
            "Einzelantworten als CSV",
            raw,
            "bedarfsradar-antworten.csv",
            user,
            kind="raw",
            key="raw-csv",
        )
    with cols[1]:
        download(
            "Einzelantworten als XLSX",
            raw,
            "bedarfsradar-antworten.xlsx",
            user,
            kind="raw",
            key="raw-xlsx",
        )

st.header("Codebuch")
book = codebook(ctx.bundles())
download(
    "Codebuch als XLSX", book, "bedarfsradar-codebuch.xlsx", user, kind="codebook", key="codebook"
)
st.dataframe(book.head(50), hide_index=True, key="codebook-preview")
