"""Freigegebene Ergebnisse: a release as the viewer, the Stadtrat and everyone outside the
guide's desk get it (:mod:`dashboard.releases`). Only the release's own tables: the
newcomers' needs in total or by one breakdown of the catalogue, the perception gaps, the
supply gaps, the administration's ratings and the volunteers; the deck, the PDF and the
workbook of the same release. No filters: every number here was computed once, when the
guide released the wave."""

import streamlit as st

from analysis.catalogue import KIND_LABELS
from analysis.display import format_count, results_table
from analysis.published import QUADRANT_NOTE
from analysis.results import filter_results
from bedarfsradar import audit
from dashboard import auth, charts, data, releases
from dashboard.labels import ATTRIBUTES, AUDIENCES, labels
from reports import MEDIA_TYPES

user = auth.require()
L = labels()
st.title("Freigegebene Ergebnisse")
available = releases.release_list()
if not available:
    st.info(
        "Noch keine Welle freigegeben. Die Integrationsguide gibt eine Welle auf der Seite "
        "„Bericht“ frei; erst dann erscheinen hier Ergebnisse."
    )
    st.stop()
by_id = {r.id: r for r in available}
chosen = st.selectbox("Freigabe", list(by_id), format_func=lambda i: by_id[i].label, key="rel")
info = by_id[chosen]
res = releases.results(info.id)
if res is None:
    st.error("Diese Freigabe gibt es nicht (mehr).")
    st.stop()
st.caption(
    f"Freigegeben am {info.created_at:%d.%m.%Y} von {info.created_by} · Stand der Daten "
    f"{info.data_as_of[8:10]}.{info.data_as_of[5:7]}.{info.data_as_of[:4]} · "
    f"{KIND_LABELS[info.kind]} · Prüfsumme {info.content_hash[:12]}"
)
if info.public_since is not None:
    st.caption(
        f"Öffentliche Ergebnisseite seit {info.public_since:%d.%m.%Y}: /ergebnisse/welle-"
        f"{info.wave}/ (ohne Anmeldung; ein- und ausschalten auf der Seite „Bericht“)"
    )
counts = " · ".join(
    f"{AUDIENCES[a]}: {format_count(n)}" for a, n in res.audience_n.items() if a in AUDIENCES
)
st.write(f"Antworten (gerundet, kleine Gruppen verborgen): {counts}")

found = releases.findings(info.id)
if found:
    st.subheader("Wichtigste Ergebnisse")
    st.markdown("\n".join(f"- {sentence}" for sentence in found))

st.header("Bedarfe der Zugewanderten")
offered = [g for g in dict.fromkeys(res.needs["group_var"]) if g != "all"]
breakdown = st.selectbox(
    "Aufschlüsseln nach",
    [None, *offered],
    format_func=lambda a: "nicht aufschlüsseln" if a is None else ATTRIBUTES.get(a, a),
    key="rel-breakdown",
)
rows = filter_results(res.needs, indicator="need_prevalence", group_var=breakdown or "all")
groups = L.groups(breakdown)
title = "Bedarf (mittel bis sehr groß, Stufe 3–5) – eigene Angabe der Zugewanderten"
fig = charts.share_bars(rows, L.areas, groups, title=title, selection=info.label)
charts.show(fig, results_table(rows, "Bedarfsfeld", L.areas, groups), "bedarfe.csv", user,
            key="rel-needs")  # fmt: skip

if len(res.perception):
    st.header("Perspektiven: Selbstauskunft und Einschätzung")
    gap = res.perception
    table = results_table(gap, "Bedarfsfeld", L.areas, AUDIENCES, kind="points",
                          extra=[("flag", "Bewertung")])  # fmt: skip
    fig = charts.gap_bars(gap, L.areas, AUDIENCES, title="Wahrnehmungslücken", selection=info.label)
    charts.show(fig, table, "perspektiven.csv", user, key="rel-gap")

if len(res.supply):
    st.header("Angebotslücken")
    st.dataframe(results_table(res.supply, "Bedarfsfeld", L.areas, L.stadtteile),
                 hide_index=True)  # fmt: skip

if res.ip is not None:
    st.header("Verwaltung: Wichtigkeit und Zufriedenheit")
    services = L.of("ip_importance")
    # no n beside the staff's means (surveys.privacy.protected), as in the explorer
    means = results_table(res.ip.results, "Leistung", services, kind="mean").drop(columns=["n"])
    st.dataframe(means, hide_index=True)
    st.caption(QUADRANT_NOTE)

if len(res.volunteers):
    st.header("Ehrenamt")
    st.dataframe(results_table(res.volunteers, "Kennzahl", L.of("vol_needs")), hide_index=True)

st.header("Herunterladen")
MIME = {**MEDIA_TYPES, "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _audit(fmt: str) -> None:
    ctx = data.context()
    audit.record(ctx.db, user.municipality_id, user.username, "release.download",
                 release=info.id, format=fmt)  # fmt: skip


files = {"pptx": "Stadtrat-Präsentation (PowerPoint)", "pdf": "Bericht (PDF)",
         "xlsx": "Tabellen (Excel)"}  # fmt: skip
for col, (fmt, name) in zip(st.columns(3), files.items(), strict=True):
    if fmt != "xlsx" and info.kind != "final":
        continue
    key = f"rel-file-{fmt}"
    if col.button(f"{name} erstellen", key=f"rel-build-{fmt}"):
        with st.spinner("Wird erstellt …"):
            made = (
                releases.workbook(info.id) if fmt == "xlsx" else releases.report_bytes(info.id, fmt)
            )
        st.session_state[key] = (info.id, made)
    built = st.session_state.get(key)
    if built and built[0] == info.id:  # only the file of the release shown
        col.download_button(
            f"{name} herunterladen ({len(built[1]) // 1024} KB)",
            built[1],
            file_name=f"freigabe-welle-{info.wave}-nr-{info.number}.{fmt}",
            mime=MIME.get(fmt, "application/octet-stream"),
            on_click=_audit,
            args=(fmt,),
            key=f"rel-dl-{fmt}",
        )
if info.kind != "final":
    st.caption("Präsentation und Bericht entstehen aus der endgültigen Freigabe einer Welle.")
