"""Translation workbooks, export: questionnaire and interface texts out to interpreters.

:func:`write_workbook` writes one XLSX sheet per target language (sheet name = language
code) plus an ``Info`` sheet, one row per string::

    key | context | German source | translation | status | reviewed_by | source_hash

Questionnaire keys are those of :meth:`Questionnaire.source_strings`; interface strings
(``data/ui/<code>.yaml``) carry the prefix ``ui.``. ``source_hash`` fingerprints the German
text at export time, so that an import (:mod:`surveys.translations.workbook_import`) can
tell whether the German changed since. Each row tells the translator where the text
appears (its context). Exported cells never start a formula: a cell that would start with
= + - @, tab or CR gets a leading apostrophe (OWASP CSV-injection advice;
:func:`~surveys.translations.checks.neutralise`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from surveys.questionnaire.languages import SOURCE_LANGUAGE, is_known, language
from surveys.questionnaire.model import Question, Questionnaire, QuestionnaireBundle
from surveys.translations.audio import recording_file_name
from surveys.translations.checks import (
    COLUMN_WIDTHS,
    COLUMNS,
    INFO_SHEET,
    MAX_OPTION_LABEL_WIDTH,
    PLACEHOLDER,
    RECORDING_COLUMN,
    is_option_label,
    neutralise,
)
from surveys.translations.result_texts import ResultTexts
from surveys.translations.status import (
    RESULTS_PREFIX,
    UI_PREFIX,
    StringSet,
    all_source_strings,
    source_hash,
    string_sets,
)

# -- context for the translator ------------------------------------------------------------
TYPE_NAMES = {
    "single": "eine Antwort",
    "multiple": "mehrere Antworten",
    "scale": "Skala",
    "ranking": "Rangfolge",
    "number": "Zahl",
    "text": "kurzer Text",
    "textarea": "langer Text",
    "matrix": "Tabelle: eine Antwort pro Zeile",
    "note": "Hinweistext ohne Antwort",
}
UI_CONTEXT = (
    ("error_", "Fehlermeldung im Formular"),
    ("delete_", "Seite „Antworten löschen“"),
    ("resume_", "Seite „Später weitermachen“"),
    ("consent_", "Einwilligung vor persönlichen Fragen"),
    ("privacy_", "Datenschutzhinweis vor dem Start"),
    ("receipt_", "Dankeseite mit dem Code zum Löschen"),
    ("thank_you", "Dankeseite"),
    ("results_", "Dankeseite: wo die Ergebnisse erscheinen (danach die Adresse)"),
    ("rank_", "Frage mit Rangfolge (Platz 1, 2, 3)"),
    ("poster_", "Plakat und Handzettel: Einladung in einer Zeile, neben dem QR-Code"),
    ("survey_", "Meldung, wenn die Umfrage nicht erreichbar ist"),
    ("choose_language", "Sprachauswahl (erste Seite)"),
    ("step_of", "Fortschritt oben auf jeder Seite"),
    ("language_fallback", "Hinweis, wenn Texte auf Deutsch erscheinen"),
)
BUTTONS = {"start", "next", "back", "submit", "change"}
RESULTS_CONTEXT = (
    ("finding_", "Öffentliche Ergebnisseite: ein Kernbefund als Satz ({area} = Bereich, "
                 "{share} = Anteil wie „34 %“, {interval} = Spanne, {n} = Zahl der Antworten)"),
    ("statement_", "Erklärung zur Barrierefreiheit (öffentliche Ergebnisseite)"),
    ("about_", "Öffentliche Ergebnisseite: „Über diese Seite“ (auch die Einstiegsseite in "
               "Leichter Sprache)"),
    ("measure", "Öffentliche Ergebnisseite: Maßnahmen des Stadtrats"),
    ("method_", "Öffentliche Ergebnisseite: die Methode in drei Sätzen"),
    ("col_", "Öffentliche Ergebnisseite: Spaltenüberschrift einer Tabelle (und der CSV-Datei)"),
    ("poster_", "Plakat „Ergebnisse“ neben dem QR-Code"),
    ("funding_", "EU-Förderhinweis neben dem Emblem (öffentliche Ergebnisseite)"),
)  # fmt: skip


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return "„" + (text if len(text) <= limit else text[: limit - 1] + "…") + "“"


def questionnaire_contexts(q: Questionnaire) -> dict[str, str]:
    """Where each questionnaire string appears, in German, for the translator."""
    out: dict[str, str] = {
        "title": "Titel des Fragebogens (oben auf jeder Seite)",
        "intro": "Einleitung auf der ersten Seite",
        "privacy": "Datenschutzhinweis vor dem Start",
        "consent_sensitive": "Einwilligung vor den persönlichen Fragen",
        "thank_you": "Dankeseite nach dem Absenden",
    }
    users: dict[str, list[Question]] = {}
    n_sections = len(q.sections)
    for si, section in enumerate(q.sections, start=1):
        out[f"section.{section.id}.title"] = f"Überschrift des Abschnitts {si} von {n_sections}"
        out[f"section.{section.id}.intro"] = f"Einleitung des Abschnitts {_quote(section.title)}"
        for question in section.questions:
            label = _quote(question.label)
            out[f"q.{question.id}.label"] = (
                f"Frage ({TYPE_NAMES[question.type]}) im Abschnitt {_quote(section.title)}"
            )
            out[f"q.{question.id}.hint"] = f"Hinweis unter der Frage {label}"
            out[f"q.{question.id}.guidance"] = f"Weiterer Hinweis zur Frage {label}"
            out[f"q.{question.id}.constraint_message"] = (
                f"Fehlermeldung, wenn die Antwort auf {label} nicht passt"
            )
            out[f"q.{question.id}.required_message"] = (
                f"Fehlermeldung, wenn {label} nicht beantwortet ist"
            )
            for kind, spec in (("option", question.options), ("row", question.rows)):
                if isinstance(spec, str):
                    users.setdefault(spec, []).append(question)
                elif isinstance(spec, list):
                    what = "Antwort" if kind == "option" else "Zeile (Bereich)"
                    for opt in spec:
                        out[f"q.{question.id}.{kind}.{opt.code}"] = f"{what} zur Frage {label}"
                        out[f"q.{question.id}.{kind}.{opt.code}.hint"] = (
                            f"Erklärung zur {what} {_quote(opt.label)} der Frage {label}"
                        )
    for name, options in q.option_sets.items():
        used = "; ".join(_quote(u.label, 50) for u in users.get(name, [])[:3]) or "–"
        for opt in options:
            out[f"options.{name}.{opt.code}"] = f"Antwort der Liste „{name}“, benutzt bei: {used}"
            out[f"options.{name}.{opt.code}.hint"] = (
                f"Beispiele zur Antwort {_quote(opt.label)} (Liste „{name}“)"
            )
    return out


def ui_context(key: str) -> str:
    if key in BUTTONS:
        return "Knopf der Umfrage"
    for prefix, text in UI_CONTEXT:
        if key.startswith(prefix):
            return text
    return "Bedienoberfläche der Umfrage (Titel oder Hinweis)"


def results_context(key: str) -> str:
    for prefix, text in RESULTS_CONTEXT:
        if key.startswith(prefix):
            return text
    return "Öffentliche Ergebnisseite (Titel, Hinweis oder Satz)"


def context_for(key: str, source: str, contexts: Mapping[str, str]) -> str:
    if key.startswith(UI_PREFIX):
        text = ui_context(key.removeprefix(UI_PREFIX))
    elif key.startswith(RESULTS_PREFIX):
        text = results_context(key.removeprefix(RESULTS_PREFIX))
    else:
        text = contexts.get(key, "")
    notes = [text] if text else []
    if found := sorted(set(PLACEHOLDER.findall(source))):
        notes.append("Platzhalter unverändert lassen: " + " ".join(found))
    if is_option_label(key):
        notes.append(f"höchstens {MAX_OPTION_LABEL_WIDTH} Zeichen (Handy, 360 px)")
    return " · ".join(notes)


# -- export -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportRow:
    key: str
    context: str
    source: str
    translation: str
    status: str
    reviewed_by: str
    source_hash: str


def export_rows(
    bundle: QuestionnaireBundle,
    ui_source: Mapping[str, str],
    ui_sets: Mapping[str, StringSet],
    code: str,
    results: ResultTexts | None = None,
) -> list[ExportRow]:
    """The rows of one language's sheet, in questionnaire order, then interface strings,
    then (with ``results``) the texts of the public results pages."""
    source = all_source_strings(bundle, ui_source, results.source if results else None)
    contexts = questionnaire_contexts(bundle.questionnaire)
    current = string_sets(bundle, ui_sets, code, results.sets if results else None)
    rows = []
    for key, text in source.items():
        state = current.state(key, text)
        rows.append(
            ExportRow(
                key=key,
                context=context_for(key, text, contexts),
                source=text,
                translation=current.strings.get(key, ""),
                status="draft" if state == "missing" else state,
                reviewed_by=current.reviewer(key) or "",
                source_hash=source_hash(text),
            )
        )
    return rows


def write_workbook(
    path: Path,
    bundle: QuestionnaireBundle,
    ui_source: Mapping[str, str],
    ui_sets: Mapping[str, StringSet],
    languages: Iterable[str],
    results: ResultTexts | None = None,
) -> Path:
    """Write the translation workbook; every cell value is neutralised against formulas.
    With ``results``, each sheet also has the rows of the public results pages."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    codes = [c for c in languages if c != SOURCE_LANGUAGE]
    for code in codes:
        if not is_known(code):
            raise ValueError(f"unknown language code {code!r}")
    q = bundle.questionnaire
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    info_rows = [
        ("questionnaire", q.id),
        ("version", q.version),
        ("exported", datetime.now(UTC).strftime("%Y-%m-%d")),
        ("languages", ", ".join(codes)),
        (
            "Anleitung",
            "Ein Blatt pro Sprache. Bitte nur die Spalten Übersetzung, Status und "
            "Geprüft von ändern. Status: draft (Entwurf), reviewed (von einer "
            "Muttersprachlerin / einem Muttersprachler geprüft; dann die Rolle "
            "eintragen, keinen Namen). Platzhalter wie {n} unverändert lassen. "
            "Zeilen nicht löschen, die Spalte Quell-Hash nicht ändern.",
        ),
        (
            "Aufnahmen",
            "Wer die Texte auch vorliest: jeden Text als eigene Datei aufnehmen (Ogg/Opus, "
            "MP3, M4A oder WAV, höchstens 3 Minuten und 5 MB), unter dem Namen aus der "
            "letzten Spalte speichern (die Endung darf .mp3, .m4a oder .wav sein) und alle "
            "Dateien als ein ZIP-Archiv zurückgeben.",
        ),
    ]
    for row in info_rows:
        info.append([neutralise(v) for v in row])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 100
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")
    for code in codes:
        meta = language(code)
        ws = wb.create_sheet(code)
        ws.append([*(label for _, label in COLUMNS), RECORDING_COLUMN])
        for cell in ws[1]:
            cell.font = bold
        for export_row in export_rows(bundle, ui_source, ui_sets, code, results):
            key = export_row.key
            spoken = not key.startswith((UI_PREFIX, RESULTS_PREFIX))
            recording = recording_file_name(code, key) if spoken else ""
            ws.append(
                [
                    *(neutralise(getattr(export_row, name)) for name, _ in COLUMNS),
                    neutralise(recording),
                ]  # all strings
            )
        for i, width in enumerate((*COLUMN_WIDTHS, 40)):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                cell.alignment = wrap
            for idx in (0, 1, 2, 6):
                cells[idx].fill = grey
            if meta.direction == "rtl":
                cells[3].alignment = Alignment(wrap_text=True, vertical="top", readingOrder=2)
        ws.freeze_panes = "B2"
        status = DataValidation(type="list", formula1='"draft,reviewed,outdated"', allow_blank=True)
        ws.add_data_validation(status)
        status.add(f"E2:E{ws.max_row}")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
