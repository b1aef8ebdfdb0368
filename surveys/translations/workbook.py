"""Translation workbooks: questionnaire and interface texts out to interpreters and back.

Export (:func:`write_workbook`) writes one XLSX sheet per target language (sheet name =
language code) plus an ``Info`` sheet, one row per string::

    key | context | German source | translation | status | reviewed_by | source_hash

Questionnaire keys are those of :meth:`Questionnaire.source_strings`; interface strings
(``data/ui/<code>.yaml``) carry the prefix ``ui.``. ``source_hash`` fingerprints the German
text at export time, so that an import can tell whether the German changed since.

Import is two steps. :func:`plan_import` validates the whole workbook against the current
files and computes the diff without changing anything; :func:`apply_import` writes the
translation files only when the plan has no errors (the CLI asks for ``--yes``). Errors
block the whole import; warnings are shown and the import may go on:

errors    unknown sheet or key, duplicate key, formula or formula prefix (= + - @ tab CR),
          placeholder ``{n}`` lost or added, translation of only spaces, letters of the
          wrong script for the language, option label too long for a 360 px screen,
          unknown status, *reviewed* without the reviewer's role, source hash missing
warnings  key missing from the sheet or empty cell (existing translation kept), German
          source changed since export (imported and marked *outdated*)

Every message names sheet, row and key. Exported cells never start a formula: a cell that
would start with = + - @, tab or CR gets a leading apostrophe (OWASP CSV-injection advice).

Why a limit on option labels: on a 360 px screen the survey (18 px body font, 18 px page
padding each side, 27 px radio button and 11 px gap) leaves about 286 px for an option's
text, ≈ 30 characters of Latin, Cyrillic or Arabic text per line. :data:`MAX_OPTION_LABEL_WIDTH`
(90, ≈ three lines; wide scripts such as Ethiopic count double) keeps a list of options on
one screen. The longest German option is 51 characters.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from surveys.questionnaire.languages import SOURCE_LANGUAGE, is_known, language
from surveys.questionnaire.loader import parse_translation
from surveys.questionnaire.model import Question, Questionnaire, QuestionnaireBundle, Translation
from surveys.translations.audio import recording_file_name
from surveys.translations.status import (
    UI_PREFIX,
    StringSet,
    all_source_strings,
    source_hash,
    string_sets,
)

MAX_OPTION_LABEL_WIDTH = 90
MAX_WORKBOOK_BYTES = 5_000_000
MAX_UNCOMPRESSED_BYTES = 50_000_000
"""A returned workbook is a zip file: refuse archives that expand beyond this."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INFO_SHEET = "Info"
STATUSES = ("draft", "reviewed", "outdated")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "Schlüssel"),
    ("context", "Kontext / Hinweis"),
    ("source", "Deutsch (Quelltext)"),
    ("translation", "Übersetzung"),
    ("status", "Status (draft | reviewed | outdated)"),
    ("reviewed_by", "Geprüft von (Rolle, kein Name)"),
    ("source_hash", "Quell-Hash (nicht ändern)"),
)
REQUIRED_COLUMNS = ("key", "translation", "status", "reviewed_by", "source_hash")
RECORDING_COLUMN = "Aufnahme zum Anhören (Dateiname)"
"""Last column: the file to record a questionnaire text into
(:mod:`surveys.translations.recording_package`); not read back with the translations."""
COLUMN_WIDTHS = (34, 48, 60, 60, 14, 26, 16)

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_OPTION_KEY = re.compile(r"^(options\.[^.]+\.[^.]+|q\.[^.]+\.(option|row)\.[^.]+)$")
_CODE_TOKEN = re.compile(r"^([A-Z]{1,4}[0-9]{0,2}\+?|[A-Za-z]?[0-9]+[A-Za-z]?)$")
"""Codes that may stand in any script: B1, C1+, A2, IP, EU, 10, 3a."""

NAMES = frozenset(
    {
        "Oestrich-Winkel",
        "Oestrich",
        "Winkel",
        "Mittelheim",
        "Hallgarten",
        "Rheingau",
        "Rheingau-Taunus-Kreis",
        "Wiesbaden",
        "Rüdesheim",
        "Hessen",
        "KISI",
    }
)
"""Proper names a translation may keep in Latin letters even when they are not in the
German source of that string (any word of the German source is allowed as well)."""

