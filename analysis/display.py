"""Results rows as German display tables: formatted strings, suppressed cells as "·".

Pure formatting, no statistics: shares as "34 %" with CIs "27–42 %", proportion-point
differences as "+12" / "−5" (points), scale means as "4,5" (one decimal); ``n`` with a
thousands separator. Every value of a suppressed row (estimate, CI, n) is shown as
:data:`analysis.results.SUPPRESSED_MARK`, the explanation is :data:`SUPPRESSION_NOTE`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from babel.numbers import format_decimal

from analysis.disclosure import MIN_CELL
from analysis.findings import LOCALE, format_share, format_share_ci
from analysis.results import SUPPRESSED_MARK, TOTAL_GROUP_VAR

SUPPRESSION_NOTE = (
    f"„{SUPPRESSED_MARK}“: weniger als {MIN_CELL} Antworten (oder rückrechenbar aus einer "
    "Summe) – aus Datenschutzgründen nicht ausgewiesen."
)
KINDS = ("share", "points", "mean")


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
    if kind == "mean":
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
