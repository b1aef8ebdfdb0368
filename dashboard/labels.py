"""German labels for the codes in results tables, taken from the questionnaires (the one
source of wording), so pages never hard-code option texts."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from dashboard import data
from surveys.languages import language

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
TIMES = {
    "morning": "vormittags",
    "afternoon": "nachmittags",
    "evening": "abends",
    "weekend": "am Wochenende",
}
COSTS = {"free": "kostenlos", "low": "geringe Kosten", "fee": "kostenpflichtig"}
MODES = {"online": "online", "assisted": "begleitet", "paper": "Papier"}


@dataclass(frozen=True)
class Labels:
    areas: dict[str, str]
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    """question id -> {code: label} (choices and matrix rows of all questionnaires)."""
    stadtteile: dict[str, str] = field(default_factory=dict)

    def of(self, question_id: str) -> dict[str, str]:
        return self.options.get(question_id, {})

    def language(self, code: str) -> str:
        try:
            return f"{language(code).native_name} ({code})"
        except (KeyError, ValueError):
            return code

    def groups(self, attribute: str | None) -> dict[str, str]:
        """Labels of the groups of a breakdown (respondent attribute)."""
        if attribute == "wave":
            return {str(w): f"Welle {w}" for w in range(1, 20)}
        if attribute == "language":
            return _LanguageLabels(self)
        if attribute == "audience":
            return dict(AUDIENCES)
        return self.of(attribute) if attribute else {}


class _LanguageLabels(dict):  # type: ignore[type-arg]
    def __init__(self, labels: Labels):
        super().__init__()
        self._labels = labels

    def get(self, key, default=None):  # type: ignore[no-untyped-def,override]
        return self._labels.language(str(key))


@st.cache_resource
def labels() -> Labels:
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
