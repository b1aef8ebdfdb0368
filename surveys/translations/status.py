"""Review state and coverage of translations; which languages the public survey offers.

A survey language has two parts: the questionnaire's strings (``Translation``, keys from
:meth:`Questionnaire.source_strings`) and the survey's interface strings
(``data/ui/<code>.yaml``). Both carry the same per-string review metadata:

- ``status`` / ``reviewed_by``: the file's default state (draft | reviewed) and role;
- ``string_status`` / ``string_reviewers``: per-string exceptions to that default;
- ``source_hashes``: a short hash of the German text each string was translated from.

The state of one string is *missing* (no text), *outdated* (its recorded source hash
differs from the current German text's), otherwise its status. Files written before
hashes existed have none: their strings count as current.

The rule for the public survey (:func:`offered_languages`): a language is offered only
when every questionnaire string and every interface string is translated; German only
when the source texts are German (a form imported without German keeps its texts in the
source slot, ``Questionnaire.source_language``, and offers them under their own code).
Outdated and draft strings do not hide a language — they are shown to the guide in the
coverage report (:func:`coverage`), together with the reason a language is hidden
(:func:`hidden_languages`).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from surveys.questionnaire.languages import (
    SOURCE_LANGUAGE,
    german_name,
    is_known,
    language,
    ordered,
)
from surveys.questionnaire.model import QuestionnaireBundle, Translation
from surveys.translations.ui_text import UiText

StringState = Literal["missing", "draft", "reviewed", "outdated"]
UI_PREFIX = "ui."
"""Interface strings share a workbook sheet with the questionnaire's under this prefix."""
RESULTS_PREFIX = "results."
"""So do the public results pages' texts (:mod:`surveys.translations.result_texts`)."""
SOURCE_HASH_CHARS = 12


def source_hash(text: str) -> str:
    """A short, stable fingerprint of a German source text (NFC, outer spaces ignored)."""
    normal = unicodedata.normalize("NFC", text.strip())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:SOURCE_HASH_CHARS]


@dataclass(frozen=True)
class StringSet:
    """One language's strings of one kind (questionnaire or interface) with review data."""

    language: str
    strings: dict[str, str] = field(default_factory=dict)
    status: str = "draft"
    reviewed_by: str | None = None
    string_status: dict[str, str] = field(default_factory=dict)
    string_reviewers: dict[str, str] = field(default_factory=dict)
    source_hashes: dict[str, str] = field(default_factory=dict)

    def state(self, key: str, source_text: str) -> StringState:
        if not self.strings.get(key):
            return "missing"
        recorded = self.source_hashes.get(key)
        if recorded and recorded != source_hash(source_text):
            return "outdated"
        own = self.string_status.get(key, self.status)
        return "reviewed" if own == "reviewed" else "outdated" if own == "outdated" else "draft"

    def reviewer(self, key: str) -> str | None:
        if self.string_status.get(key, self.status) != "reviewed":
            return None
        return self.string_reviewers.get(key) or self.reviewed_by


def from_translation(tr: Translation) -> StringSet:
    return StringSet(
        language=tr.language,
        strings=dict(tr.strings),
        status=tr.status,
        reviewed_by=tr.reviewed_by,
        string_status=dict(tr.string_status),
        string_reviewers=dict(tr.string_reviewers),
        source_hashes=dict(tr.source_hashes),
    )


def ui_string_set(raw: Mapping[str, Any], language_code: str) -> StringSet:
    """The review data of one ``data/ui/<code>.yaml`` (already parsed)."""

    def texts(name: str) -> dict[str, str]:
        value = raw.get(name) or {}
        return {str(k): str(v) for k, v in value.items() if v} if isinstance(value, dict) else {}

    return StringSet(
        language=language_code,
        strings=texts("strings"),
        status=str(raw.get("status") or "draft"),
        reviewed_by=raw.get("reviewed_by") or None,
        string_status=texts("string_status"),
        string_reviewers=texts("string_reviewers"),
        source_hashes=texts("source_hashes"),
    )


def load_ui_string_sets(directory: Path) -> dict[str, StringSet]:
    """Every ``<code>.yaml`` of the interface strings, German included."""
    from surveys.questionnaire.loader import read_yaml

    out: dict[str, StringSet] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = read_yaml(path)
        if isinstance(raw, dict):
            out[path.stem] = ui_string_set(raw, path.stem)
    return out


# -- the rule for the public survey -------------------------------------------------------
def _candidates(bundle: QuestionnaireBundle, ui_languages: Iterable[str]) -> list[str]:
    codes = {SOURCE_LANGUAGE, *bundle.translations, *ui_languages}
    return ordered([c for c in codes if is_known(c)])


