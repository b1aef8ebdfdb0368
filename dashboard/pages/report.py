"""Bericht: the guide releases a wave, and the Stadtrat deck (PowerPoint with native
charts) and the PDF are made from a release (:mod:`bedarfsradar.releases`).

What leaves the guide's desk is a release: the wave's published tables computed once by
the fixed catalogue and frozen, so the same deck twice gives the same numbers and no
filter combination can be replayed against it. A preview shows exactly what a release
would publish before anything is stored. Every release and download is audit-logged.
The public results page of a release is turned on and off here too
(:mod:`dashboard.public_results`)."""

import streamlit as st

from analysis.catalogue import KIND_LABELS, MIN_NEW_RESPONSES, MIN_RESPONSES, ReleaseRefused
from bedarfsradar import audit, releases
from dashboard import auth, data, public_results
from dashboard import releases as released
from reports import MEDIA_TYPES, MeasureError, ReportError
from reports.release import results_of

FORMATS = {"pptx": "PowerPoint (bearbeitbar)", "pdf": "PDF"}

user = auth.require("admin", "guide")
ctx = data.context()
st.title("Bericht für den Stadtrat")
st.write(
    "Präsentation und Bericht entstehen aus einer **Freigabe**: den Ergebnistabellen einer "
    "Welle, einmal berechnet und danach unveränderlich. Dieselbe Freigabe ergibt immer "
    "dieselben Zahlen; Gruppen mit weniger als 5 Antworten bleiben verborgen."
)

st.header("Welle freigeben")
waves = releases.waves(ctx)
if not waves:
    st.info("Noch keine Kampagne angelegt.")
else:
    wave = st.selectbox("Welle", sorted(waves, reverse=True), format_func=lambda w: f"Welle {w}")
    state = waves[wave]
    kind = "interim" if state.open else "final"
    st.write(
        f"Art der Freigabe: **{KIND_LABELS[kind]}**. "
        + (
            "Die Welle läuft noch: ein Zwischenstand enthält nur die Gesamtwerte der "
            f"Zugewanderten, und zwischen zwei Zwischenständen müssen mindestens "
            f"{MIN_NEW_RESPONSES} neue Antworten liegen."
            if state.open
            else "Die Welle ist abgeschlossen: alle Tabellen des Katalogs, einmal."
        )
        + f" Freigegeben wird ab {MIN_RESPONSES} vollständigen Antworten von Zugewanderten."
    )
    if st.button("Vorschau berechnen", key="release-preview"):
        try:
            with st.spinner("Die Tabellen der Freigabe werden berechnet …"):
                st.session_state["release-shown"] = (wave, releases.preview(ctx, wave, kind))
        except ReleaseRefused as exc:
            st.session_state.pop("release-shown", None)
            st.error(str(exc))
    shown = st.session_state.get("release-shown")
    if shown and shown[0] == wave:
        res = results_of(shown[1])
        st.markdown("**Vorschau – so würde die Freigabe veröffentlicht:**")
        for sentence in released.key_sentences(res):
            st.markdown(f"- {sentence}")
        st.write(released.preview_summary(res))
        confirmed = st.checkbox(
            "Ich habe die Vorschau geprüft. Die Freigabe lässt sich danach nicht ändern, "
            "nur zurückziehen.",
            key="release-confirm",
        )
        if st.button("Jetzt freigeben", disabled=not confirmed, type="primary"):
            try:
                info = releases.release_wave(ctx, wave, kind, user.username)
            except ReleaseRefused as exc:
                st.error(str(exc))
            else:
                st.session_state.pop("release-shown", None)
                released.release_list.clear()
                st.success(f"Freigegeben: {info.label}.")

public_results.section(user)

st.header("Präsentation und Bericht")
finals = [r for r in released.release_list() if r.kind == "final"]
if not finals:
    st.info("Noch keine endgültige Freigabe. Präsentation und Bericht folgen aus ihr.")
    st.stop()
by_id = {r.id: r for r in finals}
chosen = st.selectbox("Freigabe", list(by_id), format_func=lambda i: by_id[i].label)


def _audit(fmt: str, size: int) -> None:
    audit.record(ctx.db, user.municipality_id, user.username, "report.download",
                 release=chosen, format=fmt, bytes=size)  # fmt: skip


for column, (fmt, label) in zip(st.columns(2), FORMATS.items(), strict=True):
    with column:
        key = f"report-{fmt}"
        if st.button(f"{label} erstellen", key=f"build-{fmt}"):
            try:
                with st.spinner("Bericht wird erstellt …"):
                    st.session_state[key] = (chosen, released.report_bytes(chosen, fmt))
            except (ReportError, MeasureError) as exc:
                st.error(f"Der Bericht kann nicht erstellt werden: {exc}")
        built = st.session_state.get(key)
        if built and built[0] == chosen:  # only the bytes of the current selection
            payload = built[1]
            st.download_button(
                f"{label} herunterladen ({len(payload) // 1024} KB)",
                payload,
                file_name=f"bericht-welle-{by_id[chosen].wave}-freigabe-{by_id[chosen].number}.{fmt}",
                mime=MEDIA_TYPES[fmt],
                key=f"download-{fmt}",
                on_click=_audit,
                args=(fmt, len(payload)),
            )
st.caption(
    "Die Maßnahmen im Bericht (Kosten, Finanzierung, Federführung, Zeitplan, "
    "Erfolgsindikator) pflegt die Integrationsguide auf der Seite „Maßnahmen“; sie gelten "
    "in ihrer aktuellen Fassung, die Zahlen in der Fassung der Freigabe."
)
