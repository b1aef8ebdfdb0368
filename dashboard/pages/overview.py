"""Überblick: responses against targets, by Stadtteil, language and month (counts below 5
hidden), and the headline findings of the newest wave.

Numbers: :func:`analysis.overview.campaign_progress`, :func:`analysis.counts.response_overview`,
:func:`analysis.overview.headline_findings` (via :func:`dashboard.data.overview_view`).
"""

import streamlit as st

from analysis.counts import AUDIENCE_LABELS, MIN_CELL, response_overview
from analysis.display import SUPPRESSION_NOTE
from analysis.overview import campaign_progress, progress_table
from dashboard import auth, charts, data
from dashboard.labels import labels

user = auth.require()
L = labels()
st.title("Überblick")
counts = data.response_counts()
if counts.empty:
    st.info(
        "Noch keine Antworten. Legen Sie eine Kampagne an oder laden Sie die Demodaten "
        "(`bedarfsradar demo`)."
    )
    st.stop()

complete = counts[counts["status"] == "complete"]
per_stadtteil, wave, headlines = data.overview_view(data.data_version())

if wave is not None and not headlines.empty:
    st.subheader(f"Wichtigste Ergebnisse – Welle {wave}")
    for sentence in headlines["sentence"]:
        st.markdown(f"- {sentence}")
    st.caption(
        "Nur Aussagen mit mindestens 30 Antworten und einem Konfidenzintervall von höchstens "
        "± 15 Prozentpunkten. Details unter „Bedarfe“, „Perspektiven“ und „Angebote & Lücken“."
    )

cols = st.columns(3)
for col, (audience, label) in zip(cols, AUDIENCE_LABELS.items(), strict=True):
    n = int(complete.loc[complete["audience"] == audience, "n"].sum())
    col.metric(label, n if n == 0 or n >= MIN_CELL else "·")

st.subheader("Antworten und Ziele je Kampagne")
progress = campaign_progress(counts, data.campaigns_frame())
st.dataframe(progress_table(progress), hide_index=True, key="progress")
st.caption(
    "„Erreicht“: Antworten im Verhältnis zur Zielzahl der Kampagne. Rücklaufquote nur, wo "
    "die Größe der Gruppe bekannt ist (z. B. Beschäftigte der Verwaltung)."
)

st.subheader("Verlauf: Antworten je Monat")
per_month = response_overview(complete, "month").astype(str)  # "·" among numbers
series = [c for c in per_month.columns if c in AUDIENCE_LABELS.values()]
charts.show(
    charts.count_bars(per_month, "month", series),
    per_month.rename(columns={"month": "Monat"}),
    "antworten-je-monat.csv",
    user,
    key="months",
)

st.subheader("Nach Stadtteil")
names = {**L.stadtteile, **L.of("stadtteil")}
shown = per_stadtteil.astype(str).assign(
    stadtteil=per_stadtteil["stadtteil"].map(lambda c: names.get(c, c))
)
st.dataframe(shown.rename(columns={"stadtteil": "Stadtteil"}), hide_index=True, key="stadtteil")

st.subheader("Nach Sprache des Fragebogens")
languages = response_overview(complete, "language").astype(str)
languages["language"] = languages["language"].map(L.language)
st.dataframe(languages.rename(columns={"language": "Sprache"}), hide_index=True, key="language")
st.caption(SUPPRESSION_NOTE)
