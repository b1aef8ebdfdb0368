"""Results rows as German display tables: formatted strings, suppressed cells as "·".

Pure formatting, no statistics: shares as "34 %" with CIs "27–42 %", proportion-point
differences as "+12" / "−5" (points), scale means as "4,5" (one decimal); ``n`` with a
thousands separator. Every value of a suppressed row (estimate, CI, n) is shown as
:data:`analysis.results.SUPPRESSED_MARK`, the explanation is :data:`SUPPRESSION_NOTE`.

:func:`export_table` is the same for a spreadsheet a guide hands on: German headings and
labels, numbers kept as numbers (for the workbook's number formats, :data:`EXCEL_FORMATS`),
intervals as text and the reason for a hidden value in words. :func:`month_label` names a
"YYYY-MM" month in German.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from babel.dates import get_month_names
from babel.numbers import format_decimal

from analysis.disclosure import MIN_CELL
from analysis.findings import LOCALE, format_share, format_share_ci
from analysis.results import SUPPRESSED_MARK, TOTAL_GROUP_VAR

AUDIENCE_LABELS = {
    "newcomer": "Zugewanderte",
    "volunteer": "Ehrenamtliche",
    "administration": "Verwaltung",
}
"""German names of the three audiences in tables (columns of the count tables)."""
SUPPRESSION_NOTE = (
    f"„{SUPPRESSED_MARK}“: weniger als {MIN_CELL} Antworten (oder rückrechenbar aus einer "
    "Summe) – aus Datenschutzgründen nicht ausgewiesen."
)
KINDS = ("share", "points", "mean", "median")
VALUE_HEADINGS = {
    "share": "Anteil",
    "points": "Differenz (Prozentpunkte)",
    "mean": "Mittelwert",
    "median": "Median",
}
INTERVAL_HEADING = "95-%-Konfidenzintervall"
NOTE_HEADING = "Hinweis"
SUPPRESSED_HINT = f"nicht ausgewiesen: weniger als {MIN_CELL} Antworten (Datenschutz)"
EXCEL_FORMATS = {
    "Anteil": "0 %",
    "Differenz (Prozentpunkte)": "+0;-0;0",
    "Mittelwert": "0.0",
    "Median": "0.0",
    "n": "#,##0",
}
"""Excel number formats of :func:`export_table`'s value columns (shown as "87 %", "+12")."""


def format_value(x: float, kind: str = "share") -> str:
    """One estimate in German notation (see module docstring); NaN -> ""."""
    if pd.isna(x):
        return ""
    if kind == "share":
        return format_share(x, LOCALE)
    if kind == "points":
        points = round(x * 100)
        text = format_decimal(abs(points), format="#,##0", locale=LOCALE)
        return ("+" if points > 0 else "−" if points < 0 else "±") + text
    if kind in ("mean", "median"):
        return format_decimal(x, format="#,##0.0", locale=LOCALE)
    raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")


def format_interval(lo: float, hi: float, kind: str = "share") -> str:
    if pd.isna(lo) or pd.isna(hi):
        return ""
    if kind == "share":
        return format_share_ci(lo, hi, LOCALE)
    return f"{format_value(lo, kind)} bis {format_value(hi, kind)}"


def format_count(n: object) -> str:
    if n is None or pd.isna(n):  # type: ignore[arg-type]
        return ""
    return format_decimal(int(n), format="#,##0", locale=LOCALE)  # type: ignore[call-overload]


def results_table(
    results: pd.DataFrame,
    level_label: str = "Bereich",
    level_labels: Mapping[str, str] | None = None,
    group_labels: Mapping[str, str] | None = None,
    kind: str = "share",
    extra: Sequence[tuple[str, ...]] = (),
) -> pd.DataFrame:
    """A display table of results rows, in their order.

    Columns: ``level_label``, "Gruppe" (only when some row is not a total), "Schätzung",
    "95-%-KI", "n", then ``extra`` columns given as (column in ``results``, heading) -
    copied as text - or (column, heading, kind) - formatted like an estimate. Codes are
    replaced by ``level_labels`` / ``group_labels`` where given.
    """
    level_labels = level_labels or {}
    group_labels = group_labels or {}
    out = pd.DataFrame(index=range(len(results)))
    rows = results.reset_index(drop=True)
    out[level_label] = [level_labels.get(v, v) for v in rows["level"]]
    if (rows["group_var"] != TOTAL_GROUP_VAR).any():
        out["Gruppe"] = [group_labels.get(v, v) for v in rows["group"]]
    hidden = rows["suppressed"].astype(bool).to_numpy()
    estimate = [format_value(x, kind) for x in rows["estimate"]]
    interval = [
        format_interval(lo, hi, kind)
        for lo, hi in zip(rows["ci_low"], rows["ci_high"], strict=True)
    ]
    counts = [format_count(n) for n in rows["n"]]
    out["Schätzung"] = [SUPPRESSED_MARK if h else v for h, v in zip(hidden, estimate, strict=True)]
    out["95-%-KI"] = [SUPPRESSED_MARK if h else v for h, v in zip(hidden, interval, strict=True)]
    out["n"] = [SUPPRESSED_MARK if h else v for h, v in zip(hidden, counts, strict=True)]
    for column, heading, *how in extra:
        values = rows[column] if column in rows else pd.Series([None] * len(rows))
        text = ["" if pd.isna(v) else format_value(v, how[0]) if how else str(v) for v in values]
        out[heading] = [SUPPRESSED_MARK if h else v for h, v in zip(hidden, text, strict=True)]
    return out


