"""Translation workbooks, import: a returned workbook read, checked and written back.

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

Every message names sheet, row and key. The file is opened defensively
(:func:`load_workbook_safely`: size and zip-bomb limits before openpyxl reads it).
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from surveys.questionnaire.languages import SOURCE_LANGUAGE, is_known
from surveys.questionnaire.loader import parse_translation
from surveys.questionnaire.model import Questionnaire, QuestionnaireBundle, Translation
from surveys.translations.checks import (
    COLUMNS,
    FORMULA_PREFIXES,
    INFO_SHEET,
    MAX_OPTION_LABEL_WIDTH,
    MAX_UNCOMPRESSED_BYTES,
    MAX_WORKBOOK_BYTES,
    REQUIRED_COLUMNS,
    SCRIPT_NAMES,
    STATUSES,
    ImportProblem,
    TranslationImportError,
    display_width,
    expected_script,
    foreign_words,
    is_option_label,
    placeholders,
    script_of_letter,
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

    def touches_results(self) -> bool:
        """Whether the import changes texts of the public results pages."""
        return any(
            k.startswith(RESULTS_PREFIX) for k in self.added + self.changed + self.status_changed
        )

    def touches_questionnaire(self) -> bool:
        return any(
            not k.startswith((UI_PREFIX, RESULTS_PREFIX))
            for k in self.added + self.changed + self.status_changed
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
    results: ResultTexts | None = None,
) -> ImportPlan:
    """Validate every sheet against the current files and compute the diff; no writes.
    With ``results``, rows ``results.<key>`` are the public results pages' texts."""
    q = bundle.questionnaire
    plan = ImportPlan(q.id)
    if content.questionnaire and content.questionnaire != q.id:
        plan.problems.append(
            ImportProblem(
                INFO_SHEET, None, None, f"workbook is for {content.questionnaire!r}, not {q.id!r}"
            )
        )
        return plan
    source = all_source_strings(bundle, ui_source, results.source if results else None)
    for sheet, rows in content.sheets.items():
        current = string_sets(bundle, ui_sets, sheet, results.sets if results else None)
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


def new_ui_file(
    plan: LanguagePlan, ui_source: Mapping[str, str], prefix: str = UI_PREFIX
) -> dict[str, Any]:
    """The interface strings file (or, with ``prefix`` ``results.``, the result texts
    file) of the plan's language."""
    entries = {k.removeprefix(prefix): e for k, e in plan.entries.items() if k.startswith(prefix)}
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
    results: ResultTexts | None = None,
    results_dir: Path | None = None,
) -> list[Path]:
    """Write the changed translation files (questionnaire, interface and, with
    ``results`` and ``results_dir``, the results pages' texts). Refuses a plan with
    errors; builds and validates every file before writing the first.
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
        if lp.touches_results() and results is not None and results_dir is not None:
            data = new_ui_file(lp, results.source, RESULTS_PREFIX)
            pending.append((results_dir / f"{code}.yaml", _dump(data, HEADER)))
    for path, text in pending:
        _write_atomic(path, text)
    return [p for p, _ in pending]
