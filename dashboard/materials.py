"""Campaign materials for the Kampagnen page: the survey link as QR code (PNG, SVG) and the
A4 poster (PDF) from :mod:`surveys.materials`, for the public address in the setting
``BEDARFSRADAR_PUBLIC_BASE_URL``. Cached per (campaign, address, offered languages)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import streamlit as st

from dashboard import data
from surveys.materials import campaign_url, qr_code, write_poster
from surveys.translation_status import offered_languages


def survey_url(slug: str) -> str:
    return campaign_url(data.context().settings.public_base_url, slug)


@st.cache_data(max_entries=32, show_spinner=False)
def qr_image(url: str, kind: str) -> bytes:
    """The QR code of ``url`` as ``png`` or ``svg`` (quiet zone of 4 modules)."""
    out = io.BytesIO()
    qr_code(url).save(out, kind=kind, scale=10 if kind == "png" else 8, border=4)
    return out.getvalue()


def _offer(version_id: int) -> tuple[str, list[str]]:
    ctx = data.context()
    bundle = ctx.storage.questionnaire_bundle(version_id)
    return bundle.questionnaire.title, offered_languages(bundle, ctx.ui_text)


@st.cache_data(max_entries=8, show_spinner=False)
def _poster(url: str, title: str, languages: tuple[str, ...]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_poster(
            Path(tmp) / "plakat.pdf", url, data.context().ui_text, languages, title=title
        )
        return path.read_bytes()


def poster_pdf(slug: str, version_id: int) -> bytes:
    """The A4 poster of a campaign; raises :class:`surveys.materials.MaterialsError`."""
    title, languages = _offer(version_id)
    return _poster(survey_url(slug), title, tuple(languages))
