"""Read a workbook through pyxform and index where everything stands in it.

pyxform does the reading: ``get_xlsform`` turns .xlsx, .xls (and pyxform's .csv/.md)
into rows, ``convert`` checks the form against the standard (aliases, case, ``or_other``,
references) and returns its normalised structure. A file pyxform refuses is refused here,
with pyxform's message in German where we know it.

What this module adds around it is only bookkeeping, never a second reading of XLSForm:

- the column letter of each header (from the first row, via openpyxl or xlrd), so that
  every message can point at a cell;
- formula cells: pyxform reads what a spreadsheet program last computed. A formula no
  program has computed yet (a file written by a script) would read as an empty cell, so
  a constant such as ``=TRUE()`` is evaluated and named, anything else refused;
- the ``choice_hints`` sheet of our own export (option hints; pyxform skips it);
- rows and columns pyxform stops reading at (after long runs of empty rows/columns).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import PurePath
from typing import Any

from surveys.translations.checks import MAX_UNCOMPRESSED_BYTES, MAX_WORKBOOK_BYTES
from surveys.xlsform._report import Finding, XLSFormError

SHEETS = ("survey", "choices", "settings")
HINT_SHEET = "choice_hints"
"""Option hints of our export live in their own sheet: pyxform rejects translated columns
it does not know in ``choices``, and ODK tools ignore unknown sheets."""
_WHITESPACE = re.compile(r"( )+")
_CONSTANT = re.compile(
    r"""^=\s*(?:(?P<bool>TRUE|FALSE)(?:\(\))?|(?P<number>-?\d+(?:\.\d+)?)|"(?P<text>[^"]*)")\s*$""",
    re.IGNORECASE,
)
_FILE_TYPES = {".xlsx", ".xlsm", ".xls", ".csv", ".md"}


@dataclass
class Sheet:
    """One XLSForm sheet as pyxform read it, before conversion changed anything."""

    name: str
    headers: list[str] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    """Row ``n`` of the spreadsheet is ``rows[n - 2]`` (pyxform keeps empty rows)."""
    title: str = ""
    """The sheet's name in the workbook (``SURVEY``, ``Choices``)."""

    def column(self, header: str) -> str:
        letter = self.letters.get(header)
        return f"{header} ({letter})" if letter else header


@dataclass
class Workbook:
    filename: str
    form: dict[str, Any]
    """pyxform's normalised structure: ``{type, name, title, id_string, default_language,
    children, choices, …}``."""
    sheets: dict[str, Sheet]
    choice_hints: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Scan:
    """The first row and the formula cells of each sheet, from the file itself."""

    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    headers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    formulas: dict[str, list[tuple[int, str, str, Any]]] = field(default_factory=dict)
    """sheet -> (row, header, formula, cached value)"""
    last_rows: dict[str, int] = field(default_factory=dict)
    hints: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def clean_header(value: Any) -> str:
    """A header as pyxform sees it (stripped, single spaces)."""
    return _WHITESPACE.sub(" ", str(value).strip()) if value is not None else ""


def _sheet_key(name: str, count: int) -> str | None:
    low = name.lower()
    if low in SHEETS:
        return low
    return "survey" if count == 1 else None


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _scan_xlsx(data: bytes) -> _Scan:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    scan = _Scan()
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    cached_wb = None
    try:
        for ws in wb.worksheets:
            key = _sheet_key(ws.title, len(wb.sheetnames))
            if key is None and ws.title.lower() != HINT_SHEET:
                continue
            header: list[str] = []
            last = 0
            for r, cells in enumerate(ws.iter_rows(), start=1):
                if r == 1:
                    header = [clean_header(c.value) for c in cells]
                    columns = [(h, get_column_letter(i + 1)) for i, h in enumerate(header) if h]
                    if key:
                        scan.headers[key] = columns
                        scan.letters[key] = dict(reversed(columns))
                    continue
                values = {}
                for i, c in enumerate(cells):
                    if i >= len(header) or not header[i] or c.value is None:
                        continue
                    values[header[i]] = _cell_text(c.value)
                    if key and c.data_type == "f":
                        if cached_wb is None:
                            cached_wb = load_workbook(
                                io.BytesIO(data), read_only=True, data_only=True
                            )
                        cached = cached_wb[ws.title].cell(row=r, column=i + 1).value
                        scan.formulas.setdefault(key, []).append(
                            (r, header[i], str(c.value), cached)
                        )
                if any(values.values()):
                    last = r
                    if key is None:
                        scan.hints.append((r, values))
            if key:
                scan.last_rows[key] = last
    finally:
        wb.close()
        if cached_wb is not None:
            cached_wb.close()
    return scan


