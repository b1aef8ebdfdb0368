"""The stored questionnaire versions as pages need them, cached at the data boundary.

A stored version is immutable, so its content is read once per process (:func:`bundle`).
:func:`product` is what the product gives an imported form in every language (fixed
texts and the town's privacy notice, :mod:`surveys.xlsform._product`), re-read at most
once a minute (a translation import may change it). :func:`choices` lists every version
with its languages for the campaign form (:mod:`surveys.campaign_setup`);
:func:`questionnaire_ids` the built-in and the imported questionnaires for Übersetzungen.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from surveys.campaign_setup import BUILT_IN, QuestionnaireChoice, questionnaire_choices
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.xlsform import ProductTexts, product_texts


def bundle(version_id: int) -> QuestionnaireBundle:
    """A stored version's content, read once per content (the key includes its hash: a
    restored backup may hold another content under the same number)."""
    ctx = data.context()
    hashes = {v.id: v.content_hash for v in ctx.storage.questionnaire_versions(ctx.municipality_id)}
    return _bundle(version_id, hashes.get(version_id, ""))


@st.cache_resource(max_entries=64, show_spinner=False)
def _bundle(version_id: int, content_hash: str) -> QuestionnaireBundle:
    return data.context().storage.questionnaire_bundle(version_id)


@st.cache_resource(ttl=60, show_spinner=False)
def product() -> ProductTexts:
    ctx = data.context()
    return product_texts(ctx.ui_text.strings, ctx.bundles())


def choices() -> list[QuestionnaireChoice]:
    ctx = data.context()
    hashes = {v.id: v.content_hash for v in ctx.storage.questionnaire_versions(ctx.municipality_id)}
    return questionnaire_choices(
        ctx.storage, ctx.municipality_id, ctx.ui_text, lambda v: _bundle(v, hashes.get(v, ""))
    )


def questionnaire_ids() -> dict[str, tuple[str, int | None]]:
    """Questionnaire id -> (title for a list, newest stored version): the built-in ones
    first (their texts live in ``data/``), then every imported one (only in the database)."""
    ctx = data.context()
    newest: dict[str, tuple[str, int]] = {}
    for v in ctx.storage.questionnaire_versions(ctx.municipality_id):
        newest.setdefault(v.questionnaire_id, (v.title, v.id))
    out: dict[str, tuple[str, int | None]] = {}
    for qid in BUILT_IN:
        title, version = newest.get(qid, (qid, None))
        out[qid] = (title, version)
    for qid, (title, version) in newest.items():
        if qid not in BUILT_IN:
            out[qid] = (f"{title} (importiert)", version)
    return out
