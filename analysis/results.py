"""The long results table every chart, dashboard number and report slide reads.

One row per (indicator, group_var, group, level). Columns (see :data:`RESULT_COLUMNS`):

============  =======  ==================================================================
column        dtype    meaning
============  =======  ==================================================================
indicator     str      what is estimated, e.g. ``"need_prevalence"``
group_var     str      respondent attribute the table is broken down by, ``"all"`` for totals
group         str      level of ``group_var``; ``"Gesamt"`` for totals, ``"keine Angabe"``
                       for respondents who did not answer the attribute
level         str      the thing measured, e.g. a need-area code; ``""`` when not applicable
n             Int64    unweighted base (respondents in the denominator)
count         Float64  unweighted numerator where the estimate is a share (else NaN)
n_weighted    float    weighted base (sum of weights; equals ``n`` when unweighted)
estimate      float    proportions in [0, 1]; differences in proportion points (-1..1);
                       means on the item's own scale
ci_low        float    lower confidence limit (same unit as ``estimate``)
ci_high       float    upper confidence limit
method        str      estimator / interval method, e.g. ``"wilson"``, ``"newcombe"``
suppressed    bool     True when the cell must not be shown (see :mod:`analysis.disclosure`)
p_value       float    optional, NaN when not a test result
p_adjusted    float    optional, Benjamini-Hochberg adjusted p-value
effect_size   float    optional (Cramér's V, rank-biserial r, ...)
============  =======  ==================================================================

Modules may append further columns (e.g. ``rank``, ``flag``); :func:`concat_results` keeps
them. Confidence level is 95 % throughout unless a function says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

TOTAL_GROUP_VAR = "all"
TOTAL_GROUP = "Gesamt"
MISSING_GROUP = "keine Angabe"
SUPPRESSED_MARK = "·"

RESULT_COLUMNS: tuple[str, ...] = (
    "indicator",
    "group_var",
    "group",
    "level",
    "n",
    "count",
    "n_weighted",
    "estimate",
    "ci_low",
    "ci_high",
    "method",
    "suppressed",
    "p_value",
    "p_adjusted",
    "effect_size",
)

_DTYPES: dict[str, str] = {
    "indicator": "object",
    "group_var": "object",
    "group": "object",
    "level": "object",
    "n": "Int64",
    "count": "float64",
    "n_weighted": "float64",
    "estimate": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
    "method": "object",
    "suppressed": "bool",
    "p_value": "float64",
    "p_adjusted": "float64",
    "effect_size": "float64",
}

KEY_COLUMNS: tuple[str, ...] = ("indicator", "group_var", "group", "level")


def empty_results() -> pd.DataFrame:
    """Return an empty results table with the canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in RESULT_COLUMNS})


def make_results(**columns: Sequence | np.ndarray | pd.Series | object) -> pd.DataFrame:
    """Build a results table from column arrays/scalars, filling optional columns.

    Missing optional columns are filled with NaN (numeric), ``""`` (level) or False
    (suppressed). Extra columns are kept after the canonical ones.
    """
    lengths = [
        len(v)
        for v in columns.values()
        if isinstance(v, Sequence | np.ndarray | pd.Series) and not isinstance(v, str)
    ]
    n_rows = max(lengths) if lengths else 1
    data: dict[str, object] = {}
    for c in RESULT_COLUMNS:
        if c in columns:
            data[c] = _column(columns[c], _DTYPES[c], n_rows)
        elif c == "level":
            data[c] = _column("", "object", n_rows)
        elif c == "suppressed":
            data[c] = np.zeros(n_rows, dtype=bool)
        elif c in ("indicator", "group_var", "group", "method"):
            raise ValueError(f"results need column {c!r}")
        elif c == "n_weighted" and "n" in columns:
            data[c] = np.asarray(columns["n"], dtype=float) if n_rows else np.zeros(0)
        else:
            data[c] = np.full(n_rows, np.nan)
    for c, v in columns.items():
        if c not in data:
            data[c] = v.to_numpy() if isinstance(v, pd.Series) else v
    df = pd.DataFrame(data, index=pd.RangeIndex(n_rows), copy=False)
    if all(_canonical(data[c], _DTYPES[c]) for c in RESULT_COLUMNS):
        return df  # columns in order, each in its dtype: nothing to convert
    return _coerce(df)