# Unicode blocks per ISO 15924 script; only letters are classified (digits, punctuation,
# marks and symbols belong to no script here).
SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "Latn": (
        (0x41, 0x5A),
        (0x61, 0x7A),
        (0xAA, 0xAA),
        (0xBA, 0xBA),
        (0xC0, 0x24F),
        (0x1E00, 0x1EFF),
        (0x2C60, 0x2C7F),
        (0xA720, 0xA7FF),
        (0xFF21, 0xFF5A),
    ),
    "Cyrl": ((0x400, 0x52F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    "Arab": ((0x600, 0x6FF), (0x750, 0x77F), (0x870, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "Ethi": ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)),
    "Grek": ((0x370, 0x3FF), (0x1F00, 0x1FFF)),
    "Hebr": ((0x590, 0x5FF),),
    "Armn": ((0x530, 0x58F),),
    "Geor": ((0x10A0, 0x10FF),),
    "Deva": ((0x900, 0x97F),),
    "Thai": ((0xE00, 0xE7F),),
}
SCRIPT_NAMES = {
    "Latn": "Latin",
    "Cyrl": "Cyrillic",
    "Arab": "Arabic",
    "Ethi": "Ethiopic",
    "Grek": "Greek",
    "Hebr": "Hebrew",
    "Armn": "Armenian",
    "Geor": "Georgian",
    "Deva": "Devanagari",
    "Thai": "Thai",
}


# -- problems -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int | None
    key: str | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = [f"sheet {self.sheet!r}"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.key:
            where.append(f"key {self.key}")
        return f"{self.severity}: {', '.join(where)}: {self.message}"


class TranslationImportError(ValueError):
    """A workbook that cannot be read at all (unreadable, wrong structure): nothing changes."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- scripts, placeholders, widths ---------------------------------------------------------
def script_of_letter(ch: str) -> str | None:
    if not unicodedata.category(ch).startswith("L"):
        return None
    cp = ord(ch)
    for script, ranges in SCRIPT_RANGES.items():
        if any(lo <= cp <= hi for lo, hi in ranges):
            return script
    return "other"


def expected_script(code: str) -> str | None:
    """The script a language is written in, from CLDR likely subtags (``ar`` → Arab)."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    meta = language(code)
    for candidate in (meta.html_lang, meta.babel_locale.split("_")[0]):
        full = likely.get(candidate)
        if full:
            parts = full.split("_")
            if len(parts) > 1 and len(parts[1]) == 4:
                return parts[1]
    return None


def _words(text: str) -> list[str]:
    out = []
    for raw in text.split():
        word = raw.strip("".join(c for c in raw if not (c.isalnum() or c in "-+")))
        word = word.strip("-")
        if word:
            out.append(word)
    return out


MAX_QUOTED_SOURCE_WORDS = 3


def foreign_words(text: str, script: str, source: str = "") -> list[str]:
    """Words in ``text`` with letters of another script than ``script``.

    Always allowed: known proper names (:data:`NAMES`), codes (B1, IP), digits,
    punctuation and placeholders ``{n}``. Up to :data:`MAX_QUOTED_SOURCE_WORDS` words of
    the German ``source`` (also hyphen parts and inflected forms sharing a four-letter
    stem, "Termin" for "Termine") may be quoted in a text that is otherwise in
    ``script`` — "(Familiennachzug)" after the Farsi term. A German sentence left in an
    Arabic cell is reported.
    """
    text = _PLACEHOLDER.sub(" ", text)
    has_own = any(script_of_letter(c) == script for c in text)
    names = {n.casefold() for n in NAMES} | {
        p.casefold() for n in NAMES for p in re.split(r"[-/]", n)
    }
    source_words: set[str] = set()
    for w in _words(source):
        source_words.add(w.casefold())
        source_words.update(p.casefold() for p in re.split(r"[-/]", w) if p)

    def kind(part: str) -> str:
        """'ok' (own script, name or code), 'quoted' (from the source) or 'foreign'."""
        if all(script_of_letter(c) in (None, script) for c in part) or _CODE_TOKEN.match(part):
            return "ok"
        p = part.casefold()
        if p in names:
            return "ok"
        stem = len(p) >= 4 and any(
            w.startswith(p) or p.startswith(w) for w in source_words if len(w) >= 4
        )
        return "quoted" if p in source_words or stem else "foreign"

    foreign: list[str] = []
    quoted: list[str] = []
    for word in _words(text):
        kinds = (
            {kind(word)} if kind(word) == "ok" else {kind(p) for p in re.split(r"[-/]", word) if p}
        )
        if kinds <= {"ok"}:
            continue
        (foreign if "foreign" in kinds else quoted).append(word)
    if not has_own or len(quoted) > MAX_QUOTED_SOURCE_WORDS:
        foreign += quoted
        foreign.sort(key=lambda w: text.find(w))
    return foreign


def placeholders(text: str) -> Counter[str]:
    return Counter(_PLACEHOLDER.findall(text))


def display_width(text: str) -> int:
    """Width in Latin-character units: wide (CJK, Ethiopic) characters count double,
    combining marks not at all."""
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        wide = unicodedata.east_asian_width(ch) in ("W", "F") or script_of_letter(ch) == "Ethi"
        width += 2 if wide else 1
    return width


def is_option_label(key: str) -> bool:
    return bool(_OPTION_KEY.match(key))


def neutralise(value: str) -> str:
    """A cell value that spreadsheet programs never read as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


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
    ("rank_", "Frage mit Rangfolge (Platz 1, 2, 3)"),
    ("poster_", "Plakat und Handzettel: Einladung in einer Zeile, neben dem QR-Code"),
    ("survey_", "Meldung, wenn die Umfrage nicht erreichbar ist"),
    ("choose_language", "Sprachauswahl (erste Seite)"),
    ("step_of", "Fortschritt oben auf jeder Seite"),
    ("language_fallback", "Hinweis, wenn Texte auf Deutsch erscheinen"),
)
BUTTONS = {"start", "next", "back", "submit", "change"}


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


def context_for(key: str, source: str, contexts: Mapping[str, str]) -> str:
    text = (
        ui_context(key.removeprefix(UI_PREFIX))
        if key.startswith(UI_PREFIX)
        else contexts.get(key, "")
    )
    notes = [text] if text else []
    if found := sorted(set(_PLACEHOLDER.findall(source))):
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
) -> list[ExportRow]:
    """The rows of one language's sheet, in questionnaire order, then interface strings."""
    source = all_source_strings(bundle, ui_source)
    contexts = questionnaire_contexts(bundle.questionnaire)
    current = string_sets(bundle, ui_sets, code)
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
) -> Path:
    """Write the translation workbook; every cell value is neutralised against formulas."""
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
        for export_row in export_rows(bundle, ui_source, ui_sets, code):
            key = export_row.key
            recording = "" if key.startswith(UI_PREFIX) else recording_file_name(code, key)
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


# -- reading a returned workbook ----------------------------------------------------------
@dataclass(frozen=True)
class SheetRow:
    row: int
    values: dict[str, str]
    formulas: tuple[str, ...] = ()
    """Columns whose cell holds a formula (never expected)."""


@dataclass
class WorkbookContent:
    questionnaire: str | None
    sheets: dict[str, list[SheetRow]] = field(default_factory=dict)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_archive(path: Path) -> None:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TranslationImportError(
            [ImportProblem(name, None, None, f"cannot read file ({exc.strerror})")]
        ) from exc
    if size > MAX_WORKBOOK_BYTES:
        raise TranslationImportError(
            [ImportProblem(name, None, None, f"file larger than {MAX_WORKBOOK_BYTES} bytes")]
        )
    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise TranslationImportError(
            [ImportProblem(name, None, None, "not an XLSX workbook")]
        ) from exc
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise TranslationImportError(
            [ImportProblem(name, None, None, "workbook expands beyond the size limit")]
        )


def load_workbook_safely(path: Path) -> Any:
    """openpyxl workbook after size and zip-bomb checks; formulas are kept as text."""
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        return load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise TranslationImportError(
            [ImportProblem(path.name, None, None, f"cannot open workbook ({type(exc).__name__})")]
        ) from exc


def read_workbook(path: Path) -> WorkbookContent:
    """The language sheets of a returned workbook; structural problems raise."""
    wb = load_workbook_safely(path)
    problems: list[ImportProblem] = []
    questionnaire = None
    if INFO_SHEET in wb.sheetnames:
        for a, b in wb[INFO_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
            if a == "questionnaire" and b:
                questionnaire = str(b)
    content = WorkbookContent(questionnaire)
    header_names = {label.casefold(): name for name, label in COLUMNS} | {
        name: name for name, _ in COLUMNS
    }
    for ws in wb.worksheets:
        title = ws.title
        if title == INFO_SHEET:
            continue
        if title == SOURCE_LANGUAGE:
            problems.append(
                ImportProblem(
                    title,
                    None,
                    None,
                    "German is the source language; change it in the questionnaire file",
                )
            )
            continue
        if not is_known(title):
            problems.append(
                ImportProblem(title, None, None, "sheet name is not a known language code")
            )
            continue
        header = [_cell_text(c.value).strip() for c in ws[1]] if ws.max_row >= 1 else []
        columns: dict[int, str] = {}
        for i, text in enumerate(header):
            if name := header_names.get(text.casefold()):
                columns[i] = name
        missing = [n for n in REQUIRED_COLUMNS if n not in columns.values()]
        if missing:
            labels = ", ".join(repr(dict(COLUMNS)[n]) for n in missing)
            problems.append(ImportProblem(title, 1, None, f"missing column(s) {labels}"))
            continue
        rows = []
        for cells in ws.iter_rows(min_row=2):
            values: dict[str, str] = {}
            formulas = []
            for i, cell in enumerate(cells):
                name = columns.get(i)
                if name is None:
                    continue
                values[name] = _cell_text(cell.value)
                if cell.data_type == "f":
                    formulas.append(name)
            if any(v.strip() for v in values.values()):
                rows.append(SheetRow(cells[0].row, values, tuple(formulas)))
        content.sheets[title] = rows
    if problems:
        raise TranslationImportError(problems)
    return content


# -- import plan --------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    text: str
    status: str
    reviewer: str | None
    hash: str | None


@dataclass
class LanguagePlan:
    language: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    status_changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.status_changed)

    def touches_ui(self) -> bool:
        return any(k.startswith(UI_PREFIX) for k in self.added + self.changed + self.status_changed)

    def touches_questionnaire(self) -> bool:
        return any(
            not k.startswith(UI_PREFIX) for k in self.added + self.changed + self.status_changed
        )

    def summary(self) -> str:
        return (
            f"{self.language}: {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.status_changed)} review status changed, {len(self.unchanged)} "
            f"unchanged, {len(self.outdated)} outdated"
        )


@dataclass
class ImportPlan:
    questionnaire: str
    languages: dict[str, LanguagePlan] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return any(lp.has_changes for lp in self.languages.values())


def _check_row(
    sheet: str, row: SheetRow, key: str, text: str, source: str, script: str | None
) -> list[ImportProblem]:
    def err(message: str) -> ImportProblem:
        return ImportProblem(sheet, row.row, key, message)

    problems = []
    if text.lstrip("'").startswith(FORMULA_PREFIXES):
        problems.append(
            err(
                f"translation starts with {text.lstrip(chr(39))[0]!r}, which spreadsheet "
                "programs read as a formula; remove it (use '–' for a dash)"
            )
        )
        return problems  # one reason is enough: the rest of the text is not read
    lost = placeholders(source) - placeholders(text)
    added = placeholders(text) - placeholders(source)
    if lost:
        problems.append(err(f"placeholder {', '.join(sorted(lost))} missing (keep it unchanged)"))
    if added:
        problems.append(err(f"placeholder {', '.join(sorted(added))} not in the German text"))
    if script is not None and (found := foreign_words(text, script, source)):
        words = ", ".join(repr(w) for w in found[:3])
        problems.append(
            err(
                f"{_script_name_of(found[0], script)} letters in the {SCRIPT_NAMES[script]} "
                f"text: {words}"
            )
        )
    if is_option_label(key) and (w := display_width(text)) > MAX_OPTION_LABEL_WIDTH:
        problems.append(
            err(
                f"option label is {w} characters; at most {MAX_OPTION_LABEL_WIDTH} fit a "
                "360 px phone screen (about three lines)"
            )
        )
    return problems


def _script_name_of(word: str, expected: str) -> str:
    for ch in word:
        s = script_of_letter(ch)
        if s not in (None, expected):
            return SCRIPT_NAMES.get(s or "", "foreign")
    return "foreign"


def _review(state: str, reviewer: str | None) -> tuple[str, str | None]:
    return state, reviewer if state == "reviewed" else None


def _plan_language(
    sheet: str,
    rows: list[SheetRow],
    source: Mapping[str, str],
    current: StringSet,
    problems: list[ImportProblem],
) -> LanguagePlan:
    plan = LanguagePlan(sheet)
    script = expected_script(sheet)
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        key = v.get("key", "").strip()
        if not key:
            problems.append(ImportProblem(sheet, row.row, None, "row without a key"))
            continue
        if key in seen:
            problems.append(
                ImportProblem(sheet, row.row, key, f"key appears twice (also row {seen[key]})")
            )
            continue
        seen[key] = row.row
        if key not in source:
            problems.append(ImportProblem(sheet, row.row, key, "unknown key"))
            continue
        if row.formulas:
            problems.append(
                ImportProblem(
                    sheet,
                    row.row,
                    key,
                    f"cell with a formula in column(s) {', '.join(row.formulas)}",
                )
            )
            continue
        german = source[key]
        raw_text = v.get("translation", "")
        text = unicodedata.normalize("NFC", raw_text.strip())
        status = v.get("status", "").strip().lower() or "draft"
        reviewer = v.get("reviewed_by", "").strip() or None
        row_hash = v.get("source_hash", "").strip().lstrip("'")
        old_text = current.strings.get(key, "")
        old_state = current.state(key, german)
        if status not in STATUSES:
            problems.append(
                ImportProblem(
                    sheet, row.row, key, f"unknown status {status!r} (draft, reviewed or outdated)"
                )
            )
            continue
        if not row_hash:
            problems.append(
                ImportProblem(sheet, row.row, key, "source hash missing; export the workbook again")
            )
            continue
        if raw_text and not text:
            problems.append(ImportProblem(sheet, row.row, key, "translation is only spaces"))
            continue
        if not text:
            if status == "reviewed":
                problems.append(
                    ImportProblem(sheet, row.row, key, "marked reviewed but has no translation")
                )
            elif old_text:
                problems.append(
                    ImportProblem(
                        sheet,
                        row.row,
                        key,
                        "empty cell: the existing translation is kept",
                        "warning",
                    )
                )
            if old_text:
                plan.unchanged.append(key)
                plan.entries[key] = Entry(
                    old_text, old_state, current.reviewer(key), current.source_hashes.get(key)
                )
            continue
        row_problems = _check_row(sheet, row, key, text, german, script)
        if status == "reviewed" and not reviewer:
            row_problems.append(
                ImportProblem(
                    sheet, row.row, key, "reviewed needs the reviewer's role (not a name)"
                )
            )
        if row_problems:
            problems += row_problems
            continue
        current_hash = source_hash(german)
        if row_hash != current_hash:
            problems.append(
                ImportProblem(
                    sheet,
                    row.row,
                    key,
                    "German source changed since the export: imported as outdated",
                    "warning",
                )
            )
            new = Entry(text, "outdated", None, row_hash)
            plan.outdated.append(key)
        elif status == "outdated" and text == old_text:  # still stale: keep the old hash
            new = Entry(text, "outdated", None, current.source_hashes.get(key) or row_hash)
        elif status == "outdated":  # translated again against the current German
            new = Entry(text, "draft", None, current_hash)
        else:
            new = Entry(text, status, reviewer if status == "reviewed" else None, current_hash)
        plan.entries[key] = new
        if not old_text:
            plan.added.append(key)
        elif text != old_text:
            plan.changed.append(key)
        elif (new.status, new.reviewer) != _review(old_state, current.reviewer(key)):
            plan.status_changed.append(key)
        else:
            plan.unchanged.append(key)
    for key in source:
        if key not in seen:
            kept = " (existing translation kept)" if current.strings.get(key) else ""
            problems.append(
                ImportProblem(sheet, None, key, f"row missing from the sheet{kept}", "warning")
            )
            if current.strings.get(key):
                plan.entries[key] = Entry(
                    current.strings[key],
                    current.state(key, source[key]),
                    current.reviewer(key),
                    current.source_hashes.get(key),
                )
    return plan


def plan_import(
    content: WorkbookContent,
    bundle: QuestionnaireBundle,
    ui_source: Mapping[str, str],
    ui_sets: Mapping[str, StringSet],
) -> ImportPlan:
    """Validate every sheet against the current files and compute the diff; no writes."""
    q = bundle.questionnaire
    plan = ImportPlan(q.id)
    if content.questionnaire and content.questionnaire != q.id:
        plan.problems.append(
            ImportProblem(
                INFO_SHEET, None, None, f"workbook is for {content.questionnaire!r}, not {q.id!r}"
            )
        )
        return plan
    source = all_source_strings(bundle, ui_source)
    for sheet, rows in content.sheets.items():
        current = string_sets(bundle, ui_sets, sheet)
        plan.languages[sheet] = _plan_language(sheet, rows, source, current, plan.problems)
    return plan


# -- writing the result -------------------------------------------------------------------
def _split_entries(entries: Mapping[str, Entry], keys: Iterable[str]) -> dict[str, Any]:
    """File content (review fields) for the entries of ``keys`` in that order."""
    chosen = [(k, entries[k]) for k in keys if k in entries]
    all_reviewed = bool(chosen) and all(e.status == "reviewed" for _, e in chosen)
    roles = Counter(e.reviewer for _, e in chosen if e.status == "reviewed" and e.reviewer)
    reviewed_by = roles.most_common(1)[0][0] if roles else None
    status = "reviewed" if all_reviewed and reviewed_by else "draft"
    if status != "reviewed":
        reviewed_by = None  # each reviewed string names its role itself
    return {
        "status": status,
        "reviewed_by": reviewed_by,
        "strings": {k: e.text for k, e in chosen},
        "string_status": {k: e.status for k, e in chosen if e.status != status},
        "string_reviewers": {
            k: e.reviewer
            for k, e in chosen
            if e.status == "reviewed" and e.reviewer and e.reviewer != reviewed_by
        },
        "source_hashes": {k: e.hash for k, e in chosen if e.hash},
    }


def new_translation(q: Questionnaire, plan: LanguagePlan) -> Translation:
    """The questionnaire translation after the import, validated like a file."""
    data = _split_entries(plan.entries, q.source_strings())
    raw = {"questionnaire": q.id, "language": plan.language, **data}
    raw = {k: v for k, v in raw.items() if v not in (None, {})}
    return parse_translation(raw, f"{q.id}.{plan.language}.yaml", q)


def new_ui_file(plan: LanguagePlan, ui_source: Mapping[str, str]) -> dict[str, Any]:
    entries = {
        k.removeprefix(UI_PREFIX): e for k, e in plan.entries.items() if k.startswith(UI_PREFIX)
    }
    data = _split_entries(entries, ui_source)
    raw = {"language": plan.language, **data}
    return {k: v for k, v in raw.items() if v not in (None, {})}


def _dump(data: Mapping[str, Any], header: str) -> str:
    body = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=10_000)
    return header + body


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


