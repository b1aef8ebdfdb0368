"""A questionnaire version prepared once for the survey pages.

:meth:`QuestionnaireBundle.text` finds a key by rebuilding every German source string of
the questionnaire, and :func:`surveys.translations.status.offered_languages` counts the
missing keys of every language: both ran on every request (a section page asked for
about a hundred texts). Stored versions are immutable, so the survey prepares each
version once per process: every language's texts merged over the German source, the
languages offered to respondents and the sections by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.questionnaire.languages import SOURCE_LANGUAGE
from surveys.questionnaire.model import Questionnaire, QuestionnaireBundle, Section
from surveys.translations.status import offered_languages
from surveys.translations.ui_text import UiText


@dataclass(frozen=True)
class PreparedQuestionnaire:
    """What the pages read from one questionnaire version; ``text`` behaves exactly like
    :meth:`QuestionnaireBundle.text` (translation, else German, else "")."""

    questionnaire: Questionnaire
    languages: tuple[str, ...]
    """Offered to respondents: questionnaire and interface completely translated."""
    texts: Mapping[str, Mapping[str, str]]
    sections: Mapping[str, Section]

    def text(self, key: str, language: str) -> str:
        table = self.texts.get(language) or self.texts[SOURCE_LANGUAGE]
        return table.get(key, "")


def prepare(bundle: QuestionnaireBundle, ui: UiText) -> PreparedQuestionnaire:
    source = bundle.questionnaire.source_strings()
    texts: dict[str, Mapping[str, str]] = {SOURCE_LANGUAGE: source}
    for code, translation in bundle.translations.items():
        texts[code] = {**source, **{k: v for k, v in translation.strings.items() if v}}
    return PreparedQuestionnaire(
        questionnaire=bundle.questionnaire,
        languages=tuple(offered_languages(bundle, ui)),
        texts=texts,
        sections={section.id: section for section in bundle.questionnaire.sections},
    )
