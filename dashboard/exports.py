"""Download buttons: CSV/XLSX from :mod:`analysis.export` (formulas neutralised), each
download recorded in the audit log when the button is pressed."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from analysis.export import to_csv_bytes, to_xlsx_bytes
from bedarfsradar import audit
from bedarfsradar.session import SessionUser
from dashboard import data

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _audit(user: SessionUser, kind: str, filename: str, rows: int) -> None:
    audit.record(
        data.context().db,
        user.municipality_id,
        user.username,
        "export",
        kind=kind,
        file=filename,
        rows=rows,
    )


def download(
    label: str,
    table: pd.DataFrame | Mapping[str, pd.DataFrame],
    filename: str,
    user: SessionUser,
    kind: str,
    key: str,
) -> None:
    """A download of ``table`` as CSV (``.csv``) or XLSX (``.xlsx``, one sheet per entry)."""
    if filename.endswith(".xlsx"):
        payload, mime = to_xlsx_bytes(table), XLSX_MIME
    else:
        assert isinstance(table, pd.DataFrame)
        payload, mime = to_csv_bytes(table), "text/csv"
    rows = len(table) if isinstance(table, pd.DataFrame) else sum(len(t) for t in table.values())
    st.download_button(
        label,
        payload,
        file_name=filename,
        mime=mime,
        key=key,
        on_click=_audit,
        args=(user, kind, filename, rows),
    )
