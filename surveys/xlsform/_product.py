"""What the product itself gives an imported form, in every language the form has.

The import writes some texts no cell of the workbook holds: the answer "Sonstiges" and
the question "Bitte näher angeben:" of ``or_other``, a title where the form's own title
(``form_title``, one language only in KoboToolbox) has no text, error messages where the
form's own message lacks a language, the town's privacy notice and the consent step
before sensitive questions. Written in one language only, they would hide every other
language of the form from respondents (a language is offered only when every text is
there), so they come from the product's own translations:

- fixed texts: the survey's interface strings ``form_*`` and ``error_*``
  (``data/ui/<code>.yaml``, the same files the interpreters' workbook carries);
- the privacy notice: the town's built-in questionnaire of the same audience
  (``data/questionnaires/<audience>.yaml`` and its translations).

:func:`product_texts` builds it from those; without it (a test, a script) the import
knows German and English only, and names every language it cannot fill.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TITLE, OTHER, SPECIFY, CONSENT = (
    "form_title",
    "form_other",
    "form_other_specify",
    "form_consent_sensitive",
)
FALLBACK: dict[str, dict[str, str]] = {
    "de": {TITLE: "Befragung", OTHER: "Sonstiges", SPECIFY: "Bitte näher angeben:"},
    "en": {TITLE: "Survey", OTHER: "Other", SPECIFY: "Please specify:"},
}
"""Without the product's translations: what the import can still write."""


@dataclass(frozen=True)
class ProductTexts:
    ui: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: FALLBACK)
    """Language code -> interface string key -> text (``data/ui``)."""
    privacy: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Audience -> language code -> the town's privacy notice."""

    def fixed(self, key: str, code: str, **params: Any) -> str | None:
        """The fixed text ``key`` in language ``code`` (placeholders filled), ``None`` if
        the product has no text for it in that language."""
        text = self.ui.get(code, {}).get(key)
        if not text:
            return None
        try:
            return text.format(**params) if params else text
        except (KeyError, IndexError, ValueError):
            return None


def product_texts(
    ui: Mapping[str, Mapping[str, str]],
    standard: Mapping[str, Any],
) -> ProductTexts:
    """From the survey's interface strings (``UiText.strings``) and the town's built-in
    questionnaire bundles by audience (``AppContext.bundles()``)."""
    privacy: dict[str, dict[str, str]] = {}
    for audience, bundle in standard.items():
        q = bundle.questionnaire
        if not q.privacy:
            continue
        texts = {q.source_language: q.privacy}
        for code, tr in bundle.translations.items():
            if tr.strings.get("privacy"):
                texts[code] = tr.strings["privacy"]
        privacy[q.audience if q.audience else audience] = texts
    return ProductTexts(ui=ui, privacy=privacy)