def _canonical(value: object, dtype: str) -> bool:
    """True when a column array is already what the results table holds."""
    if dtype == "object":
        return isinstance(value, pd.Series) and value.dtype == np.dtype(object)
    if dtype == "Int64":
        return isinstance(value, pd.arrays.IntegerArray) and value.dtype == pd.Int64Dtype()
    return isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype == np.dtype(dtype)


def _column(value: object, dtype: str, n_rows: int) -> object:
    """One canonical column, already in its dtype where that is cheap (arrays), so the frame
    needs no conversion; other values are converted by :func:`_coerce`."""
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if dtype == "object":
        if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
            arr = np.empty(n_rows, dtype=object)
            arr[:] = value
            return pd.Series(arr, dtype=object, copy=False)
        return pd.Series(np.asarray(value, dtype=object), dtype=object, copy=False)
    if isinstance(value, np.ndarray) and value.ndim == 1:
        kind = value.dtype.kind
        if dtype == "float64" and kind in "fiub":
            return value.astype(np.float64, copy=False)
        if dtype == "Int64" and kind in "fiu":
            return pd.array(np.asarray(value, dtype="float64").round(), dtype="Int64")
    return value


def _coerce(df: pd.DataFrame) -> pd.DataFrame:
    dtypes = df.dtypes
    for c in RESULT_COLUMNS:
        if c not in dtypes.index:
            df[c] = empty_results()[c]
            continue
        want = _DTYPES[c]
        have = dtypes[c]
        if want == "object":
            if have != np.dtype(object):
                df[c] = df[c].astype(object)
        elif want == "Int64":
            if not isinstance(have, pd.Int64Dtype):
                df[c] = pd.array(np.asarray(df[c], dtype="float64").round(), dtype="Int64")
        elif want == "bool":
            if have != np.dtype(bool):
                df[c] = df[c].fillna(False).astype(bool)
        elif have != np.float64:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    if (
        list(df.columns[: len(RESULT_COLUMNS)]) == list(RESULT_COLUMNS)
        and isinstance(df.index, pd.RangeIndex)
        and df.index.start == 0
        and df.index.step == 1
    ):
        return df
    extra = [c for c in df.columns if c not in RESULT_COLUMNS]
    return df[list(RESULT_COLUMNS) + extra].reset_index(drop=True)


def concat_results(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate results tables; extra columns are kept (NaN where absent)."""
    frames = [f for f in frames if f is not None and len(f.columns)]
    if not frames:
        return empty_results()
    non_empty = [f for f in frames if len(f)] or frames[:1]
    out = pd.concat(non_empty, ignore_index=True, sort=False)
    return _coerce(out)


def filter_results(df: pd.DataFrame, **criteria: object) -> pd.DataFrame:
    """Rows where every ``column=value`` criterion holds.

    A criterion value that is a list, tuple or set matches any of its members.
    ``filter_results(res, indicator="need_prevalence", group_var="all")``.
    """
    mask = pd.Series(True, index=df.index)
    for col, val in criteria.items():
        if col not in df.columns:
            raise KeyError(f"results table has no column {col!r}")
        if isinstance(val, list | tuple | set | frozenset):
            mask &= df[col].isin(list(val))
        else:
            mask &= df[col] == val
    return df.loc[mask].reset_index(drop=True)


def pivot_for_display(
    df: pd.DataFrame,
    index: str | list[str],
    columns: str | list[str],
    value: str = "estimate",
    fmt: str = "{:.0%}",
) -> pd.DataFrame:
    """Wide table of formatted strings for display; suppressed cells become ``"·"``.

    ``value`` is formatted with ``fmt`` (a ``str.format`` pattern); NaN shows as ``""``.
    Raises ValueError when (index, columns) does not identify rows uniquely.
    """
    idx = [index] if isinstance(index, str) else list(index)
    cols = [columns] if isinstance(columns, str) else list(columns)
    if df.duplicated(idx + cols).any():
        raise ValueError("index/columns do not identify results rows uniquely; filter first")

    def _fmt(row: pd.Series) -> str:
        if bool(row["suppressed"]):
            return SUPPRESSED_MARK
        v = row[value]
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return ""
        return fmt.format(v)

    shown = df[idx + cols].copy()
    shown["_cell"] = df.apply(_fmt, axis=1) if len(df) else pd.Series(dtype=object)
    wide = shown.pivot(index=idx, columns=cols, values="_cell")
    wide.columns.name = None if len(cols) == 1 else wide.columns.names
    return wide
