"""Überblick: the headline findings and the largest gaps of the newest wave (each with a
link to the page that explains it), responses against targets, by Stadtteil, language
and month (counts below 5 hidden).

Numbers: :func:`analysis.overview.campaign_progress`, :func:`analysis.counts.response_overview`,
:func:`analysis.overview.headline_findings` (via :func:`dashboard.data.overview_view`),
:func:`analysis.supply.uncovered_needs` (via :func:`dashboard.data.overview_gaps`).
"""

import streamlit as st

from analysis.counts import AUDIENCE_LABELS, MIN_CELL, response_overview
from analysis.display import SUPPRESSION_NOTE, format_interval, format_value, month_label
from analysis.overview import campaign_progress, progress_table
from dashboard import auth, charts, data
from dashboard.labels import labels
from dashboard.links import AREA_PARAM, page_link

# which page explains a headline, by the indicator it was written from
EXPLAINED_ON = {
    "need_severe": ("needs.py", "Bedarfe"),
    "need_prevalence": ("needs.py", "Bedarfe"),
    "top3_share": ("needs.py", "Bedarfe"),
    "perception_gap": ("perspectives.py", "Perspektiven"),
    "supply_gap": ("offers.py", "Angebote & Lücken"),
}

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
version = data.data_version()
per_stadtteil, wave, headlines = data.overview_view(version)

if wave is not None and not headlines.empty:
    st.subheader(f"Wichtigste Ergebnisse – Welle {wave}")
    for row in headlines.itertuples(index=False):
        text, link = st.columns([5, 1.7], vertical_alignment="center")
        text.markdown(f"- {row.sentence}")
        page, title = EXPLAINED_ON.get(str(row.indicator), ("needs.py", "Bedarfe"))
        with link:
            page_link(page, f"Details: {title}")
    st.caption(
        "Nur Aussagen mit mindestens 30 Antworten und einem Konfidenzintervall von höchstens "
        "± 15 Prozentpunkten."
    )

gaps = data.overview_gaps(version)
if wave is not None and not gaps.empty:
    st.subheader(f"Größte Lücken – Welle {wave}")
    st.caption("Bedarfe ab 30 %, die kein erreichbares Angebot im Stadtteil abdeckt.")
    for row in gaps.itertuples(index=False):
        area = L.areas.get(row.level, row.level)
        place = L.stadtteile.get(row.stadtteil, row.stadtteil)
        text, first, second = st.columns([3.6, 1.9, 1.5], vertical_alignment="center")
        text.markdown(
            f"**{area} in {place}:** {format_value(row.estimate)} mit Bedarf "
            f"({format_interval(row.ci_low, row.ci_high)}, n = {int(row.n)}), "
            "kein erreichbares Angebot"
        )
        with first:
            page_link("offers.py", "Details: Angebote & Lücken")
        with second:
            page_link("offer_catalogue.py", "Passende Angebote", {AREA_PARAM: str(row.level)})

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
per_month["month"] = per_month["month"].map(month_label)
series = [c for c in per_month.columns if c in AUDIENCE_LABELS.values()]
charts.show(
    charts.count_bars(per_month, "month", series, title="Vollständige Antworten je Monat"),
    per_month.rename(columns={"month": "Monat"}),
    "antworten-je-monat.csv",
    user,
    key="months",
)

st.subheader("Nach Stadtteil")
names = L.groups("stadtteil")
shown = per_stadtteil.astype(str).assign(
    stadtteil=per_stadtteil["stadtteil"].map(lambda c: names.get(c, c))
)
st.dataframe(shown.rename(columns={"stadtteil": "Stadtteil"}), hide_index=True, key="stadtteil")

st.subheader("Nach Sprache des Fragebogens")
languages = response_overview(complete, "language").astype(str)
languages["language"] = languages["language"].map(L.language)
st.dataframe(languages.rename(columns={"language": "Sprache"}), hide_index=True, key="language")
st.caption(SUPPRESSION_NOTE)