def _scan_xls(data: bytes) -> _Scan:
    import xlrd
    from openpyxl.utils import get_column_letter

    scan = _Scan()
    book = xlrd.open_workbook(file_contents=data)
    try:
        for sheet in book.sheets():
            key = _sheet_key(sheet.name, book.nsheets)
            if key is None or sheet.nrows == 0:
                continue
            header = [clean_header(v) for v in sheet.row_values(0)]
            columns = [(h, get_column_letter(i + 1)) for i, h in enumerate(header) if h]
            scan.headers[key] = columns
            scan.letters[key] = dict(reversed(columns))
            scan.last_rows[key] = max(
                (
                    r + 1
                    for r in range(1, sheet.nrows)
                    if any(_cell_text(v) for v in sheet.row_values(r))
                ),
                default=0,
            )
    finally:
        book.release_resources()
    return scan


def _scan(data: bytes, suffix: str) -> _Scan:
    try:
        if zipfile.is_zipfile(io.BytesIO(data)):
            return _scan_xlsx(data)
        if suffix == ".xls" or data[:4] == b"\xd0\xcf\x11\xe0":
            return _scan_xls(data)
    except Exception:  # noqa: S110 - pyxform reports an unreadable file itself
        pass
    return _Scan()


def _check_size(data: bytes) -> None:
    if not data:
        raise XLSFormError([Finding("", None, None, "Die Datei ist leer.")])
    if len(data) > MAX_WORKBOOK_BYTES:
        raise XLSFormError(
            [
                Finding(
                    "",
                    None,
                    None,
                    f"Die Datei ist größer als {MAX_WORKBOOK_BYTES // 1_000_000} MB.",
                )
            ]
        )
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                expanded = sum(i.file_size for i in zf.infolist())
        except zipfile.BadZipFile:
            return  # pyxform says it cannot read it
        if expanded > MAX_UNCOMPRESSED_BYTES:
            raise XLSFormError(
                [Finding("", None, None, "Die Arbeitsmappe ist entpackt zu groß (Archivbombe?).")]
            )


def _unreadable(filename: str) -> XLSFormError:
    return XLSFormError(
        [
            Finding(
                "",
                None,
                None,
                f"»{filename}« ist keine lesbare XLSForm-Arbeitsmappe (.xlsx oder .xls): "
                "beschädigt, leer oder ein anderes Format.",
            )
        ]
    )


def _apply_formulas(definition: Any, scan: _Scan, sheets: dict[str, Sheet]) -> list[Finding]:
    """Put evaluable constant formulas into pyxform's rows; refuse other uncomputed ones."""
    findings: list[Finding] = []
    for key, cells in scan.formulas.items():
        rows = getattr(definition, key, None) or []
        sheet = sheets[key]
        for row, header, formula, cached in cells:
            if cached is not None:
                continue  # pyxform read the value the spreadsheet program computed
            m = _CONSTANT.match(formula)
            if m is None:
                findings.append(
                    Finding(
                        sheet.title,
                        row,
                        sheet.column(header),
                        f"Die Zelle enthält eine Formel ({formula}) ohne berechneten Wert. Bitte "
                        "den Wert direkt eintragen oder die Datei in Excel/LibreOffice öffnen und "
                        "speichern.",
                    )
                )
                continue
            value = (m.group("bool") or "").upper() or m.group("number") or m.group("text") or ""
            if 0 <= row - 2 < len(rows) and value:
                rows[row - 2][header] = value
                findings.append(
                    Finding(
                        sheet.title,
                        row,
                        sheet.column(header),
                        f"Formel {formula} als Wert »{value}« übernommen.",
                        "changed",
                    )
                )
    return findings


