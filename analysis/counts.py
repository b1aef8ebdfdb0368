"""Response counts for the overview, with small cells hidden."""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import MIN_CELL

SUPPRESSED = "·"
AUDIENCE_LABELS = {
    "newcomer": "Zugewanderte",
    "volunteer": "Ehrenamtliche",
    "administration": "Verwaltung",
}


def response_overview(counts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Complete responses per ``by`` (campaign, language, …) × audience.

    Input: columns ``audience``, ``by`` and ``n``. Output: one row per level of ``by``,
    one column per audience (German labels) plus "Gesamt"; counts below
    :data:`MIN_CELL` are shown as :data:`SUPPRESSED`, and a row total is hidden as well
    when exactly one of its cells is hidden (so it cannot be recovered by subtraction).
    """
    table = counts.pivot_table(
        index=by, columns="audience", values="n", aggfunc="sum", fill_value=0
    )
    table = table.reindex(columns=[a for a in AUDIENCE_LABELS if a in table.columns])
    table["Gesamt"] = table.sum(axis=1)
    shown = table.astype(object)
    for idx, row in table.iterrows():
        small = [c for c in AUDIENCE_LABELS if c in row.index and 0 < row[c] < MIN_CELL]
        for c in small:
            shown.loc[idx, c] = SUPPRESSED
        if len(small) == 1 or 0 < row["Gesamt"] < MIN_CELL:
            shown.loc[idx, "Gesamt"] = SUPPRESSED
    shown = shown.rename(columns=AUDIENCE_LABELS).reset_index()
    return shown
