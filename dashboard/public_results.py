"""The public results page on the Bericht page: the guide turns it on per release, after
a preview of exactly what will be public (the page the public route serves, rendered by
the same :class:`bedarfsradar.results_site.ResultsSite`), and off again at once. Beside it:
the link card for the town's website and the poster "Ergebnisse" with its QR code.

Turning the page on or off is audit-logged (:func:`bedarfsradar.releases.set_public`).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from bedarfsradar import releases
from bedarfsradar.results_site import ResultsSite
from bedarfsradar.session import SessionUser
from dashboard import data, materials
from dashboard import releases as released
from publicity.poster import MaterialsError, results_url, write_results_poster
from publicity.results_page.render import link_card
from surveys.questionnaire.languages import language

PREVIEW_HEIGHT = 900


@st.cache_resource(show_spinner=False)
def site() -> ResultsSite:
    """The results pages as the public sees them (one per dashboard process)."""
    return ResultsSite(data.context())


@st.cache_data(max_entries=4, show_spinner=False)
def _poster(url: str, languages: tuple[str, ...]) -> bytes:
    _, texts = site().texts()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plakat-ergebnisse.pdf"
        return write_results_poster(path, url, texts.results.text, languages).read_bytes()


def section(user: SessionUser) -> None:
    """The section "Öffentliche Ergebnisseite" of the Bericht page."""
    ctx = data.context()
    st.header("Öffentliche Ergebnisseite")
    st.write(
        "Für alle, die geantwortet haben, und alle Interessierten: eine Seite ohne Anmeldung "
        "unter **/ergebnisse/**, nur mit den Zahlen der Freigabe, in jeder Sprache, deren "
        "Ergebnistexte geprüft sind (Seite „Übersetzungen“). Beschlossene Maßnahmen kommen "
        "von der Seite „Maßnahmen“."
    )
    available = released.release_list()
    if not available:
        st.info("Noch keine Freigabe: Die Ergebnisseite entsteht aus einer Freigabe.")
        return
    by_id = {r.id: r for r in available}
    chosen = st.selectbox(
        "Freigabe für die Ergebnisseite",
        list(by_id),
        format_func=lambda i: by_id[i].label,
        key="public-release",
    )
    info = by_id[chosen]
    base = materials.public_base_url()
    address = f"{results_url(base)}welle-{info.wave}/"
    public = info.public_since is not None
    if public:
        st.success(f"Öffentlich seit {info.public_since:%d.%m.%Y}: {address}")
    else:
        st.info("Diese Freigabe hat keine öffentliche Seite.")
    _, texts = site().texts()
    lang = st.selectbox(
        "Sprache der Vorschau",
        list(texts.languages),
        format_func=lambda c: language(c).native_name,
        key="public-lang",
    )
    st.caption(
        "Vorschau – genau so erscheint die Seite"
        + ("" if public else " nach dem Einschalten (mit dem heutigen Datum)")
        + ". Angeboten in: "
        + ", ".join(language(c).native_name for c in texts.languages)
        + "."
    )
    html = site().release_html(info, lang, published_on=None if public else date.today())
    st.iframe(html, height=PREVIEW_HEIGHT)
    wanted = st.toggle("Ergebnisseite öffentlich", value=public, key=f"public-on-{info.id}")
    if wanted != public:
        releases.set_public(ctx, info.id, wanted, user.username)
        released.release_list.clear()
        st.rerun()
    if not public:
        return
    st.subheader("Für die Internetseite der Stadt")
    st.write("Diesen Link-Block in die Internetseite der Stadt kopieren:")
    st.code(link_card(address, site().page(info), site().town(), texts), language="html")
    if materials.is_local(base):
        st.caption(
            "Plakat „Ergebnisse“: erst mit der öffentlichen Adresse (Seite „Kampagnen“), "
            "sonst führt der QR-Code ins Leere."
        )
        return
    try:
        poster = _poster(results_url(base), texts.languages)
    except MaterialsError as exc:
        st.error(f"Das Plakat kann nicht erstellt werden: {exc}")
        return
    st.download_button(
        "Plakat „Ergebnisse“ mit QR-Code (PDF)",
        poster,
        file_name="plakat-ergebnisse.pdf",
        mime="application/pdf",
        key="public-poster",
    )
