"""Do groups differ? One test per level of an indicator across the groups of a breakdown.

For each level (e.g. need area) of ``indicator`` the unweighted counts of the groups of
``group_var`` form a groups x (yes, no) table, tested with
:func:`analysis.stats.association_test` (Fisher's exact test for a 2 x 2 table with a small
expected count, else Pearson's chi-square; effect size Cramér's V). P-values are adjusted
across the levels with Benjamini-Hochberg; ``significant`` = adjusted p < ``fdr``.

Input: an **unsuppressed** results table (counts are needed; suppression happens for
display afterwards - a test across all groups reveals no single small cell). The group
"keine Angabe" is left out, and groups with n = 0. Weights are ignored (unweighted test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.results import MISSING_GROUP
from analysis.stats import association_test, benjamini_hochberg

DIFFERENCE_COLUMNS = [
    "level",
    "n_groups",
    "p_value",
    "p_adjusted",
    "effect_size",
    "method",
    "significant",
]


def group_differences(
    results: pd.DataFrame, indicator: str, group_var: str, fdr: float = 0.05
) -> pd.DataFrame:
    """One row per level: columns :data:`DIFFERENCE_COLUMNS` (see module docstring)."""
    rows = results[
        (results["indicator"] == indicator)
        & (results["group_var"] == group_var)
        & (results["group"] != MISSING_GROUP)
    ]
    if (rows["count"].isna() & (rows["n"].fillna(0) > 0)).any():
        raise ValueError("group_differences needs unsuppressed counts")
    out = []
    for level, g in rows.groupby("level", sort=False, observed=True):
        n = g["n"].astype(float).to_numpy()
        count = g["count"].astype(float).fillna(0).to_numpy()
        keep = n > 0
        table = np.column_stack([count[keep], n[keep] - count[keep]])
        test = association_test(table)
        out.append([level, int(keep.sum()), test.p_value, test.effect_size, test.method])
    frame = pd.DataFrame(out, columns=["level", "n_groups", "p_value", "effect_size", "method"])
    frame["p_adjusted"] = benjamini_hochberg(frame["p_value"].to_numpy(dtype=float))
    frame["significant"] = frame["p_adjusted"] < fdr
    return frame[DIFFERENCE_COLUMNS]
