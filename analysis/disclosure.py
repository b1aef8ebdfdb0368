"""Disclosure control for the results table: primary and secondary cell suppression.

Rule (documented contract)
--------------------------
Primary suppression
    A row is suppressed when its unweighted base ``n`` is below :data:`MIN_CELL` (5) or
    unknown. Optionally (``min_count``) also when the unweighted numerator ``count`` is
    between 1 and ``min_count - 1`` (use for frequency tables of sensitive items).

Secondary (complementary) suppression
    Cells that add up to a displayed total form a *line*: a linear equation
    ``total = cell_1 + ... + cell_k``. If exactly one member of a line (a cell or its
    total) is hidden, it can be recovered by subtraction. The rule is therefore:
    **every line has either no hidden member or at least two**. Whenever a line has
    exactly one hidden member, the displayed member with the smallest ``n`` (cells before
    the total; ties broken by position) is hidden as well; this is repeated until no line
    has exactly one hidden member (suppressing can create new singletons in crossing
    lines, so it iterates to a fixed point; it terminates because cells are only ever
    added).

    In the results table a line is, for one ``indicator`` and ``level`` and one breakdown
    ``group_var``, the set of its group rows plus the total row (``group_var == "all"``)
    of the same indicator and level. Counts and bases of a group_var's levels (including
    "keine Angabe") add up to the total. The line is enforced even when the total row is
    absent (it may be published elsewhere) - conservative. Respondents with a missing
    attribute that are not shown as their own group are ignored (treated as known),
    which is also conservative.

    Not covered: attacks combining several lines algebraically beyond single
    subtraction, and interval (bounds) attacks. With at least two hidden cells per line
    and small cell counts these reveal at most ranges.

Redaction
    With ``redact=True`` (default) every numeric value of a suppressed row is set to
    NaN / <NA>, so a suppressed estimate cannot leak through an export. Displays show
    suppressed cells as "·" (:func:`analysis.results.pivot_for_display`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.results import TOTAL_GROUP_VAR, concat_results

MIN_CELL = 5


def secondary_suppression(
    sizes: Sequence[float] | np.ndarray,
    hidden: Sequence[bool] | np.ndarray,
    lines: Iterable[Sequence[int]],
    totals: Sequence[bool] | np.ndarray | None = None,
) -> np.ndarray:
    """Extend ``hidden`` until no line has exactly one hidden member.

    ``sizes``: cell sizes (n) used to choose the complementary cell (smallest first).
    ``lines``: lists of cell positions whose members satisfy one additive equation (a total
    and its parts: include the total's position in the line). ``totals``: marks total cells,
    which are chosen as complement only when no other displayed member is left.
    Returns a new boolean array.
    """
    size = np.asarray(sizes, dtype=float)
    hid = np.asarray(hidden, dtype=bool).copy()
    is_total = np.zeros(hid.size, bool) if totals is None else np.asarray(totals, dtype=bool)
    line_list = [np.asarray(line, dtype=int) for line in lines if len(line) >= 2]
    key = np.where(np.isnan(size), np.inf, size)
    changed = True
    while changed:
        changed = False
        for line in line_list:
            h = hid[line]
            if h.sum() != 1:
                continue
            shown = line[~h]
            order = np.lexsort((shown, key[shown], is_total[shown]))
            hid[shown[order[0]]] = True
            changed = True
    return hid


def singly_hidden_lines(hidden: np.ndarray, lines: Iterable[Sequence[int]]) -> list[int]:
    """Indices of lines with exactly one hidden member (i.e. a recoverable cell)."""
    hid = np.asarray(hidden, dtype=bool)
    return [i for i, line in enumerate(lines) if len(line) >= 2 and hid[list(line)].sum() == 1]


def result_lines(results: pd.DataFrame, indicators: Iterable[str] | None = None) -> list[list[int]]:
    """Additive lines of a results table (positional row indices), see module docstring."""
    df = results.reset_index(drop=True)
    sel = df if indicators is None else df[df["indicator"].isin(list(indicators))]
    totals = sel[sel["group_var"] == TOTAL_GROUP_VAR]
    total_pos: dict[tuple[str, str], list[int]] = {}
    for pos, ind, lev in zip(totals.index, totals["indicator"], totals["level"], strict=True):
        total_pos.setdefault((ind, lev), []).append(int(pos))
    parts = sel[sel["group_var"] != TOTAL_GROUP_VAR]
    lines: list[list[int]] = []
    for (ind, lev, _gv), idx in parts.groupby(
        ["indicator", "level", "group_var"], sort=False
    ).groups.items():
        lines.append([int(i) for i in idx] + total_pos.get((ind, lev), []))
    return lines


def apply_suppression(
    results: pd.DataFrame,
    min_cell: int = MIN_CELL,
    secondary: bool = True,
    redact: bool = True,
    min_count: int | None = None,
    secondary_indicators: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return a copy of ``results`` with ``suppressed`` set by the rule in the module doc.

    Rows already marked suppressed stay suppressed. ``secondary_indicators`` limits the
    secondary step to some indicators (None = all; pass ``()`` for none; use it for
    indicators whose groups do not add up, e.g. differences between audiences).
    """
    df = concat_results([results]) if len(results) else results.copy()
    if not len(df):
        return df
    n = pd.to_numeric(df["n"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    hidden = df["suppressed"].to_numpy(dtype=bool) | np.isnan(n) | (n < min_cell)
    if min_count is not None:
        c = df["count"].to_numpy(dtype=float)
        hidden |= (c > 0) & (c < min_count)
    if secondary:
        inds = None if secondary_indicators is None else list(secondary_indicators)
        if inds is None or inds:
            lines = result_lines(df, inds)
            totals = (df["group_var"] == TOTAL_GROUP_VAR).to_numpy()
            hidden = secondary_suppression(n, hidden, lines, totals)
    df["suppressed"] = hidden
    if redact and hidden.any():
        df = redact_suppressed(df)
    return df


def redact_suppressed(results: pd.DataFrame) -> pd.DataFrame:
    """Blank every numeric value (NaN / <NA>) in suppressed rows; keys and flags stay."""
    df = results.copy()
    mask = df["suppressed"].to_numpy(dtype=bool)
    for col in df.columns:
        if col == "suppressed" or pd.api.types.is_bool_dtype(df[col]):
            continue
        if pd.api.types.is_numeric_dtype(df[col]):
            if isinstance(df[col].dtype, pd.api.extensions.ExtensionDtype):
                df.loc[mask, col] = pd.NA
            else:
                df.loc[mask, col] = np.nan
    return df
