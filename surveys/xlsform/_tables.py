"""The main table of a submissions export, read safely: ODK Central's CSV (in its ZIP or
alone) and KoboToolbox's XLSX or CSV.

- ODK Central: ``<form id>.csv`` in ``<form id>.zip`` (repeat tables ``<form id>-<repeat>.csv``
  and the ``media/`` folder beside it), UTF-8, comma-separated.
- KoboToolbox: XLSX (written by xlsxwriter) with the submissions on the first sheet
  (repeat groups on further sheets), or CSV (UTF-8, ``;`` and every field quoted by
  default; ``,`` for the "legacy" CSV).

A file that cannot be read as such is refused with a located German message
(:class:`~surveys.xlsform._report.Finding`): a broken ZIP, an encoding other than UTF-8 (a
CSV saved again by a spreadsheet program, e.g. Excel's Windows-1252), a row with more or
fewer fields than the header. Sizes are limited before anything is expanded.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePosixPath
from typing import Any

from openpyxl.utils import get_column_letter

from surveys.xlsform._report import Finding

MAX_FILE_BYTES = 20_000_000
MAX_TABLE_BYTES = 100_000_000
"""An upload (and the table a ZIP or XLSX expands to) larger than this is refused."""
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "Komma", ";": "Semikolon", "\t": "Tabulator"}


class TableError(ValueError):
    """The file cannot be read as a table; ``problems`` says where and why (German)."""

    def __init__(self, problems: list[Finding]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Table:
    """The main table: header and rows as text, each row as long as the header."""

    name: str
    """The CSV file's name (also inside a ZIP) or the sheet's name: where a message points."""
    kind: str
    """``central-zip`` | ``csv`` | ``xlsx``."""
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    """The spreadsheet row of each entry of ``rows`` (the header is row 1)."""
    delimiter: str | None = None
    csv_names: tuple[str, ...] = ()
    """Every CSV file of a ZIP (to tell which form it came from)."""

    def column(self, index: int) -> str:
        """``header (letter)``, as a spreadsheet program shows the column."""
        return f"{self.headers[index]} ({get_column_letter(index + 1)})"


def _refuse(name: str, message: str, row: int | None = None, column: str | None = None) -> None:
    raise TableError([Finding(name, row, column, message)])


def cell_text(value: Any) -> str:
    """A cell as the text an export wrote (numbers without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, filename: str, form_id: str) -> Table:
    """The main table of an export; ``form_id`` picks ODK Central's ``<form id>.csv`` from
    a ZIP that holds several tables. Raises :class:`TableError`."""
    name = PurePosixPath(filename).name or "Datei"
    if len(data) > MAX_FILE_BYTES:
        _refuse(name, f"Die Datei ist größer als {MAX_FILE_BYTES // 1_000_000} MB.")
    if not data.strip():
        _refuse(name, "Die Datei ist leer.")
    if data[:2] == b"PK":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            _refuse(
                name,
                "Die ZIP-Datei ist beschädigt oder unvollständig (z. B. ein abgebrochener "
                "Download). Bitte den Export in ODK Central bzw. KoboToolbox erneut "
                "herunterladen.",
            )
        if sum(m.file_size for m in members) > MAX_TABLE_BYTES:
            _refuse(name, "Die ZIP-Datei entpackt sich zu mehr als 100 MB.")
        names = {m.filename for m in members}
        if "xl/workbook.xml" in names:
            return _read_xlsx(data, name)
        return _read_central_zip(archive, name, form_id)
    return _read_csv(data, name, "csv")


