"""Tables for the Übersetzungen page: coverage per language, import problems and the
import diff, with German column names. Pure formatting of :mod:`surveys.translations.status`
and :mod:`surveys.translations.workbook` results; no I/O."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from surveys.questionnaire.model import QuestionnaireBundle
from surveys.translations.checks import ImportProblem
from surveys.translations.result_texts import ResultTexts
from surveys.translations.status import RESULTS_PREFIX, Coverage, StringSet
from surveys.translations.workbook import write_workbook
from surveys.translations.workbook_import import ImportPlan

SEVERITY = {"error": "Fehler", "warning": "Hinweis"}
KINDS = {"added": "neu", "changed": "geändert", "status_changed": "Prüfstatus geändert"}
MAX_DIFF_ROWS = 500


def coverage_table(report: Iterable[Coverage]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Sprache": f"{c.native_name} ({c.language})",
                "übersetzt (%)": c.translated_pct,
                "geprüft (%)": c.reviewed_pct,
                "veraltet": c.outdated,
                "Texte": c.total,
                "in der Umfrage": "ja" if c.offered else "nein",
            }
            for c in report
        ]
    )


def problems_table(problems: Sequence[ImportProblem]) -> pd.DataFrame:
    """One row per problem: where (sheet, row, key) and what."""
    return pd.DataFrame(
        [
            {
                "Art": SEVERITY[p.severity],
                "Blatt": p.sheet,
                "Zeile": "" if p.row is None else str(p.row),
                "Schlüssel": p.key or "",
                "Problem": p.message,
            }
            for p in problems
        ],
        columns=["Art", "Blatt", "Zeile", "Schlüssel", "Problem"],
    )


def summary_table(plan: ImportPlan) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Sprache": code,
                "neu": len(lp.added),
                "geändert": len(lp.changed),
                "Prüfstatus geändert": len(lp.status_changed),
                "unverändert": len(lp.unchanged),
                "veraltet": len(lp.outdated),
            }
            for code, lp in plan.languages.items()
        ]
    )


def diff_table(
    plan: ImportPlan,
    bundle: QuestionnaireBundle,
    ui_sets: dict[str, StringSet],
    results_sets: dict[str, StringSet] | None = None,
) -> pd.DataFrame:
    """The changed strings: language, key, kind, text before and after, review status."""
    rows = []
    for code, lp in plan.languages.items():
        tr = bundle.translations.get(code)
        ui = ui_sets.get(code)
        res = (results_sets or {}).get(code)
        for kind, label in KINDS.items():
            for key in getattr(lp, kind):
                if key.startswith("ui."):
                    before = ui.strings.get(key[3:], "") if ui else ""
                elif key.startswith(RESULTS_PREFIX):
                    before = res.strings.get(key.removeprefix(RESULTS_PREFIX), "") if res else ""
                else:
                    before = tr.strings.get(key, "") if tr else ""
                entry = lp.entries[key]
                rows.append(
                    {
                        "Sprache": code,
                        "Schlüssel": key,
                        "Änderung": label,
                        "bisher": before,
                        "neu": entry.text,
                        "Status": entry.status,
                    }
                )
    return pd.DataFrame(rows[:MAX_DIFF_ROWS])


def workbook_bytes(
    bundle: QuestionnaireBundle,
    ui_source: dict[str, str],
    ui_sets: dict[str, StringSet],
    languages: Sequence[str],
    results: ResultTexts | None = None,
) -> bytes:
    """The translation workbook (as ``translations export`` writes it) as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(
            Path(tmp) / "t.xlsx", bundle, ui_source, ui_sets, languages, results=results
        )
        return path.read_bytes()
