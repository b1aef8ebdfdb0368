"""Übersetzungen (guide/admin): coverage per language and questionnaire, the languages the
public survey hides and why, the translation workbook for interpreters, and the import of
a returned workbook — validated first (problems by sheet, row and key, nothing written),
then a diff, then on confirmation written and published through the same function as
``bedarfsradar translations import --yes`` (:func:`bedarfsradar.cli_translations.write_import`),
which may move open campaigns onto the new questionnaire version. Imported questionnaires
(XLSForm) are listed like the built-in ones; their translations live in the database and
an import stores a new version of them (:mod:`bedarfsradar.stored_translations`).

Uploads are limited to :data:`MAX_UPLOAD_MB`; the workbook reader refuses archive bombs
and formulas, and any file that cannot be read is reported, never raised."""

import tempfile
from pathlib import Path

import streamlit as st

from bedarfsradar import audit
from bedarfsradar.cli_translations import (
    plan_workbook,
    questionnaire_bundle,
    result_texts_for,
    write_import,
)
from bedarfsradar.stored_translations import plan_stored, write_stored
from dashboard import auth, data, questionnaires, recording_upload
from dashboard.exports import XLSX_MIME
from dashboard.translation_views import (
    coverage_table,
    diff_table,
    problems_table,
    summary_table,
    workbook_bytes,
)
from surveys.campaign_setup import BUILT_IN
from surveys.questionnaire.languages import PREFERRED_ORDER, SOURCE_LANGUAGE, is_known
from surveys.translations.checks import TranslationImportError
from surveys.translations.result_texts import hidden_result_languages, result_languages
from surveys.translations.status import coverage, hidden_languages, load_ui_string_sets

MAX_UPLOAD_MB = 5

user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
st.title("Übersetzungen")
if done := st.session_state.pop("tr-done", None):
    st.success(done)
listed = questionnaires.questionnaire_ids()
titles = {q: title for q, (title, _) in listed.items()}
qid = st.selectbox("Fragebogen", list(listed), format_func=titles.__getitem__, key="tr-q")
stored = None if qid in BUILT_IN else listed[qid][1]  # imported: only in the database
bundle = questionnaire_bundle(ctx, qid) if stored is None else questionnaires.bundle(stored)
ui_sets = load_ui_string_sets(ctx.settings.data_dir / "ui")
ui_source = ctx.ui_text.strings[SOURCE_LANGUAGE]
results = result_texts_for(ctx, qid)

st.header("Stand der Übersetzungen")
st.dataframe(
    coverage_table(coverage(bundle, ctx.ui_text, ui_sets)), hide_index=True, key="tr-coverage"
)
st.caption("Veraltet: der deutsche Text wurde nach der Übersetzung geändert.")
if hidden := hidden_languages(bundle, ctx.ui_text):
    st.subheader("Nicht in der Umfrage angeboten")
    st.write("Eine Sprache erscheint erst, wenn alle Texte übersetzt sind.")
    for code, reason in hidden.items():
        st.markdown(f"- **{code}**: {reason}")
else:
    st.write("Alle Sprachen mit Übersetzung werden in der Umfrage angeboten.")
if results is not None:
    st.subheader("Öffentliche Ergebnisseite")
    st.write(
        "Die Ergebnisseite bietet eine Sprache erst an, wenn ihre Texte (Zeilen „results.“ "
        "der Arbeitsmappe) und die Namen der Bereiche und Stadtteile **geprüft** sind. "
        "Angeboten: " + ", ".join(result_languages(results, bundle)) + "."
    )
    if results_hidden := hidden_result_languages(results, bundle):
        st.dataframe(
            [{"Sprache": c, "noch nicht angeboten, weil": r} for c, r in results_hidden.items()],
            hide_index=True,
            key="tr-results-hidden",
        )

st.header("Arbeitsmappe für Übersetzerinnen und Übersetzer")
known = [c for c in PREFERRED_ORDER if c != SOURCE_LANGUAGE]
chosen = st.multiselect(
    "Sprachen",
    sorted(set(known) | set(bundle.translations)),
    default=sorted(bundle.translations),
    key="tr-langs",
)
extra = st.text_input("Neue Sprache (Sprachcodes, z. B. ti, ps, kmr, so)", key="tr-new")
codes = chosen + [c.strip() for c in extra.split(",") if c.strip() and c.strip() not in chosen]
if unknown := [c for c in codes if not is_known(c)]:
    st.error(f"Unbekannte Sprachcodes: {', '.join(unknown)}")
