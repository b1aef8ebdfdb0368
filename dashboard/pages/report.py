"""Bericht: the Stadtrat deck (PowerPoint with native charts) and the same report as PDF
for one wave, optionally with the change since an earlier wave (:mod:`reports`).

Every role may build and download it, the viewer too: the report holds only suppressed
aggregates (no cell under 5, free text only as coded themes with counts ≥ 5) — what the
viewer already sees on the other pages and in the aggregate export. Building takes a few
seconds; :func:`dashboard.data.report_bytes` caches it per (campaign, comparison,
format, responses). Every download is written to the audit log."""

import streamlit as st

from bedarfsradar import audit
from bedarfsradar.session import SessionUser
from dashboard import auth, data
from reports import MEDIA_TYPES, MeasureError, ReportError
from reports.inputs import ReportCampaign, wave_label

FORMATS = {"pptx": "PowerPoint (bearbeitbar)", "pdf": "PDF"}

user = auth.require()
ctx = data.context()
st.title("Bericht für den Stadtrat")
st.write(
    "Der Bericht umfasst alle Zielgruppen einer Welle: Rücklauf und Methode, Bedarfe, "
    "Perspektiven, Angebotslücken, Verwaltung, Ehrenamt, die vorgeschlagenen Maßnahmen und "
    "einen Beschlussvorschlag – mit 95-%-Konfidenzintervallen. Gruppen mit weniger als 5 "
    "Antworten sind unterdrückt (–)."
)

campaigns = ctx.storage.campaigns(ctx.municipality_id)
if not campaigns:
    st.info("Noch keine Kampagne angelegt.")
    st.stop()
waves: dict[int, list[ReportCampaign]] = {}
for c in campaigns:
    waves.setdefault(c.wave, []).append(ReportCampaign.of(c))
# one entry per wave, named by a campaign of it (the newcomers' where there is one)
first = {w: sorted(cs, key=lambda c: c.audience != "newcomer")[0].slug for w, cs in waves.items()}
wave_of = {slug: w for w, slug in first.items()}


def wave_name(slug: str | None) -> str:
    if slug is None:
        return "ohne Vergleich"
    w = wave_of[slug]
    return f"Welle {w}: {wave_label(waves[w])} ({len(waves[w])} Kampagnen)"


options = [first[w] for w in sorted(waves, reverse=True)]
slug = st.selectbox("Welle des Berichts", options, format_func=wave_name, key="report-wave")
others = [s for s in options if s != slug]
compare = st.selectbox(
    "Vergleich mit Welle (optional)", [None, *others], format_func=wave_name, key="report-compare"
)
version = data.data_version()


def _audit(who: SessionUser, fmt: str, size: int) -> None:
    audit.record(ctx.db, who.municipality_id, who.username, "report.download",
                 campaign=slug, compare=compare, format=fmt, bytes=size)  # fmt: skip


for column, (fmt, label) in zip(st.columns(2), FORMATS.items(), strict=True):
    with column:
        key = f"report-{fmt}"
        wanted = (slug, compare, fmt, version)
        if st.button(f"{label} erstellen", key=f"build-{fmt}"):
            try:
                with st.spinner("Bericht wird erstellt …"):
                    st.session_state[key] = (wanted, data.report_bytes(*wanted))
            except (ReportError, MeasureError) as exc:
                st.error(f"Der Bericht kann nicht erstellt werden: {exc}")
        built = st.session_state.get(key)
        if built and built[0] == wanted:  # only the bytes of the current selection
            payload = built[1]
            suffix = f"-vergleich-w{wave_of[compare]}" if compare else ""
            st.download_button(
                f"{label} herunterladen ({len(payload) // 1024} KB)",
                payload,
                file_name=f"bericht-welle-{wave_of[slug]}{suffix}.{fmt}",
                mime=MEDIA_TYPES[fmt],
                key=f"download-{fmt}",
                on_click=_audit,
                args=(user, fmt, len(payload)),
            )
st.caption(
    "Die Maßnahmen im Bericht (Kosten, Finanzierung, Federführung, Zeitplan, "
    "Erfolgsindikator) pflegt die Integrationsguide auf der Seite „Maßnahmen“."
)