def month_label(month: object) -> str:
    """ "2026-03" -> "März 2026"; anything that is not a "YYYY-MM" month unchanged."""
    text = str(month)
    year, _, number = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and number.isdigit() and 1 <= int(number) <= 12):
        return text
    return f"{get_month_names('wide', locale=LOCALE)[int(number)]} {year}"


def _export_value(x: float, kind: str) -> float | None:
    if pd.isna(x):
        return None
    if kind == "share":
        return round(float(x), 4)
    if kind == "points":
        return round(float(x) * 100, 1)
    return round(float(x), 2)


def export_table(
    results: pd.DataFrame,
    level_heading: str,
    level_labels: Mapping[str, str] | None = None,
    group_labels: Mapping[str, Mapping[str, str]] | None = None,
    kind: str | Mapping[str, str] = "share",
    indicator_labels: Mapping[str, str] | None = None,
    group_var_labels: Mapping[str, str] | None = None,
    method_labels: Mapping[str, str] | None = None,
    extra: Sequence[tuple[str, ...]] = (),
) -> pd.DataFrame:
    """A results table for a spreadsheet, in the rows' order.

    Columns: "Kennzahl" (with ``indicator_labels``), "Aufschlüsselung" and "Gruppe" (only
    when some row is not a total; ``group_labels`` per group variable), ``level_heading``,
    one value column per kind (:data:`VALUE_HEADINGS`; ``kind`` for all rows or per
    indicator): shares as fractions 0–1, percentage points and means as numbers;
    :data:`INTERVAL_HEADING` as text ("27–42 %"), "n", then ``extra`` columns
    ((column, heading) copied, booleans as "ja"/"nein"; (column, heading, kind) as a
    value), "Methode" (with ``method_labels``) and "Hinweis". A suppressed row keeps its
    labels, loses every number and says why in "Hinweis".
    """
    level_labels = level_labels or {}
    group_labels = group_labels or {}
    group_var_labels = group_var_labels or {}
    rows = results.reset_index(drop=True)
    hidden = rows["suppressed"].astype(bool).to_numpy()
    kinds = [kind if isinstance(kind, str) else kind.get(ind, "share") for ind in rows["indicator"]]
    out = pd.DataFrame(index=range(len(rows)))
    if indicator_labels is not None:
        out["Kennzahl"] = [indicator_labels.get(i, i) for i in rows["indicator"]]
    if (rows["group_var"] != TOTAL_GROUP_VAR).any():
        out["Aufschlüsselung"] = [group_var_labels.get(g, g) for g in rows["group_var"]]
        out["Gruppe"] = [
            group_labels.get(gv, {}).get(str(g), str(g))
            for gv, g in zip(rows["group_var"], rows["group"], strict=True)
        ]
    out[level_heading] = [level_labels.get(v, v) for v in rows["level"]]
    for k in dict.fromkeys(kinds):
        out[VALUE_HEADINGS[k]] = [
            None if h or rk != k else _export_value(x, k)
            for h, rk, x in zip(hidden, kinds, rows["estimate"], strict=True)
        ]
    out[INTERVAL_HEADING] = [
        "" if h else format_interval(lo, hi, "share" if k == "share" else k)
        for h, k, lo, hi in zip(hidden, kinds, rows["ci_low"], rows["ci_high"], strict=True)
    ]
    out["n"] = [None if h or pd.isna(n) else int(n) for h, n in zip(hidden, rows["n"], strict=True)]
    for column, heading, *how in extra:
        values = rows[column] if column in rows else pd.Series([None] * len(rows))
        if how:
            cells = [
                None if h else _export_value(v, how[0]) for h, v in zip(hidden, values, strict=True)
            ]
        else:
            cells = [
                None
                if h or v is None or (isinstance(v, float) and pd.isna(v))
                else ("ja" if v else "nein")
                if isinstance(v, bool | np.bool_)
                else v
                for h, v in zip(hidden, values, strict=True)
            ]
        out[heading] = cells
    if method_labels is not None:
        out["Methode"] = [method_labels.get(m, m) for m in rows["method"]]
    out[NOTE_HEADING] = [SUPPRESSED_HINT if h else "" for h in hidden]
    return out
