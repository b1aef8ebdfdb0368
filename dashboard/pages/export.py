"""Export (internal: guide and admin): the results workbook of the live answers (German,
suppressed, redacted; a "Lesehilfe" sheet first) for the guide's own work - what is
handed on comes from a release (Freigegebene Ergebnisse) -, the technical long table with
a data dictionary, raw answers and the codebook. CSV for German Excel or XLSX; formulas
neutralised (:mod:`analysis.export`); every download is written to the audit log. Files
are built once per data version (:mod:`dashboard.exports`), not on every rerun."""

import pandas as pd
import streamlit as st

from analysis.display import SUPPRESSION_NOTE
from bedarfsradar import audit
from dashboard import auth, data, exports
from dashboard.charts import slug

user = auth.require("admin", "guide")
ctx = data.context()
st.title("Export")
version = data.data_version()

st.header("Ergebnisse (intern)")
st.info(
    "Diese Dateien entstehen aus den laufenden Antworten und sind für die eigene Arbeit. "
    "Zum Weitergeben (Stadtrat, Presse, Partner) die Tabellen einer Freigabe verwenden: "
    "Seite „Freigegebene Ergebnisse“."
)
st.write(
    "Alle Ergebnistabellen in einer Excel-Datei: deutsche Spaltennamen, Anteile in Prozent, "
    "95-%-Konfidenzintervalle als Text und vorn ein Blatt „Lesehilfe“. Werte aus weniger "
    "als 5 Antworten sind nicht ausgewiesen; die Spalte „Hinweis“ sagt es."
)
st.caption(SUPPRESSION_NOTE)
sheets = exports.german_sheets(version)
rows = sum(len(t) for t in sheets.values())
contents = [
    ("Lesehilfe", "So lesen Sie die Tabellen; Stand der Daten", ""),
    *((name, exports.SHEET_NOTES[name], f"{len(frame):,}".replace(",", "."))
      for name, frame in sheets.items()),
]  # fmt: skip
st.dataframe(
    pd.DataFrame(contents, columns=["Blatt", "Inhalt", "Zeilen"]), hide_index=True, key="sheets"
)
exports.offer_download(
    "Alle Ergebnisse als XLSX",
    exports.results_workbook(version),
    "bedarfsradar-ergebnisse.xlsx",
    user,
    kind="aggregate",
    key="agg-xlsx",
    rows=rows,
)
name = st.selectbox("Einzelne Tabelle als CSV", list(sheets), key="agg-sheet")
exports.offer_download(
    f"{name} als CSV",
    exports.sheet_csv(version, name),
    f"bedarfsradar-{slug(name)}.csv",
    user,
    kind="aggregate",
    key="agg-csv",
    rows=len(sheets[name]),
)
with st.expander("Für Auswertungen: technische Tabelle"):
    st.write(
        "Alle Kennzahlen untereinander mit Codes und ungerundeten Werten, dazu ein "
        "Datenwörterbuch und die Liste aller Codes mit ihren Bezeichnungen."
    )
    exports.offer_download(
        "Technische Tabelle als XLSX",
        exports.technical_workbook(version),
        "bedarfsradar-technische-tabelle.xlsx",
        user,
        kind="aggregate",
        key="agg-technical",
        rows=rows,
    )

if not user.sees_raw_data:
    st.info("Einzelantworten und Freitexte können nur Integrationsguide und Admin exportieren.")
    st.stop()

st.header("Einzelantworten")
protected = data.protected_audiences()
st.info(
    "Nicht enthalten: die Antworten der Beschäftigten der Verwaltung"
    + (" und der Ehrenamtlichen" if "volunteer" in protected else "")
    + ". Sie werden für keine Rolle einzeln gezeigt (Information für den Personalrat, Seite "
    "Datenschutz); ihre Ergebnisse stehen in den Ergebnistabellen oben."
)
st.warning(
    "Einzelantworten enthalten Freitexte und können Personen erkennbar machen. Nur "
    "für die Auswertung im Team verwenden, nicht weitergeben; jeder Export wird "
    "protokolliert."
)
if st.toggle("Einzelantworten vorbereiten", key="raw"):
    if not st.session_state.get("raw_logged"):
        audit.record(ctx.db, user.municipality_id, user.username, "raw.view", page="Export")
        st.session_state["raw_logged"] = True
    raw = exports.raw_export(version)
    st.write(f"{raw.responses} Antworten, {raw.rows} Zeilen (Langformat).")
    cols = st.columns(2)
    for column, fmt in zip(cols, ("csv", "xlsx"), strict=True):
        with column:
            exports.offer_download(
                f"Einzelantworten als {fmt.upper()}",
                getattr(raw, fmt),
                f"bedarfsradar-antworten.{fmt}",
                user,
                kind="raw",
                key=f"raw-{fmt}",
                rows=raw.rows,
            )

st.header("Codebuch")
book = exports.codebook_table()
exports.offer_download(
    "Codebuch als XLSX",
    exports.codebook_workbook(),
    "bedarfsradar-codebuch.xlsx",
    user,
    kind="codebook",
    key="codebook",
    rows=len(book),
)
st.caption(
    f"{len(book)} Zeilen: jede Frage und jede Antwortmöglichkeit mit ihrem Code und ihrem "
    "Wortlaut – zum Lesen der Einzelantworten."
)
