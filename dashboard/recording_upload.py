"""Übersetzungen, part "Aufnahmen zum Anhören": the guide uploads recordings of the
questionnaire's texts (a ZIP returned with the translation workbook, or single files)
for the questionnaire versions that campaigns use. Every file is checked first
(:func:`surveys.translations.recording_package.plan_files`); with any problem nothing is stored."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import streamlit as st

from bedarfsradar import audit
from surveys.questionnaire.languages import language
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.translations.audio import EXTENSIONS, MAX_SECONDS, recording_file_name
from surveys.translations.recording_package import (
    RecordingPlan,
    plan_files,
    plan_recordings,
    store_recordings,
)
from surveys.translations.recordings import RecordingStore

MAX_UPLOAD_MB = 200


def target_versions(ctx: Any, qid: str) -> list[int]:
    """The versions the survey shows for this questionnaire: those of campaigns that are
    not closed, and the newest."""
    mid = ctx.municipality_id
    versions = {
        c.questionnaire_version_id
        for c in ctx.storage.campaigns(mid)
        if c.audience == qid and c.status != "closed"
    }
    if (latest := ctx.storage.latest_version(mid, qid)) is not None:
        versions.add(latest)
    return sorted(versions)


def recordings_table(store: RecordingStore, versions: list[int]) -> pd.DataFrame:
    counts: Counter[str] = Counter()
    for version in versions[-1:]:
        for lang, _ in store.index(version):
            counts[lang] += 1
    return pd.DataFrame(
        [
            {"Sprache": f"{language(code).native_name} ({code})", "Aufnahmen": n}
            for code, n in sorted(counts.items())
        ]
    )


def plan_upload(files: list[Any], bundle: QuestionnaireBundle) -> RecordingPlan:
    keys = bundle.questionnaire.source_strings()
    languages = bundle.languages()
    plan = RecordingPlan()
    singles = []
    for upload in files:
        data = upload.getvalue()
        if upload.name.lower().endswith(".zip"):
            part = plan_recordings(data, keys, languages)
            plan.recordings += part.recordings
            plan.problems += part.problems
        else:
            singles.append((upload.name, data))
    if singles:
        part = plan_files(singles, keys, languages)
        plan.recordings += part.recordings
        plan.problems += part.problems
    return plan


def render(ctx: Any, username: str, qid: str, bundle: QuestionnaireBundle) -> None:
    store = RecordingStore(ctx.db)
    versions = target_versions(ctx, qid)
    st.header("Aufnahmen zum Anhören")
    st.write(
        "Für Menschen, die in ihrer Sprache nicht gut lesen: neben jeder Frage, Antwort und "
        "Einleitung mit Aufnahme zeigt die Umfrage einen Knopf zum Anhören. Dateinamen wie "
        f"in der letzten Spalte der Arbeitsmappe, z. B. „{recording_file_name('fa', 'intro')}“ "
        "(einzeln auch „fa__intro.ogg“). Ogg/Opus, MP3, M4A oder WAV, "
        f"höchstens {MAX_SECONDS / 60:.0f} Minuten je Text."
    )
    if not versions:
        st.info("Für diesen Fragebogen gibt es noch keine gespeicherte Version.")
        return
    table = recordings_table(store, versions)
    if table.empty:
        st.write("Noch keine Aufnahmen.")
    else:
        st.dataframe(table, hide_index=True, key="rec-table")
    files = st.file_uploader(
        "Aufnahmen (ZIP-Archiv oder einzelne Dateien)",
        type=["zip", *sorted(EXTENSIONS)],
        accept_multiple_files=True,
        key="rec-upload",
        max_upload_size=MAX_UPLOAD_MB,
    )
    if not files:
        return
    plan = plan_upload(files, bundle)
    if plan.problems:
        st.error(f"{len(plan.problems)} Fehler: Es wurde nichts gespeichert.")
        st.dataframe(pd.DataFrame({"Problem": plan.problems}), hide_index=True, key="rec-problems")
        return
    st.write(f"{len(plan.recordings)} Aufnahmen geprüft.")
    if st.button("Aufnahmen speichern", key="rec-store"):
        stored = store_recordings(
            store,
            plan,
            municipality_id=ctx.municipality_id,
            version_ids=versions,
            known_keys=bundle.questionnaire.source_strings(),
        )
        audit.record(
            ctx.db,
            ctx.municipality_id,
            username,
            "recordings.upload",
            questionnaire=qid,
            recordings=len(plan.recordings),
            versions=versions,
        )
        st.success(f"{len(stored) // len(versions)} Aufnahmen gespeichert.")
