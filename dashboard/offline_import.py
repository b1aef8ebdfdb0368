"""Kampagnen, part "Interviews (offline) importieren": answers collected with ODK Collect or
KoboCollect, uploaded as the export of ODK Central or KoboToolbox.

The page shows what will be stored, which columns are dropped and why, and every answer or
submission left out (row and column); the guide confirms that list - the same step as
``bedarfsradar submissions import --yes`` - before the responses are stored in one
transaction (:func:`surveys.xlsform.submissions.store_import`), audited. A file that
cannot be used is refused with every problem and changes nothing. Reading a file of 1,000
interviews takes about a second in the script's own thread; the preview is kept in the
session, so reruns (a ticked checkbox) do not read it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from bedarfsradar import audit
from bedarfsradar.context import AppContext
from bedarfsradar.session import SessionUser
from dashboard import data
from dashboard.labels import language_name
from surveys.responses.offline import OFFLINE_MODE
from surveys.responses.storage import CampaignInfo
from surveys.xlsform import KIND_TITLES, Finding
from surveys.xlsform.submissions import (
    CampaignRefused,
    ImportPreview,
    SubmissionsError,
    preview_import,
    store_import,
)

MAX_UPLOAD_MB = 20
_KEY = "offline-preview"


def findings_table(findings: Sequence[Finding]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Art": KIND_TITLES[f.kind], "Datei / Blatt": f.sheet or "Datei", "Zeile": f.row,
             "Spalte": f.column or "", "Hinweis": f.message}
            for f in findings
        ],
        columns=["Art", "Datei / Blatt", "Zeile", "Spalte", "Hinweis"],
    ).astype({"Zeile": "Int64"})  # fmt: skip


def _preview(ctx: AppContext, slug: str, language: str, name: str, raw: bytes) -> ImportPreview:
    """The preview of this upload, read once per file, campaign and language."""
    key = (hashlib.sha256(raw).hexdigest(), slug, language)
    kept = st.session_state.get(_KEY)
    if kept is not None and kept[0] == key:
        return kept[1]  # type: ignore[no-any-return]
    preview = preview_import(ctx.storage, slug, raw, name, language=language)
    st.session_state[_KEY] = (key, preview)
    return preview


def import_section(ctx: AppContext, user: SessionUser, campaigns: list[CampaignInfo]) -> None:
    st.header("Interviews (offline) importieren")
    if done := st.session_state.pop("offline-done", None):
        st.success(done)
    st.write(
        "Interviews mit ODK Collect oder KoboCollect (auf dem Tablet, ohne Internet) kommen "
        "hier in die Kampagne: den Export aus ODK Central (ZIP mit CSV) oder KoboToolbox "
        "(XLSX oder CSV, mit XML-Werten oder Beschriftungen) hochladen. Das Formular muss "
        "der als XLSForm exportierte Fragebogen der Kampagne sein. Gerätekennungen, Namen "
        "der Interviewenden, Telefonnummern, Standorte und Zeitstempel werden nicht "
        "gespeichert, nur der Monat des Interviews. Ein zweiter Import derselben Datei fügt "
        "nichts hinzu; eine bearbeitete Einsendung ersetzt ihre frühere Fassung."
    )
    eligible = [c for c in campaigns if OFFLINE_MODE in c.modes and c.status == "open"]
    if not eligible:
        st.info("Keine offene Kampagne nimmt Interviews (offline) an.")
        return
    titles = {c.slug: c.title for c in eligible}
    slug = st.selectbox(
        "Kampagne", list(titles), format_func=titles.__getitem__, key="offline-campaign"
    )
    campaign = next(c for c in eligible if c.slug == slug)
    languages = ctx.storage.questionnaire_bundle(campaign.questionnaire_version_id).languages()
    language = st.selectbox(
        "Sprache der Interviews (steht nicht in den Daten von ODK und Kobo)",
        languages,
        format_func=language_name,
        key="offline-language",
    )
    upload = st.file_uploader(
        "Exportdatei",
        type=["zip", "csv", "xlsx"],
        key="offline-upload",
        max_upload_size=MAX_UPLOAD_MB,
    )
    if upload is None:
        return
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"Die Datei ist größer als {MAX_UPLOAD_MB} MB.")
        return
    try:
        preview = _preview(ctx, slug, language, upload.name, upload.getvalue())
    except CampaignRefused as exc:
        st.error(str(exc))
        return
    except SubmissionsError as exc:
        st.error(
            "Die Datei wird nicht übernommen, es wurde nichts gespeichert. Bitte diese Punkte "
            "prüfen und die unveränderte Exportdatei erneut hochladen:"
        )
        st.dataframe(findings_table(exc.problems), hide_index=True, key="offline-problems")
        return
    except Exception as exc:  # a broken upload must never break the page
        st.error(
            f"Die Datei kann nicht gelesen werden ({type(exc).__name__}). Nichts wurde gespeichert."
        )
        return
    _show(ctx, user, preview, upload.name)


def _show(ctx: AppContext, user: SessionUser, preview: ImportPreview, filename: str) -> None:
    plan = preview.plan
    st.write(plan.summary())
    st.write(preview.outcome_text())
    if plan.dropped:
        with st.expander(f"Nicht gespeicherte Spalten ({len(plan.dropped)})"):
            dropped = pd.DataFrame(
                [{"Spalte": d.column, "Grund": d.reason} for d in plan.dropped],
                columns=["Spalte", "Grund"],
            )
            st.dataframe(dropped, hide_index=True, key="offline-dropped")
    confirmed = True
    if plan.findings:
        st.warning(
            f"{len(plan.findings)} Punkte werden nicht oder verändert übernommen. Bitte prüfen:"
        )
        st.dataframe(findings_table(plan.findings), hide_index=True, key="offline-findings")
        confirmed = st.checkbox(
            "Ich habe die Liste gelesen: die Interviews werden ohne diese Punkte übernommen.",
            key="offline-confirm",
        )
    counts = preview.counts()
    if not counts["new"] + counts["replace"]:
        st.info("Nichts Neues: alle Interviews dieser Datei sind schon gespeichert.")
        return
    if st.button(
        "Interviews speichern", type="primary", disabled=not confirmed, key="offline-store"
    ):
        try:
            outcome = store_import(ctx.storage, preview)
        except CampaignRefused as exc:
            st.error(str(exc))
            return
        audit.record(ctx.db, ctx.municipality_id, user.username, "submissions.import",
                     campaign=preview.campaign.slug, file=filename, added=outcome.added,
                     replaced=outcome.replaced, unchanged=outcome.unchanged,
                     left_out=len(plan.left_out_rows), findings=len(plan.findings))  # fmt: skip
        st.session_state.pop(_KEY, None)
        data.data_version.clear()
        st.session_state["offline-done"] = (
            f"Gespeichert in »{preview.campaign.title}«: {outcome.added} neue Interviews, "
            f"{outcome.replaced} ersetzt, {outcome.unchanged} schon vorhanden."
        )
        st.rerun()
