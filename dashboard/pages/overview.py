"""Überblick: the headline findings and the largest gaps of the newest wave (each with a
link to the page that explains it), responses against targets, by Stadtteil, language
and month (counts below 5 hidden).

Numbers: all published (perturbed, small groups hidden) through
:func:`dashboard.data.overview_view`: the key findings of :mod:`analysis.findings` (the
list the deck shows), the uncovered gaps, respondent counts; progress against targets by
:func:`analysis.overview.campaign_progress`.
"""

import streamlit as st

from analysis.display import SUPPRESSION_NOTE, format_interval, format_value, month_label
from analysis.findings import RULE_NOTE
from analysis.overview import campaign_progress, progress_table
from analysis.published import AUDIENCE_LABELS
from dashboard import auth, charts, data
from dashboard.labels import labels
from dashboard.links import AREA_PARAM, page_link

# which page explains a key finding, by its kind (analysis.findings.key_findings)
EXPLAINED_ON = {
    "need": ("needs.py", "Bedarfe"),
    "change": ("needs.py", "Bedarfe"),
    "perception": ("perspectives.py", "Perspektiven"),
    "supply": ("offers.py", "Angebote & Lücken"),
    "volunteer": ("admin_volunteers.py", "Verwaltung & Ehrenamt"),
}

user = auth.require("admin", "guide")
L = labels()
st.title("Überblick")
version = data.data_version()
if version.answers == 0:
    st.info(
        "Noch keine Antworten. Legen Sie eine Kampagne an oder laden Sie die Demodaten "
        "(`bedarfsradar demo`)."
    )
    st.stop()

view = data.overview_view(version)
wave = view.wave

if wave is not None and not view.findings.empty:
    st.subheader(f"Wichtigste Ergebnisse – Welle {wave}")
    for row in view.findings.itertuples(index=False):
        text, link = st.columns([5, 1.7], vertical_alignment="center")
        text.markdown(f"- {row.sentence}")
        page, title = EXPLAINED_ON.get(str(row.kind), ("needs.py", "Bedarfe"))
        with link:
            page_link(page, f"Details: {title}")
    st.caption(RULE_NOTE + " Dieselbe Liste steht im Stadtratsbericht dieser Welle.")

if wave is not None and not view.gaps.empty:
    st.subheader(f"Größte Lücken – Welle {wave}")
    st.caption("Bedarfe ab 30 %, die kein erreichbares Angebot im Stadtteil abdeckt.")
    for row in view.gaps.itertuples(index=False):
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
    n = view.audience_n.get(audience, 0.0)
    col.metric(label, "·" if n != n else int(n))  # NaN: fewer than 5, not shown

st.subheader("Antworten und Ziele je Kampagne")
progress = campaign_progress(view.per_campaign, data.campaigns_frame())
st.dataframe(progress_table(progress), hide_index=True, key="progress")
st.caption(
    "„Zielerreichung“: Antworten im Verhältnis zur Zielzahl der Kampagne. Rücklaufquote: bei "
    "Einladungen mit persönlichem Link Teilgenommene ÷ Eingeladene (erst ab je 5), sonst "
    "nur, wo die Größe der Gruppe bekannt ist."
)

st.subheader("Verlauf: Antworten je Monat")
per_month = view.per_month.astype(str)  # "·" among numbers
per_month["month"] = per_month["month"].map(lambda m: "Gesamt" if m == "Gesamt" else
                                            month_label(m))  # fmt: skip
series = [c for c in per_month.columns if c in AUDIENCE_LABELS.values()]
charts.show(
    charts.count_bars(
        per_month[per_month["month"] != "Gesamt"],
        "month",
        series,
        title="Vollständige Antworten je Monat",
    ),
    per_month.rename(columns={"month": "Monat"}),
    "antworten-je-monat.csv",
    user,
    key="months",
)

st.subheader("Nach Stadtteil")
names = L.groups("stadtteil")
shown = view.per_stadtteil.astype(str)
shown["stadtteil"] = shown["stadtteil"].map(lambda c: names.get(c, c))
st.dataframe(shown.rename(columns={"stadtteil": "Stadtteil"}), hide_index=True, key="stadtteil")

st.subheader("Nach Sprache des Fragebogens")
languages = view.per_language.astype(str)
languages["language"] = languages["language"].map(lambda c: "Gesamt" if c == "Gesamt" else
                                                  L.language(c))  # fmt: skip
st.dataframe(languages.rename(columns={"language": "Sprache"}), hide_index=True, key="language")
st.caption(SUPPRESSION_NOTE)