HEADER = "# Written by 'bedarfsradar translations import'; change texts through the workbook.\n"


def apply_import(
    plan: ImportPlan,
    bundle: QuestionnaireBundle,
    ui_source: Mapping[str, str],
    translations_dir: Path | None,
    ui_dir: Path,
) -> list[Path]:
    """Write the changed translation files (questionnaire and interface). Refuses a plan
    with errors; builds and validates every file before writing the first.
    ``translations_dir`` None: only the interface files (an imported questionnaire lives
    in the database, :mod:`bedarfsradar.stored_translations`)."""
    if not plan.ok:
        raise ValueError("import plan has errors; nothing written")
    q = bundle.questionnaire
    pending: list[tuple[Path, str]] = []
    for code, lp in plan.languages.items():
        if not lp.has_changes:
            continue
        if lp.touches_questionnaire() and translations_dir is not None:
            tr = new_translation(q, lp)
            pending.append(
                (
                    translations_dir / f"{q.id}.{code}.yaml",
                    _dump(tr.model_dump(exclude_none=True), HEADER),
                )
            )
        if lp.touches_ui():
            pending.append((ui_dir / f"{code}.yaml", _dump(new_ui_file(lp, ui_source), HEADER)))
    for path, text in pending:
        _write_atomic(path, text)
    return [p for p, _ in pending]
