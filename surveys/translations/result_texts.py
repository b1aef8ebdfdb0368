"""Texts of the public results pages (``/ergebnisse/``), their review state, and which
languages the pages offer.

Source: ``data/results/de.yaml``; each other language ``data/results/<code>.yaml`` with
the same keys and the same review fields as the survey's interface strings
(:mod:`surveys.translations.status`: ``status``, ``reviewed_by``, ``string_status``,
``string_reviewers``, ``source_hashes``). They travel through the newcomer
questionnaire's translation workbook as rows ``results.<key>``
(:mod:`surveys.translations.workbook`, :mod:`surveys.translations.workbook_import`).

The results pages also show need areas, Stadtteile and the reasons that keep people from
offers in the reader's language; those texts are the questionnaire's own
(:func:`borrowed_keys`), translated once.

The rule (stricter than the survey's, which offers a complete draft): a page is offered in
a language only when every result text *and* every borrowed questionnaire text is
translated, current and **reviewed** by a native speaker (:func:`result_languages`);
German is always offered. A numbers page read by the public must not carry a translation
nobody checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from surveys.questionnaire.languages import SOURCE_LANGUAGE, is_known, ordered
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.translations.status import (
    RESULTS_PREFIX,
    StringSet,
    from_translation,
    load_ui_string_sets,
)
from surveys.translations.ui_text import UiText, load_ui_text

__all__ = ["RESULTS_PREFIX", "ResultTexts", "load_result_texts", "result_languages"]
BORROWED_PREFIXES = ("options.areas.", "options.stadtteil.", "q.barriers.option.")
"""Questionnaire texts the results pages show (need areas, Stadtteile, reasons)."""


@dataclass(frozen=True)
class ResultTexts:
    """The result texts of every language with their review data."""

    text: UiText
    sets: dict[str, StringSet] = field(default_factory=dict)

    @property
    def source(self) -> dict[str, str]:
        """The German texts (the source of every translation)."""
        return self.text.strings[SOURCE_LANGUAGE]

    def get(self, key: str, language: str, **params: object) -> str:
        return self.text.get(key, language, **params)


def load_result_texts(directory: Path) -> ResultTexts:
    """Every ``<code>.yaml`` of ``directory``; raises
    :class:`~surveys.questionnaire.loader.QuestionnaireError` like the interface strings."""
    return ResultTexts(load_ui_text(directory), load_ui_string_sets(directory))


def borrowed_keys(bundle: QuestionnaireBundle) -> list[str]:
    """The questionnaire keys whose texts the results pages show (no hints)."""
    return [
        k
        for k in bundle.questionnaire.source_strings()
        if k.startswith(BORROWED_PREFIXES) and not k.endswith(".hint")
    ]


def _reasons(texts: ResultTexts, bundle: QuestionnaireBundle, code: str) -> list[str]:
    own = texts.sets.get(code) or StringSet(code)
    states = [own.state(k, v) for k, v in texts.source.items()]
    reasons = []
    if missing := states.count("missing"):
        reasons.append(f"{missing} Ergebnistexte fehlen")
    if outdated := states.count("outdated"):
        reasons.append(f"{outdated} Ergebnistexte veraltet")
    if draft := states.count("draft"):
        reasons.append(f"{draft} Ergebnistexte nicht geprüft")
    translation = bundle.translations.get(code)
    q = from_translation(translation) if translation else StringSet(code)
    source = bundle.questionnaire.source_strings()
    borrowed = [q.state(k, source[k]) for k in borrowed_keys(bundle)]
    if unchecked := sum(s != "reviewed" for s in borrowed):
        reasons.append(f"{unchecked} Bereichs- und Stadtteilnamen aus dem Fragebogen nicht geprüft")
    return reasons


def hidden_result_languages(texts: ResultTexts, bundle: QuestionnaireBundle) -> dict[str, str]:
    """Languages with some result texts that the results pages do not offer, and why
    (German, for the guide)."""
    out = {}
    for code in ordered([c for c in texts.text.strings if c != SOURCE_LANGUAGE and is_known(c)]):
        if reasons := _reasons(texts, bundle, code):
            out[code] = "; ".join(reasons)
    return out


def result_languages(texts: ResultTexts, bundle: QuestionnaireBundle) -> list[str]:
    """The languages of the results pages: German, then every language whose result texts
    and borrowed questionnaire texts are all reviewed (the rule of the module docstring),
    in the survey's order."""
    hidden = hidden_result_languages(texts, bundle)
    codes = [c for c in texts.text.strings if is_known(c) and c not in hidden]
    return ordered(list(dict.fromkeys([SOURCE_LANGUAGE, *codes])))


def borrowed_texts(bundle: QuestionnaireBundle, language: str) -> Mapping[str, str]:
    """The borrowed questionnaire texts in ``language`` (German where missing)."""
    source = bundle.questionnaire.source_strings()
    translation = bundle.translations.get(language)
    own = translation.strings if translation and language != SOURCE_LANGUAGE else {}
    return {k: own.get(k) or source[k] for k in borrowed_keys(bundle)}
