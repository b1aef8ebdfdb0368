"""The languages of one questionnaire version as a guide needs to see them before a survey
starts: which are offered to respondents, in what review state, and for each one that is
not, why — naming every missing text by where it appears and what it says in the source.

The rule itself is :func:`surveys.translations.status.offered_languages` (the survey's
own); this module only explains it, in German, for the XLSForm import preview, the
campaign form and ``bedarfsradar campaign add``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from surveys.questionnaire.languages import SOURCE_LANGUAGE, german_name, ordered
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.translations.status import from_translation, offered_languages
from surveys.translations.ui_text import UiText


@dataclass(frozen=True)
class MissingText:
    key: str
    where: str
    """German: "Hinweis unter der Frage „Wie viele Kinder?“"."""
    text: str
    """The text in the questionnaire's source language (what to translate)."""

    def __str__(self) -> str:
        return f"{self.where}: »{self.text}«"


@dataclass(frozen=True)
class LanguageState:
    code: str
    name: str
    """German name of the language ("Arabisch")."""
    offered: bool
    reasons: list[str] = field(default_factory=list)
    """Why it is not offered (German); empty when offered."""
    missing: list[MissingText] = field(default_factory=list)
    total: int = 0
    translated: int = 0
    reviewed: int = 0
    source: bool = False
    """The language the questionnaire is written in (nothing to translate)."""

    @property
    def review(self) -> str:
        """The review state in words: "Quelltext", "geprüft", "Entwurf (40 % geprüft)"."""
        if self.source:
            return "Quelltext"
        if self.total and self.reviewed == self.total:
            return "geprüft"
        if self.reviewed:
            return f"Entwurf ({round(100 * self.reviewed / self.total)} % geprüft)"
        return "Entwurf (ungeprüft)"

    def summary(self) -> str:
        """One German line: "Arabisch: angeboten (geprüft)" or the reasons it is not."""
        if self.offered:
            return f"{self.name}: angeboten, {self.review}"
        return f"{self.name}: nicht angeboten – {'; '.join(self.reasons)}"


def missing_texts(bundle: QuestionnaireBundle, code: str) -> list[MissingText]:
    """Every questionnaire text without a translation into ``code``, located."""
    from surveys.translations.workbook import questionnaire_contexts

    source = bundle.questionnaire.source_strings()
    contexts = questionnaire_contexts(bundle.questionnaire)
    return [
        MissingText(key, contexts.get(key) or key, source[key]) for key in bundle.missing_keys(code)
    ]


def language_states(bundle: QuestionnaireBundle, ui: UiText) -> list[LanguageState]:
    """The questionnaire's own languages (its source and each translation), in the order
    respondents see them."""
    q = bundle.questionnaire
    offered = set(offered_languages(bundle, ui))
    source_strings = q.source_strings()
    out = []
    for code in ordered(list(dict.fromkeys([SOURCE_LANGUAGE, *bundle.translations]))):
        reasons: list[str] = []
        missing: list[MissingText] = []
        is_source = code == q.source_language or (
            code == SOURCE_LANGUAGE and code not in bundle.translations
        )
        if code == SOURCE_LANGUAGE and q.source_language != SOURCE_LANGUAGE:
            written = german_name(q.source_language)
            reasons.append(f"das Formular hat keine deutschen Texte (es ist auf {written})")
        elif code != SOURCE_LANGUAGE:
            missing = missing_texts(bundle, code)
            if missing:
                n = len(missing)
                reasons.append(
                    f"{n} Text{'e' * (n != 1)} des Fragebogens fehl{'en' if n != 1 else 't'}"
                )
            if code not in ui.strings:
                reasons.append("die Bedienoberfläche der Umfrage gibt es in dieser Sprache nicht")
            elif missing_ui := ui.missing_keys(code):
                n = len(missing_ui)
                reasons.append(
                    f"{n} Text{'e' * (n != 1)} der Bedienoberfläche fehl{'en' if n != 1 else 't'}"
                )
        if code not in offered and not reasons:
            reasons.append("unbekannte Sprache")
        tr = bundle.translations.get(code)
        strings = from_translation(tr) if tr else None
        total = len(source_strings)
        translated = total - len(missing) if code != SOURCE_LANGUAGE else total
        reviewed = (
            sum(strings.state(k, v) == "reviewed" for k, v in source_strings.items())
            if strings and not is_source
            else 0
        )
        out.append(
            LanguageState(
                code=code,
                name=german_name(code),
                offered=code in offered,
                reasons=reasons,
                missing=missing,
                total=total,
                translated=translated,
                reviewed=reviewed,
                source=is_source,
            )
        )
    return out
