"""Tables of the page "Fragebogen importieren", in the guide's words: what the import
leaves out or changes (sheet, row, the form's own question label, the column in German
words — no column letters, no library names), and the languages respondents will get.
Pure formatting of :mod:`surveys.xlsform` and :mod:`surveys.translations.languages_report`
results; no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from surveys.translations.languages_report import LanguageState
from surveys.xlsform import KIND_TITLES, Finding, ImportResult

FIELDS = {
    "type": "Fragetyp",
    "name": "Name",
    "label": "Beschriftung",
    "hint": "Hinweis",
    "guidance_hint": "weiterer Hinweis",
    "relevant": "Bedingung",
    "required": "Pflichtfrage",
    "required_message": "Meldung bei Pflichtfrage",
    "constraint": "Prüfregel",
    "constraint_message": "Fehlermeldung",
    "appearance": "Darstellung",
    "default": "Vorgabewert",
    "calculation": "Berechnung",
    "choice_filter": "Antwortfilter",
    "parameters": "Parameter",
    "media": "Bild/Ton",
    "list_name": "Listenname",
    "form_title": "Formulartitel",
    "title": "Formulartitel",
    "form_id": "Formular-ID",
    "id_string": "Formular-ID",
    "version": "Version",
    "audience": "Zielgruppe",
}
_LETTERS = re.compile(r"\s*\((?:[A-Z]{1,3}(?:,\s*)?)+\)$")
COLUMNS = ["Art", "Blatt", "Zeile", "Frage im Formular", "Spalte", "Hinweis"]


def column_words(column: str | None) -> str:
    """``constraint_message::English (K)`` -> ``Fehlermeldung (English)``; the letter goes."""
    if not column:
        return ""
    header = _LETTERS.sub("", column).strip()
    name, _, language = header.partition("::")
    words = FIELDS.get(name.strip().lower().replace(" ", "_"), name.strip())
    return f"{words} ({language.strip()})" if language else words


def findings_table(
    findings: Iterable[Finding], labels: Mapping[tuple[str, int], str] | None = None
) -> pd.DataFrame:
    """One row per finding, every cell text (an empty row number is empty, not "None")."""
    labels = labels or {}
    return pd.DataFrame(
        [
            {
                "Art": KIND_TITLES[f.kind],
                "Blatt": f.sheet or "ganze Datei",
                "Zeile": "" if f.row is None else str(f.row),
                "Frage im Formular": labels.get((f.sheet, f.row), "") if f.row else "",
                "Spalte": column_words(f.column),
                "Hinweis": f.message,
            }
            for f in findings
        ],
        columns=COLUMNS,
    )


def languages_table(states: Iterable[LanguageState]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Sprache": s.name,
                "in der Umfrage": "ja" if s.offered else "nein",
                "Stand": s.review if s.offered or s.source else f"{s.translated} von {s.total}",
                "warum nicht": "; ".join(s.reasons),
            }
            for s in states
        ],
        columns=["Sprache", "in der Umfrage", "Stand", "warum nicht"],
    )


def missing_table(state: LanguageState, result: ImportResult | None = None) -> pd.DataFrame:
    """The texts a language lacks: where the form has them (sheet and row) and what
    they say in the source language."""
    rows = []
    for m in state.missing:
        found = result.where(m.key) if result is not None else None
        rows.append(
            {
                "Blatt": found[0] if found else "",
                "Zeile": str(found[1]) if found else "",
                "Text": m.where,
                "Wortlaut": m.text,
            }
        )
    return pd.DataFrame(rows, columns=["Blatt", "Zeile", "Text", "Wortlaut"])
