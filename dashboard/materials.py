"""Campaign materials for the Kampagnen page: the survey link as QR code (PNG, SVG) and the
A4 poster (PDF) from :mod:`publicity.poster`, for the public address. Cached per
(campaign, address, offered languages).

The public address is what respondents' phones open. The admin sets it on the Kampagnen
page; it is stored per town in the ``setting`` table (key :data:`PUBLIC_URL_KEY`) and
overrides ``BEDARFSRADAR_PUBLIC_BASE_URL``. While it points to this computer
(:func:`is_local`: localhost, 127.0.0.1, …) no QR code or poster is made: they would lead
nowhere.
"""

from __future__ import annotations

import io
import ipaddress
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy import select

from bedarfsradar.db.schema import Setting
from dashboard import data
from publicity.poster import campaign_url, qr_code, write_poster
from surveys.translations.status import offered_languages

PUBLIC_URL_KEY = "public_base_url"
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class AddressError(ValueError):
    """A public address that is not a usable http(s) address (German message)."""


def is_local(url: str) -> bool:
    """True for an address only this computer (or its own network) can open."""
    host = (urlsplit(url).hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost") or host.endswith(".local"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host == ""
    return ip.is_loopback or ip.is_private or ip.is_unspecified or ip.is_link_local


def check_address(url: str) -> str:
    """``url`` without a trailing slash, or :class:`AddressError` saying what is wrong."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressError(
            "Bitte eine vollständige Adresse mit https:// angeben, "
            "z. B. https://umfrage.oestrich-winkel.de"
        )
    if parts.query or parts.fragment or " " in url:
        raise AddressError("Die Adresse darf kein „?“, „#“ und keine Leerzeichen enthalten.")
    return url


def public_base_url() -> str:
    """The stored public address, else the ``BEDARFSRADAR_PUBLIC_BASE_URL`` setting."""
    ctx = data.context()
    with ctx.db.read() as s:
        value = s.scalar(
            select(Setting.value).where(
                Setting.municipality_id == ctx.municipality_id, Setting.key == PUBLIC_URL_KEY
            )
        )
    if value and value.get("url"):
        return str(value["url"])
    return ctx.settings.public_base_url.rstrip("/")


def set_public_base_url(url: str) -> str:
    """Store the public address (checked by :func:`check_address`); returns it."""
    url = check_address(url)
    ctx = data.context()
    with ctx.db.write() as s:
        found = s.scalar(
            select(Setting).where(
                Setting.municipality_id == ctx.municipality_id, Setting.key == PUBLIC_URL_KEY
            )
        )
        if found is None:
            s.add(
                Setting(municipality_id=ctx.municipality_id, key=PUBLIC_URL_KEY, value={"url": url})
            )
        else:
            found.value = {"url": url}
    return url


def survey_url(slug: str, base: str | None = None) -> str:
    """The campaign's public address (with the town where there are several)."""
    from bedarfsradar.tenancy import survey_slug

    return campaign_url(base or public_base_url(), survey_slug(data.context(), slug))


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
    """The A4 poster of a campaign; raises :class:`publicity.poster.MaterialsError`."""
    title, languages = _offer(version_id)
    return _poster(survey_url(slug), title, tuple(languages))
