"""User-interface strings of the public survey, per language, with German fallback.

Source: ``data/ui/de.yaml``; each other language ``data/ui/<code>.yaml`` with the same
keys. Placeholders in braces (``{step}``) are filled with :meth:`UiText.get`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveys.questionnaire.loader import Problem, QuestionnaireError, read_yaml


@dataclass(frozen=True)
class UiText:
    strings: dict[str, dict[str, str]] = field(default_factory=dict)
    """language -> key -> text; always contains ``de``."""

    def get(self, key: str, language: str, **params: Any) -> str:
        text = self.strings.get(language, {}).get(key) or self.strings["de"].get(key, key)
        if params:
            try:
                text = text.format(**params)
            except (KeyError, IndexError, ValueError):
                text = self.strings["de"].get(key, key).format(**params)
        return text

    def missing_keys(self, language: str) -> list[str]:
        have = self.strings.get(language, {})
        return [k for k in self.strings["de"] if not have.get(k)]


def load_ui_text(directory: Path) -> UiText:
    strings: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        raw = read_yaml(path)
        if not isinstance(raw, dict) or not isinstance(raw.get("strings"), dict):
            problems.append(Problem(path.name, "strings", "expected a mapping of strings"))
            continue
        language = str(raw.get("language") or path.stem)
        if language != path.stem:
            problems.append(Problem(path.name, "language", f"{language!r} in file {path.stem}"))
        strings[language] = {str(k): str(v) for k, v in raw["strings"].items() if v}
    if "de" not in strings:
        problems.append(Problem(directory.name, "", "de.yaml (the source language) is missing"))
    if problems:
        raise QuestionnaireError(problems)
    source = set(strings["de"])
    for language, texts in strings.items():
        unknown = sorted(set(texts) - source)
        problems += [
            Problem(f"{language}.yaml", f"strings.{k}", f"unknown UI string {k!r}") for k in unknown
        ]
    if problems:
        raise QuestionnaireError(problems)
    return UiText(strings)
