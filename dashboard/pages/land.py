"""KISI-Netzwerk: the Land's (the ministry's) page, role ``land`` only. No individual
answers and no explorer: the pooled released tables of the shared core questionnaire, the
towns' own releases, participation per town and the indicator sheet for the programme
report - all from :mod:`bedarfsradar.land`; this page only lays them out."""

import pandas as pd
import streamlit as st

from analysis.display import results_table
from analysis.results import filter_results
from bedarfsradar import land
from dashboard import auth, charts, data
from dashboard.labels import ATTRIBUTES, labels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
user = auth.require("land")
ctx = data.context()
L = labels()


@st.cache_data(ttl=30, show_spinner=False)
def _waves() -> dict[int, land.PooledWave]:
    return land.pooled_waves(ctx)


@st.cache_resource(max_entries=16, show_spinner=False)
def _pooled(release_id: int):  # type: ignore[no-untyped-def]
    return land.pooled_results(ctx, release_id), land.pooled_towns(ctx, release_id)


@st.cache_resource(max_entries=64, show_spinner=False)
def _town_release(town_id: int, release_id: int):  # type: ignore[no-untyped-def]
    return land.town_release_results(ctx, town_id, release_id)


@st.cache_data(ttl=60, show_spinner=False)
def _participation() -> land.Participation:
    return land.participation(ctx)


def needs_view(res, key: str, selection: str) -> None:  # type: ignore[no-untyped-def]
    """The newcomers' needs of a release, in total or by one of its breakdowns."""
    offered = [g for g in dict.fromkeys(res.needs["group_var"]) if g != "all"]
    by = st.selectbox(
        "Aufschlüsseln nach",
        [None, *offered],
        key=key,
        format_func=lambda a: "nicht aufschlüsseln" if a is None else ATTRIBUTES.get(a, a),
    )
    rows = filter_results(res.needs, indicator="need_prevalence", group_var=by or "all")
    groups = L.groups(by)
    fig = charts.share_bars(
        rows,
        L.areas,
        groups,
        selection=selection,
        title="Bedarf (Stufe 3–5) – eigene Angabe der Zugewanderten",
    )
    charts.show(
        fig,
        results_table(rows, "Bedarfsfeld", L.areas, groups),
        f"{key}.csv",
        user,
        key=key + "-chart",
    )


st.title("KISI-Netzwerk – Sicht des Landes")
st.caption(
    "Das Land sieht keine einzelnen Antworten und keinen freien Tabellenbaukasten: gemeinsame "
    "Tabellen aus den Antworten aller Kommunen zum gemeinsamen Kernfragebogen (zusammen "
    "berechnet und geschützt, nie aus den Werten der Kommunen summiert), die Freigaben der "
    "Kommunen und die Beteiligung je Kommune. Gruppen unter 5 Personen sind verborgen."
)
VIEWS = ("Gemeinsame Tabellen", "Freigaben der Kommunen", "Beteiligung", "Kennzahlenblatt")
view = st.radio("Ansicht", VIEWS, horizontal=True, key="land-view")  # only the chosen one runs
if view == VIEWS[0]:
    waves = _waves()
    state_rows = [
        {
            "Welle": w,
            "abgeschlossen in": len(s.closed),
            "läuft in": len(s.running),
            "gemeinsam freigegeben": s.released.label if s.released else "nein",
        }
        for w, s in waves.items()
    ]
    st.dataframe(pd.DataFrame(state_rows), hide_index=True, key="land-waves")
    ready = [
        w
        for w, s in waves.items()
        if s.released is None and not s.running and len(s.closed) >= land.MIN_POOLED_TOWNS
    ]
    for wave in ready:
        if st.button(f"Welle {wave} gemeinsam freigeben", key=f"land-release-{wave}"):
            with st.spinner("Gemeinsame Tabellen werden berechnet …"):
                try:
                    info = land.release_pooled(ctx, wave, user.username)
                except land.ReleaseRefused as exc:
                    st.error(str(exc))
                else:
                    st.success(f"Freigegeben: {info.label}")
                    _waves.clear()
    released = [s.released for s in waves.values() if s.released is not None]
    if not released:
        st.info(
            "Noch keine Welle gemeinsam freigegeben. Möglich, sobald eine Welle in allen "
            f"Kommunen abgeschlossen ist (mindestens {land.MIN_POOLED_TOWNS} Kommunen)."
        )
    else:
        by_id = {r.id: r for r in released}
        chosen = st.selectbox(
            "Gemeinsame Freigabe",
            list(by_id),
            key="land-pooled",
            format_func=lambda i: by_id[i].label,
        )
        res, towns = _pooled(chosen)
        counts = " · ".join(
            f"{land.AUDIENCE_LABELS[a]}: {n:.0f}"
            for a, n in res.audience_n.items()
            if n == n and a in land.AUDIENCE_LABELS
        )
        st.write(f"{len(towns)} Kommunen · Befragte (geschützt): {counts}")
        needs_view(res, "land-needs", f"{land.NETWORK}, {by_id[chosen].label}")

elif view == VIEWS[1]:
    own = land.town_releases(ctx)
    if not own:
        st.info("Noch keine Kommune hat eine Welle freigegeben.")
    else:
        keys = {(r.town.id, r.release.id): r for r in own}
        pick = st.selectbox(
            "Freigabe einer Kommune",
            list(keys),
            key="land-town-release",
            format_func=lambda k: f"{keys[k].town.name}: {keys[k].release.label}",
        )
        res = _town_release(*pick)
        if res is not None:
            needs_view(res, "land-town-needs", keys[pick].town.name)

elif view == VIEWS[2]:
    part = _participation()
    st.subheader("Antworten je Kommune, Zielgruppe und Sprache")
    st.caption("Geschützte Anzahlen (leer: unter 5).")
    st.dataframe(part.responses, hide_index=True, key="land-participation")
    st.subheader("Einladungen je Kommune")
    if part.invitations.empty:
        st.info("Noch keine Kommune lädt Mitarbeitende oder Ehrenamtliche namentlich ein.")
    else:
        st.caption(
            "Je Welle mit namentlicher Einladung: eingeladen, teilgenommen und Rücklauf; "
            "Teilnahme und Rücklauf erst ab 5 Teilnehmenden (sonst leer)."
        )
        shown = part.invitations.assign(
            Teilgenommen=[f"{n:.0f}" if n == n else "" for n in part.invitations["Teilgenommen"]],
            Rücklauf=[
                f"{round(100 * r)} %" if r == r else "" for r in part.invitations["Rücklauf"]
            ],
        )
        st.dataframe(shown, hide_index=True, key="land-invitations")
    st.subheader("Wellen je Kommune")
    st.dataframe(part.waves, hide_index=True, key="land-town-waves")

else:
    st.write(
        "Kennzahlen für den Programmbericht: Befragte nach Zielgruppe und Sprache, "
        "Bedarfe nach Feld mit Konfidenzintervallen, Maßnahmen je Kommune."
    )
    if st.button("Kennzahlenblatt erstellen", key="land-sheet-build"):
        st.session_state["land-sheet"] = land.indicator_workbook(ctx)
    if "land-sheet" in st.session_state:
        st.download_button(
            "Kennzahlenblatt (Excel) herunterladen",
            st.session_state["land-sheet"],
            file_name="kisi-kennzahlen.xlsx",
            mime=XLSX,
            key="land-sheet",
        )
