"""Fragebogen importieren (guide/admin): an XLSForm from KoboToolbox, ODK or a colleague
town, read and checked by pyxform (:func:`surveys.xlsform.import_xlsform`).

A file that cannot be used is refused with every problem (sheet, row, column) and changes
nothing. Otherwise the page lists everything the import leaves out or carries differently;
the guide confirms that list — the same confirmation as ``bedarfsradar xlsform import
--yes`` — before the questionnaire is stored as a new version (audited). Uploads are
limited to :data:`MAX_UPLOAD_MB`; a broken file is reported, never raised.
"""

import pandas as pd
import streamlit as st

from bedarfsradar import audit
from dashboard import auth, data
from dashboard.labels import AUDIENCES
from surveys.xlsform import KIND_TITLES, Finding, XLSFormError, import_xlsform

MAX_UPLOAD_MB = 5


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Art": KIND_TITLES[f.kind], "Blatt": f.sheet or "Datei", "Zeile": f.row,
             "Spalte": f.column or "", "Hinweis": f.message}
            for f in findings
        ],
        columns=["Art", "Blatt", "Zeile", "Spalte", "Hinweis"],
    ).astype({"Zeile": "Int64"})  # fmt: skip


user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
st.title("Fragebogen importieren (XLSForm)")
if done := st.session_state.pop("xf-done", None):
    st.success(done)
st.write(
    "Ein Formular aus KoboToolbox oder ODK (XLSForm, .xlsx oder .xls) wird geprüft und als "
    "neue Fragebogen-Version gespeichert. Standortdaten, Fotos, Gerätedaten und "
    "Wiederholungen werden nicht übernommen; die Liste unten nennt jede ausgelassene Zeile."
)
audience = st.selectbox(
    "Zielgruppe",
    [None, *AUDIENCES],
    format_func=lambda a: "wie in der Datei angegeben" if a is None else AUDIENCES[a],
    key="xf-audience",
)
upload = st.file_uploader(
    "XLSForm-Datei", type=["xlsx", "xls"], key="xf-upload", max_upload_size=MAX_UPLOAD_MB
)
if upload is None:
    st.stop()
if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
    st.error(f"Die Datei ist größer als {MAX_UPLOAD_MB} MB.")
    st.stop()
try:
    result = import_xlsform(upload.getvalue(), upload.name, audience=audience)
except XLSFormError as exc:
    st.error(
        "Die Datei wird nicht übernommen, es wurde nichts geändert. Bitte diese Punkte in der "
        "Datei korrigieren und sie erneut hochladen:"
    )
    st.dataframe(findings_table(exc.problems), hide_index=True, key="xf-problems")
    st.stop()
except Exception as exc:  # a broken upload must never break the page
    st.error(f"Die Datei kann nicht gelesen werden ({type(exc).__name__}). Nichts wurde geändert.")
    st.stop()

st.write(result.summary())
confirmed = True
if result.findings:
    st.warning(
        f"{len(result.findings)} Punkte werden nicht oder verändert übernommen. Bitte prüfen:"
    )
    st.dataframe(findings_table(result.findings), hide_index=True, key="xf-findings")
    confirmed = st.checkbox(
        "Ich habe die Liste gelesen: der Fragebogen wird ohne diese Punkte übernommen.",
        key="xf-confirm",
    )
if st.button(
    "Als Fragebogen-Version speichern", type="primary", disabled=not confirmed, key="xf-store"
):
    q = result.bundle.questionnaire
    version = ctx.storage.store_questionnaire_version(mid, result.bundle)
    audit.record(ctx.db, mid, user.username, "xlsform.import", questionnaire=q.id,
                 version=version, file=upload.name, findings=len(result.findings))  # fmt: skip
    st.session_state["xf-done"] = (
        f"Gespeichert: Fragebogen »{q.title}« ({q.id}) als Fragebogen-Version {version}."
    )
    st.rerun()
