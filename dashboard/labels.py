"""German labels for every code the dashboard shows, so no page prints a raw id.

Option texts come from the questionnaires (the one source of wording); the rest (need
areas, Stadtteile) from the taxonomy and geography files; the few codes that live only in
code (audiences, offer costs and times, indicators, methods) are named here. Language
codes are named in German with Babel ("ar" -> "Arabisch").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import streamlit as st
from babel import Locale

from dashboard import data

AUDIENCES = {
    "newcomer": "Zugewanderte",
    "volunteer": "Ehrenamtliche",
    "administration": "Verwaltung",
}
ATTRIBUTES = {
    "wave": "Welle",
    "language": "Sprache",
    "stadtteil": "Stadtteil",
    "german_level": "Deutschkenntnisse",
    "years_de": "Jahre in Deutschland",
    "children": "Kinder im Haushalt",
}
GROUP_VARS = {
    **ATTRIBUTES,
    "all": "alle",
    "audience": "Zielgruppe",
    "origin_region": "Herkunftsregion",
    "age_band": "Altersgruppe",
    "gender": "Geschlecht",
}
TIMES = {
    "morning": "vormittags",
    "afternoon": "nachmittags",
    "evening": "abends",
    "weekend": "am Wochenende",
}
COSTS = {"free": "kostenlos", "low": "geringe Kosten", "fee": "kostenpflichtig"}
MODES = {
    "online": "online",
    "assisted": "begleitet",
    "paper": "Papier",
    "offline": "Interview (offline)",
}
PLACES = {"all": "ganze Stadt", "online": "online"}
"""Offer locations that are not a Stadtteil."""
YES_NO = {True: "ja", False: "nein"}
STATUS = {"draft": "Entwurf", "open": "offen", "closed": "geschlossen"}
REVIEW_FLAGS = {
    "honeypot": "unsichtbares Feld ausgefüllt (vermutlich ein Programm)",
    "too_fast": "in sehr kurzer Zeit abgeschickt",
}
"""Why a response is marked for the guide's review (stored and counted, never dropped)."""
INDICATORS = {
    "need_prevalence": "Bedarf (Stufe 3–5)",
    "need_severe": "Großer Bedarf (Stufe 4–5)",
    "top3_share": "Unter den drei dringendsten",
    "need_dk_share": "Anteil „weiß nicht“",
    "need_belief_volunteer_prevalence": "Ehrenamtliche: Bedarf (Stufe 3–5) gesehen",
    "need_belief_volunteer_severe": "Ehrenamtliche: großer Bedarf (Stufe 4–5) gesehen",
    "need_belief_volunteer_dk_share": "Ehrenamtliche: Anteil „weiß nicht“",
    "need_belief_administration_prevalence": "Verwaltung: Bedarf (Stufe 3–5) gesehen",
    "need_belief_administration_severe": "Verwaltung: großer Bedarf (Stufe 4–5) gesehen",
    "need_belief_administration_dk_share": "Verwaltung: Anteil „weiß nicht“",
    "perception_gap": "Einschätzung minus eigene Angabe",
    "supply_gap": "Bedarf (Stufe 3–5) im Stadtteil",
    "barrier_share": "Nennt diese Hürde",
    "ip_importance": "Wichtigkeit (1–5)",
    "ip_performance": "Zufriedenheit (1–5)",
    "vol_need_share": "Wünscht sich diese Unterstützung",
    "vol_continue_12m": "Wollen 12 Monate weitermachen (4–5 von 5)",
    "vol_continue_12m_dk_share": "Weiterhin aktiv: „weiß nicht“",
    "vol_hours_month": "Stunden pro Monat (Median)",
}
_INTERVALS = {
    "wilson": "Wilson-Intervall",
    "wilson-kish": "Wilson-Intervall mit gewichteter effektiver Fallzahl (Kish)",
    "newcombe": "Newcombe-Intervall (Differenz zweier Anteile)",
    "bootstrap-percentile-mean": "Bootstrap-Intervall des Mittelwerts",
    "bootstrap-percentile-median": "Bootstrap-Intervall des Medians",
}
_SUFFIXES = {
    "": "",
    "+fpc": " mit Endlichkeitskorrektur",
    "+ckm": ", verbreitert um das Schutzrauschen",
    "+fpc+ckm": " mit Endlichkeitskorrektur, verbreitert um das Schutzrauschen",
}
METHODS = {
    code + suffix: name + text
    for code, name in _INTERVALS.items()
    for suffix, text in _SUFFIXES.items()
}
"""Interval methods with their suffixes: "+fpc" finite-population correction, "+ckm" the
published count carries the noise of the protection layer (:mod:`analysis.disclosure`)
and the interval is widened by it."""
_LANGUAGE_OVERRIDES = {"de-x-ls": "Leichte Sprache", "ls": "Leichte Sprache", "fa": "Farsi/Dari"}


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """The German name of a language code ("ar" -> "Arabisch"); unknown codes unchanged."""
    if code in _LANGUAGE_OVERRIDES:
        return _LANGUAGE_OVERRIDES[code]
    name = Locale("de").languages.get(code.split("-")[0].lower())
    return name or code