def _unread(scan: _Scan, sheets: dict[str, Sheet]) -> list[Finding]:
    """Columns and rows pyxform stopped reading at: named, never silently dropped."""
    findings: list[Finding] = []
    for key, sheet in sheets.items():
        known = set(sheet.headers)
        for header, letter in scan.headers.get(key, []):
            if header not in known:
                findings.append(
                    Finding(
                        sheet.title,
                        1,
                        f"{header} ({letter})",
                        "Diese Spalte wird nicht gelesen (sie steht nach mehr als 20 leeren "
                        "Spalten); ihr Inhalt wird nicht übernommen.",
                        "left_out",
                    )
                )
        last = scan.last_rows.get(key, 0)
        if last > len(sheet.rows) + 1:
            findings.append(
                Finding(
                    sheet.title,
                    len(sheet.rows) + 2,
                    None,
                    f"Die Zeilen {len(sheet.rows) + 2} bis {last} werden nicht gelesen (sie "
                    "stehen nach mehr als 60 leeren Zeilen); ihr Inhalt wird nicht übernommen.",
                    "left_out",
                )
            )
    return findings


def read_workbook(data: bytes, filename: str) -> Workbook:
    """The workbook converted by pyxform, with its sheets indexed; raises
    :class:`XLSFormError` with every problem found when pyxform or we refuse it."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform
    from pyxform.xls2xform import convert

    from surveys.xlsform._pyxform_messages import german

    _check_size(data)
    suffix = PurePath(filename).suffix.lower()
    file_type = suffix if suffix in _FILE_TYPES else None
    scan = _scan(data, suffix)
    scanned = {
        key: Sheet(key, [h for h, _ in columns], scan.letters.get(key, {}))
        for key, columns in scan.headers.items()
    }
    try:
        definition = get_xlsform(io.BytesIO(data), file_type=file_type)
    except PyXFormError as exc:
        raise XLSFormError([german(exc, scanned)]) from exc
    except Exception as exc:  # the spreadsheet readers raise many kinds for broken files
        raise _unreadable(filename) from exc
    sheets: dict[str, Sheet] = {}
    for key in SHEETS:
        rows = getattr(definition, key, None)
        header = getattr(definition, f"{key}_header", None)
        if rows is None and not header:
            continue
        headers = [h for h in (header[0] if header else {})]
        titles = [t for t in definition.sheet_names or [] if t.lower() == key]
        title = titles[0] if titles else (definition.sheet_names or [key])[0]
        sheets[key] = Sheet(key, headers, scan.letters.get(key, {}), [], title)
    formulas = _apply_formulas(definition, scan, sheets)
    problems = [f for f in formulas if f.kind == "error"]
    formula_notes = [f for f in formulas if f.kind != "error"]
    for key, sheet in sheets.items():
        sheet.rows = copy.deepcopy(list(getattr(definition, key, None) or []))
    if "survey" not in sheets or not any(sheets["survey"].rows):
        empty = "Die Arbeitsmappe enthält keine Fragen (Blatt survey fehlt oder ist leer)."
        raise XLSFormError([Finding("survey", None, None, empty), *problems])
    definition.fallback_form_name = definition.fallback_form_name or PurePath(filename).stem
    warnings: list[str] = []
    form: dict[str, Any] = {}
    try:
        result = convert(
            {f.name: getattr(definition, f.name) for f in fields(definition)}, warnings=warnings
        )
        form = result._pyxform or {}
    except PyXFormError as exc:
        problems.insert(0, german(exc, sheets))
    except Exception as exc:  # a pyxform bug on an odd file must not crash the import
        problems.insert(
            0,
            Finding(
                "",
                None,
                None,
                f"Die Datei lässt sich nicht als XLSForm lesen ({type(exc).__name__}). Bitte in "
                "KoboToolbox oder ODK prüfen, ob das Formular dort funktioniert.",
            ),
        )
    if problems:
        raise XLSFormError(problems)
    return Workbook(
        filename=filename,
        form=form,
        sheets=sheets,
        choice_hints=scan.hints,
        findings=formula_notes + _unread(scan, sheets),
    )
