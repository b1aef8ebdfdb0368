"""Response counts for the overview and the report, protected like every other count.

:func:`response_table` counts respondents (with their record keys) per level of one
attribute and audience, with every cell, row total and column total perturbed by its own
cell key (:func:`analysis.disclosure.count_table`): the same group is the same number in
every table, hidden cells cannot be recovered from the totals beside them, and counts
below 5 are shown as "·".
"""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import count_table
from analysis.display import AUDIENCE_LABELS
from analysis.results import SUPPRESSED_MARK
from analysis.tidy import audiences_present

SUPPRESSED = SUPPRESSED_MARK


def response_table(respondents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Published respondents per level of ``by`` × audience (German audience labels as
    columns) plus "Gesamt" per row, and a "Gesamt" row; hidden cells are
    :data:`SUPPRESSED`. ``respondents``: the analysis' respondent frame (with
    ``record_key``)."""
    cells = count_table(respondents, [by, "audience"])
    rows = count_table(respondents, [by])
    columns = count_table(respondents, ["audience"])
    present = audiences_present(respondents)
    audiences = [a for a in AUDIENCE_LABELS if a in present]
    levels = [lv for lv in rows[by] if lv != "Gesamt"]

    def shown(v: float) -> object:
        return SUPPRESSED if pd.isna(v) else int(v)

    table = []
    for lv in [*levels, "Gesamt"]:
        row: dict[str, object] = {by: lv}
        for a in audiences:
            src = columns if lv == "Gesamt" else cells
            hit = src[(src["audience"] == a) & ((src[by] == lv) if lv != "Gesamt" else True)]
            row[AUDIENCE_LABELS[a]] = shown(hit["n"].iloc[0]) if len(hit) else 0
        total = rows[rows[by] == lv]["n"]
        row["Gesamt"] = shown(total.iloc[0]) if len(total) else 0
        table.append(row)
    return pd.DataFrame(table, columns=[by, *[AUDIENCE_LABELS[a] for a in audiences], "Gesamt"])