elif codes:
    st.download_button(
        "Arbeitsmappe (XLSX) herunterladen",
        workbook_bytes(bundle, ui_source, ui_sets, codes, results),
        file_name=f"uebersetzung-{qid}-{'-'.join(codes)}.xlsx",
        mime=XLSX_MIME,
        key="tr-export",
        on_click=audit.record,
        args=(ctx.db, mid, user.username, "translations.export"),
        kwargs={"questionnaire": qid, "languages": codes},
    )

recording_upload.render(ctx, user.username, qid, bundle)

st.header("Zurückgegebene Arbeitsmappe einlesen")
upload = st.file_uploader(
    "Arbeitsmappe (XLSX)", type=["xlsx"], key="tr-upload", max_upload_size=MAX_UPLOAD_MB
)
if upload is None:
    st.stop()
if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
    st.error(f"Die Datei ist größer als {MAX_UPLOAD_MB} MB.")
    st.stop()
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "returned.xlsx"
    path.write_bytes(upload.getvalue())
    try:
        if stored is None:
            bundle, plan = plan_workbook(ctx, path, qid)
        else:
            bundle, plan = plan_stored(ctx, path, stored)
    except TranslationImportError as exc:
        st.error("Die Arbeitsmappe kann nicht gelesen werden. Es wurde nichts geändert.")
        st.dataframe(problems_table(exc.problems), hide_index=True, key="tr-problems")
        st.stop()
    except Exception as exc:  # a broken upload must never break the page
        st.error(
            f"Die Datei kann nicht gelesen werden ({type(exc).__name__}). Es wurde nichts geändert."
        )
        st.stop()
if plan.problems:
    st.dataframe(problems_table(plan.problems), hide_index=True, key="tr-problems")
if not plan.ok:
    st.error(
        f"{len(plan.errors)} Fehler: Es wurde nichts geändert. Bitte in der Arbeitsmappe "
        "korrigieren und erneut hochladen."
    )
    st.stop()
st.dataframe(summary_table(plan), hide_index=True, key="tr-summary")
if not plan.has_changes:
    st.info("Keine Änderungen gegenüber den gespeicherten Übersetzungen.")
    st.stop()
st.dataframe(
    diff_table(plan, bundle, ui_sets, results.sets if results else None),
    hide_index=True,
    key="tr-diff",
)
versions_of_q = {v.id for v in ctx.storage.questionnaire_versions(mid) if v.questionnaire_id == qid}
open_campaigns = [
    c.slug
    for c in ctx.storage.campaigns(mid)
    if c.status != "closed" and c.questionnaire_version_id in versions_of_q
]
st.write(
    "Beim Übernehmen entsteht eine neue Fragebogen-Version. Nicht geschlossene Kampagnen "
    f"dieses Fragebogens ({', '.join(open_campaigns) or 'keine'}) werden auf sie umgestellt, "
    "wenn ihre Fragen gleich sind; bisherige Antworten behalten ihre Version."
)
if st.button("Übernehmen und veröffentlichen", type="primary", key="tr-apply"):
    if stored is None:
        result = write_import(ctx, bundle, plan)
    else:
        result = write_stored(ctx, stored, bundle, plan)
    audit.record(
        ctx.db,
        mid,
        user.username,
        "translations.import",
        questionnaire=qid,
        languages=list(plan.languages),
        version=result.version,
        moved=result.moved,
    )
    moved = ", ".join(result.moved) or "keine"
    ui_note = any(lp.touches_ui() or lp.touches_results() for lp in plan.languages.values())
    st.session_state["tr-done"] = (
        f"Übernommen: {len(result.written)} Dateien, Fragebogen-Version {result.version}; "
        f"umgestellte Kampagnen: {moved}."
        + (
            " Neue Texte der Bedienoberfläche zeigt die Umfrage nach einem Neustart des Servers."
            if ui_note
            else ""
        )
    )
    st.rerun()
