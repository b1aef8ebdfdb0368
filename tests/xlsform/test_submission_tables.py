"""The export's main table is read as openpyxl reads it: the lean XLSX reader against
openpyxl on workbooks written by xlsxwriter (as KoboToolbox does) and by openpyxl (a file
saved again by a spreadsheet program), with dates, numbers, booleans, gaps and rich text."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import xlsxwriter
from openpyxl import Workbook, load_workbook

from surveys.xlsform._tables import TableError, cell_text, read_table

ROWS = [
    ["name", "zahl", "datum", "ja", "leer", "text"],
    ["uuid:a", 3, datetime(2026, 2, 27, 10, 31, 44), True, None, "Öffnungszeiten"],
    ["uuid:b", 7.5, datetime(2026, 3, 1), False, None, "حسنًا"],
    [None, None, None, None, None, None],
    ["uuid:c", 123456789012, None, None, None, "  mit Leerzeichen  "],
]


def by_openpyxl(data: bytes) -> list[list[str]]:
    ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = [[cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    return [r for r in rows if any(r)]


def with_xlsxwriter(constant_memory: bool) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": constant_memory, "in_memory": True})
    sheet = book.add_worksheet("Einsendungen")
    dates = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    bold = book.add_format({"bold": True})
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, dates)
            elif value is not None:
                sheet.write(r, c, value)
    sheet.write_rich_string(4, 5, "  mit ", bold, "Leerzeichen  ")
    book.close()
    return out.getvalue()


def with_openpyxl() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Einsendungen"
    for row in ROWS:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [with_xlsxwriter(True), with_xlsxwriter(False), with_openpyxl()],
    ids=["kobo-constant-memory", "xlsxwriter", "openpyxl"],
)
def test_the_lean_reader_reads_what_openpyxl_reads(data):
    table = read_table(data, "k.xlsx", "newcomer")
    expected = by_openpyxl(data)
    assert [table.headers, *table.rows] == [r[: len(table.headers)] for r in expected]
    assert table.rows[0][:4] == ["uuid:a", "3", "2026-02-27T10:31:44", "1"]
    assert table.row_numbers == [2, 3, 5]
    assert table.name == "Einsendungen"


def test_a_workbook_with_a_damaged_sheet_is_refused():
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(with_openpyxl()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in source.namelist():
            part = source.read(name)
            z.writestr(name, part[: len(part) // 2] if name.endswith("sheet1.xml") else part)
    with pytest.raises(TableError, match=r"Die Excel-Datei \(XLSX\) ist beschädigt"):
        read_table(out.getvalue(), "k.xlsx", "newcomer")
