"""Export tables as CSV (German Excel) and XLSX, with spreadsheet formulas neutralised.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would
be read as a formula by Excel/LibreOffice (CSV injection, OWASP). Such text is prefixed
with an apostrophe, which the spreadsheet shows as plain text. Numbers are left as
numbers (a negative number is not text and is safe). CSV: UTF-8 with BOM, ";" as
separator and "," as decimal mark, as German Excel expects. XLSX: openpyxl, every sheet
neutralised the same way, all cells written as values; optionally with Excel number
formats per column heading (``{"Anteil": "0 %"}``), columns sized to their content and
the heading row frozen.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """``value`` unchanged unless it is text starting a formula; then ``"'" + value``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and text column name) neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(neutralise_cell)
        elif isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object).map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for German Excel: utf-8-sig, ";" separator, "," decimals, formulas neutralised."""
    text = neutralise_frame(frame).to_csv(index=False, sep=";", decimal=",")
    return text.encode("utf-8-sig")


MAX_WIDTH = 60


def to_xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame] | pd.DataFrame,
    number_formats: Mapping[str, str] | None = None,
    readable: bool = False,
) -> bytes:
    """An XLSX workbook (one sheet per entry, names cut to Excel's 31 characters).

    ``number_formats``: Excel number format per column heading, on every sheet with that
    column. ``readable``: columns as wide as their content (at most :data:`MAX_WIDTH`
    characters, longer text wraps) and the heading row frozen."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {"Daten": sheets}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            clean = neutralise_frame(frame)
            for column in clean.columns:  # Excel has no time zones
                if isinstance(clean[column].dtype, pd.DatetimeTZDtype):
                    clean[column] = clean[column].dt.tz_localize(None)
            clean.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            _format(sheet, clean, number_formats or {}, readable)
    return buffer.getvalue()


def _format(sheet, frame: pd.DataFrame, number_formats: Mapping[str, str], readable: bool):  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for i, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        fmt = number_formats.get(str(column))
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        if readable:
            longest = max([len(str(column)), *(len(str(v)) for v in frame[column])], default=8)
            sheet.column_dimensions[letter].width = min(MAX_WIDTH, longest + 2)
            if longest > MAX_WIDTH:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if readable:
        sheet.freeze_panes = "A2"