def _read_central_zip(archive: zipfile.ZipFile, name: str, form_id: str) -> Table:
    tables = [
        m.filename
        for m in archive.infolist()
        if m.filename.lower().endswith(".csv") and "/" not in m.filename.strip("/")
    ]
    if not tables:
        _refuse(
            name,
            "Die ZIP-Datei enthält keine CSV-Tabelle. Erwartet wird der Export aus ODK Central "
            "(»Herunterladen« → CSV) mit der Datei <Formular-ID>.csv.",
        )
    wanted = f"{form_id}.csv"
    # repeat tables are <form id>-<repeat>.csv; the main table is the shortest name
    main = wanted if wanted in tables else min(tables, key=lambda t: (len(t), t))
    try:
        data = archive.read(main)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError):  # fmt: skip
        _refuse(
            name,
            f"Die Tabelle {main} in der ZIP-Datei ist beschädigt (Prüfsumme falsch oder Datei "
            "unvollständig). Bitte den Export erneut herunterladen.",
        )
    table = _read_csv(data, main, "central-zip")
    table.csv_names = tuple(sorted(tables))
    return table


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, field index) of byte ``offset`` in a CSV whose header uses one of the
    usual delimiters (approximate for fields that span lines)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    before = data[line_start:offset]
    header = data.split(b"\n", 1)[0]
    sep = max(DELIMITERS, key=lambda d: header.count(d.encode()))
    return line, before.count(sep.encode())


def _read_csv(data: bytes, name: str, kind: str) -> Table:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, field = _position(data, exc.start)
        header = data.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
        sep = max(DELIMITERS, key=header.count)
        names = next(csv.reader([header], delimiter=sep), [])
        column = (
            f"{names[field]} ({get_column_letter(field + 1)})"
            if field < len(names)
            else get_column_letter(field + 1)
        )
        byte = data[exc.start]
        _refuse(
            name,
            f"Das Zeichen 0x{byte:02X} ist kein UTF-8: die Datei wurde in einer anderen "
            "Kodierung gespeichert (z. B. Windows-1252, wenn ein Tabellenprogramm sie neu "
            "gespeichert hat). Bitte die unveränderte Exportdatei aus ODK Central bzw. "
            "KoboToolbox verwenden (oder als »CSV UTF-8« speichern).",
            line,
            column,
        )
    first = text.split("\n", 1)[0].rstrip("\r")
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([first], delimiter=d), [])))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    numbers: list[int] = []
    headers: list[str] = []
    problems: list[Finding] = []
    try:
        for record in reader:
            if not headers:
                headers = [h.strip() for h in record]
                continue
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num
            if len(record) != len(headers):
                problems.append(
                    Finding(
                        name,
                        line,
                        None,
                        f"Die Zeile hat {len(record)} Felder, die Kopfzeile {len(headers)}: die "
                        "Datei ist unvollständig oder wurde mit einem anderen Trennzeichen "
                        "gespeichert.",
                    )
                )
                continue
            rows.append([cell.strip() for cell in record])
            numbers.append(line)
    except csv.Error as exc:
        _refuse(name, f"Die CSV-Datei lässt sich nicht lesen ({exc}).", reader.line_num)
    if problems:
        raise TableError(problems)
    if not headers:
        _refuse(name, "Die Datei hat keine Kopfzeile.")
    return Table(name, kind, headers, rows, numbers, delimiter)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}
"""Built-in number formats that show a date or time (ECMA-376, 18.8.30)."""
_INTEGER = re.compile(r"-?\d{1,15}")


class _Broken(Exception):
    """The workbook's parts are missing or malformed."""