def hidden_languages(bundle: QuestionnaireBundle, ui: UiText) -> dict[str, str]:
    """Languages with some translation that the survey does not offer, and why (German,
    for the guide's dashboard)."""
    out: dict[str, str] = {}
    for code in _candidates(bundle, ui.strings):
        reasons = []
        if code == SOURCE_LANGUAGE and bundle.questionnaire.source_language != SOURCE_LANGUAGE:
            written = german_name(bundle.questionnaire.source_language)
            reasons.append(f"der Fragebogen hat keine deutschen Texte (er ist auf {written})")
        if code not in bundle.translations and code != SOURCE_LANGUAGE:
            reasons.append("keine Übersetzung des Fragebogens")
        elif missing := bundle.missing_keys(code):
            reasons.append(f"{len(missing)} Fragebogen-Texte fehlen (z. B. {missing[0]})")
        if code not in ui.strings:
            reasons.append("keine Übersetzung der Bedienoberfläche (data/ui)")
        elif missing_ui := ui.missing_keys(code):
            reasons.append(f"{len(missing_ui)} Oberflächen-Texte fehlen (z. B. {missing_ui[0]})")
        if reasons:
            out[code] = "; ".join(reasons)
    return out


def offered_languages(bundle: QuestionnaireBundle, ui: UiText) -> list[str]:
    """Languages the public survey offers: complete questionnaire and interface strings."""
    hidden = hidden_languages(bundle, ui)
    return [c for c in _candidates(bundle, ui.strings) if c not in hidden]


# -- coverage report ----------------------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    language: str
    native_name: str
    direction: str
    total: int
    translated: int
    reviewed: int
    outdated: int
    offered: bool
    hidden_reason: str | None

    @property
    def translated_pct(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 0.0

    @property
    def reviewed_pct(self) -> float:
        return round(100 * self.reviewed / self.total, 1) if self.total else 0.0


def string_sets(
    bundle: QuestionnaireBundle,
    ui_sets: Mapping[str, StringSet],
    code: str,
    results_sets: Mapping[str, StringSet] | None = None,
) -> StringSet:
    """A language's questionnaire and interface strings as one set (``ui.`` prefix), and
    the result texts (``results.`` prefix) when ``results_sets`` are given."""
    tr = bundle.translations.get(code)
    q = from_translation(tr) if tr else StringSet(code)
    families = [(UI_PREFIX, ui_sets.get(code) or StringSet(code))]
    if results_sets is not None:
        families.append((RESULTS_PREFIX, results_sets.get(code) or StringSet(code)))

    def merged(a: Mapping[str, str], parts: list[tuple[str, Mapping[str, str]]]) -> dict[str, str]:
        out = dict(a)
        for prefix, b in parts:
            out.update({prefix + k: v for k, v in b.items()})
        return out

    def status_of(s: StringSet) -> dict[str, str]:
        # per-string review data; the file's default becomes explicit per string
        return {k: s.string_status.get(k, s.status) for k in s.strings}

    def reviewers_of(s: StringSet) -> dict[str, str]:
        return {k: r for k in s.strings if (r := s.reviewer(k))}

    return StringSet(
        language=code,
        strings=merged(q.strings, [(p, u.strings) for p, u in families]),
        status="draft",
        string_status=merged(status_of(q), [(p, status_of(u)) for p, u in families]),
        string_reviewers=merged(reviewers_of(q), [(p, reviewers_of(u)) for p, u in families]),
        source_hashes=merged(q.source_hashes, [(p, u.source_hashes) for p, u in families]),
    )


def all_source_strings(
    bundle: QuestionnaireBundle,
    ui_source: Mapping[str, str],
    results_source: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every German string a language needs: questionnaire keys, then ``ui.`` keys, then
    (when given) the result texts' ``results.`` keys."""
    return {
        **bundle.questionnaire.source_strings(),
        **{UI_PREFIX + k: v for k, v in ui_source.items()},
        **{RESULTS_PREFIX + k: v for k, v in (results_source or {}).items()},
    }


def coverage(
    bundle: QuestionnaireBundle, ui: UiText, ui_sets: Mapping[str, StringSet]
) -> list[Coverage]:
    """Per language: strings translated, reviewed and outdated (questionnaire + interface),
    and whether the public survey offers it."""
    source = all_source_strings(bundle, ui.strings[SOURCE_LANGUAGE])
    hidden = hidden_languages(bundle, ui)
    out = []
    for code in _candidates(bundle, ui.strings):
        meta = language(code)
        if code == SOURCE_LANGUAGE:
            states: list[StringState] = ["reviewed"] * len(source)
        else:
            merged = string_sets(bundle, ui_sets, code)
            states = [merged.state(k, text) for k, text in source.items()]
        out.append(
            Coverage(
                language=code,
                native_name=meta.native_name,
                direction=meta.direction,
                total=len(source),
                translated=sum(s != "missing" for s in states),
                reviewed=sum(s == "reviewed" for s in states),
                outdated=sum(s == "outdated" for s in states),
                offered=code not in hidden,
                hidden_reason=hidden.get(code),
            )
        )
    return out
