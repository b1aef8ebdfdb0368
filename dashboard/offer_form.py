"""The offer form (add and edit) of the page "Angebotskatalog"."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from pydantic import ValidationError

from dashboard.labels import COSTS, PLACES, TIMES, language_name
from surveys.offers import OfferIn

FIELDS = {
    "key": "Schlüssel",
    "name": "Name",
    "provider": "Träger",
    "areas": "Bedarfsfelder",
    "stadtteil": "Ort",
    "languages": "Sprachen",
    "times": "Zeiten",
    "cost": "Kosten",
    "contact": "Kontakt",
    "since": "Seit (JJJJ-MM)",
}
LANGUAGES = ["de", "de-x-ls", "en", "ar", "fa", "uk", "ru", "tr", "ti", "so", "ku", "ps"]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    return str(value)


def offer_form(
    key: str,
    areas: Mapping[str, str],
    places: Mapping[str, str],
    current: Mapping[str, object] | None = None,
) -> OfferIn | None:
    """The form; the validated offer when submitted and valid, else None (errors shown)."""
    cur = dict(current or {})
    with st.form(key, clear_on_submit=current is None):
        offer_key = st.text_input(
            "Schlüssel (a–z, 0–9, -)", value=_text(cur.get("key")), disabled=current is not None
        )
        name = st.text_input("Name", value=_text(cur.get("name")))
        provider = st.text_input("Träger", value=_text(cur.get("provider")))
        chosen_areas = st.multiselect(
            "Bedarfsfelder",
            list(areas),
            format_func=areas.get,
            default=list(cur.get("areas") or []),
            placeholder="Bedarfsfelder wählen",
        )
        place_names = {**places, **PLACES}
        place_codes = list(place_names)
        stadtteil = st.selectbox(
            "Ort",
            place_codes,
            format_func=place_names.get,
            index=place_codes.index(cur.get("stadtteil") or "all"),
        )
        langs = st.multiselect(
            "Sprachen",
            sorted({*LANGUAGES, *(cur.get("languages") or [])}, key=language_name),
            default=list(cur.get("languages") or ["de"]),
            format_func=language_name,
            placeholder="Sprachen wählen",
        )
        times = st.multiselect(
            "Zeiten",
            list(TIMES),
            format_func=TIMES.get,
            default=list(cur.get("times") or []),
            placeholder="Zeiten wählen",
        )
        cost = st.selectbox(
            "Kosten",
            list(COSTS),
            format_func=COSTS.get,
            index=list(COSTS).index(cur.get("cost") or "free"),
        )
        childcare = st.checkbox("Kinderbetreuung", value=bool(cur.get("childcare")))
        accessible = st.checkbox("Barrierefrei", value=bool(cur.get("accessible")))
        contact = st.text_input("Kontakt", value=_text(cur.get("contact")))
        since = st.text_input("Seit (JJJJ-MM)", value=_text(cur.get("since")))
        if not st.form_submit_button("Speichern"):
            return None
    try:
        return OfferIn(
            key=str(cur.get("key") or offer_key).strip(),
            name=name.strip(),
            provider=provider.strip() or None,
            areas=chosen_areas,
            stadtteil=stadtteil,
            languages=langs,
            times=times,
            cost=cost,
            childcare=childcare,
            accessible=accessible,
            contact=contact.strip() or None,
            since=since.strip() or None,
            active=bool(cur.get("active", True)),
        )
    except ValidationError as exc:
        names = [str(e["loc"][0]) if e["loc"] else "" for e in exc.errors()]
        fields = ", ".join(dict.fromkeys(FIELDS.get(n, n) or "Angaben" for n in names))
        st.error(f"Bitte prüfen: {fields}")
        return None