def _xml(archive: zipfile.ZipFile, part: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(archive.read(part), parser)
    except KeyError as exc:
        raise _Broken(part) from exc


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = _xml(archive, "xl/sharedStrings.xml")
    # a string is its <t>, or the <t> of each rich-text run (<rPh>: phonetic hints, left out)
    return ["".join(si.xpath("m:t/text() | m:r/m:t/text()", namespaces={"m": _MAIN[1:-1]}))
            for si in root.iter(f"{_MAIN}si")]  # fmt: skip


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles that show numbers as dates."""
    from openpyxl.styles.numbers import is_date_format

    if "xl/styles.xml" not in archive.namelist():
        return set()
    root = _xml(archive, "xl/styles.xml")
    custom = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")
    }
    dates = {i for i, code in custom.items() if is_date_format(code)} | _DATE_FORMATS
    xfs = root.find(f"{_MAIN}cellXfs")
    return {
        k for k, xf in enumerate(xfs if xfs is not None else [])
        if int(xf.get("numFmtId", "0")) in dates
    }  # fmt: skip


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(title, part name) of the workbook's first sheet."""
    sheet = _xml(archive, "xl/workbook.xml").find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        raise _Broken("xl/workbook.xml")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    target = next((r.get("Target") for r in rels if r.get("Id") == sheet.get(_RID)), None)
    if not target:
        raise _Broken("xl/_rels/workbook.xml.rels")
    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return str(sheet.get("name") or "Tabelle1"), part


def _value(kind: str | None, style: int, text: str, strings: list[str], dates: set[int]) -> str:
    """A cell's text from its type (``t``), style (``s``) and raw text."""
    if kind in ("inlineStr", "str", "e") or not text:
        return text.strip()
    if kind == "s":
        return strings[int(text)].strip()
    if kind == "b":
        return "1" if text == "1" else "0"
    if style in dates:
        from openpyxl.utils.datetime import from_excel

        return cell_text(from_excel(float(text)))
    if _INTEGER.fullmatch(text):
        return text
    return cell_text(float(text))


def _sheet_rows(
    xml: bytes, strings: list[str], dates: set[int]
) -> list[tuple[int, dict[int, str]]]:
    """(row number, column index -> text) of every row of a worksheet part.

    A streaming expat parser that builds no element objects: a Kobo export of 1,000
    interviews (82,000 cells) reads in about 0.5 s, openpyxl's read-only reader takes 2.5
    times as long (measured on a loaded two-core machine). A document type declaration
    (never part of a workbook, the door to entity expansion) is refused."""
    from xml.parsers import expat

    from openpyxl.utils import column_index_from_string

    out: list[tuple[int, dict[int, str]]] = []
    cells: dict[int, str] = {}
    columns: dict[str, int] = {}
    text: list[str] = []
    row, col, kind, style, reading, phonetic = 0, 0, None, 0, False, 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, kind, style, reading, phonetic
        if name == "c":  # the most frequent element first
            letters = attrs.get("r", "").rstrip("0123456789")
            col = columns.get(letters, -2)
            if col == -2:
                col = columns[letters] = column_index_from_string(letters) - 1 if letters else -1
            if col < 0:
                col = len(cells)
            kind, style = attrs.get("t"), int(attrs.get("s") or 0)
            text.clear()
        elif name == "v" or (name == "t" and not phonetic):
            reading = True
        elif name == "row":
            row = int(attrs.get("r") or row + 1)
            cells.clear()
        elif name == "rPh":
            phonetic += 1

    def end(name: str) -> None:
        nonlocal reading, phonetic
        if name == "v" or name == "t":
            reading = False
        elif name == "c":
            cells[col] = _value(kind, style, "".join(text), strings, dates)
        elif name == "row":
            out.append((row, dict(cells)))
        elif name == "rPh":
            phonetic -= 1

    def data(chunk: str) -> None:
        if reading:
            text.append(chunk)

    def refuse(*_: Any) -> None:
        raise _Broken("document type declaration")

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.buffer_text = True
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise _Broken(str(exc)) from exc
    return out


def _read_xlsx(data: bytes, name: str) -> Table:
    """The first sheet, read straight from the workbook's parts: what openpyxl reads
    (values the program last computed, dates by the cell's number format;
    ``tests/xlsform/test_submission_tables.py`` compares the two), faster
    (:func:`_sheet_rows`); the small parts through lxml without entity expansion or network
    access."""
    from lxml import etree

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        strings = _shared_strings(archive)
        dates = _date_styles(archive)
        sheet, part = _first_sheet(archive)
        parsed = _sheet_rows(archive.read(part), strings, dates)
    except (_Broken, etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, KeyError, IndexError,
            ValueError, OSError, EOFError, RuntimeError, NotImplementedError):  # fmt: skip
        _refuse(name, "Die Excel-Datei (XLSX) ist beschädigt und lässt sich nicht lesen.")
    headers: list[str] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    for r, cells in parsed:
        if not headers:
            width = max(cells, default=-1) + 1
            headers = [cells.get(i, "") for i in range(width)]
            while headers and not headers[-1]:
                headers.pop()
            continue
        values = [cells.get(i, "") for i in range(len(headers))]
        if any(values):
            rows.append(values)
            numbers.append(r)
    if not headers:
        _refuse(name, f"Das erste Tabellenblatt ({sheet}) hat keine Kopfzeile.")
    return Table(sheet, "xlsx", headers, rows, numbers)
