"""Fragebogen importieren (guide/admin): an XLSForm from KoboToolbox, ODK or a colleague
town (:func:`surveys.xlsform.import_xlsform`, with the product's texts in every language
of the form: :func:`dashboard.questionnaires.product`).

A file that cannot be used is refused with every problem (sheet, row, the form's own
question label) and changes nothing. Otherwise the page shows the languages respondents
will get (and, for each other one, the missing texts) and lists everything the import
leaves out or carries differently, in full; the guide confirms that list — the same
confirmation as ``bedarfsradar xlsform import --yes`` — before the questionnaire is stored
as a new version (audited). After saving, the confirmation stands at the top and the
form is empty again; a file whose questionnaire is stored already (same content hash) is
not stored twice. Uploads are limited to :data:`MAX_UPLOAD_MB`; a broken file is
reported, never raised.
"""

import streamlit as st

from bedarfsradar import audit
from dashboard import auth, data, questionnaires
from dashboard.import_views import findings_table, languages_table, missing_table
from dashboard.labels import AUDIENCES
from surveys.translations.languages_report import language_states
from surveys.xlsform import XLSFormError, import_xlsform

MAX_UPLOAD_MB = 5

user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
st.title("Fragebogen importieren (XLSForm)")
if done := st.session_state.pop("xf-done", None):
    st.success(done)
    st.toast(done.split(":")[0])
# A new round of widgets after each save: the form starts empty, nothing stays ticked.
round_ = st.session_state.setdefault("xf-round", 0)
st.write(
    "Ein Formular aus KoboToolbox oder ODK (XLSForm, .xlsx oder .xls) wird geprüft und als "
    "neue Fragebogen-Version gespeichert. Standortdaten, Fotos, Gerätedaten und "
    "Wiederholungen werden nicht übernommen; die Liste unten nennt jede ausgelassene Zeile. "
    "Danach legen Sie auf der Seite Kampagnen eine Welle mit dem Fragebogen an."
)
audience = st.selectbox(
    "Zielgruppe",
    [None, *AUDIENCES],
    format_func=lambda a: "wie in der Datei angegeben" if a is None else AUDIENCES[a],
    key=f"xf-audience-{round_}",
)
upload = st.file_uploader(
    "XLSForm-Datei",
    type=["xlsx", "xls"],
    key=f"xf-upload-{round_}",
    max_upload_size=MAX_UPLOAD_MB,
)
if upload is None:
    st.stop()
if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
    st.error(f"Die Datei ist größer als {MAX_UPLOAD_MB} MB.")
    st.stop()
try:
    result = import_xlsform(
        upload.getvalue(), upload.name, audience=audience, product=questionnaires.product()
    )
except XLSFormError as exc:
    st.error(
        "Die Datei wird nicht übernommen, es wurde nichts geändert. Bitte diese Punkte in der "
        "Datei korrigieren und sie erneut hochladen:"
    )
    st.table(findings_table(exc.problems), hide_index=True)
    st.stop()
except Exception as exc:  # a broken upload must never break the page
    st.error(f"Die Datei kann nicht gelesen werden ({type(exc).__name__}). Nichts wurde geändert.")
    st.stop()

st.write(result.summary())
q = result.bundle.questionnaire
stored = ctx.storage.version_by_hash(mid, result.bundle.content_hash())
if stored is not None:
    st.info(
        f"Dieser Fragebogen ist schon gespeichert: Fragebogen-Version {stored}. Er wird nicht "
        "noch einmal gespeichert; eine Welle mit ihm legen Sie auf der Seite Kampagnen an."
    )
    st.stop()

st.subheader("Sprachen in der Umfrage")
states = language_states(result.bundle, ctx.ui_text)
st.table(languages_table(states), hide_index=True)
for state in states:
    if state.missing:
        with st.expander(f"{state.name}: welche Texte fehlen"):
            st.table(missing_table(state, result), hide_index=True)

confirmed = True
if result.findings:
    n = len(result.findings)
    st.subheader("Was nicht oder verändert übernommen wird")
    st.warning(
        f"{n} {'Punkt wird' if n == 1 else 'Punkte werden'} nicht oder verändert übernommen. "
        "Bitte prüfen:"
    )
    st.table(findings_table(result.findings, result.labels), hide_index=True)
    confirmed = st.checkbox(
        "Ich habe die Liste gelesen: der Fragebogen wird ohne diese Punkte übernommen.",
        key=f"xf-confirm-{round_}",
    )
if st.button(
    "Als Fragebogen-Version speichern",
    type="primary",
    disabled=not confirmed,
    key=f"xf-store-{round_}",
):
    if ctx.storage.version_by_hash(mid, result.bundle.content_hash()) is not None:
        st.error("Dieser Fragebogen wurde inzwischen schon gespeichert. Nichts wurde geändert.")
        st.stop()
    version = ctx.storage.store_questionnaire_version(mid, result.bundle)
    audit.record(ctx.db, mid, user.username, "xlsform.import", questionnaire=q.id,
                 version=version, file=upload.name, findings=len(result.findings))  # fmt: skip
    offered = ", ".join(s.name for s in states if s.offered) or "keine"
    st.session_state["xf-done"] = (
        f"Gespeichert: Fragebogen »{q.title}« ({q.id}) als Fragebogen-Version {version}. "
        f"Sprachen in der Umfrage: {offered}. Nächster Schritt: auf der Seite Kampagnen "
        "unter „Neue Welle anlegen“ diesen Fragebogen wählen."
    )
    st.session_state["xf-round"] = round_ + 1
    st.rerun()