def wave_label(wave: object) -> str:
    return f"Welle {wave}"


def targets_text(targets: Mapping[str, object]) -> str:
    """A campaign's targets in words: "Ziel: 600 Antworten · Gruppengröße: 30"."""
    parts = []
    if targets.get("total"):
        parts.append(f"Ziel: {int(targets['total']):,} Antworten".replace(",", "."))  # type: ignore[call-overload]
    if targets.get("population"):
        parts.append(f"bekannte Gruppengröße: {int(targets['population']):,}".replace(",", "."))  # type: ignore[call-overload]
    return " · ".join(parts) or "keine Zielzahl"


@dataclass(frozen=True)
class Labels:
    areas: dict[str, str]
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    """question id -> {code: label} (choices and matrix rows of all questionnaires)."""
    stadtteile: dict[str, str] = field(default_factory=dict)

    def of(self, question_id: str) -> dict[str, str]:
        return self.options.get(question_id, {})

    def language(self, code: str) -> str:
        return language_name(str(code))

    @property
    def places(self) -> dict[str, str]:
        """Offer locations: the Stadtteile, "ganze Stadt" and "online"."""
        return {**self.stadtteile, **PLACES}

    def groups(self, attribute: str | None) -> Mapping[str, str]:
        """Labels of the groups of a breakdown (respondent attribute)."""
        if attribute == "wave":
            return _Named(wave_label)
        if attribute == "language":
            return _Named(language_name)
        if attribute == "audience":
            return dict(AUDIENCES)
        if attribute == "stadtteil":
            return {**self.stadtteile, **self.of("stadtteil")}
        if attribute in (None, "all"):
            return {}
        return self.of(attribute)


class _Named(dict):  # type: ignore[type-arg]
    """A mapping that names any key with a function (waves, languages)."""

    def __init__(self, name):  # type: ignore[no-untyped-def]
        super().__init__()
        self._name = name

    def get(self, key, default=None):  # type: ignore[no-untyped-def,override]
        return self._name(str(key))

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        return self._name(str(key))

    def __contains__(self, key: object) -> bool:
        return True


@data.per_town
@st.cache_resource
def labels(town: int) -> Labels:
    """The current town's labels (its Stadtteile; the core's questions)."""
    ctx = data.context()
    options: dict[str, dict[str, str]] = {}
    for bundle in ctx.bundles().values():
        q = bundle.questionnaire
        for _, question in q.questions():
            found = {o.code: o.label for o in q.options_of(question)}
            if question.type == "matrix":
                found = {o.code: o.label for o in q.rows_of(question)}
            options.setdefault(question.id, {}).update(found)
    return Labels(
        areas={a.code: a.label for a in ctx.taxonomy},
        options=options,
        stadtteile=dict(ctx.geography.stadtteile),
    )
